"""The round's itineraries, one row per sub-committee, and "plan all"."""

from django.contrib import messages
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import ListView, View

from gecc.committees.models import Assignment, Membership, SubCommittee
from gecc.common.queue import enqueue
from gecc.rounds.models import Round
from gecc.visits.domain import plan_problems
from gecc.visits.enums import ItineraryState
from gecc.visits.models import Visit
from gecc.visits.tasks import plan_itinerary_task
from gecc.visits.views.base import ManageMixin

PAGE_SIZE = 50
STATE_FILTERS = {"unplanned": Q(itinerary__isnull=True),
                 ItineraryState.DRAFT.value: Q(itinerary__state=ItineraryState.DRAFT),
                 ItineraryState.CONFIRMED.value: Q(itinerary__state=ItineraryState.CONFIRMED)}


def _count(queryset, link):
    counted = (queryset.filter(**{link: OuterRef("pk")}).order_by().values(link)
               .annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def chosen_round(request):
    rounds = list(Round.objects.visible_to(request.user).order_by("-year"))
    wanted = request.GET.get("round", "")
    chosen = next((r for r in rounds if str(r.year) == wanted), None)
    if chosen is None:
        with_teams = set(SubCommittee.objects.values_list("round_id", flat=True).distinct())
        chosen = next((r for r in rounds if r.pk in with_teams), rounds[0] if rounds else None)
    return rounds, chosen


def team_rows(round_obj):
    """The round's sub-committees with their itinerary and counts: one query."""
    return (SubCommittee.objects.filter(round=round_obj)
            .select_related("itinerary", "base_province")
            .annotate(
                assigned=_count(Assignment.objects.all(), "subcommittee"),
                confirmed_assigned=_count(Assignment.objects.filter(state="confirmed"),
                                          "subcommittee"),
                placed=_count(Visit.objects.filter(day__isnull=False),
                              "itinerary__subcommittee"),
                not_placed=_count(Visit.objects.filter(day__isnull=True),
                                  "itinerary__subcommittee"),
                member_count=_count(Membership.objects.all(), "subcommittee"))
            .order_by("number"))


class ItineraryListView(ManageMixin, ListView):
    template_name = "visits/itinerary/list.html"
    context_object_name = "teams"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.rounds, self.round = chosen_round(self.request)
        self.state = self.request.GET.get("state", "")
        if self.round is None:
            return SubCommittee.objects.none()
        queryset = team_rows(self.round)
        if self.state in STATE_FILTERS:
            queryset = queryset.filter(STATE_FILTERS[self.state])
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        teams = list(context["teams"])
        for team in teams:
            team.plan = getattr(team, "itinerary", None)
        context.update({
            "teams": teams, "rounds": self.rounds, "round": self.round,
            "state": self.state if self.state in STATE_FILTERS else "",
            "state_choices": [("unplanned", _("Not planned")),
                              *[(s.value, s.label) for s in ItineraryState]],
        })
        return context


class ItineraryPlanAllView(ManageMixin, View):
    """Plan every team of the round that has no confirmed itinerary: each team whose
    guards pass is queued (a Celery task, run at once in the embedded default); the others
    are listed with the reasons. Confirmed itineraries are re-planned one by one from their
    page, where the people to notify are named."""

    def post(self, request, year):
        round_obj = get_object_or_404(Round.objects.visible_to(request.user), year=year)
        teams = list(SubCommittee.objects.filter(round=round_obj)
                     .exclude(itinerary__state=ItineraryState.CONFIRMED)
                     .select_related("round", "base_province").order_by("number"))
        queued, refused = 0, []
        for team in teams:
            problems = plan_problems(team)
            if problems:
                refused.append(f"{team.display_name}: {' '.join(problems)}")
                continue
            if enqueue(plan_itinerary_task, team.pk, request.user.pk):
                queued += 1
            else:
                refused.append(_("%(team)s: the background worker could not be reached; "
                                 "plan it from its page.") % {"team": team.display_name})
        if queued:
            messages.success(request, _("Planning started for %(count)d sub-committees. Each "
                                        "takes a few seconds; reload this page to see the "
                                        "results.") % {"count": queued})
        if not teams:
            messages.info(request, _("Every itinerary of this round is already confirmed."))
        for line in refused:
            messages.error(request, line)
        return redirect(f"{reverse('visits:itinerary.list')}?round={round_obj.year}")
