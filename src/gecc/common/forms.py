"""Form fields every app needs."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .thaidate import BE_OFFSET, BEDateError, as_local_date, format_be_numeric, parse_be


class BEDateInput(forms.DateInput):
    """A text input that shows dates as ``dd/mm/yyyy`` in the Buddhist era."""

    input_type = "text"

    def __init__(self, attrs=None):
        defaults = {"placeholder": _("dd/mm/yyyy (BE)"), "inputmode": "numeric",
                    "autocomplete": "off", "class": "be-date"}
        super().__init__(attrs={**defaults, **(attrs or {})})

    def format_value(self, value):
        if value is None or isinstance(value, str):
            return value
        return format_be_numeric(value)


class BEDateField(forms.DateField):
    """Reads and writes dates in the Buddhist era: ``08/06/2563`` is stored as 2020-06-08."""

    widget = BEDateInput
    default_error_messages = {
        "invalid": _("Enter a date as day/month/Buddhist-era year, for example 08/06/2563."),
        "ce_year": _(
            "%(year)s looks like a Christian-era year. Enter the Buddhist-era year "
            "(for example %(be_year)s)."
        ),
        "out_of_range": _("The year %(year)s is out of range."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            # An aware datetime is read on the local calendar, like everywhere else.
            return as_local_date(value)
        try:
            return parse_be(str(value))
        except BEDateError as exc:
            params = {"year": exc.year}
            if exc.code == "ce_year" and exc.year:
                params["be_year"] = exc.year + BE_OFFSET
            raise ValidationError(self.error_messages[exc.code], code=exc.code,
                                  params=params) from exc

    def strptime(self, value, format):  # pragma: no cover - to_python handles parsing
        raise NotImplementedError


def local_midnight(day: datetime.date) -> datetime.datetime:
    """The start of ``day`` in the project's time zone (Asia/Bangkok)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min),
                               timezone.get_default_timezone())


class ListFilterForm(forms.Form):
    """Filters above a list, with an optional Buddhist-era date range.

    ``filter(queryset)`` narrows the list; when the filters are invalid it returns nothing,
    so a mistyped date never silently widens a list or an export. Subclasses implement
    ``apply(queryset, data)`` and name the datetime field the dates apply to.
    """

    date_from = BEDateField(label=_("From date"), required=False)
    date_to = BEDateField(label=_("To date"), required=False)
    date_field = None  # e.g. "created_at"

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return cleaned

    @property
    def is_filtered(self) -> bool:
        return self.is_bound and self.is_valid() and any(
            value not in (None, "") for value in self.cleaned_data.values())

    def filter(self, queryset):
        if not self.is_bound:
            return queryset
        if not self.is_valid():
            return queryset.none()
        data = self.cleaned_data
        if data.get("date_from"):
            queryset = queryset.filter(**{f"{self.date_field}__gte": local_midnight(
                data["date_from"])})
        if data.get("date_to"):
            next_day = data["date_to"] + datetime.timedelta(days=1)
            queryset = queryset.filter(**{f"{self.date_field}__lt": local_midnight(next_day)})
        return self.apply(queryset, data)

    def apply(self, queryset, data):
        raise NotImplementedError
