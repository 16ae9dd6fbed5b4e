"""Audit action titles, field labels and outbox event labels of the decisions app, merged
from one module per part (``labels_<part>.py``, each with optional ``ACTION_LABELS``,
``FIELD_LABELS`` and ``EVENT_LABELS`` dicts written with ``_action``/``_field`` below)."""

import importlib

from django.utils.translation import pgettext_lazy

PARTS = ("meetings", "report", "appeals", "complaints")


def _action(text):
    return pgettext_lazy("audit action", text)


def _field(text):
    return pgettext_lazy("audit field", text)


ACTION_LABELS, FIELD_LABELS, EVENT_LABELS = {}, {}, {}
for _part in PARTS:
    try:
        _module = importlib.import_module(f"gecc.decisions.labels_{_part}")
    except ModuleNotFoundError as error:
        if error.name != f"gecc.decisions.labels_{_part}":
            raise
        continue
    ACTION_LABELS.update(getattr(_module, "ACTION_LABELS", {}))
    FIELD_LABELS.update(getattr(_module, "FIELD_LABELS", {}))
    EVENT_LABELS.update(getattr(_module, "EVENT_LABELS", {}))
