"""What each staff home page shows: a few aggregate queries, never one per row."""

from django.db.models import Count, Q

from gecc.applications.enums import REVIEWABLE_STATES, ApplicationState
from gecc.applications.models import Application
from gecc.notifications.models import OutboxMessage
from gecc.registry.models import ServiceUnit
from gecc.rounds.enums import RoundPhase
from gecc.rounds.models import Round


def round_summaries(user, phases=None):
    """The user's visible rounds that are not closed, newest first, each with its
    application counts by state (one query for the rounds, one for all the counts)."""
    rounds = Round.objects.visible_to(user).exclude(phase=RoundPhase.CLOSED)
    if phases:
        rounds = rounds.filter(phase__in=phases)
    rounds = list(rounds.select_related("edition").order_by("-year")[:5])
    counts = {}
    rows = (Application.objects.visible_to(user).filter(round__in=rounds)
            .values("round_id", "state").annotate(n=Count("pk")).order_by())
    for row in rows:
        counts.setdefault(row["round_id"], {})[row["state"]] = row["n"]
    summaries = []
    for round_obj in rounds:
        by_state = counts.get(round_obj.pk, {})
        summaries.append({
            "round": round_obj,
            "total": sum(by_state.values()),
            "to_review": sum(by_state.get(state, 0) for state in REVIEWABLE_STATES),
            "accepted": by_state.get(ApplicationState.ACCEPTED, 0),
        })
    return summaries


def secretariat_figures(user):
    units = ServiceUnit.objects.aggregate(active=Count("pk", filter=Q(is_active=True)))
    outbox = OutboxMessage.objects.visible_to(user).aggregate(
        failed=Count("pk", filter=Q(status="failed")))
    return {"active_units": units["active"], "failed_messages": outbox["failed"]}
