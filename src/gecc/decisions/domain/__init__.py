"""The decisions app's domain: meetings and decisions (``meetings``, ``decisions``), the
hook for the apps above (``hooks``); appeals and complaints in their own modules."""

from gecc.decisions.domain.decisions import (
    appeal_deadline,
    approve_as_proposed,
    change_decision_on_appeal,
    correct_decision,
    decidable_applications,
    record_decision,
)
from gecc.decisions.domain.meetings import close_meeting, create_meeting, update_meeting

__all__ = [
    "appeal_deadline",
    "approve_as_proposed",
    "change_decision_on_appeal",
    "close_meeting",
    "correct_decision",
    "create_meeting",
    "decidable_applications",
    "record_decision",
    "update_meeting",
]
