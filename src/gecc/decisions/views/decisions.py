"""One application's decision (staff): recording it at an open meeting (the secretariat on
the committee's behalf, or a committee member), reading it with its history, and
correcting a final one (the secretariat, with a reason, through a confirmation page)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from gecc.accounts.access import AllowedUserRequiredMixin
from gecc.decisions.domain.decisions import (
    appeal_deadline,
    correct_decision,
    decision_refusal,
    default_on_behalf,
    edition_levels,
    level_name,
    record_decision,
)
from gecc.decisions.domain.meetings import meeting_label
from gecc.decisions.enums import DecisionOutcome
from gecc.decisions.interfaces.meetings import CorrectionForm, DecisionForm
from gecc.decisions.models import Decision
from gecc.decisions.views.meetings import RecordMixin, add_errors, get_meeting


class ViewDecisionMixin(AllowedUserRequiredMixin):
    def allowed(self, user):
        return user.has_perm("decisions.view_decision")


class CorrectMixin(AllowedUserRequiredMixin):
    def allowed(self, user):
        return user.has_perm("decisions.correct_decision")


def get_decision(user, pk) -> Decision:
    decision = get_object_or_404(
        Decision.objects.visible_to(user).select_related(
            "meeting", "meeting__round", "meeting__round__edition", "application",
            "application__unit", "application__unit__organization",
            "application__unit__province", "decided_by"), pk=pk)
    decision.level_name = level_name(decision.meeting.round, decision.level)
    decision.proposed_level_name = level_name(decision.meeting.round, decision.proposed_level)
    return decision


class DecisionRecordView(RecordMixin, View):
    """GET: the application's proposed result and the decision form (the proposed level by
    default; the decision already recorded at this meeting when there is one), or why no
    decision can be recorded; POST: record it."""

    template_name = "decisions/decision/record.html"

    def load(self, request, pk, application_pk):
        from gecc.applications.models import Application

        meeting = get_meeting(request.user, pk)
        application = get_object_or_404(
            Application.objects.select_related("unit", "unit__organization",
                                               "unit__province", "round"),
            pk=application_pk)
        return meeting, application

    def context(self, request, meeting, application, form):
        sheet = getattr(application, "team_sheet", None)
        existing = Decision.objects.filter(application=application).select_related(
            "meeting", "meeting__round").first()
        return {"meeting": meeting, "round": meeting.round, "label": meeting_label(meeting),
                "application": application, "sheet": sheet,
                "proposed_level_name": level_name(meeting.round, sheet.result_level)
                if sheet is not None else "",
                "existing": existing,
                "existing_label": meeting_label(existing.meeting) if existing else "",
                "problem": decision_refusal(application, meeting),
                "on_behalf": default_on_behalf(request.user), "form": form}

    def initial(self, meeting, application):
        existing = Decision.objects.filter(application=application, meeting=meeting).first()
        if existing is not None:
            return {"outcome": existing.outcome, "level": existing.level,
                    "reason": existing.reason}
        sheet = getattr(application, "team_sheet", None)
        proposed = sheet.result_level if sheet is not None else ""
        return {"outcome": DecisionOutcome.CERTIFY if proposed
                else DecisionOutcome.NOT_CERTIFY, "level": proposed}

    def get(self, request, pk, application_pk):
        meeting, application = self.load(request, pk, application_pk)
        form = DecisionForm(levels=edition_levels(meeting.round),
                            initial=self.initial(meeting, application))
        return render(request, self.template_name,
                      self.context(request, meeting, application, form))

    def post(self, request, pk, application_pk):
        meeting, application = self.load(request, pk, application_pk)
        form = DecisionForm(request.POST, levels=edition_levels(meeting.round))
        if form.is_valid():
            data = form.cleaned_data
            try:
                decision = record_decision(application, meeting, request.user,
                                           outcome=data["outcome"], level=data["level"],
                                           reason=data["reason"], request=request)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The decision on %(unit)s is recorded: %(what)s.")
                                 % {"unit": application.unit.name_th,
                                    "what": decision.get_outcome_display()})
                return redirect(meeting.get_absolute_url())
        return render(request, self.template_name,
                      self.context(request, meeting, application, form), status=400)


class DecisionDetailView(ViewDecisionMixin, View):
    template_name = "decisions/decision/detail.html"

    def get(self, request, pk):
        decision = get_decision(request.user, pk)
        return render(request, self.template_name, {
            "decision": decision, "meeting": decision.meeting, "round": decision.meeting.round,
            "application": decision.application, "label": meeting_label(decision.meeting),
            "deadline": appeal_deadline(decision)
            if decision.outcome != DecisionOutcome.DEFER else None,
            "can_correct": request.user.has_perm("decisions.correct_decision")
            and decision.is_final and decision.outcome != DecisionOutcome.DEFER})


class DecisionCorrectView(CorrectMixin, View):
    """GET: the form; POST: the confirmation page (the decision before and after); POST
    with ``confirm``: correct it (audited, the unit told, the certificate follows)."""

    template_name = "decisions/decision/correct.html"
    confirm_template = "decisions/decision/correct_confirm.html"

    def context(self, decision, form, problem=""):
        if not problem and not decision.is_final:
            problem = _("This decision is not final yet: change it at meeting %(label)s "
                        "while the meeting is open.") % {"label": meeting_label(decision.meeting)}
        if not problem and decision.outcome == DecisionOutcome.DEFER:
            problem = _("A deferred decision is not corrected: a later meeting decides it.")
        return {"decision": decision, "meeting": decision.meeting,
                "round": decision.meeting.round, "application": decision.application,
                "label": meeting_label(decision.meeting), "form": form, "problem": problem}

    def get(self, request, pk):
        decision = get_decision(request.user, pk)
        form = CorrectionForm(levels=edition_levels(decision.meeting.round),
                              initial={"outcome": decision.outcome, "level": decision.level})
        return render(request, self.template_name, self.context(decision, form))

    def post(self, request, pk):
        decision = get_decision(request.user, pk)
        form = CorrectionForm(request.POST, levels=edition_levels(decision.meeting.round))
        if form.is_valid():
            data = form.cleaned_data
            if request.POST.get("confirm") != "1":
                after_level = data["level"] if data["outcome"] == DecisionOutcome.CERTIFY \
                    else ""
                return render(request, self.confirm_template, {
                    **self.context(decision, form), "data": data,
                    "outcome_display": dict(DecisionOutcome.choices)[data["outcome"]],
                    "level_display": level_name(decision.meeting.round, after_level)})
            try:
                correct_decision(decision, request.user, outcome=data["outcome"],
                                 level=data["level"], reason=data["reason"], request=request)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The decision is corrected. The unit's "
                                            "coordinators are being told by e-mail."))
                return redirect(decision.get_absolute_url())
        return render(request, self.template_name, self.context(decision, form), status=400)
