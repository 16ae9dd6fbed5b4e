"""Forms of the secretariat's complaint screens: the list's filters and the triage."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gecc.common.forms import ListFilterForm
from gecc.decisions.domain.complaints import NOTE_MAX_CHARS
from gecc.decisions.enums import ComplaintState
from gecc.registry.domain.search import search_units


class ComplaintFilterForm(ListFilterForm):
    date_from = date_to = None  # no date range here
    q = forms.CharField(label=_("Reference or unit"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search"}))
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("All states")), ("open", _("Open")),
                                       *ComplaintState.choices])

    def apply(self, queryset, data):
        from gecc.decisions.enums import OPEN_COMPLAINT_STATES
        from gecc.registry.models import ServiceUnit

        if data.get("state") == "open":
            queryset = queryset.filter(state__in=OPEN_COMPLAINT_STATES)
        elif data.get("state"):
            queryset = queryset.filter(state=data["state"])
        text = (data.get("q") or "").strip()
        if text:
            queryset = queryset.filter(
                Q(reference__iexact=text)
                | Q(unit__in=search_units(ServiceUnit.objects.all(), text).values("pk")))
        return queryset


class TriageForm(forms.Form):
    state = forms.ChoiceField(
        label=_("What to do"), widget=forms.RadioSelect,
        choices=[(ComplaintState.UNDER_REVIEW, _("Take it under review")),
                 (ComplaintState.CLOSED, _("Close it without action"))],
        error_messages={"required": _("Choose what to do with the complaint.")})
    note = forms.CharField(label=_("Note"), required=False, max_length=NOTE_MAX_CHARS,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("Required to close it: what was found and why no "
                                       "action is taken."))

    def __init__(self, data=None, *, complaint, **kwargs):
        super().__init__(data, **kwargs)
        if complaint.state != ComplaintState.RECEIVED:
            self.fields["state"].choices = [(ComplaintState.CLOSED,
                                             _("Close it without action"))]
            self.fields["state"].initial = ComplaintState.CLOSED
