"""Forms of the appeal screens (the coordinator's appeal, the secretariat's steps, the list's
filters) and the rows of the appeals CSV export."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gecc.common.forms import BEDateField, ListFilterForm
from gecc.common.thaidate import format_be_datetime, format_be_deadline
from gecc.decisions.domain.appeals import (
    ACCEPT,
    REASONS_MAX_CHARS,
    level_choices,
    reviewer_candidates,
)
from gecc.decisions.enums import AppealState, DecisionOutcome
from gecc.registry.domain.search import search_units


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (Django's documented pattern); the domain checks them."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class AppealForm(forms.Form):
    reasons = forms.CharField(
        label=_("Reasons for the appeal"), max_length=REASONS_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Say which part of the decision you disagree with and why; refer to the "
                    "evidence you attach."),
        error_messages={"required": _("Write the reasons for the appeal.")})
    requested_level = forms.ChoiceField(label=_("Level you ask for"), required=False)
    files = MultipleFileField(
        label=_("Attachments"), required=False,
        help_text=_("PDF, JPEG or PNG files; you can choose several at once."))

    def __init__(self, data=None, files=None, *, application, max_size_text="", **kwargs):
        super().__init__(data, files, **kwargs)
        self.fields["requested_level"].choices = [("", _("No particular level")),
                                                  *level_choices(application)]
        if max_size_text:
            self.fields["files"].help_text = _(
                "PDF, JPEG or PNG files of at most %(size)s MB each; you can choose several "
                "at once.") % {"size": max_size_text}


class ReviewerForm(forms.Form):
    reviewer = forms.ModelChoiceField(label=_("Reviewer"), queryset=None,
                                      empty_label=_("Choose a reviewer"),
                                      error_messages={"required": _("Choose a reviewer.")})
    review_due = BEDateField(label=_("Review due by"), required=False)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["reviewer"].queryset = reviewer_candidates()
        self.fields["reviewer"].label_from_instance = (
            lambda user: f"{user.full_name or user.email} ({user.email})")


UPHELD, DISMISSED = "upheld", "dismissed"


class OutcomeForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Outcome"), widget=forms.RadioSelect,
        choices=[(UPHELD, _("Upheld: change the decision")),
                 (DISMISSED, _("Dismissed: the decision stays"))],
        error_messages={"required": _("Choose the outcome.")})
    outcome = forms.ChoiceField(label=_("Decision after the appeal"), required=False,
                                choices=[("", "—"), *DecisionOutcome.choices])
    level = forms.ChoiceField(label=_("Level after the appeal"), required=False)
    reason = forms.CharField(label=_("Reason for the outcome"), max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 5}),
                             error_messages={"required": _("Write the reason for the "
                                                           "outcome.")})

    def __init__(self, data=None, *, application, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["level"].choices = [("", "—"), *level_choices(application)]

    @property
    def upheld(self) -> bool:
        return self.cleaned_data.get("result") == UPHELD


class AppealFilterForm(ListFilterForm):
    date_from = date_to = None  # no date range here
    q = forms.CharField(label=_("Unit"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search"}),
                        help_text=_("Code or name of the unit or its organisation."))
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("All states")), ("open", _("Open (not decided)")),
                                       *AppealState.choices])
    round = forms.ModelChoiceField(label=_("Round"), queryset=None, required=False,
                                   empty_label=_("All rounds"))

    def __init__(self, data=None, *, rounds, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["round"].queryset = rounds

    def apply(self, queryset, data):
        from gecc.decisions.enums import OPEN_APPEAL_STATES
        from gecc.registry.models import ServiceUnit

        if data.get("state") == "open":
            queryset = queryset.filter(state__in=OPEN_APPEAL_STATES)
        elif data.get("state"):
            queryset = queryset.filter(state=data["state"])
        if data.get("round"):
            queryset = queryset.filter(application__round=data["round"])
        if data.get("q"):
            queryset = queryset.filter(application__unit__in=search_units(
                ServiceUnit.objects.all(), data["q"]).values("pk"))
        return queryset


def export_header():
    return [_("Round"), _("Unit code"), _("Unit"), _("State"), _("Filed"),
            _("Appeal deadline"), _("Level asked for"), _("Reviewer"), _("Review due"),
            _("Outcome recorded"), _("Level after the appeal"), _("Reason for the outcome")]


def export_rows(appeals):
    from gecc.common.thaidate import format_be

    for appeal in appeals:
        application = appeal.application
        reviewer = appeal.reviewer
        yield [application.round.year, application.unit.code, application.unit.name_th,
               appeal.get_state_display(), format_be_datetime(appeal.filed_at),
               format_be_deadline(appeal.deadline), appeal.requested_level,
               (reviewer.full_name or reviewer.email) if reviewer else "",
               format_be(appeal.review_due) if appeal.review_due else "",
               format_be_datetime(appeal.decided_at) if appeal.decided_at else "",
               appeal.outcome_level, appeal.outcome_reason]
