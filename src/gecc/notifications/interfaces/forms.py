"""The outbox filter form."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gecc.common.forms import BEDateField
from gecc.notifications.enums import EVENT_LABELS, OutboxStatus, event_label


def local_midnight(day: datetime.date) -> datetime.datetime:
    """The start of ``day`` in the project's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min),
                               timezone.get_default_timezone())


class OutboxFilterForm(forms.Form):
    event = forms.ChoiceField(label=_("Event"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    recipient = forms.CharField(label=_("Recipient contains"), required=False, max_length=254)
    date_from = BEDateField(label=_("From date"), required=False)
    date_to = BEDateField(label=_("To date"), required=False)

    def __init__(self, *args, events=(), **kwargs):
        super().__init__(*args, **kwargs)
        codes = sorted(set(EVENT_LABELS) | set(events))
        self.fields["event"].choices = [("", _("All events"))] + [
            (code, f"{event_label(code)} ({code})") for code in codes]
        self.fields["status"].choices = [("", _("All statuses"))] + list(OutboxStatus.choices)
        self.fields["recipient"].widget.input_type = "search"

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
        """``queryset`` narrowed by the filters; nothing when the filters are invalid."""
        if not self.is_bound:
            return queryset
        if not self.is_valid():
            return queryset.none()
        data = self.cleaned_data
        if data["event"]:
            queryset = queryset.filter(event=data["event"])
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["recipient"].strip():
            queryset = queryset.filter(to__icontains=data["recipient"].strip())
        if data["date_from"]:
            queryset = queryset.filter(created_at__gte=local_midnight(data["date_from"]))
        if data["date_to"]:
            next_day = data["date_to"] + datetime.timedelta(days=1)
            queryset = queryset.filter(created_at__lt=local_midnight(next_day))
        return queryset
