"""Forms of the itinerary pages. Each only reads input; the domain functions check and save."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gecc.common.thaidate import format_be


def numbered_days(itinerary):
    days = list(itinerary.days.order_by("date"))
    for number, day in enumerate(days, start=1):
        day.number = number
    return days


def day_label(day) -> str:
    return _("Day %(number)s · %(date)s") % {"number": day.number, "date": format_be(day.date)}


class FixVisitForm(forms.Form):
    day = forms.TypedChoiceField(label=_("Visit day"), coerce=int)
    order = forms.IntegerField(label=_("Stop number on that day"), min_value=1, max_value=20,
                               help_text=_("1 is the first unit visited that day."))

    def __init__(self, *args, days, **kwargs):
        super().__init__(*args, **kwargs)
        self.days = {day.pk: day for day in days}
        self.fields["day"].choices = [(day.pk, day_label(day)) for day in days]

    def chosen_day(self):
        return self.days.get(self.cleaned_data["day"])


class DurationForm(forms.Form):
    minutes = forms.IntegerField(label=_("Visit duration (minutes)"), min_value=15,
                                 max_value=480)


class UnitWindowForm(forms.Form):
    start = forms.TimeField(label=_("Visits from"), widget=forms.TimeInput(
        attrs={"type": "time"}, format="%H:%M"))
    end = forms.TimeField(label=_("Visits until"), widget=forms.TimeInput(
        attrs={"type": "time"}, format="%H:%M"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end <= start:
            self.add_error("end", _("The end of the visiting hours must come after their "
                                    "start."))
        return cleaned


class HotelForm(forms.Form):
    label = forms.CharField(label=_("Hotel"), max_length=255, required=False)
    latitude = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6,
                                  required=False)
    longitude = forms.DecimalField(label=_("Longitude"), max_digits=9, decimal_places=6,
                                   required=False)


class ParametersForm(forms.Form):
    road_factor = forms.DecimalField(
        label=_("Road factor"), min_value=1, max_value=3, max_digits=4, decimal_places=2,
        help_text=_("Road distance ÷ straight-line distance (1.3 by default)."))
    speed_kmh = forms.IntegerField(label=_("Average speed (km/h)"), min_value=10,
                                   max_value=120)
    lunch_minutes = forms.IntegerField(label=_("Lunch break (minutes)"), min_value=0,
                                       max_value=120)
