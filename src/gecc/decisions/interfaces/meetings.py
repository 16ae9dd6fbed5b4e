"""Forms of the steering-committee meetings and decisions (staff pages)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gecc.common.forms import BEDateField
from gecc.decisions.enums import DecisionOutcome


class MeetingForm(forms.Form):
    number = forms.IntegerField(
        label=_("Meeting number"), min_value=1, required=False,
        help_text=_("Leave empty for the next number of the round."))
    held_on = BEDateField(label=_("Meeting date"))
    attendees = forms.CharField(label=_("Attendees"), required=False,
                                widget=forms.Textarea(attrs={"rows": 6}),
                                help_text=_("One name and position per line."))
    resolution = forms.CharField(label=_("Resolution"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, with_number=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_number:
            del self.fields["number"]


def level_choices(levels, *, blank=False):
    from gecc.criteria.interfaces.labels import level_display_name

    choices = [("", _("— no level —"))] if blank else []
    return choices + [(level.get("code"), level_display_name(level)) for level in levels]


class DecisionForm(forms.Form):
    """One application's decision: certify at a level (the proposed one unless changed),
    not certify, or defer; the reason where the domain asks for one."""

    outcome = forms.ChoiceField(label=_("Decision"), choices=DecisionOutcome.choices,
                                widget=forms.RadioSelect)
    level = forms.ChoiceField(label=_("Level (when certifying)"), required=False)
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required to certify at another level than the proposed one, to defer, "
                    "and not to certify when the proposed result reached a level."))

    def __init__(self, *args, levels=(), outcomes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = level_choices(levels, blank=True)
        if outcomes is not None:
            self.fields["outcome"].choices = [choice for choice in DecisionOutcome.choices
                                              if choice[0] in outcomes]


class CorrectionForm(DecisionForm):
    reason = forms.CharField(label=_("Reason for the change"),
                             widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, levels=(), **kwargs):
        super().__init__(*args, levels=levels, outcomes={DecisionOutcome.CERTIFY,
                                                         DecisionOutcome.NOT_CERTIFY},
                         **kwargs)
