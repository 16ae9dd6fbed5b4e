"""Audit titles, field labels and outbox event labels of members' own sheets and sync."""

from django.utils.translation import pgettext_lazy


def _action(text):
    return pgettext_lazy("audit action", text)


def _field(text):
    return pgettext_lazy("audit field", text)


ACTION_LABELS = {
    "scoring.synced": _action("Scores synchronised from a device"),
    "scoring.sheet_submitted": _action("Score sheet submitted"),
    "scoring.sheet_reopened": _action("Score sheet reopened"),
}

FIELD_LABELS = {
    "device": _field("Device"),
    "counts": _field("Changes by outcome"),
    "applications": _field("Applications"),
    "items": _field("Items scored"),
}

EVENT_LABELS = {
    "scoring.sheet_reopened": _action("Score sheet reopened"),
}
