"""Reading an audit entry: which fields changed, in words a person can check."""

import datetime
import json
import re
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import pgettext

from gecc.audit.labels import FIELD_LABELS, VALUE_LABELS
from gecc.common.thaidate import format_be, format_be_deadline

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
    model: object = None

    @property
    def changed(self) -> bool:
        return self.before != self.after

    @property
    def before_text(self) -> str:
        return display_value(self.before, self.field, self.model)

    @property
    def after_text(self) -> str:
        return display_value(self.after, self.field, self.model)


_ISO_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _choice_label(value, field, model):
    """The label of a stored choice value: the model field's choices, else registered ones."""
    if field is None:
        return None
    choices = None
    if model is not None:
        try:
            choices = model._meta.get_field(field).flatchoices or None
        except (FieldDoesNotExist, AttributeError):
            choices = None
    labels = dict(choices) if choices else VALUE_LABELS.get(field, {})
    try:
        label = labels.get(value)
    except TypeError:  # an unhashable value
        return None
    return str(label) if label is not None else None


def _date_text(text):
    """An ISO date or date-time string as a Buddhist-era date (and time), else None."""
    try:
        if _ISO_DATETIME.match(text):
            moment = datetime.datetime.fromisoformat(text)
            if moment.tzinfo is None:
                moment = timezone.make_aware(moment)
            return format_be_deadline(moment)
        if _ISO_DATE.match(text):
            return format_be(datetime.date.fromisoformat(text))
    except ValueError:
        return None
    return None


def display_value(value, field=None, model=None) -> str:
    """A stored JSON value as people read it: nothing as "—", yes/no, a choice as its label,
    an ISO date or time in the Buddhist era (a date-only deadline as its date), a list
    joined with commas, a mapping as "label: value" pairs; other text as it is."""
    if value is MISSING or value is None:
        return "—"
    if isinstance(value, bool):
        return pgettext("audit value", "Yes") if value else pgettext("audit value", "No")
    label = _choice_label(value, field, model)
    if label is not None:
        return label
    if isinstance(value, str):
        return _date_text(value) or value
    if isinstance(value, list | tuple):
        return ", ".join(display_value(item, field, model) for item in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{field_label(None, key)}: {display_value(item, key)}"
                         for key, item in value.items()) or "—"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _side(data, key):
    value = (data or {}).get(key)
    return value if isinstance(value, dict) else {}


def field_label(model, name) -> str:
    """The verbose name of ``model``'s field ``name``, else the label registered for the
    name (``gecc.audit.labels``), else the name itself."""
    if model is not None:
        try:
            return str(capfirst(model._meta.get_field(name).verbose_name))
        except (FieldDoesNotExist, AttributeError):
            pass
    label = FIELD_LABELS.get(name)
    return str(label) if label is not None else name


def field_changes(data, model=None) -> list[FieldChange]:
    """Every field named in ``before`` or ``after``, by name (PostgreSQL's jsonb does not
    keep the order in which keys were written, so the order is made explicit)."""
    before, after = _side(data, "before"), _side(data, "after")
    names = sorted(set(before) | set(after))
    return [
        FieldChange(field=name, label=field_label(model, name),
                    before=before.get(name, MISSING), after=after.get(name, MISSING),
                    model=model)
        for name in names
    ]


def extra_data(data) -> dict:
    """What the entry recorded besides before/after."""
    return {key: value for key, value in (data or {}).items() if key not in CHANGE_KEYS}


def _short(value, field=None, model=None) -> str:
    text = display_value(value, field, model)
    if len(text) > SUMMARY_VALUE_LENGTH:
        return text[: SUMMARY_VALUE_LENGTH - 1] + "…"
    return text


def extra_items(data, model=None) -> list[tuple[str, str, str]]:
    """What the entry recorded besides before/after, as (name, label, text)."""
    return [(key, field_label(model, key), display_value(value, key, model))
            for key, value in extra_data(data).items()]


def summarize(data, model=None) -> str:
    """One line for a list, in words: ``State: Draft → Submitted; Name: A → B (+2)``."""
    parts = []
    changes = [change for change in field_changes(data, model) if change.changed]
    for change in changes[:SUMMARY_FIELDS]:
        field, label = change.field, change.label
        if change.before is MISSING:
            parts.append(f"{label}: {_short(change.after, field, model)}")
        elif change.after is MISSING:
            parts.append(f"{label}: {_short(change.before, field, model)} → —")
        else:
            parts.append(f"{label}: {_short(change.before, field, model)} → "
                         f"{_short(change.after, field, model)}")
    summary = "; ".join(parts)
    if len(changes) > SUMMARY_FIELDS:
        summary += f" (+{len(changes) - SUMMARY_FIELDS})"
    if not summary:
        extra = extra_data(data)
        summary = "; ".join(f"{field_label(model, key)}: {_short(value, key, model)}"
                            for key, value in list(extra.items())[:2])
    return summary


def entry_model(entry):
    """The model class of an entry's object, or None."""
    content_type = entry.content_type if entry.content_type_id else None
    return content_type.model_class() if content_type is not None else None


def object_type_label(content_type) -> str:
    """``Service unit``: the readable name of an entry's object type."""
    if content_type is None:
        return ""
    model = content_type.model_class()
    if model is None:
        return f"{content_type.app_label}.{content_type.model}"
    return str(capfirst(model._meta.verbose_name))
