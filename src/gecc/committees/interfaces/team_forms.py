"""Forms of the sub-committee screens: the team itself, adding a member from the pool and
changing a member's position. The rules (one chair, one member-secretary, one team a round,
a home province) are the domain's (``gecc.committees.domain.subcommittees``); these forms
only read what was typed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gecc.committees.domain.subcommittees import MAX_VISITS_PER_DAY
from gecc.committees.enums import Position
from gecc.committees.interfaces.forms import BEDateListField
from gecc.geography.models import Province


class SubCommitteeForm(forms.Form):
    number = forms.IntegerField(label=_("Number"), min_value=1, max_value=999,
                                help_text=_("คณะที่ N: the number in the round."))
    name = forms.CharField(label=_("Name"), required=False, max_length=255,
                           help_text=_("Empty: “คณะที่ N”."))
    base_province = forms.ModelChoiceField(
        label=_("Base province"), queryset=Province.objects.order_by("name_th"),
        required=False, empty_label=_("No province (use the coordinates below)"),
        help_text=_("The team travels from the province's seat unless coordinates are "
                    "given."))
    base_address = forms.CharField(label=_("Base address"), required=False, max_length=500)
    base_latitude = forms.DecimalField(label=_("Base latitude"), required=False,
                                       max_digits=9, decimal_places=6,
                                       widget=forms.NumberInput(attrs={"step": "0.000001"}))
    base_longitude = forms.DecimalField(label=_("Base longitude"), required=False,
                                        max_digits=9, decimal_places=6,
                                        widget=forms.NumberInput(attrs={"step": "0.000001"}))
    visit_dates = BEDateListField(label=_("Visit dates"))
    visits_per_day = forms.IntegerField(label=_("Visits a day"), min_value=1,
                                        max_value=MAX_VISITS_PER_DAY, initial=4)

    def __init__(self, data=None, *, subcommittee=None, **kwargs):
        if subcommittee is not None:
            kwargs.setdefault("initial", {
                "number": subcommittee.number, "name": subcommittee.name,
                "base_province": subcommittee.base_province_id,
                "base_address": subcommittee.base_address,
                "base_latitude": subcommittee.base_latitude,
                "base_longitude": subcommittee.base_longitude,
                "visit_dates": subcommittee.visit_dates,
                "visits_per_day": subcommittee.visits_per_day})
        super().__init__(data, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("base_province") is None and "base_province" not in self.errors and (
                cleaned.get("base_latitude") is None or cleaned.get("base_longitude") is None):
            self.add_error("base_province", _("Give the base of the sub-committee: a "
                                              "province, or an address with its "
                                              "coordinates."))
        return cleaned

    def team_values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in (
            "number", "name", "base_province", "base_address", "base_latitude",
            "base_longitude", "visit_dates", "visits_per_day")}


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, profile):
        user = profile.user
        where = profile.home_province.name_th if profile.home_province_id else "—"
        affiliation = profile.affiliation_label
        parts = [user.full_name or user.email, where]
        if affiliation:
            parts.append(affiliation)
        return " · ".join(parts)


class AddMemberForm(forms.Form):
    """A person from the pool (active, with a home province, on no team of the round yet)
    and their position."""

    profile = MemberChoiceField(label=_("Person from the assessor pool"),
                                queryset=None, empty_label=_("Choose a person"))
    position = forms.ChoiceField(label=_("Position"), choices=Position.choices,
                                 initial=Position.QUALIFIED)

    def __init__(self, data=None, *, round_obj, **kwargs):
        from gecc.committees.models import AssessorProfile, Membership

        super().__init__(data, **kwargs)
        seated = Membership.objects.filter(round=round_obj).values("user_id")
        self.fields["profile"].queryset = (
            AssessorProfile.objects.filter(is_active=True, home_province__isnull=False)
            .exclude(user_id__in=seated)
            .select_related("user", "home_province", "affiliation")
            .order_by("user__full_name", "user__email"))


class PositionForm(forms.Form):
    position = forms.ChoiceField(label=_("Position"), choices=Position.choices)
