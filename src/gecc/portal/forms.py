"""Forms of the unit portal."""

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from gecc.applications.enums import ApplicationKind


def level_choices(edition) -> list[tuple[str, str]]:
    english = (get_language() or "").startswith("en")
    choices = []
    for level in edition.levels or []:
        name = (level.get("name_en") if english else None) or level.get("name_th") \
            or level.get("code")
        choices.append((level.get("code"), name))
    return choices


class ApplicationCreateForm(forms.Form):
    """What a coordinator gives to apply; the domain checks the rest (one live application
    per unit and round, the round's dates, the previous application for a renewal).

    ``can_renew`` is true only for a unit that was certified before
    (``previous_application_for``): for any other unit "renewal" is not offered, and a posted
    "renewal" is refused here as well as by the domain."""

    kind = forms.ChoiceField(label=_("Kind of application"), choices=ApplicationKind.choices,
                             widget=forms.RadioSelect)
    target_level = forms.ChoiceField(label=_("Level the unit aims for"),
                                     widget=forms.RadioSelect)
    contact_name = forms.CharField(label=_("Contact person"), max_length=255)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=100, required=False)
    contact_email = forms.EmailField(label=_("Contact email"), required=False)

    def __init__(self, *args, edition, can_renew, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_level"].choices = level_choices(edition)
        if not can_renew:
            self.fields["kind"].choices = [(ApplicationKind.NEW.value,
                                            ApplicationKind.NEW.label)]
            self.fields["kind"].help_text = _(
                "A renewal is for a unit that was certified in an earlier round; this unit "
                "applies as new.")


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
