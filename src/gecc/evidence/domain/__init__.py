"""Evidence files: checking uploads (``files``) and every change to stored files
(``evidence``)."""

from .evidence import add_evidence, carry_forward, remove_evidence, replace_evidence
from .files import EvidenceRejected, detect_type, prepare_upload

__all__ = ["EvidenceRejected", "add_evidence", "carry_forward", "detect_type",
           "prepare_upload", "remove_evidence", "replace_evidence"]
