from .evidence_file import EvidenceFile, current_evidence_prefetch, evidence_upload_to

__all__ = ["EvidenceFile", "current_evidence_prefetch", "evidence_upload_to"]
