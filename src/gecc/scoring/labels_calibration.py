"""Audit titles and field labels of calibration (merged by ``gecc.scoring.labels``)."""

from django.utils.translation import pgettext_lazy


def _action(text):
    return pgettext_lazy("audit action", text)


def _field(text):
    return pgettext_lazy("audit field", text)


ACTION_LABELS = {
    "scoring.calibration_exported": _action("Calibration exported"),
}
FIELD_LABELS = {
    "z_threshold": _field("Leniency threshold"),
    "level_threshold": _field("Level threshold"),
}
