"""The secretariat's assignment pages: a round's proposal per sub-committee and per
application (filters, search, moves by hand, locks), the automatic run with its progress bar,
the confirmation and the CSV export. Every change calls one function of
``gecc.committees.domain.assignment``; the automatic run is a Celery task
(``gecc.committees.tasks``)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, View

from gecc.accounts.access import AllowedUserRequiredMixin
from gecc.applications.enums import ApplicationState
from gecc.applications.models import Application
from gecc.audit.domain import log_export
from gecc.committees import rules_assignment  # noqa: F401  (registers the permission)
from gecc.committees.domain import assignment as domain
from gecc.committees.domain.conflicts import forbidden_pairs
from gecc.committees.enums import AssignmentState, RunState
from gecc.committees.models import Assignment, AssignmentRun, SubCommittee
from gecc.committees.tasks import start_assignment_run
from gecc.common.csvexport import csv_response
from gecc.common.thaidate import format_be_stamp
from gecc.geography.models import Province
from gecc.registry.domain.search import search_units
from gecc.registry.models import ServiceUnit
from gecc.rounds.models import Round

PAGE_SIZE = 50
UNASSIGNED = "none"


class AssignmentAccessMixin(AllowedUserRequiredMixin):
    """Signed-in secretariat only (anonymous → sign-in page, anyone else → 403)."""

    def allowed(self, user):
        return user.has_perm("committees.manage_assignment")


def get_round(user, pk) -> Round:
    return get_object_or_404(Round.objects.visible_to(user), pk=pk)


def overview_url(round_obj) -> str:
    return reverse("committees:assignment.overview", args=[round_obj.pk])


def back_to(request, round_obj) -> str:
    """The overview address to return to (with its filters), only when it is that page."""
    back, base = request.POST.get("back") or "", overview_url(round_obj)
    return back if back == base or back.startswith(base + "?") else base


def refusal(request, exc: ValidationError):
    for message in exc.messages:
        messages.error(request, message)


class AssignmentFilterForm(forms.Form):
    """The filters above the applications table; a bad value is ignored, never an error."""

    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={
                            "type": "search", "placeholder": gettext_lazy("Unit code or name")}))
    team = forms.ChoiceField(label=gettext_lazy("Sub-committee"), required=False)
    province = forms.ChoiceField(label=gettext_lazy("Province"), required=False)
    locked = forms.ChoiceField(label=gettext_lazy("Locked"), required=False, choices=[
        ("", gettext_lazy("All")), ("yes", gettext_lazy("Locked only")),
        ("no", gettext_lazy("Not locked only"))])

    def __init__(self, data, *, round_obj, teams):
        super().__init__(data)
        self.fields["team"].choices = [("", _("All sub-committees")),
                                       (UNASSIGNED, _("Not assigned yet"))] + [
            (str(team.pk), team.display_name) for team in teams]
        provinces = Province.objects.filter(pk__in=Application.objects.filter(
            round=round_obj, state=ApplicationState.ACCEPTED).values("unit__province_id"))
        self.fields["province"].choices = [("", _("All provinces"))] + list(
            provinces.order_by("name_th").values_list("code", "name_th"))
        self.is_valid()

    def clean(self):
        for name in list(self.errors):
            self.cleaned_data.pop(name, None)
        self._errors.clear()
        return self.cleaned_data

    def value(self, name):
        return getattr(self, "cleaned_data", {}).get(name) or ""

    @property
    def is_filtered(self) -> bool:
        return any(self.value(name) for name in ("q", "team", "province", "locked"))

    def filter(self, queryset):
        team, locked = self.value("team"), self.value("locked")
        if team == UNASSIGNED:
            queryset = queryset.filter(assignment__isnull=True)
        elif team:
            queryset = queryset.filter(assignment__subcommittee_id=team)
        if self.value("province"):
            queryset = queryset.filter(unit__province_id=self.value("province"))
        if locked:
            queryset = queryset.filter(assignment__locked=locked == "yes")
        if self.value("q"):
            units = search_units(ServiceUnit.objects.all(), self.value("q"))
            queryset = queryset.filter(unit__in=units.values("pk"))
        return queryset


def accepted_applications(round_obj):
    return (Application.objects.filter(round=round_obj, state=ApplicationState.ACCEPTED)
            .select_related("unit", "unit__province", "assignment",
                            "assignment__subcommittee"))


def current_assignment(application):
    try:
        return application.assignment
    except Assignment.DoesNotExist:
        return None


class AssignmentOverviewView(AssignmentAccessMixin, ListView):
    template_name = "committees/assignment/overview.html"
    context_object_name = "applications"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.round = get_round(self.request.user, self.kwargs["round_pk"])
        self.teams = list(SubCommittee.objects.filter(round=self.round).order_by("number"))
        self.filter_form = AssignmentFilterForm(self.request.GET, round_obj=self.round,
                                                teams=self.teams)
        return self.filter_form.filter(accepted_applications(self.round)).order_by(
            "assignment__subcommittee__number", "unit__province__name_th", "unit__code", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        forbidden = forbidden_pairs(self.round)
        rows = []
        for application in context["applications"]:
            conflicts = forbidden.get(application.pk, {})
            rows.append({"application": application,
                         "assignment": current_assignment(application),
                         "choices": [(team, conflicts.get(team.pk)) for team in self.teams]})
        figures = domain.summary(self.round)
        context.update({
            "round": self.round, "rows": rows, "teams": self.teams, "summary": figures,
            "filter_form": self.filter_form,
            "confirmed": figures.confirmed > 0 and figures.confirmed == figures.assigned,
            "last_run": AssignmentRun.objects.filter(round=self.round).first(),
            "back": self.request.get_full_path(),
        })
        return context


class AssignmentRunView(AssignmentAccessMixin, View):
    """POST: start the automatic assignment. When a proposal would be replaced, a page
    first says how many assignments are kept (locked, confirmed) and how many may move."""

    template_name = "committees/assignment/run_confirm.html"

    def post(self, request, round_pk):
        round_obj = get_round(request.user, round_pk)
        existing = Assignment.objects.filter(round=round_obj)
        movable = existing.filter(locked=False, state=AssignmentState.PROPOSED).count()
        if movable and request.POST.get("confirm") != "yes":
            return render(request, self.template_name, {
                "round": round_obj, "movable": movable,
                "kept": existing.filter(Q(locked=True) | Q(state=AssignmentState.CONFIRMED))
                .count()})
        run, started = start_assignment_run(round_obj, request.user)
        if not started:
            messages.info(request, _("An assignment of this round is already running; this "
                                     "page shows its progress."))
        return redirect(run)


class RunDetailView(AssignmentAccessMixin, View):
    """The progress of one run (htmx polls the status part every second while it runs),
    then its outcome, with a link to the overview."""

    def get(self, request, pk):
        run = get_object_or_404(AssignmentRun.objects.select_related("round", "started_by"),
                                pk=pk)
        context = {"run": run, "round": run.round, "percent": round(run.progress * 100),
                   "busy": run.state in (RunState.QUEUED, RunState.RUNNING),
                   "errors": (run.result or {}).get("errors") or
                   ([run.message] if run.message else [])}
        if request.htmx:
            return render(request, "committees/assignment/_run_status.html", context)
        return render(request, "committees/assignment/run_detail.html", context)


def _application(user, pk):
    return get_object_or_404(Application.objects.select_related("round", "unit"), pk=pk,
                             round__in=Round.objects.visible_to(user))


class AssignmentMoveView(AssignmentAccessMixin, View):
    """POST ``subcommittee``: put the application with that team (locked)."""

    def post(self, request, application_pk):
        application = _application(request.user, application_pk)
        team = SubCommittee.objects.filter(round=application.round,
                                           pk=request.POST.get("subcommittee") or 0).first()
        if team is None:
            messages.error(request, _("Choose a sub-committee of this round."))
        else:
            try:
                domain.move_application(application, team, request.user, lock=True,
                                        request=request)
            except ValidationError as exc:
                refusal(request, exc)
            else:
                messages.success(request, _("%(unit)s is now with %(team)s (locked).")
                                 % {"unit": application.unit.name_th,
                                    "team": team.display_name})
        return redirect(back_to(request, application.round))


class AssignmentLockView(AssignmentAccessMixin, View):
    locked = True

    def post(self, request, application_pk):
        application = _application(request.user, application_pk)
        assignment = Assignment.objects.filter(application=application).first()
        if assignment is None:
            messages.error(request, _("This application has no sub-committee yet."))
            return redirect(back_to(request, application.round))
        change = domain.lock_assignment if self.locked else domain.unlock_assignment
        try:
            change(assignment, request.user, request=request)
        except ValidationError as exc:
            refusal(request, exc)
        else:
            messages.success(request, (_("%(unit)s is locked: a new run keeps it where it is.")
                                       if self.locked else
                                       _("%(unit)s is unlocked: a new run may move it."))
                             % {"unit": application.unit.name_th})
        return redirect(back_to(request, application.round))


class AssignmentConfirmView(AssignmentAccessMixin, View):
    """GET: the counts to confirm; POST: confirm them (or show why not)."""

    template_name = "committees/assignment/confirm.html"

    def context(self, round_obj, errors=()):
        return {"round": round_obj, "summary": domain.summary(round_obj), "errors": errors}

    def get(self, request, round_pk):
        return render(request, self.template_name,
                      self.context(get_round(request.user, round_pk)))

    def post(self, request, round_pk):
        round_obj = get_round(request.user, round_pk)
        try:
            count = domain.confirm_assignments(round_obj, request.user, request=request)
        except ValidationError as exc:
            return render(request, self.template_name, self.context(round_obj, exc.messages),
                          status=400)
        messages.success(request, _("%(count)s assignments confirmed; each team's members "
                                    "were sent their list.") % {"count": count})
        return redirect(overview_url(round_obj))


def export_header() -> list[str]:
    return [_("Unit code"), _("Service unit"), _("Province"), _("Sub-committee"),
            _("Distance from base (km)"), _("Locked"), _("State")]


class AssignmentExportView(AssignmentAccessMixin, View):
    """The round's accepted applications with their sub-committees (the filters apply)."""

    def get(self, request, round_pk):
        round_obj = get_round(request.user, round_pk)
        teams = list(SubCommittee.objects.filter(round=round_obj).order_by("number"))
        form = AssignmentFilterForm(request.GET, round_obj=round_obj, teams=teams)
        rows = []
        for application in form.filter(accepted_applications(round_obj)).order_by(
                "assignment__subcommittee__number", "unit__code", "pk"):
            assignment = current_assignment(application)
            rows.append([
                application.unit.code, application.unit.name_th,
                application.unit.province.name_th,
                assignment.subcommittee.display_name if assignment else "",
                assignment.distance_km if assignment else None,
                (_("Yes") if assignment.locked else _("No")) if assignment else "",
                assignment.get_state_display() if assignment else _("Not assigned yet")])
        log_export("assignment.exported", request, obj=round_obj,
                   data={"format": "csv", "rows": len(rows)})
        name = f"assignment-{round_obj.year}-{format_be_stamp(timezone.localdate())}.csv"
        return csv_response(name, export_header(), rows)
