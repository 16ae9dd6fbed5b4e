"""Forms of the round screens: creating a round and moving its dates.

Dates are entered in the Buddhist era (``08/06/2563``) with a time of day; the form gives
the domain aware datetimes in the project's time zone.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gecc.common.forms import BEDateField, BEDateInput
from gecc.common.thaidate import BE_OFFSET, MAX_BE_YEAR, MIN_BE_YEAR
from gecc.rounds.enums import DATE_FIELDS, PHASE_DATE_FIELDS, RoundPhase, phase_index

DATE_LABELS = {
    "applications_open_at": _("Applications open"),
    "applications_close_at": _("Applications close"),
    "desk_review_end_at": _("Desk review ends"),
    "site_visits_start_at": _("Site visits start"),
    "site_visits_end_at": _("Site visits end"),
    "decision_at": _("Decision"),
    "announcement_at": _("Announcement"),
}
# The time of day a date alone stands for.
DEFAULT_TIMES = {
    "applications_open_at": datetime.time(8, 30),
    "applications_close_at": datetime.time(16, 30),
    "desk_review_end_at": datetime.time(16, 30),
    "site_visits_start_at": datetime.time(8, 30),
    "site_visits_end_at": datetime.time(16, 30),
    "decision_at": datetime.time(9, 0),
    "announcement_at": datetime.time(9, 0),
}


class BEDateTimeWidget(forms.MultiWidget):
    """A Buddhist-era date box and a time box side by side."""

    def __init__(self, attrs=None):
        widgets = (BEDateInput(), forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if value is None:
            return [None, None]
        if isinstance(value, datetime.datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return [value.date(), value.time().replace(second=0, microsecond=0)]
        return [value, None]


class BEDateTimeField(forms.MultiValueField):
    """A date in the Buddhist era plus a time, read as an aware datetime in the current
    time zone. An empty time means ``default_time``."""

    widget = BEDateTimeWidget
    default_error_messages = {
        "incomplete": _("Enter the date."),
        "invalid_time": _("Enter a time such as 08:30."),
    }

    def __init__(self, *, default_time=datetime.time(0, 0), **kwargs):
        self.default_time = default_time
        fields = (BEDateField(), forms.TimeField(
            input_formats=["%H:%M", "%H.%M", "%H:%M:%S"],
            error_messages={"invalid": self.default_error_messages["invalid_time"]}))
        super().__init__(fields, require_all_fields=False, **kwargs)
        self.fields[1].required = False

    def compress(self, data_list):
        if not data_list or data_list[0] in self.empty_values:
            return None
        day = data_list[0]
        moment = data_list[1] if len(data_list) > 1 and data_list[1] is not None \
            else self.default_time
        return timezone.make_aware(datetime.datetime.combine(day, moment))


def date_fields():
    return {name: BEDateTimeField(label=DATE_LABELS[name], required=False,
                                  default_time=DEFAULT_TIMES[name]) for name in DATE_FIELDS}


class RoundDatesMixin:
    """The round's seven dates as form fields; ``dates()`` gives those that were entered."""

    def add_date_fields(self):
        for name, field in date_fields().items():
            self.fields[name] = field

    def dates(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in DATE_FIELDS
                if name in self.fields and not self.fields[name].disabled}

    def date_bound_fields(self):
        return [self[name] for name in DATE_FIELDS if name in self.fields]

    def add_domain_errors(self, error):
        """Put a ``RoundError`` next to the fields it names (or at the top)."""
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                self.add_error(name if name in self.fields else None, messages)
        else:
            self.add_error(None, error.messages)


class RoundCreateForm(RoundDatesMixin, forms.Form):
    year = forms.IntegerField(label=_("Year (B.E.)"),
                              widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                              help_text=_("The Buddhist-era year, for example 2569."))
    name = forms.CharField(label=_("Name"), max_length=255, required=False,
                           help_text=_("Leave empty for “Round <year>”."))
    edition = forms.ModelChoiceField(label=_("Criteria version"), queryset=None,
                                     empty_label=_("Choose a criteria version"))

    def __init__(self, *args, editions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edition"].queryset = editions.select_related("edition")
        self.fields["edition"].label_from_instance = self.edition_label
        self.add_date_fields()

    @staticmethod
    def edition_label(version):
        label = f"{version.name_th} ({version.edition.label} r{version.revision})"
        if version.is_example:
            label += " · " + str(_("example"))
        return label

    def clean_year(self):
        year = self.cleaned_data["year"]
        if MIN_BE_YEAR <= year <= MAX_BE_YEAR:
            return year
        if MIN_BE_YEAR <= year + BE_OFFSET <= MAX_BE_YEAR:
            raise ValidationError(
                _("%(year)s looks like a Christian-era year. Enter the Buddhist-era year "
                  "(for example %(be_year)s)."), code="ce_year",
                params={"year": year, "be_year": year + BE_OFFSET})
        raise ValidationError(_("The year %(year)s is out of range."), code="out_of_range",
                              params={"year": year})


class RoundDatesForm(RoundDatesMixin, forms.Form):
    """Moving a round's dates. The dates of phases the round has left are shown, not
    editable (the domain refuses to change them as well)."""

    def __init__(self, *args, round_obj, **kwargs):
        initial = {name: getattr(round_obj, name) for name in DATE_FIELDS}
        super().__init__(*args, initial=initial, **kwargs)
        self.round = round_obj
        self.add_date_fields()
        now_index = phase_index(round_obj.phase)
        for phase, names in PHASE_DATE_FIELDS.items():
            if phase_index(phase) < now_index or round_obj.phase == RoundPhase.CLOSED:
                for name in names:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _("This phase is over.")
