"""Audit titles, field labels and outbox event labels of the feedback report (merged by
``gecc.scoring.labels``)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def _action(text):
    return pgettext_lazy("audit action", text)


def _field(text):
    return pgettext_lazy("audit field", text)


ACTION_LABELS = {
    "scoring.feedback_released": _action("Feedback report released to the unit"),
}

FIELD_LABELS = {
    "feedback_released_at": _field("Feedback released"),
}

EVENT_LABELS = {
    "scoring.feedback_released": _("Feedback report sent to the unit"),
}
