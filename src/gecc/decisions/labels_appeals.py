"""Audit titles, field labels and outbox event labels of appeals (merged by
``gecc.decisions.labels``)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def _action(text):
    return pgettext_lazy("audit action", text)


def _field(text):
    return pgettext_lazy("audit field", text)


ACTION_LABELS = {
    "appeal.filed": _action("Appeal filed"),
    "appeal.received": _action("Appeal receipt recorded"),
    "appeal.reviewer_assigned": _action("Appeal reviewer assigned"),
    "appeal.upheld": _action("Appeal upheld (decision changed)"),
    "appeal.dismissed": _action("Appeal dismissed"),
    "appeal.attachment_downloaded": _action("Appeal attachment downloaded"),
    "appeals.exported": _action("Appeals exported"),
}

FIELD_LABELS = {
    "received_at": _field("Receipt recorded"),
    "reviewer": _field("Reviewer"),
    "review_due": _field("Review due"),
    "outcome_level": _field("Level after the appeal"),
    "outcome_reason": _field("Reason for the outcome"),
    "requested_level": _field("Level asked for"),
}

EVENT_LABELS = {
    "decisions.appeal_filed": _("Appeal filed (to the unit)"),
    "decisions.appeal_received": _("Appeal received (to the unit)"),
    "decisions.appeal_reviewer_assigned": _("Appeal reviewer assigned (to the unit)"),
    "decisions.appeal_decided": _("Appeal outcome (to the unit)"),
}
