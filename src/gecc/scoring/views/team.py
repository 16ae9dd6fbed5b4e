"""The staff pages of team consolidation: a round's team sheets (list, CSV, provisional
results), one team sheet (the members' scores side by side, the consensus and findings per
item, the threshold, lock, unlock, recompute and compare) and a member's sheet (with each
item's history, and reopening it).

Who sees what: the secretariat everything; a sub-committee member the team sheets of their
own team's applications (``TeamSheet.objects.visible_to``: confirmed assignment, no conflict
of interest in force; another team's → 404), and the members' table only once their own
sheet is submitted (independence); coordinators and the steering committee nothing (403).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import ListView, View

from gecc.accounts.access import AllowedUserRequiredMixin
from gecc.accounts.enums import Role
from gecc.applications.enums import ApplicationState
from gecc.applications.models import Application
from gecc.audit.domain import log_export
from gecc.committees.enums import AssignmentState
from gecc.committees.models import Conflict, Membership, SubCommittee
from gecc.common.csvexport import csv_response
from gecc.common.thaidate import format_be_stamp
from gecc.criteria.domain.scoring import Result, ScoringError
from gecc.criteria.enums import NodeKind
from gecc.criteria.models import Node
from gecc.rounds.models import Round
from gecc.scoring.domain import consolidation
from gecc.scoring.domain.results import (
    compare_stored,
    explanation_by_level,
    level_names,
    percent_text,
    proposed_result,
    ref_names,
)
from gecc.scoring.domain.sheets import (
    SCORING_POSITIONS,
    applicable_items,
    can_reopen,
    readable_sheets_q,
)
from gecc.scoring.enums import SheetState
from gecc.scoring.interfaces.team_forms import (
    NA,
    ItemForm,
    ReasonForm,
    TeamFilterForm,
    ThresholdForm,
)
from gecc.scoring.models import ConsensusScore, ItemScore, ScoreSheet, TeamSheet

PAGE_SIZE = 50


class StaffMixin(AllowedUserRequiredMixin):
    """The secretariat and sub-committee members; rows then limited by ``visible_to``."""

    def allowed(self, user):
        return user.has_role(Role.SECRETARIAT) or user.has_role(Role.ASSESSOR)


class SecretariatMixin(AllowedUserRequiredMixin):
    def allowed(self, user):
        return user.has_role(Role.SECRETARIAT)


def safe_reverse(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def get_team_sheet(user, pk) -> TeamSheet:
    return get_object_or_404(
        TeamSheet.objects.visible_to(user).select_related(
            "application__round__edition", "application__unit__organization", "subcommittee",
            "locked_by"), pk=pk)


def get_score_sheet(user, pk) -> ScoreSheet:
    rule = readable_sheets_q(user)
    if rule is None:
        raise Http404
    return get_object_or_404(
        ScoreSheet.objects.filter(rule).filter(
            application__in=Application.objects.visible_to(user)).select_related(
            "application__round__edition", "application__unit__organization", "assessor",
            "subcommittee", "reopened_by"), pk=pk)


def is_secretariat(user) -> bool:
    return user.has_role(Role.SECRETARIAT)


# -- the round's list --------------------------------------------------------------------------

def _count(queryset, link):
    counted = (queryset.filter(**{link: OuterRef("pk")}).order_by().values(link)
               .annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def team_rows(user, round_obj):
    """The round's accepted applications with a confirmed sub-committee that ``user`` may
    see, with their team sheet and counts: one query."""
    conflicted = Conflict.objects.filter(
        Q(unit_id=OuterRef(OuterRef("unit_id")))
        | Q(organization_id=OuterRef(OuterRef("unit__organization_id")))
        | Q(organization_id=OuterRef(OuterRef("unit__organization__parent_id"))),
        user_id=OuterRef("user_id"), round_id=OuterRef(OuterRef("round_id")),
        overridden_at__isnull=True)
    scorers = (Membership.objects.filter(subcommittee_id=OuterRef("assignment__subcommittee_id"),
                                         position__in=SCORING_POSITIONS)
               .exclude(Exists(conflicted)).order_by().values("subcommittee_id")
               .annotate(n=Count("pk")).values("n"))
    submitted = (ScoreSheet.objects.filter(application_id=OuterRef("pk"),
                                           state=SheetState.SUBMITTED)
                 .order_by().values("application_id").annotate(n=Count("pk")).values("n"))
    recorded = (ConsensusScore.objects.filter(team_sheet__application_id=OuterRef("pk"))
                .filter(Q(value__isnull=False) | Q(not_applicable=True))
                .order_by().values("team_sheet_id").annotate(n=Count("pk")).values("n"))
    own_submitted = ScoreSheet.objects.filter(application_id=OuterRef("pk"), assessor_id=user.pk,
                                              state=SheetState.SUBMITTED)
    return (Application.objects.visible_to(user)
            .filter(round=round_obj, state=ApplicationState.ACCEPTED,
                    assignment__state=AssignmentState.CONFIRMED)
            .select_related("unit", "assignment__subcommittee", "team_sheet")
            .annotate(own_submitted=Exists(own_submitted),
                      scorer_count=Coalesce(Subquery(scorers, output_field=IntegerField()),
                                            Value(0)),
                      submitted_count=Coalesce(Subquery(submitted,
                                                        output_field=IntegerField()), Value(0)),
                      consensus_count=Coalesce(Subquery(recorded,
                                                        output_field=IntegerField()), Value(0)))
            .order_by("assignment__subcommittee__number", "unit__name_th", "pk"))


def filtered_rows(request, round_obj):
    teams = SubCommittee.objects.visible_to(request.user).filter(round=round_obj) \
        .order_by("number")
    form = TeamFilterForm(request.GET or None, teams=teams)
    queryset = team_rows(request.user, round_obj)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            queryset = queryset.filter(Q(unit__name_th__icontains=data["q"].strip())
                                       | Q(unit__code__icontains=data["q"].strip()))
        if data["team"]:
            queryset = queryset.filter(assignment__subcommittee_id=data["team"])
        if data["state"] == "none":
            queryset = queryset.filter(team_sheet__isnull=True)
        elif data["state"]:
            queryset = queryset.filter(team_sheet__state=data["state"])
    return form, queryset


def item_counts(round_obj) -> dict:
    """{unit type: applicable items} of the round's edition, read once (one query)."""
    items = list(Node.objects.filter(version_id=round_obj.edition_id, kind=NodeKind.ITEM)
                 .values_list("applies_to", flat=True))

    class Counts(dict):
        def __missing__(self, unit_type):
            value = self[unit_type] = sum(1 for applies in items
                                          if not applies or unit_type in applies)
            return value

    return Counts()


def decorate(rows, counts, levels=None, *, reveal_all=False):
    """Each row's team sheet, applicable item count and team; with ``levels`` (``{level
    code: name}``, read once for the round's edition) the proposed level's name and score
    in words too.

    Independence: a provisional result (an open sheet's, from the members' medians) can give
    away a co-member's scores, so it is shown only to the secretariat (``reveal_all``) and to
    a member who has submitted their own sheet for that application; ``result_shown`` says
    which. A locked sheet's result is everyone's on the team (every scorer submitted)."""
    levels = levels or {}
    for application in rows:
        application.sheet = getattr(application, "team_sheet", None) \
            if _has_team_sheet(application) else None
        application.item_count = counts[application.unit.unit_type]
        application.team = application.assignment.subcommittee
        sheet = application.sheet
        application.result_shown = bool(sheet) and (
            reveal_all or sheet.is_locked or getattr(application, "own_submitted", False))
        if not application.result_shown:
            sheet = None
        level = sheet.result_level if sheet else ""
        application.level_name = levels.get(level) or level or ""
        application.percent_text = percent_text(sheet.result_percent) \
            if sheet and sheet.result_percent is not None else ""
    return rows


def _has_team_sheet(application) -> bool:
    try:
        application.team_sheet  # noqa: B018
    except TeamSheet.DoesNotExist:
        return False
    return True


class TeamListView(StaffMixin, ListView):
    template_name = "scoring/team/list.html"
    context_object_name = "applications"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.round = get_object_or_404(
            Round.objects.visible_to(self.request.user).select_related("edition"),
            pk=self.kwargs["round_pk"])
        self.filter_form, queryset = filtered_rows(self.request, self.round)
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = decorate(list(context["applications"]), item_counts(self.round),
                        level_names(self.round.edition),
                        reveal_all=is_secretariat(self.request.user))
        context.update({"applications": rows, "round": self.round,
                        "filter_form": self.filter_form,
                        "is_secretariat": is_secretariat(self.request.user)})
        return context


EXPORT_HEADER = ["sub-committee", "unit code", "unit", "members submitted", "scoring members",
                 "consensus recorded", "items", "state", "proposed level", "proposed score (%)",
                 "basis"]


class TeamExportView(StaffMixin, View):
    """The filtered list as CSV (every page)."""

    def get(self, request, round_pk):
        round_obj = get_object_or_404(Round.objects.visible_to(request.user), pk=round_pk)
        _form, queryset = filtered_rows(request, round_obj)
        rows = decorate(list(queryset), item_counts(round_obj),
                        reveal_all=is_secretariat(request.user))
        log_export("scoring.teams_exported", request, obj=round_obj,
                   data={"format": "csv", "rows": len(rows)})

        def line(a):
            sheet = a.sheet
            shown = sheet if a.result_shown else None
            return [a.team.display_name, a.unit.code, a.unit.name_th, a.submitted_count,
                    a.scorer_count, a.consensus_count, a.item_count,
                    sheet.state if sheet else "", shown.result_level if shown else "",
                    shown.result_percent if shown and shown.result_percent is not None else "",
                    (shown.result or {}).get("basis", "") if shown else ""]

        name = f"team-sheets-{round_obj.year}-{format_be_stamp(timezone.localdate())}.csv"
        return csv_response(name, EXPORT_HEADER, [line(a) for a in rows])


class TeamProposeView(SecretariatMixin, View):
    """The provisional results of the round's open team sheets from the members' medians."""

    def post(self, request, round_pk):
        round_obj = get_object_or_404(Round.objects.visible_to(request.user), pk=round_pk)
        count = consolidation.propose_round(round_obj, request.user, request=request)
        messages.success(request, _("Provisional results computed for %(count)s open team "
                                    "sheets from the members' medians.") % {"count": count})
        return redirect("scoring:team.list", round_pk=round_obj.pk)


class TeamOpenView(StaffMixin, View):
    """The application's team sheet (made the first time), then its page."""

    def get(self, request, application_pk):
        application = get_object_or_404(
            Application.objects.visible_to(request.user).select_related(
                "round__edition", "unit__organization"),
            pk=application_pk, state=ApplicationState.ACCEPTED)
        try:
            team_sheet = consolidation.team_sheet_for(application)
        except ValidationError:
            raise Http404 from None
        return redirect("scoring:team.detail", pk=team_sheet.pk)


# -- one team sheet ----------------------------------------------------------------------------

def result_words(result, version) -> dict | None:
    """What the pages show of a proposed result (the engine's ``Result`` or the stored
    ``TeamSheet.result``) in the interface language: the level's name, the failed mandatory
    items, the categories and criteria by name (each category followed by its criteria) and
    the explanation as sentences grouped by the level not reached."""
    if result is None:
        return None
    data = result.as_dict() if isinstance(result, Result) else result
    levels = level_names(version)
    names = ref_names(version)
    order = {ref: index for index, ref in enumerate(names)}
    categories = data.get("categories") or {}
    criteria = data.get("criteria") or {}
    rows = [{"ref": ref, "name": names.get(ref, ref), "category": ref in categories,
             "percent": percent_text(value)}
            for ref, value in [*categories.items(), *criteria.items()]]
    rows.sort(key=lambda row: order.get(row["ref"], len(order)))
    level = data.get("level") or ""
    overall = data.get("overall_percent")
    return {
        "level": level,
        "level_name": levels.get(level) or level,
        "overall": percent_text(overall) if overall is not None else "",
        "mandatory_failed": [names.get(ref, ref) for ref in data.get("mandatory_failed") or []],
        "rows": rows,
        "explanation": explanation_by_level(data.get("explanation"), levels, names),
    }


def scale_labels(version) -> dict:
    """{scale code: {value: Thai label}} of a criteria version."""
    labels = {}
    for scale in version.scales or []:
        labels[scale.get("code")] = {float(point["value"]): point.get("label_th", "")
                                     for point in scale.get("points", [])}
    return labels


def value_choices(row, labels, version):
    scale = labels.get(row.item.scale or version.default_scale, {})
    choices = [(f"{point:g}", f"{point:g} — {scale.get(point, '')}".rstrip(" —"))
               for point in row.points]
    if row.na_allowed:
        choices.append((NA, _("N/A (not applicable)")))
    return choices


def initial_of(row) -> dict:
    consensus = row.consensus
    value = ""
    if consensus is not None:
        if consensus.not_applicable:
            value = NA
        elif consensus.value is not None:
            value = f"{consensus.value:g}"
    return {"item": row.item.ref, "value": value,
            "reason": consensus.reason if consensus else "",
            "strengths": consensus.strengths if consensus else "",
            "improvements": consensus.improvements if consensus else ""}


class TeamAccess:
    """What the user may do with the team sheet, and whether they may see the members'
    scores yet."""

    def __init__(self, user, team_sheet):
        self.secretariat = is_secretariat(user)
        self.position = consolidation.position_of(user, team_sheet)
        self.scorer = self.position in SCORING_POSITIONS
        self.submitted = self.scorer and consolidation.own_sheet_submitted(
            user, team_sheet.application)
        self.consolidate = consolidation.can_consolidate(user, team_sheet)
        self.lock = consolidation.can_lock(user, team_sheet)
        self.unlock = consolidation.can_unlock(user, team_sheet)

    def may_see(self, table) -> bool:
        if self.secretariat or self.submitted:
            return True
        # An assistant secretary does not score: the table once every scorer submitted.
        return not self.scorer and table.all_submitted


def detail_context(request, team_sheet, *, bound=None, threshold_form=None):
    table = consolidation.item_table(team_sheet)
    access = TeamAccess(request.user, team_sheet)
    version = team_sheet.application.round.edition
    labels = scale_labels(version)
    flagged_only = request.GET.get("flagged") == "1"
    rows = [row for row in table.rows if row.flagged or not flagged_only]
    for row in rows:
        prefix = f"item-{row.item.pk}"
        if bound is not None and bound.prefix == prefix:
            row.form = bound
        else:
            row.form = ItemForm(prefix=prefix, initial=initial_of(row),
                                choices=value_choices(row, labels, version))
        row.point_labels = labels.get(row.item.scale or version.default_scale, {})
    return {
        "team_sheet": team_sheet, "application": team_sheet.application, "table": table,
        "rows": rows, "access": access, "flagged_only": flagged_only,
        "threshold_form": threshold_form or ThresholdForm(
            initial={"threshold": team_sheet.spread_threshold}),
        "result": team_sheet.result if team_sheet.is_locked else None,
        "provisional": team_sheet.result if not team_sheet.is_locked else None,
        "words": result_words(team_sheet.result or None, version),
        "score_url": safe_reverse("field:app"),
    }


class TeamDetailView(StaffMixin, View):
    template_name = "scoring/team/detail.html"

    def get(self, request, pk):
        team_sheet = get_team_sheet(request.user, pk)
        if not team_sheet.is_locked:
            consolidation.prefill(team_sheet)
        context = detail_context(request, team_sheet)
        if not context["access"].may_see(context["table"]):
            return render(request, "scoring/team/wait.html", context)
        return render(request, self.template_name, context)


class TeamConsensusView(StaffMixin, View):
    """POST one item's consensus (while the sheet is open) and findings."""

    def post(self, request, pk):
        team_sheet = get_team_sheet(request.user, pk)
        if not consolidation.can_consolidate(request.user, team_sheet):
            raise PermissionDenied
        ref = request.POST.get("item", "")
        item = next((i for i in applicable_items(team_sheet.application) if i.ref == ref), None)
        if item is None:
            raise Http404
        prefix = f"item-{item.pk}"
        table = consolidation.item_table(team_sheet)
        row = table.row(ref)
        form = ItemForm(request.POST, prefix=prefix, choices=value_choices(
            row, scale_labels(team_sheet.application.round.edition),
            team_sheet.application.round.edition))
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    if not team_sheet.is_locked and (data["value"] != "" or data["reason"]):
                        consolidation.record_consensus(
                            team_sheet, item, value=None if data["value"] in ("", NA)
                            else data["value"], not_applicable=data["value"] == NA,
                            reason=data["reason"], actor=request.user, request=request)
                    consolidation.record_findings(
                        team_sheet, item, strengths=data["strengths"],
                        improvements=data["improvements"], actor=request.user,
                        request=request)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Item %(ref)s saved.") % {"ref": ref})
                return redirect(f"{reverse('scoring:team.detail', args=[team_sheet.pk])}"
                                f"#item-{ref}")
        team_sheet.refresh_from_db()
        context = detail_context(request, team_sheet, bound=form)
        return render(request, TeamDetailView.template_name, context, status=400)


def add_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = "value" if name == "not_applicable" else name
            form.add_error(target if target in form.fields else None,
                           [m for e in errors for m in e.messages])
    else:
        form.add_error(None, exc.messages)


class TeamThresholdView(StaffMixin, View):
    def post(self, request, pk):
        team_sheet = get_team_sheet(request.user, pk)
        if not consolidation.can_consolidate(request.user, team_sheet):
            raise PermissionDenied
        form = ThresholdForm(request.POST)
        if form.is_valid():
            try:
                consolidation.set_spread_threshold(team_sheet, form.cleaned_data["threshold"],
                                                   request.user, request=request)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("The spread threshold was saved."))
                return redirect("scoring:team.detail", pk=team_sheet.pk)
        context = detail_context(request, team_sheet, threshold_form=form)
        return render(request, TeamDetailView.template_name, context, status=400)


class TeamLockView(StaffMixin, View):
    """The confirmation page (what stops the lock, or the result that will be stored), then
    the lock."""

    template_name = "scoring/team/lock.html"

    def context(self, request, team_sheet):
        table = consolidation.item_table(team_sheet)
        preview = None
        if not table.problems:
            try:
                preview = proposed_result(team_sheet)
            except ScoringError as exc:
                table.problems.append(str(exc))
        return {"team_sheet": team_sheet, "application": team_sheet.application,
                "table": table, "preview": preview,
                "words": result_words(preview, team_sheet.application.round.edition)}

    def get(self, request, pk):
        team_sheet = get_team_sheet(request.user, pk)
        if not consolidation.can_lock(request.user, team_sheet):
            raise PermissionDenied
        if team_sheet.is_locked:
            messages.info(request, _("The team sheet is already locked."))
            return redirect("scoring:team.detail", pk=team_sheet.pk)
        return render(request, self.template_name, self.context(request, team_sheet))

    def post(self, request, pk):
        team_sheet = get_team_sheet(request.user, pk)
        if not consolidation.can_lock(request.user, team_sheet):
            raise PermissionDenied
        try:
            consolidation.lock_team_sheet(team_sheet, request.user, request=request)
        except ValidationError as exc:
            context = self.context(request, team_sheet)
            context["errors"] = exc.messages
            return render(request, self.template_name, context, status=400)
        messages.success(request, _("The team sheet is locked and its proposed result "
                                    "stored."))
        return redirect("scoring:team.detail", pk=team_sheet.pk)


class TeamUnlockView(SecretariatMixin, View):
    template_name = "scoring/team/unlock.html"

    def get(self, request, pk):
        team_sheet = get_team_sheet(request.user, pk)
        if not team_sheet.is_locked:
            messages.info(request, _("The team sheet is not locked."))
            return redirect("scoring:team.detail", pk=team_sheet.pk)
        return render(request, self.template_name, {"team_sheet": team_sheet,
                                                    "form": ReasonForm()})

    def post(self, request, pk):
        team_sheet = get_team_sheet(request.user, pk)
        form = ReasonForm(request.POST)
        if form.is_valid():
            try:
                consolidation.unlock_team_sheet(team_sheet, request.user,
                                                form.cleaned_data["reason"], request=request)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The team sheet is open again."))
                return redirect("scoring:team.detail", pk=team_sheet.pk)
        return render(request, self.template_name, {"team_sheet": team_sheet, "form": form},
                      status=400)


class TeamRecomputeView(StaffMixin, View):
    """Recompute the proposed result from the stored consensus and compare it with the
    stored one (nothing is written)."""

    template_name = "scoring/team/recompute.html"

    def get(self, request, pk):
        team_sheet = get_team_sheet(request.user, pk)
        access = TeamAccess(request.user, team_sheet)
        if not (access.secretariat or access.submitted):
            raise PermissionDenied
        context = {"team_sheet": team_sheet, "application": team_sheet.application}
        try:
            if team_sheet.is_locked:
                context.update(compare_stored(team_sheet))
            else:
                context["result"] = proposed_result(team_sheet)
        except ScoringError as exc:
            context["error"] = str(exc)
        context["words"] = result_words(context.get("result"),
                                        team_sheet.application.round.edition)
        return render(request, self.template_name, context)


# -- a member's sheet --------------------------------------------------------------------------

class SheetDetailView(StaffMixin, View):
    template_name = "scoring/sheet/detail.html"

    def get(self, request, pk):
        sheet = get_score_sheet(request.user, pk)
        scores = {score.item_id: score for score in
                  ItemScore.objects.filter(sheet=sheet).prefetch_related(
                      "history", "photos__blob")}
        rows = []
        for item in applicable_items(sheet.application):
            score = scores.get(item.pk)
            photos = [p for p in score.photos.all() if p.removed_at is None] if score else []
            for photo in photos:
                photo.url = safe_reverse("field:api.photo.file", photo.blob.sha256)
            rows.append({"item": item, "score": score, "photos": photos,
                         "history": list(score.history.all()) if score else []})
        team_sheet = TeamSheet.objects.filter(application_id=sheet.application_id).first()
        return render(request, self.template_name, {
            "sheet": sheet, "application": sheet.application, "rows": rows,
            "team_sheet": team_sheet,
            "may_reopen": sheet.is_submitted and can_reopen(request.user, sheet)
            and not (team_sheet and team_sheet.is_locked)})


class SheetReopenView(StaffMixin, View):
    template_name = "scoring/sheet/reopen.html"

    def sheet(self, request, pk):
        sheet = get_score_sheet(request.user, pk)
        if not can_reopen(request.user, sheet):
            raise PermissionDenied
        return sheet

    def refusal(self, request, sheet):
        if not sheet.is_submitted:
            return _("This score sheet has not been submitted: there is nothing to reopen.")
        if TeamSheet.objects.filter(application_id=sheet.application_id,
                                    state="locked").exists():
            return _("The team sheet of this application is locked: the secretariat must "
                     "unlock it before a member's sheet can be reopened.")
        return None

    def get(self, request, pk):
        sheet = self.sheet(request, pk)
        refusal = self.refusal(request, sheet)
        if refusal:
            messages.error(request, refusal)
            return redirect("scoring:sheet.detail", pk=sheet.pk)
        return render(request, self.template_name, {"sheet": sheet, "form": ReasonForm()})

    def post(self, request, pk):
        sheet = self.sheet(request, pk)
        form = ReasonForm(request.POST)
        if form.is_valid():
            try:
                consolidation.reopen_member_sheet(sheet, request.user,
                                                  form.cleaned_data["reason"], request=request)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("The score sheet is open again; the member was "
                                            "told by e-mail."))
                return redirect("scoring:sheet.detail", pk=sheet.pk)
        return render(request, self.template_name, {"sheet": sheet, "form": form},
                      status=400)
