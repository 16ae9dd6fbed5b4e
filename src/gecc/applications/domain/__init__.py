"""Applications domain: every change to an application, its answers and its review.

Import order inside: items, errors, transitions → answers, renewal, review → applications.
"""

from .answers import (
    AssessmentState,
    CategoryProgress,
    MissingItem,
    assessment_state,
    confirm_answer,
    missing_items,
    progress_by_category,
    save_answer,
)
from .applications import (
    BulkOutcome,
    accept_for_site_visit,
    bulk_accept,
    create_application,
    previous_application_for,
    reject,
    resubmit,
    return_for_correction,
    submit_application,
    withdraw,
)
from .editing import can_edit, can_withdraw, edit_refusal, refusal_message
from .errors import ConcurrentEditError, TransitionNotAllowed
from .items import items_for_unit_type
from .receipts import build_manifest, changes_since_return, content_hash, record_submission
from .renewal import certified_application_for, confirm_all_unchanged
from .review import add_review_comment, record_screening, resolve_comment, screening_complete
from .transitions import TRANSITIONS, allowed_actions, can, next_state

__all__ = [
    "certified_application_for", "confirm_all_unchanged",
    "TRANSITIONS", "AssessmentState", "BulkOutcome", "CategoryProgress",
    "ConcurrentEditError", "MissingItem", "TransitionNotAllowed", "accept_for_site_visit",
    "add_review_comment", "allowed_actions", "assessment_state",
    "build_manifest", "bulk_accept", "can", "can_edit", "can_withdraw", "changes_since_return",
    "confirm_answer", "content_hash", "edit_refusal", "record_submission", "refusal_message", "create_application", "items_for_unit_type",
    "missing_items", "next_state", "previous_application_for", "progress_by_category",
    "record_screening", "reject", "resolve_comment", "resubmit", "return_for_correction",
    "save_answer", "screening_complete", "submit_application", "withdraw",
]
