"""Steering-committee meetings (staff): the list of a round's meetings, creating and editing
one, its page (the record and the applications to decide with their proposed results and
current decisions), bulk approval as proposed (with exceptions, through a confirmation
page) and closing it (through a confirmation page). The secretariat manages meetings; the
steering committee reads them and records decisions. Everything goes through
``gecc.decisions.domain``."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from gecc.accounts.access import AllowedUserRequiredMixin
from gecc.decisions.domain.decisions import (
    approve_as_proposed,
    approve_candidates,
    decidable_applications,
    edition_levels,
    level_name,
)
from gecc.decisions.domain.meetings import (
    close_meeting,
    close_refusal,
    create_meeting,
    meeting_label,
    update_meeting,
)
from gecc.decisions.enums import DecisionOutcome
from gecc.decisions.interfaces.meetings import MeetingForm
from gecc.decisions.models import Decision, Meeting
from gecc.rounds.enums import RoundPhase
from gecc.rounds.models import Round

PAGE_SIZE = 50


class ViewMixin(AllowedUserRequiredMixin):
    def allowed(self, user):
        return user.has_perm("decisions.view_meeting")


class ManageMixin(AllowedUserRequiredMixin):
    def allowed(self, user):
        return user.has_perm("decisions.manage_meeting")


class RecordMixin(AllowedUserRequiredMixin):
    def allowed(self, user):
        return user.has_perm("decisions.record_decision")


def get_meeting(user, pk) -> Meeting:
    return get_object_or_404(Meeting.objects.visible_to(user)
                             .select_related("round", "round__edition", "closed_by"), pk=pk)


def add_errors(form, error: ValidationError):
    fields = {"date_required": "held_on", "number_taken": "number", "bad_number": "number",
              "reason_required": "reason", "level_required": "level",
              "unknown_level": "level", "bad_outcome": "outcome"}
    for item in getattr(error, "error_list", [error]):
        field = fields.get(item.code)
        if field not in form.fields:
            field = None
        form.add_error(field, item.messages[0] if hasattr(item, "messages") else str(item))


class MeetingListView(ViewMixin, ListView):
    template_name = "decisions/meeting/list.html"
    context_object_name = "meetings"
    paginate_by = 25

    def get_queryset(self):
        self.round = get_object_or_404(Round.objects.visible_to(self.request.user),
                                       pk=self.kwargs["round_pk"])
        return (Meeting.objects.visible_to(self.request.user).filter(round=self.round)
                .select_related("round")
                .annotate(decision_count=Count("decisions"),
                          certify_count=Count("decisions", filter=Q(
                              decisions__outcome=DecisionOutcome.CERTIFY)))
                .order_by("number"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(round=self.round,
                       can_manage=self.request.user.has_perm("decisions.manage_meeting"),
                       in_decision=self.round.phase == RoundPhase.DECISION,
                       waiting=decidable_applications(self.round).count())
        return context


class MeetingCreateView(ManageMixin, View):
    template_name = "decisions/meeting/form.html"

    def load(self, request, round_pk):
        return get_object_or_404(Round.objects.visible_to(request.user), pk=round_pk)

    def get(self, request, round_pk):
        round_obj = self.load(request, round_pk)
        return render(request, self.template_name, {"round": round_obj, "form": MeetingForm()})

    def post(self, request, round_pk):
        round_obj = self.load(request, round_pk)
        form = MeetingForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                meeting = create_meeting(round_obj, request.user, held_on=data["held_on"],
                                         number=data["number"], attendees=data["attendees"],
                                         resolution=data["resolution"], request=request)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Meeting %(label)s is created.")
                                 % {"label": meeting_label(meeting)})
                return redirect(meeting.get_absolute_url())
        return render(request, self.template_name, {"round": round_obj, "form": form},
                      status=400)


class MeetingUpdateView(ManageMixin, View):
    template_name = "decisions/meeting/form.html"

    def get(self, request, pk):
        meeting = get_meeting(request.user, pk)
        form = MeetingForm(with_number=False, initial={
            "held_on": meeting.held_on, "attendees": meeting.attendees,
            "resolution": meeting.resolution})
        return render(request, self.template_name,
                      {"round": meeting.round, "meeting": meeting, "form": form})

    def post(self, request, pk):
        meeting = get_meeting(request.user, pk)
        form = MeetingForm(request.POST, with_number=False)
        if form.is_valid():
            data = form.cleaned_data
            try:
                update_meeting(meeting, request.user, held_on=data["held_on"],
                               attendees=data["attendees"], resolution=data["resolution"],
                               request=request)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The meeting record is saved."))
                return redirect(meeting.get_absolute_url())
        return render(request, self.template_name,
                      {"round": meeting.round, "meeting": meeting, "form": form}, status=400)


def decorate(applications, round_obj):
    names = {level.get("code"): level_name(round_obj, level.get("code"))
             for level in edition_levels(round_obj)}
    for application in applications:
        sheet = application.team_sheet
        application.proposed_level = sheet.result_level
        application.proposed_level_name = names.get(sheet.result_level, sheet.result_level)
        application.proposed_percent = sheet.result_percent
        decision = getattr(application, "current_decision", None)
        application.current = decision
        if decision is not None:
            decision.level_name = names.get(decision.level, decision.level)
    return applications


def meeting_rows(request, meeting):
    """The applications the meeting page lists: while open, every decidable application of
    the round (filtered by ``q``, ``province``, ``level``, ``state``); once closed, the
    applications decided at it."""
    from gecc.applications.models import Application
    from gecc.registry.domain.search import search_units

    if meeting.is_closed:
        queryset = Application.objects.filter(decision__meeting=meeting)
    else:
        queryset = decidable_applications(meeting.round)
    queryset = queryset.select_related("unit", "unit__organization", "unit__province",
                                       "team_sheet")
    filters = {key: request.GET.get(key, "").strip()
               for key in ("q", "province", "level", "state")}
    if filters["q"]:
        from gecc.registry.models import ServiceUnit

        queryset = queryset.filter(unit__in=search_units(ServiceUnit.objects.all(),
                                                        filters["q"]))
    if filters["province"].isdigit():
        queryset = queryset.filter(unit__province_id=filters["province"])
    if filters["level"] == "none":
        queryset = queryset.filter(team_sheet__result_level="")
    elif filters["level"]:
        queryset = queryset.filter(team_sheet__result_level=filters["level"])
    if filters["state"] == "decided":
        queryset = queryset.filter(decision__meeting=meeting)
    elif filters["state"] == "undecided":
        queryset = queryset.exclude(decision__meeting=meeting)
    return filters, queryset.order_by("unit__province__name_th", "unit__name_th", "pk")


def attach_decisions(applications, meeting):
    found = {decision.application_id: decision for decision in
             Decision.objects.filter(meeting=meeting,
                                     application__in=[a.pk for a in applications])}
    for application in applications:
        application.current_decision = found.get(application.pk)
    return applications


class MeetingDetailView(ViewMixin, View):
    template_name = "decisions/meeting/detail.html"

    def get(self, request, pk):
        from gecc.geography.models import Province

        meeting = get_meeting(request.user, pk)
        filters, queryset = meeting_rows(request, meeting)
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = decorate(attach_decisions(list(page.object_list), meeting), meeting.round)
        counts = dict(Decision.objects.filter(meeting=meeting).values_list("outcome")
                      .annotate(n=Count("pk")).values_list("outcome", "n"))
        user = request.user
        return render(request, self.template_name, {
            "meeting": meeting, "round": meeting.round, "label": meeting_label(meeting),
            "rows": rows, "page_obj": page, "paginator": page.paginator,
            "is_paginated": page.has_other_pages(), "filters": filters,
            "levels": [(level.get("code"), level_name(meeting.round, level.get("code")))
                       for level in edition_levels(meeting.round)],
            "provinces": Province.objects.filter(
                pk__in=decidable_applications(meeting.round).values("unit__province_id"))
            .order_by("name_th") if not meeting.is_closed else [],
            "counts": {outcome.value: counts.get(outcome.value, 0)
                       for outcome in DecisionOutcome},
            "decision_total": sum(counts.values()),
            "attendees": [line for line in meeting.attendees.splitlines() if line.strip()],
            "can_manage": user.has_perm("decisions.manage_meeting"),
            "can_record": user.has_perm("decisions.record_decision") and not meeting.is_closed,
        })


def parse_ids(values) -> list[int] | None:
    if not all(str(value).isdigit() for value in values):
        return None
    return sorted({int(value) for value in values})


class MeetingApproveView(RecordMixin, View):
    """Approve as proposed: GET lists every application the bulk approval would decide,
    each with an "exception" tick box; POST ``step=review`` shows the confirmation page
    (what is approved at which level, the exceptions); POST ``step=confirm`` approves exactly
    the confirmed list (refused when it changed meanwhile)."""

    template_name = "decisions/meeting/approve.html"
    confirm_template = "decisions/meeting/approve_confirm.html"

    def rows(self, meeting, exceptions=()):
        rows = list(approve_candidates(meeting, exceptions).select_related(
            "unit__organization", "unit__province"))
        for row in rows:
            row.proposed_level = row.team_sheet.result_level
            row.proposed_level_name = level_name(meeting.round, row.team_sheet.result_level)
        return rows

    def context(self, meeting, **extra):
        return {"meeting": meeting, "round": meeting.round, "label": meeting_label(meeting),
                **extra}

    def problem(self, meeting):
        if meeting.is_closed:
            return close_refusal(meeting)
        if meeting.round.phase != RoundPhase.DECISION:
            return _("The round is not in its decision phase: no decision can be recorded.")
        return ""

    def get(self, request, pk):
        meeting = get_meeting(request.user, pk)
        return render(request, self.template_name, self.context(
            meeting, rows=self.rows(meeting) if not meeting.is_closed else [],
            problem=self.problem(meeting)))

    def post(self, request, pk):
        meeting = get_meeting(request.user, pk)
        problem = self.problem(meeting)
        exceptions = parse_ids(request.POST.getlist("exception"))
        listed = parse_ids(request.POST.getlist("application"))
        if problem or exceptions is None or listed is None:
            return render(request, self.template_name, self.context(
                meeting, rows=[], problem=problem or _("The list sent is not valid.")),
                status=400)
        if request.POST.get("step") != "confirm":
            rows = self.rows(meeting, exceptions)
            excepted = list(approve_candidates(meeting).filter(pk__in=exceptions)
                            .select_related("unit"))
            return render(request, self.confirm_template, self.context(
                meeting, rows=rows, excepted=excepted, exceptions=exceptions))
        current = [row.pk for row in approve_candidates(meeting, exceptions)]
        if sorted(current) != listed:
            return render(request, self.template_name, self.context(
                meeting, rows=self.rows(meeting),
                problem=_("The list of applications changed since the page was shown (a "
                          "decision was recorded meanwhile). Check the list again.")),
                status=409)
        try:
            decisions = approve_as_proposed(meeting, request.user, exceptions=exceptions,
                                            request=request)
        except ValidationError as error:
            return render(request, self.template_name, self.context(
                meeting, rows=self.rows(meeting), problem=" ".join(error.messages)),
                status=409)
        messages.success(request, _("%(count)d decisions recorded as proposed.")
                         % {"count": len(decisions)})
        return redirect(meeting.get_absolute_url())


class MeetingCloseView(ManageMixin, View):
    """GET: what closing makes final (each decision), that certificates are issued for the
    certify decisions and the feedback reports released, who is told; POST: close."""

    template_name = "decisions/meeting/close.html"

    def context(self, meeting, problem):
        decisions = list(Decision.objects.filter(meeting=meeting)
                         .select_related("application__unit", "application__team_sheet")
                         .order_by("application__unit__name_th", "pk"))
        for decision in decisions:
            decision.level_name = level_name(meeting.round, decision.level)
        certify = sum(d.outcome == DecisionOutcome.CERTIFY for d in decisions)
        released = sum(d.outcome != DecisionOutcome.DEFER
                       and d.application.team_sheet.feedback_released_at is None
                       for d in decisions)
        return {"meeting": meeting, "round": meeting.round, "label": meeting_label(meeting),
                "decisions": decisions, "problem": problem, "certify_count": certify,
                "release_count": released,
                "undecided": decidable_applications(meeting.round)
                .exclude(decision__meeting=meeting).count()}

    def get(self, request, pk):
        meeting = get_meeting(request.user, pk)
        return render(request, self.template_name,
                      self.context(meeting, close_refusal(meeting)))

    def post(self, request, pk):
        meeting = get_meeting(request.user, pk)
        try:
            close_meeting(meeting, request.user, request=request)
        except ValidationError as error:
            return render(request, self.template_name,
                          self.context(meeting, " ".join(error.messages)), status=409)
        messages.success(request, _("Meeting %(label)s is closed: its decisions are final. "
                                    "The units are being told by e-mail.")
                         % {"label": meeting_label(meeting)})
        return redirect(meeting.get_absolute_url())


def meeting_index_url(round_obj) -> str:
    return reverse("decisions:meeting.list", args=[round_obj.pk])
