"""Planning itineraries in the background ("plan all" on the round's itinerary list).

Each team is one task: the solver searches for ``VISIT_SOLVER_SECONDS`` per team, so a round
of twenty teams would hold a request for minutes. In the embedded default Celery runs the
task at once (eagerly); a refusal (a unit without coordinates, an assignment not confirmed)
is logged, and the list page shows each team's state and what stops it.
"""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="gecc.visits.plan_itinerary", ignore_result=True)
def plan_itinerary_task(subcommittee_id, actor_id=None):
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError

    from gecc.committees.models import SubCommittee
    from gecc.visits.domain import plan_itinerary

    team = SubCommittee.objects.filter(pk=subcommittee_id).first()
    if team is None:
        return "missing"
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    try:
        plan_itinerary(team, actor)
    except ValidationError as exc:
        logger.warning("itinerary of sub-committee %s not planned: %s", subcommittee_id,
                       "; ".join(exc.messages))
        return "refused"
    return "planned"
