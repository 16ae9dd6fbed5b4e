"""Conflicts of interest: a member's own page (list per round, declare, withdraw) and the
secretariat's list of a round (filters, CSV export, override, "detect now")."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import ListView, View

from gecc.audit.domain import log_export
from gecc.committees.domain.conflicts import (
    declare_conflict,
    detect_conflicts,
    override_conflict,
    withdraw_conflict,
)
from gecc.committees.enums import AssignmentState, ConflictKind
from gecc.committees.interfaces.conflict_forms import (
    ConflictFilterForm,
    DeclareConflictForm,
    OverrideConflictForm,
)
from gecc.committees.interfaces.pool_export import conflict_header, conflict_rows
from gecc.committees.models import (
    AssessorProfile,
    Assignment,
    Conflict,
    Membership,
    SubCommittee,
)
from gecc.committees.views.people import PermissionMixin, add_domain_errors
from gecc.committees.views.subcommittees import get_round, round_links
from gecc.common.csvexport import csv_response
from gecc.common.thaidate import format_be_stamp
from gecc.rounds.models import Round

PAGE_SIZE = 50


class ManageMixin(PermissionMixin):
    permission = "committees.manage_conflicts"


class MemberMixin(PermissionMixin):
    permission = "committees.view_own_conflicts"


def round_teams(round_obj):
    """The round's teams, and {user id: team} of its members (two queries)."""
    teams = list(SubCommittee.objects.filter(round=round_obj).order_by("number"))
    by_pk = {team.pk: team for team in teams}
    team_of = {user_id: by_pk[team_id] for user_id, team_id in Membership.objects.filter(
        round=round_obj).values_list("user_id", "subcommittee_id")}
    return teams, team_of


def round_conflicts(request, round_obj):
    """(filter form, filtered conflicts, {user id: team}) of a round for the user."""
    teams, team_of = round_teams(round_obj)
    form = ConflictFilterForm(request.GET or None, teams=teams)
    queryset = form.filter(
        Conflict.objects.visible_to(request.user).filter(round=round_obj),
        {user_id: team.pk for user_id, team in team_of.items()})
    queryset = queryset.select_related("user", "unit", "organization", "overridden_by") \
        .order_by("user__full_name", "user__email", "kind", "pk")
    return form, queryset, team_of


class ConflictListView(ManageMixin, ListView):
    template_name = "committees/conflict/list.html"
    context_object_name = "conflicts"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.round = get_round(self.request.user, self.kwargs["round_pk"])
        self.filter_form, queryset, self.team_of = round_conflicts(self.request, self.round)
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        conflicts = list(context["conflicts"])
        for conflict in conflicts:
            conflict.team = self.team_of.get(conflict.user_id)
        context.update({"conflicts": conflicts, "round": self.round,
                        "filter_form": self.filter_form,
                        "rounds": round_links(self.request.user, self.round)})
        return context


class ConflictExportView(ManageMixin, View):
    """The filtered list of a round's conflicts as CSV (all pages)."""

    def get(self, request, round_pk):
        round_obj = get_round(request.user, round_pk)
        _form, queryset, team_of = round_conflicts(request, round_obj)
        conflicts = list(queryset)
        names = {user_id: team.display_name for user_id, team in team_of.items()}
        log_export("conflicts.exported", request, obj=round_obj,
                   data={"format": "csv", "rows": len(conflicts)})
        name = f"conflicts-{round_obj.year}-{format_be_stamp(timezone.localdate())}.csv"
        return csv_response(name, conflict_header(), conflict_rows(conflicts, names))


def get_conflict(user, pk):
    return get_object_or_404(Conflict.objects.visible_to(user).select_related(
        "round", "user", "unit", "organization"), pk=pk)


class ConflictOverrideView(PermissionMixin, View):
    permission = "committees.override_conflict"
    template_name = "committees/conflict/override.html"

    def render_form(self, request, conflict, form, status=200):
        return render(request, self.template_name, {"conflict": conflict, "form": form,
                                                    "round": conflict.round}, status=status)

    def get(self, request, pk):
        return self.render_form(request, get_conflict(request.user, pk),
                                OverrideConflictForm())

    def post(self, request, pk):
        conflict = get_conflict(request.user, pk)
        form = OverrideConflictForm(request.POST)
        if form.is_valid():
            try:
                override_conflict(conflict, request.user, form.cleaned_data["reason"],
                                  request=request)
            except ValidationError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The conflict of interest was overridden; it no "
                                            "longer bars the member."))
                return redirect("committees:conflict.list", round_pk=conflict.round_id)
        return self.render_form(request, conflict, form, status=400)


class ConflictDetectView(ManageMixin, View):
    """Confirm, then look for affiliation, coordinator and previous-round conflicts of every
    member of the round."""

    template_name = "committees/conflict/detect.html"

    def get(self, request, round_pk):
        round_obj = get_round(request.user, round_pk)
        members = Membership.objects.filter(round=round_obj).count()
        return render(request, self.template_name, {"round": round_obj,
                                                    "member_count": members})

    def post(self, request, round_pk):
        round_obj = get_round(request.user, round_pk)
        created = detect_conflicts(round_obj, actor=request.user)
        if created:
            messages.success(request, _("%(count)s new conflicts of interest were found.")
                             % {"count": len(created)})
        else:
            messages.success(request, _("No new conflict of interest was found."))
        return redirect("committees:conflict.list", round_pk=round_obj.pk)


# -- the member's own page ---------------------------------------------------------------------

class MyConflictsView(MemberMixin, View):
    template_name = "committees/conflict/mine.html"

    def get(self, request):
        user = request.user
        conflicts = list(Conflict.objects.filter(user=user).select_related(
            "round", "unit", "organization").order_by("-round__year", "kind", "pk"))
        confirmed = set(Assignment.objects.filter(
            round_id__in={c.round_id for c in conflicts},
            state=AssignmentState.CONFIRMED).values_list("round_id", flat=True).distinct())
        rounds = {}
        for conflict in conflicts:
            conflict.can_withdraw = (conflict.kind == ConflictKind.DECLARED
                                     and conflict.round_id not in confirmed)
            rounds.setdefault(conflict.round, []).append(conflict)
        memberships = list(Membership.objects.filter(user=user).select_related(
            "subcommittee", "subcommittee__round").order_by("-subcommittee__round__year"))
        profile = (AssessorProfile.objects.filter(user=user)
                   .select_related("affiliation", "home_province").first())
        return render(request, self.template_name, {
            "rounds": list(rounds.items()), "memberships": memberships, "profile": profile})


def declare_form(request, data=None):
    return DeclareConflictForm(
        data, rounds=Round.objects.visible_to(request.user),
        unit_url=reverse("committees:lookup.units"),
        organization_url=reverse("committees:lookup.organizations"))


class ConflictDeclareView(PermissionMixin, View):
    permission = "committees.declare_conflict"
    template_name = "committees/conflict/declare.html"

    def get(self, request):
        return render(request, self.template_name, {"form": declare_form(request)})

    def post(self, request):
        form = declare_form(request, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                declare_conflict(request.user, data["round"], unit=data.get("unit"),
                                 organization=data.get("organization"),
                                 reason=data["reason"], actor=request.user, request=request)
            except ValidationError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("Your conflict of interest was recorded."))
                return redirect("committees:conflict.mine")
        return render(request, self.template_name, {"form": form}, status=400)


class ConflictWithdrawView(MemberMixin, View):
    template_name = "committees/conflict/withdraw.html"

    def get_conflict(self, request, pk):
        conflict = get_object_or_404(Conflict.objects.filter(user=request.user)
                                     .select_related("round", "unit", "organization"), pk=pk)
        if not request.user.has_perm("committees.withdraw_conflict", conflict):
            raise Http404
        return conflict

    def get(self, request, pk):
        return render(request, self.template_name,
                      {"conflict": self.get_conflict(request, pk)})

    def post(self, request, pk):
        conflict = self.get_conflict(request, pk)
        try:
            withdraw_conflict(conflict, actor=request.user, request=request)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Your declaration was withdrawn."))
        return redirect("committees:conflict.mine")
