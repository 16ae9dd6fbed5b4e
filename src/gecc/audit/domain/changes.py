"""Reading an audit entry: which fields changed, in words a person can check."""

import json
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst

# Keys of an entry's data that hold the before/after values of the changed fields.
CHANGE_KEYS = ("before", "after")
MISSING = object()  # a field absent from one side (created or removed)
SUMMARY_FIELDS = 3
SUMMARY_VALUE_LENGTH = 40


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: object
    after: object

    @property
    def changed(self) -> bool:
        return self.before != self.after

    @property
    def before_text(self) -> str:
        return display_value(self.before)

    @property
    def after_text(self) -> str:
        return display_value(self.after)


def display_value(value) -> str:
    """A stored JSON value as text: strings as they are, everything else as JSON."""
    if value is MISSING or value is None:
        return "—"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _side(data, key):
    value = (data or {}).get(key)
    return value if isinstance(value, dict) else {}


def field_label(model, name) -> str:
    """The verbose name of ``model``'s field ``name``, else the name itself."""
    if model is None:
        return name
    try:
        return str(capfirst(model._meta.get_field(name).verbose_name))
    except (FieldDoesNotExist, AttributeError):
        return name


def field_changes(data, model=None) -> list[FieldChange]:
    """Every field named in ``before`` or ``after``, by name (PostgreSQL's jsonb does not
    keep the order in which keys were written, so the order is made explicit)."""
    before, after = _side(data, "before"), _side(data, "after")
    names = sorted(set(before) | set(after))
    return [
        FieldChange(field=name, label=field_label(model, name),
                    before=before.get(name, MISSING), after=after.get(name, MISSING))
        for name in names
    ]


def extra_data(data) -> dict:
    """What the entry recorded besides before/after."""
    return {key: value for key, value in (data or {}).items() if key not in CHANGE_KEYS}


def _short(value) -> str:
    text = display_value(value)
    if len(text) > SUMMARY_VALUE_LENGTH:
        return text[: SUMMARY_VALUE_LENGTH - 1] + "…"
    return text


def summarize(data) -> str:
    """One line for a list: ``status: draft → submitted; name: A → B (+2)``."""
    parts = []
    changes = [change for change in field_changes(data) if change.changed]
    for change in changes[:SUMMARY_FIELDS]:
        if change.before is MISSING:
            parts.append(f"{change.field}: {_short(change.after)}")
        elif change.after is MISSING:
            parts.append(f"{change.field}: {_short(change.before)} → —")
        else:
            parts.append(f"{change.field}: {_short(change.before)} → {_short(change.after)}")
    summary = "; ".join(parts)
    if len(changes) > SUMMARY_FIELDS:
        summary += f" (+{len(changes) - SUMMARY_FIELDS})"
    if not summary:
        extra = extra_data(data)
        summary = "; ".join(f"{key}: {_short(value)}" for key, value in list(extra.items())[:2])
    return summary


def object_type_label(content_type) -> str:
    """``Service unit``: the readable name of an entry's object type."""
    if content_type is None:
        return ""
    model = content_type.model_class()
    if model is None:
        return f"{content_type.app_label}.{content_type.model}"
    return str(capfirst(model._meta.verbose_name))
