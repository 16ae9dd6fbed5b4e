"""Forms of the desk-review screens: the list's filters, the screening checklist, comments,
and the return / reject decisions."""

from django import forms
from django.db.models import Subquery
from django.utils.translation import gettext_lazy as _

from gecc.applications.enums import SENT_STATES, ApplicationState
from gecc.common.forms import BEDateField
from gecc.geography.models import Province
from gecc.registry.domain.search import search_units
from gecc.registry.models import Organization, ServiceUnit

# Without a state filter the list shows what was sent to the secretariat (not drafts).
DEFAULT_STATES = [state.value for state in ApplicationState if state in SENT_STATES]


def _blank(label):
    return [("", label)]


class ReviewFilterForm(forms.Form):
    """The round selector and filters above the desk-review list. Always usable: a bad
    value is ignored rather than shown as an error."""

    round = forms.TypedChoiceField(label=_("Round"), required=False, coerce=int,
                                   empty_value=None)
    state = forms.MultipleChoiceField(label=_("State"), required=False,
                                      choices=ApplicationState.choices,
                                      widget=forms.CheckboxSelectMultiple)
    province = forms.ChoiceField(label=_("Province"), required=False)
    organization = forms.TypedChoiceField(label=_("Organisation"), required=False,
                                          coerce=int, empty_value=None)
    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={
                            "type": "search", "placeholder": _("Unit code or name")}))

    def __init__(self, data=None, *, rounds, **kwargs):
        super().__init__(data, **kwargs)
        self.rounds = list(rounds)
        self.round = self._round_from(data)
        self.fields["round"].choices = [(r.year, f"{r.year} · {r.name}") for r in self.rounds]
        if self.round is not None:
            self.fields["round"].initial = self.round.year
        self.fields["province"].choices = _blank(_("All provinces")) + list(
            Province.objects.order_by("name_th").values_list("code", "name_th"))
        organizations = Organization.objects.none()
        if self.round is not None:
            organizations = Organization.objects.filter(pk__in=Subquery(
                ServiceUnit.objects.filter(applications__round=self.round)
                .values("organization_id"))).order_by("name_th")
        self.fields["organization"].choices = _blank(_("All organisations")) + list(
            organizations.values_list("pk", "name_th"))
        self.is_valid()

    def _round_from(self, data):
        raw = str((data or {}).get("round") or "")
        for round_obj in self.rounds:
            if str(round_obj.year) == raw:
                return round_obj
        return self.rounds[0] if self.rounds else None

    def cleaned(self, name):
        return getattr(self, "cleaned_data", {}).get(name)

    def clean(self):
        # Drop the values that are not valid instead of failing the whole list.
        for name in list(self.errors):
            self.cleaned_data.pop(name, None)
        self._errors.clear()
        return self.cleaned_data

    @property
    def states(self) -> list[str]:
        return self.cleaned("state") or DEFAULT_STATES

    @property
    def is_filtered(self) -> bool:
        return any(self.cleaned(name) for name in ("state", "province", "organization", "q"))

    def filter(self, queryset):
        """Narrow a queryset of applications (already scoped to the user)."""
        if self.round is None:
            return queryset.none()
        queryset = queryset.filter(round=self.round, state__in=self.states)
        if self.cleaned("province"):
            queryset = queryset.filter(unit__province_id=self.cleaned("province"))
        if self.cleaned("organization"):
            queryset = queryset.filter(unit__organization_id=self.cleaned("organization"))
        if self.cleaned("q"):
            units = search_units(ServiceUnit.objects.all(), self.cleaned("q"))
            queryset = queryset.filter(unit__in=units.values("pk"))
        return queryset


class ScreeningForm(forms.Form):
    """One checkbox and one note per item of the round's screening checklist."""

    def __init__(self, *args, checklist, screening=None, **kwargs):
        screening = screening or {}
        initial = {}
        for entry in checklist:
            saved = screening.get(entry["code"]) or {}
            initial[f"check_{entry['code']}"] = bool(saved.get("checked"))
            initial[f"note_{entry['code']}"] = saved.get("note", "")
        super().__init__(*args, initial=initial, **kwargs)
        self.checklist = checklist
        for entry in checklist:
            code = entry["code"]
            self.fields[f"check_{code}"] = forms.BooleanField(label=entry["label"],
                                                              required=False)
            self.fields[f"note_{code}"] = forms.CharField(
                label=_("Note"), required=False, max_length=1000,
                widget=forms.TextInput(attrs={"placeholder": _("Note (optional)")}))

    def rows(self):
        return [(entry, self[f"check_{entry['code']}"], self[f"note_{entry['code']}"])
                for entry in self.checklist]

    def checks(self) -> dict:
        return {entry["code"]: {"checked": self.cleaned_data[f"check_{entry['code']}"],
                                "note": self.cleaned_data[f"note_{entry['code']}"]}
                for entry in self.checklist}


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"required": _("Write the comment.")})
    answer = forms.IntegerField(required=False, widget=forms.HiddenInput)


class VersionedForm(forms.Form):
    """Carries the application's version as loaded, so a decision taken on a page that is
    out of date is refused instead of applied to something the reviewer did not see."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class ReturnForm(VersionedForm):
    return_deadline = BEDateField(label=_("Correction deadline"),
                                  help_text=_("The unit can resubmit until the end of this "
                                              "day (Buddhist era, dd/mm/yyyy)."))
    comments = forms.CharField(
        label=_("Other points to fix"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One point per line; kept as comments on the application and sent with "
                    "the open comments above."))

    def comment_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("comments", "").splitlines()
                if line.strip()]


class RejectForm(VersionedForm):
    rejection_reason = forms.CharField(
        label=_("Reason for the rejection"), max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Sent to the unit with the notice."),
        error_messages={"required": _("Give the reason for the rejection.")})


class AcceptForm(VersionedForm):
    pass
