"""The outbox filter form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gecc.common.forms import ListFilterForm
from gecc.notifications.enums import EVENT_LABELS, OutboxStatus, event_label


class OutboxFilterForm(ListFilterForm):
    date_field = "created_at"
    field_order = ["event", "status", "recipient", "date_from", "date_to"]

    event = forms.ChoiceField(label=_("Event"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    recipient = forms.CharField(label=_("Recipient contains"), required=False, max_length=254)

    def __init__(self, *args, events=(), **kwargs):
        super().__init__(*args, **kwargs)
        codes = sorted(set(EVENT_LABELS) | set(events))
        self.fields["event"].choices = [("", _("All events"))] + [
            (code, f"{event_label(code)} ({code})") for code in codes]
        self.fields["status"].choices = [("", _("All statuses"))] + list(OutboxStatus.choices)
        self.fields["recipient"].widget.input_type = "search"

    def apply(self, queryset, data):
        if data["event"]:
            queryset = queryset.filter(event=data["event"])
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["recipient"].strip():
            queryset = queryset.filter(to__icontains=data["recipient"].strip())
        return queryset
