"""Forms of the conflict-of-interest screens: a member's declaration, the secretariat's
override and the filters of a round's list."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gecc.committees.enums import ConflictKind
from gecc.committees.interfaces.forms import blank, find_organization, lookup_attrs
from gecc.registry.domain.search import search_units
from gecc.registry.models import ServiceUnit
from gecc.rounds.enums import RoundPhase


def find_unit(text):
    """The service unit whose code is ``text`` (or ``name (CODE)``), or the only one whose
    name matches; ``ValidationError`` in Thai otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    code = text.rsplit("(", 1)[-1].rstrip(")").strip() if text.endswith(")") else text
    found = ServiceUnit.objects.filter(code__iexact=code).first()
    if found is not None:
        return found
    matches = list(search_units(ServiceUnit.objects.filter(is_active=True), text)[:2])
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise ValidationError(_("No registered service unit has the code or name "
                                "“%(text)s”.") % {"text": text}, code="unknown")
    raise ValidationError(_("Several service units match “%(text)s”; choose one from the "
                            "list or type its code.") % {"text": text}, code="ambiguous")


class DeclareConflictForm(forms.Form):
    round = forms.ModelChoiceField(label=_("Round"), queryset=None,
                                   empty_label=_("Choose a round"))
    unit = forms.CharField(label=_("Service unit"), required=False, max_length=300,
                           help_text=_("Type the unit's code or name and choose from the "
                                       "suggestions."))
    organization = forms.CharField(label=_("or a whole organisation"), required=False,
                                   max_length=300,
                                   help_text=_("Every unit of the organisation and of its "
                                               "sub-organisations."))
    reason = forms.CharField(label=_("Reason"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("Give the reason for the "
                                                           "conflict of interest.")})

    def __init__(self, data=None, *, rounds, unit_url="", organization_url="", **kwargs):
        super().__init__(data, **kwargs)
        self.fields["round"].queryset = rounds.exclude(phase__in=[
            RoundPhase.DRAFT, RoundPhase.CLOSED]).order_by("-year")
        if unit_url:
            self.fields["unit"].widget.attrs.update(lookup_attrs(unit_url, "unit-options"))
        if organization_url:
            self.fields["organization"].widget.attrs.update(
                lookup_attrs(organization_url, "organization-options"))

    def clean_unit(self):
        return find_unit(self.cleaned_data.get("unit"))

    def clean_organization(self):
        return find_organization(self.cleaned_data.get("organization"))

    def clean(self):
        cleaned = super().clean()
        if "unit" in self.errors or "organization" in self.errors:
            return cleaned
        unit, organization = cleaned.get("unit"), cleaned.get("organization")
        if unit is None and organization is None:
            self.add_error("unit", _("Choose either a service unit or an organisation."))
        elif unit is not None and organization is not None:
            self.add_error("organization", _("Choose either a service unit or an "
                                             "organisation, not both."))
        return cleaned


class OverrideConflictForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the override"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("Give the reason for the "
                                                           "override.")})
    confirm = forms.BooleanField(
        label=_("I confirm that this conflict no longer bars the member."),
        error_messages={"required": _("Tick the box to confirm the override.")})


STATE_CHOICES = [("", _("In force or overridden")), ("in_force", _("In force")),
                 ("overridden", _("Overridden"))]


class ConflictFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=blank(_("All kinds")) + list(ConflictKind.choices))
    team = forms.ChoiceField(label=_("Sub-committee"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False, choices=STATE_CHOICES)

    def __init__(self, data=None, *, teams=(), **kwargs):
        super().__init__(data, **kwargs)
        self.fields["team"].choices = blank(_("All sub-committees")) + [
            (str(team.pk), team.display_name) for team in teams] + [
            ("none", _("Not on a sub-committee"))]

    def value(self, name):
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get(name) or ""

    def filter(self, queryset, team_of):
        """``team_of``: {user id: sub-committee id} of the round."""
        if self.value("kind"):
            queryset = queryset.filter(kind=self.value("kind"))
        team = self.value("team")
        if team == "none":
            queryset = queryset.exclude(user_id__in=list(team_of))
        elif team:
            members = [user for user, team_id in team_of.items() if str(team_id) == team]
            queryset = queryset.filter(user_id__in=members)
        if self.value("state") == "in_force":
            queryset = queryset.filter(overridden_at__isnull=True)
        elif self.value("state") == "overridden":
            queryset = queryset.filter(overridden_at__isnull=False)
        return queryset

    @property
    def is_filtered(self) -> bool:
        return any(self.value(name) for name in ("kind", "team", "state"))
