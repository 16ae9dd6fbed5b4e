"""Planning and confirming a sub-committee's itinerary: one function per transition, each
guard → save → audit → notify inside one transaction.

``plan_itinerary`` builds the routing problem from the team's confirmed assignments
(``planning``), solves it (``routing.solve_routes``) and writes days, numbered stops and
times. Planning again ("re-optimise") keeps the stops fixed by hand. A confirmed itinerary
stays confirmed when planned again; the people whose visit changed are told
(``notices.announce``).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gecc.audit.domain import log_action
from gecc.committees.models import SubCommittee
from gecc.rounds.enums import RoundPhase
from gecc.visits.enums import ItineraryState
from gecc.visits.models import Itinerary

from . import routing
from .notices import announce
from .places import visit_dates
from .planning import (
    assigned_applications,
    base_place,
    build_problem,
    day_places,
    require_coordinates,
    sync_days,
    sync_visits,
    write_plan,
)


def _locked_team(subcommittee):
    return (SubCommittee.objects.select_for_update(of=("self",))
            .select_related("round", "base_province").get(pk=subcommittee.pk))


def _itinerary_for(subcommittee):
    from django.conf import settings

    itinerary, _created = Itinerary.objects.get_or_create(
        subcommittee=subcommittee,
        defaults={"road_factor": round(settings.VISIT_ROAD_FACTOR, 2),
                  "speed_kmh": settings.VISIT_SPEED_KMH,
                  "lunch_minutes": settings.VISIT_LUNCH_MINUTES})
    return Itinerary.objects.select_for_update(of=("self",)).select_related(
        "subcommittee", "subcommittee__round").get(pk=itinerary.pk)


def plan_problems(subcommittee) -> list[str]:
    """Why the team cannot be planned now (empty when it can): the guards of
    ``plan_itinerary``, without planning. The list page uses it before queueing."""
    problems = []
    try:
        if subcommittee.round.phase == RoundPhase.CLOSED:
            raise ValidationError(_("The round is closed."))
        applications = assigned_applications(subcommittee)
        if not visit_dates(subcommittee):
            raise ValidationError(_no_dates(subcommittee))
        base_place(subcommittee)
        require_coordinates(applications)
    except ValidationError as exc:
        problems.extend(exc.messages)
    return problems


def _no_dates(subcommittee):
    return _("%(team)s has no visit dates yet. Give the sub-committee its visit days, then "
             "plan again.") % {"team": subcommittee.display_name}


@transaction.atomic
def plan_itinerary(subcommittee, actor, *, request=None, time_limit_s=None) -> Itinerary:
    """Plan (or re-plan) the team's visits over its visit days. Refused, with nothing saved,
    unless every assignment of the team is confirmed, the team has visit dates and a base,
    and every unit has coordinates. Visits that cannot be placed are kept with the solver's
    reason and no day."""
    subcommittee = _locked_team(subcommittee)
    if subcommittee.round.phase == RoundPhase.CLOSED:
        raise ValidationError(_("The round is closed; its itineraries can no longer change."),
                              code="round_closed")
    applications = assigned_applications(subcommittee)
    dates = visit_dates(subcommittee)
    if not dates:
        raise ValidationError(_no_dates(subcommittee), code="no_visit_dates")
    base = base_place(subcommittee)
    require_coordinates(applications)

    itinerary = _itinerary_for(subcommittee)
    days = sync_days(itinerary, dates)
    synced = sync_visits(itinerary, applications)
    problem = build_problem(itinerary, subcommittee, days, synced.visits, base,
                            time_limit_s=time_limit_s)
    plan = routing.solve_routes(problem)
    changed = write_plan(days, synced.visits, plan, day_places(days, base))

    before = {"total_travel_minutes": itinerary.total_travel_minutes,
              "dropped": len(itinerary.dropped or {})}
    itinerary.total_travel_minutes = plan.total_travel_minutes
    itinerary.dropped = {str(key): str(reason) for key, reason in plan.dropped.items()}
    itinerary.solved_at = timezone.now()
    itinerary.save(update_fields=["total_travel_minutes", "dropped", "solved_at",
                                  "updated_at"])
    names = {visit.application_id: visit.application.unit.name_th for visit in synced.visits}
    data = {"status": plan.status, "solve_seconds": round(plan.solve_seconds, 2),
            "placed": plan.placed, "days": [day.date.isoformat() for day in days],
            "visits_changed": len(changed),
            "not_placed": {names.get(key, str(key)): str(reason)
                           for key, reason in plan.dropped.items()}}
    if synced.moved_in:
        data["taken_over"] = [visit.application.unit.code for visit, _old in synced.moved_in]
    if synced.removed:
        data["removed"] = [application.unit.code for application, _sig in synced.removed]
    if itinerary.state == ItineraryState.CONFIRMED:
        data.update(announce(itinerary, actor, removed=synced.removed, request=request))
    log_action("itinerary.planned", actor=actor, obj=itinerary, request=request,
               before=before, after={"total_travel_minutes": itinerary.total_travel_minutes,
                                     "dropped": len(itinerary.dropped)}, data=data)
    return itinerary


def _locked(itinerary):
    return (Itinerary.objects.select_for_update(of=("self",))
            .select_related("subcommittee", "subcommittee__round").get(pk=itinerary.pk))


def dropped_visits(itinerary) -> list:
    """The visits the plan could not place, with their reasons, by unit name."""
    return list(itinerary.visits.filter(day__isnull=True)
                .select_related("application__unit").order_by("application__unit__name_th"))


def confirm_problems(itinerary) -> list[str]:
    """Why the itinerary cannot be confirmed now (empty when it can)."""
    if itinerary.state == ItineraryState.CONFIRMED:
        return [_("This itinerary is already confirmed.")]
    if itinerary.solved_at is None:
        return [_("Plan the itinerary first.")]
    problems = []
    dropped = dropped_visits(itinerary)
    if dropped:
        problems.append(
            _("%(count)d visits are not placed, so the itinerary cannot be confirmed: "
              "%(visits)s. Fix them (more visit days, a hotel, longer opening hours, a "
              "shorter visit) and re-optimise.")
            % {"count": len(dropped),
               "visits": "; ".join(f"{visit.application.unit.name_th} ({visit.dropped_reason})"
                                   for visit in dropped)})
    if not itinerary.visits.exists():
        problems.append(_("The itinerary has no visits."))
    try:
        assigned = {app.pk for app in assigned_applications(itinerary.subcommittee)}
    except ValidationError as exc:
        problems.extend(exc.messages)
    else:
        planned = set(itinerary.visits.values_list("application_id", flat=True))
        if assigned != planned:
            problems.append(_("The assignment of this sub-committee changed since the "
                              "itinerary was planned. Re-optimise it first."))
    return problems


@transaction.atomic
def confirm_itinerary(itinerary, actor, *, request=None) -> Itinerary:
    """Confirm the itinerary: the units' coordinators are told their visit (``visit.scheduled``,
    with a calendar link) and each member gets the schedule (``itinerary.confirmed``).
    Refused while a visit is not placed (the list of visits and reasons is in the message)."""
    current = _locked(itinerary)
    problems = confirm_problems(current)
    if problems:
        raise ValidationError(problems, code="cannot_confirm")
    now = timezone.now()
    current.state = ItineraryState.CONFIRMED
    current.confirmed_at = now
    current.confirmed_by = actor if getattr(actor, "is_authenticated", False) else None
    current.save(update_fields=["state", "confirmed_at", "confirmed_by", "updated_at"])
    counts = announce(current, actor, confirming=True, request=request)
    log_action("itinerary.confirmed", actor=actor, obj=current, request=request,
               before={"state": ItineraryState.DRAFT.value},
               after={"state": ItineraryState.CONFIRMED.value}, data=counts)
    for name in ("state", "confirmed_at", "confirmed_by", "updated_at"):
        setattr(itinerary, name, getattr(current, name))
    return itinerary


@transaction.atomic
def set_itinerary_parameters(itinerary, actor, *, road_factor, speed_kmh, lunch_minutes,
                             request=None) -> Itinerary:
    """Change the road factor, average speed and lunch break, then plan again."""
    errors = {}
    if not 1 <= float(road_factor) <= 3:
        errors["road_factor"] = _("The road factor must be between 1 and 3.")
    if not 10 <= int(speed_kmh) <= 120:
        errors["speed_kmh"] = _("The average speed must be between 10 and 120 km/h.")
    if not 0 <= int(lunch_minutes) <= 120:
        errors["lunch_minutes"] = _("The lunch break must be between 0 and 120 minutes.")
    if errors:
        raise ValidationError(errors)
    current = _locked(itinerary)
    fields = {"road_factor": round(float(road_factor), 2), "speed_kmh": int(speed_kmh),
              "lunch_minutes": int(lunch_minutes)}
    before = {name: float(getattr(current, name)) if name == "road_factor"
              else getattr(current, name) for name in fields}
    for name, value in fields.items():
        setattr(current, name, value)
    current.save(update_fields=[*fields, "updated_at"])
    log_action("itinerary.parameters_changed", actor=actor, obj=current, request=request,
               before=before, after=fields)
    return plan_itinerary(current.subcommittee, actor, request=request)
