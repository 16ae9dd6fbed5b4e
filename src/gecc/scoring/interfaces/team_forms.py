"""Forms of the team consolidation pages: one item's consensus and findings, the spread
threshold, the reasons for unlocking a team sheet and reopening a member's sheet, and the
filters of the round's list of team sheets."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gecc.scoring.enums import TeamSheetState

NA = "na"


class ItemForm(forms.Form):
    """One item: the consensus (a point of the scale, or N/A) with the reason, and the
    findings. The score is read as text so that a value the page never offered (off the
    scale, N/A where the criteria do not allow it) reaches the domain, which says why."""

    item = forms.CharField(widget=forms.HiddenInput)
    value = forms.CharField(label=_("Consensus score"), required=False)
    reason = forms.CharField(label=_("Reason (when it differs from the median)"),
                             required=False, widget=forms.Textarea(attrs={"rows": 2}))
    strengths = forms.CharField(label=_("Strengths"), required=False,
                                widget=forms.Textarea(attrs={"rows": 2}))
    improvements = forms.CharField(label=_("Improvements"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value"].widget = forms.Select(choices=[("", "—"), *choices])

    def clean_value(self):
        text = (self.cleaned_data.get("value") or "").strip()
        if text in ("", NA):
            return text
        try:
            return float(text)
        except ValueError:
            raise forms.ValidationError(_("Choose a score on the item's scale."),
                                        code="invalid") from None


class ThresholdForm(forms.Form):
    threshold = forms.FloatField(label=_("Spread that flags an item"), required=False,
                                 min_value=0, max_value=100,
                                 help_text=_("Leave empty for the default of the system."))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000)


STATE_CHOICES = [("", _("All")), ("none", _("No team sheet yet")),
                 *[(s.value, s.label) for s in TeamSheetState]]


class TeamFilterForm(forms.Form):
    q = forms.CharField(label=_("Unit name or code"), required=False)
    team = forms.TypedChoiceField(label=_("Sub-committee"), required=False, coerce=int,
                                  empty_value=None)
    state = forms.ChoiceField(label=_("State"), required=False, choices=STATE_CHOICES)

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", _("All")),
                                       *[(team.pk, team.display_name) for team in teams]]
