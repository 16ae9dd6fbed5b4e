"""From records to a routing problem and back: what ``plan_itinerary`` reads (the team's
confirmed assignments, its days, hotels and fixed stops) and writes (days, numbered stops,
times, what could not be placed).

The solver itself is ``routing.solve_routes``: a pure function, problem in, plan out.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from gecc.applications.enums import ApplicationState
from gecc.committees.enums import AssignmentState
from gecc.committees.models import Assignment
from gecc.visits.models import ItineraryDay, Visit

from .places import has_point, to_minutes, to_time, unit_point
from .routing import DaySpec, Place, RoutingProblem, StopSpec

# Applications that no longer go to a site visit: their stop leaves the itinerary.
ENDED_STATES = (ApplicationState.WITHDRAWN, ApplicationState.REJECTED)
# The fields of a visit the plan writes; a change in one of them is a change of the visit.
SCHEDULE_FIELDS = ("day", "order", "number", "arrive_at", "start_at", "end_at",
                   "travel_minutes", "dropped_reason", "fixed")
DAY_FIELDS = ("start_label", "start_latitude", "start_longitude", "leave_at", "back_at",
              "lunch_at", "travel_minutes")
APPLICATION_RELATED = ("application__unit", "application__unit__province",
                       "application__unit__district", "application__unit__subdistrict",
                       "application__round")


@dataclass
class VisitSync:
    """What lining the visits up with the assignments did."""

    visits: list
    moved_in: list = field(default_factory=list)  # visits taken over from another team
    removed: list = field(default_factory=list)  # (application, notified signature)


def assigned_applications(subcommittee) -> list:
    """The applications the team visits: every one of its assignments must be confirmed."""
    assignments = list(
        Assignment.objects.filter(subcommittee=subcommittee)
        .exclude(application__state__in=ENDED_STATES)
        .select_related("application", "application__unit", "application__unit__province",
                        "application__unit__district", "application__unit__subdistrict",
                        "application__round")
        .order_by("application__unit__code", "pk"))
    if not assignments:
        raise ValidationError(
            _("No service unit is assigned to %(team)s yet, so there is nothing to plan.")
            % {"team": subcommittee.display_name}, code="nothing_assigned")
    pending = [a for a in assignments if a.state != AssignmentState.CONFIRMED]
    if pending:
        raise ValidationError(
            _("The assignment of service units to %(team)s is not confirmed yet "
              "(%(count)d of %(total)d proposed only). Confirm the round's assignment "
              "first, then plan the itinerary.")
            % {"team": subcommittee.display_name, "count": len(pending),
               "total": len(assignments)}, code="assignment_not_confirmed")
    return [assignment.application for assignment in assignments]


def require_coordinates(applications):
    missing = [app.unit for app in applications if unit_point(app.unit) is None]
    if missing:
        names = ", ".join(f"{unit.name_th} ({unit.code})" for unit in missing)
        raise ValidationError(
            _("These service units have no map coordinates, so their visits cannot be "
              "placed on a route: %(units)s. Add their latitude and longitude in the "
              "registry, then plan again.") % {"units": names},
            code="no_coordinates", params={"units": [unit.code for unit in missing]})


def base_place(subcommittee) -> Place:
    point = subcommittee.base_point()
    if point is None:
        raise ValidationError(
            _("%(team)s has no base: give the sub-committee's base coordinates or its base "
              "province, then plan again.") % {"team": subcommittee.display_name},
            code="no_base")
    label = subcommittee.base_address or (
        subcommittee.base_province.name_th if subcommittee.base_province_id else "")
    return Place("base", point[0], point[1], label or _("Base"))


def sync_days(itinerary, dates) -> list:
    """One ``ItineraryDay`` per visit date, in date order; days no longer among the dates
    are removed (their visits are placed again)."""
    existing = {day.date: day for day in itinerary.days.all()}
    gone = [day.pk for date, day in existing.items() if date not in dates]
    if gone:
        ItineraryDay.objects.filter(pk__in=gone).delete()
    new = [ItineraryDay(itinerary=itinerary, date=date) for date in dates if date not in existing]
    if new:
        ItineraryDay.objects.bulk_create(new)
    return list(itinerary.days.order_by("date"))


def sync_visits(itinerary, applications) -> VisitSync:
    """One ``Visit`` per assigned application: kept if it is already here, taken over (not
    fixed, not placed) if another team's itinerary had it, new otherwise; visits of
    applications no longer assigned to the team are deleted."""
    app_ids = [app.pk for app in applications]
    existing = {visit.application_id: visit
                for visit in Visit.objects.filter(application_id__in=app_ids)}
    result = VisitSync(visits=[])
    new = []
    for app in applications:
        visit = existing.get(app.pk)
        if visit is None:
            new.append(Visit(itinerary=itinerary, application=app,
                             duration_minutes=settings.VISIT_DEFAULT_DURATION))
        elif visit.itinerary_id != itinerary.pk:
            result.moved_in.append((visit, visit.itinerary_id))
            visit.itinerary = itinerary
            visit.day = visit.order = visit.number = None
            visit.fixed = False
            visit.save(update_fields=["itinerary", "day", "order", "number", "fixed"])
    if new:
        Visit.objects.bulk_create(new)
    stale = list(itinerary.visits.exclude(application_id__in=app_ids)
                 .select_related(*APPLICATION_RELATED))
    for visit in stale:
        result.removed.append((visit.application, visit.notified_signature))
    if stale:
        Visit.objects.filter(pk__in=[visit.pk for visit in stale]).delete()
    result.visits = list(itinerary.visits.select_related("day", *APPLICATION_RELATED)
                         .order_by("pk"))
    return result


def _hotel(day):
    if day is None or not has_point(day.hotel_latitude, day.hotel_longitude):
        return None
    return Place(f"hotel-{day.pk}", float(day.hotel_latitude), float(day.hotel_longitude),
                 day.hotel_label or _("Hotel"))


def day_places(days, base) -> list[tuple]:
    """(start, end) of each day: last night's hotel or the base, tonight's hotel or the
    base."""
    places = []
    for position, day in enumerate(days):
        before = days[position - 1] if position else None
        places.append((_hotel(before) or base, _hotel(day) or base))
    return places


def build_problem(itinerary, subcommittee, days, visits, base, *, time_limit_s=None):
    """The ``RoutingProblem`` of the team: day ``i`` (1-based) is ``days[i - 1]``; a stop's
    key is its application's id."""
    places = day_places(days, base)
    day_specs = tuple(
        DaySpec(index=number, start=start, end=end,
                lunch_duration=int(itinerary.lunch_minutes),
                max_visits=subcommittee.visits_per_day or None)
        for number, (start, end) in enumerate(places, start=1))
    day_number = {day.pk: number for number, day in enumerate(days, start=1)}
    stops = []
    for visit in visits:
        unit = visit.application.unit
        latitude, longitude = unit_point(unit)
        fixed = visit.fixed and visit.day_id in day_number
        stops.append(StopSpec(
            key=visit.application_id, lat=latitude, lon=longitude,
            window_start=to_minutes(unit.visit_window_start),
            window_end=to_minutes(unit.visit_window_end),
            duration=int(visit.duration_minutes),
            fixed_day=day_number[visit.day_id] if fixed else None,
            fixed_order=visit.order if fixed and visit.order else None,
            label=unit.name_th))
    limit = settings.VISIT_SOLVER_SECONDS if time_limit_s is None else time_limit_s
    return RoutingProblem(stops=tuple(stops), days=day_specs,
                          road_factor=float(itinerary.road_factor),
                          speed_kmh=float(itinerary.speed_kmh), time_limit_s=float(limit))


def write_plan(days, visits, plan, places) -> list:
    """Store the plan on the days and visits (times, order, running numbers, reasons); a
    visit whose schedule changed gets a new ``updated_at``, at least a second after the last
    (its calendar SEQUENCE counts seconds).
    Returns the visits that changed."""
    now = timezone.now()
    by_number = {number: day for number, day in enumerate(days, start=1)}
    for day_plan in plan.days:
        day = by_number[day_plan.index]
        start = places[day_plan.index - 1][0]
        day.start_label = start.label[:255]
        day.start_latitude, day.start_longitude = round(start.lat, 6), round(start.lon, 6)
        day.leave_at = to_time(day_plan.leave) if day_plan.stops else None
        day.back_at = to_time(day_plan.back) if day_plan.stops else None
        day.lunch_at = to_time(day_plan.lunch_start)
        day.travel_minutes = day_plan.travel_minutes if day_plan.stops else 0
    if days:
        ItineraryDay.objects.bulk_update(days, DAY_FIELDS)
    by_key = {visit.application_id: visit for visit in visits}
    target = {}
    number = 0
    for day_plan in plan.days:
        day = by_number[day_plan.index]
        for stop in day_plan.stops:
            number += 1
            target[stop.key] = {
                "day": day, "order": stop.order, "number": number,
                "arrive_at": to_time(stop.arrive), "start_at": to_time(stop.start),
                "end_at": to_time(stop.depart), "travel_minutes": stop.travel_from_previous,
                "dropped_reason": "", "fixed": by_key[stop.key].fixed}
    for key, reason in plan.dropped.items():
        target[key] = {"day": None, "order": None, "number": None, "arrive_at": None,
                       "start_at": None, "end_at": None, "travel_minutes": 0,
                       "dropped_reason": str(reason), "fixed": False}
    changed = []
    for key, values in target.items():
        visit = by_key[key]
        if any(getattr(visit, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(visit, name, value)
            # At least a second later than before: the calendar SEQUENCE counts seconds.
            visit.updated_at = max(now, (visit.updated_at or now) + datetime.timedelta(seconds=1))
            changed.append(visit)
    if changed:
        Visit.objects.bulk_update(changed, [*SCHEDULE_FIELDS, "updated_at"])
    return changed
