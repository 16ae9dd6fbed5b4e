"""Sub-committees of a round: list (members, chair, capacity, problems), create/edit,
detail with the members table (add from the pool, change position, remove)."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.generic import ListView, View

from gecc.applications.enums import ApplicationState
from gecc.applications.models import Application
from gecc.committees.domain.subcommittees import (
    add_member,
    change_position,
    create_subcommittee,
    remove_member,
    team_problems,
    update_subcommittee,
    visits_started,
    with_members,
)
from gecc.committees.enums import Position
from gecc.committees.interfaces.team_forms import AddMemberForm, PositionForm, SubCommitteeForm
from gecc.committees.models import Conflict, Membership, SubCommittee
from gecc.committees.views.people import PermissionMixin, add_domain_errors
from gecc.rounds.enums import RoundPhase
from gecc.rounds.models import Round

PAGE_SIZE = 50


class TeamPermissionMixin(PermissionMixin):
    permission = "committees.manage_subcommittees"


def get_round(user, pk):
    return get_object_or_404(Round.objects.visible_to(user), pk=pk)


def get_team(user, pk):
    return get_object_or_404(
        SubCommittee.objects.visible_to(user).select_related("round", "base_province"), pk=pk)


def round_links(user, current):
    """The rounds to switch between (newest first)."""
    return [(round_obj, round_obj.pk == current.pk) for round_obj in
            Round.objects.visible_to(user).exclude(phase=RoundPhase.DRAFT)
            .order_by("-year")[:10]]


class SubCommitteeIndexView(TeamPermissionMixin, View):
    """The sub-committees of the newest round that is not closed (or the newest round)."""

    def get(self, request):
        rounds = Round.objects.visible_to(request.user).order_by("-year")
        round_obj = rounds.exclude(phase=RoundPhase.CLOSED).first() or rounds.first()
        if round_obj is None:
            return render(request, "committees/subcommittee/no_round.html")
        return redirect("committees:subcommittee.list", round_pk=round_obj.pk)


class SubCommitteeListView(TeamPermissionMixin, ListView):
    template_name = "committees/subcommittee/list.html"
    context_object_name = "teams"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.round = get_round(self.request.user, self.kwargs["round_pk"])
        return with_members(SubCommittee.objects.visible_to(self.request.user)
                            .filter(round=self.round)).order_by("number")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        teams = list(context["teams"])
        for team in teams:
            members = list(team.members.all())
            team.member_count = len(members)
            team.chair = next((m for m in members if m.position == Position.CHAIR), None)
            team.problems = team_problems(team)
        accepted = Application.objects.filter(round=self.round,
                                              state=ApplicationState.ACCEPTED).count()
        context.update({
            "teams": teams, "round": self.round,
            "rounds": round_links(self.request.user, self.round),
            "accepted_count": accepted,
            "capacity_total": sum(team.capacity for team in teams),
            "can_edit": self.round.phase not in (RoundPhase.DECISION, RoundPhase.ANNOUNCED,
                                                 RoundPhase.CLOSED),
        })
        return context


def next_number(round_obj) -> int:
    last = SubCommittee.objects.filter(round=round_obj).order_by("-number").first()
    return (last.number + 1) if last else 1


class SubCommitteeCreateView(TeamPermissionMixin, View):
    template_name = "committees/subcommittee/form.html"

    def get(self, request, round_pk):
        round_obj = get_round(request.user, round_pk)
        form = SubCommitteeForm(initial={"number": next_number(round_obj),
                                         "visits_per_day": 4})
        return render(request, self.template_name, {"form": form, "round": round_obj,
                                                    "team": None})

    def post(self, request, round_pk):
        round_obj = get_round(request.user, round_pk)
        form = SubCommitteeForm(request.POST)
        if form.is_valid():
            try:
                team = create_subcommittee(round_obj, actor=request.user, request=request,
                                           **form.team_values())
            except ValidationError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("%(team)s was created.")
                                 % {"team": team.display_name})
                return redirect("committees:subcommittee.detail", pk=team.pk)
        return render(request, self.template_name,
                      {"form": form, "round": round_obj, "team": None}, status=400)


class SubCommitteeEditView(TeamPermissionMixin, View):
    template_name = "committees/subcommittee/form.html"

    def get(self, request, pk):
        team = get_team(request.user, pk)
        return render(request, self.template_name, {
            "form": SubCommitteeForm(subcommittee=team), "round": team.round, "team": team,
            "started": visits_started(team)})

    def post(self, request, pk):
        team = get_team(request.user, pk)
        form = SubCommitteeForm(request.POST, subcommittee=team)
        if form.is_valid():
            try:
                update_subcommittee(team, actor=request.user, request=request,
                                    **form.team_values())
            except ValidationError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("The changes were saved."))
                return redirect("committees:subcommittee.detail", pk=team.pk)
        return render(request, self.template_name, {
            "form": form, "round": team.round, "team": team,
            "started": visits_started(team)}, status=400)


def detail_context(request, team, add_form=None):
    team = with_members(SubCommittee.objects.filter(pk=team.pk)).get()
    members = list(team.members.all())
    conflicts = dict(Conflict.objects.in_force().filter(
        round_id=team.round_id, user_id__in=[m.user_id for m in members])
        .values_list("user_id").annotate(n=Count("pk")).order_by())
    for member in members:
        member.conflict_count = conflicts.get(member.user_id, 0)
        member.position_form = PositionForm(initial={"position": member.position},
                                            prefix=f"m{member.pk}")
    return {"team": team, "round": team.round, "members": members,
            "visit_days": [datetime.date.fromisoformat(day) for day in team.visit_dates or []],
            "problems": team_problems(team), "started": visits_started(team),
            "add_form": add_form or AddMemberForm(round_obj=team.round),
            "positions": Position.choices}


class SubCommitteeDetailView(TeamPermissionMixin, View):
    template_name = "committees/subcommittee/detail.html"

    def get(self, request, pk):
        team = get_team(request.user, pk)
        return render(request, self.template_name, detail_context(request, team))


class MemberAddView(TeamPermissionMixin, View):
    """Add a person from the pool to a team (the form is on the detail page)."""

    template_name = "committees/subcommittee/detail.html"

    def get(self, request, pk):
        return redirect("committees:subcommittee.detail", pk=get_team(request.user, pk).pk)

    def post(self, request, pk):
        team = get_team(request.user, pk)
        form = AddMemberForm(request.POST, round_obj=team.round)
        if form.is_valid():
            profile = form.cleaned_data["profile"]
            try:
                membership = add_member(team, profile.user, form.cleaned_data["position"],
                                        actor=request.user, request=request)
            except ValidationError as exc:
                add_domain_errors(form, exc)
            else:
                messages.success(request, _("%(person)s was added as %(position)s.") % {
                    "person": profile.user.full_name or profile.user.email,
                    "position": membership.get_position_display()})
                for warning in membership.warnings:
                    messages.warning(request, warning)
                return redirect("committees:subcommittee.detail", pk=team.pk)
        return render(request, self.template_name, detail_context(request, team, form),
                      status=400)


def get_membership(user, pk):
    teams = SubCommittee.objects.visible_to(user)
    return get_object_or_404(Membership.objects.filter(subcommittee__in=teams)
                             .select_related("user", "subcommittee", "subcommittee__round"),
                             pk=pk)


class MemberPositionView(TeamPermissionMixin, View):
    def get(self, request, pk):
        membership = get_membership(request.user, pk)
        return redirect("committees:subcommittee.detail", pk=membership.subcommittee_id)

    def post(self, request, pk):
        membership = get_membership(request.user, pk)
        form = PositionForm(request.POST, prefix=f"m{membership.pk}")
        if form.is_valid():
            try:
                change_position(membership, form.cleaned_data["position"], actor=request.user,
                                request=request)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("The position was changed."))
        else:
            messages.error(request, _("Unknown position."))
        return redirect("committees:subcommittee.detail", pk=membership.subcommittee_id)


class MemberRemoveView(TeamPermissionMixin, View):
    template_name = "committees/subcommittee/member_remove.html"

    def get(self, request, pk):
        membership = get_membership(request.user, pk)
        return render(request, self.template_name, {
            "membership": membership, "team": membership.subcommittee,
            "started": visits_started(membership.subcommittee)})

    def post(self, request, pk):
        membership = get_membership(request.user, pk)
        team = membership.subcommittee
        try:
            remove_member(membership, actor=request.user, request=request)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("%(person)s was removed from %(team)s.") % {
                "person": membership.user.full_name or membership.user.email,
                "team": team.display_name})
        return redirect("committees:subcommittee.detail", pk=team.pk)

