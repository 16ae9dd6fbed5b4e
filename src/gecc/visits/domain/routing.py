"""Site-visit routing: one team's visits over its visit days. Problem in, plan out.

A pure module (no models, no database): the visits app turns its records into a
:class:`RoutingProblem`, calls :func:`solve_routes` and stores the :class:`RoutingPlan`. The
solver behind it can be swapped, and every rule below is checked independently by
:func:`validate_plan`, which the tests and ``bench/bench_itineraries.py`` run on every plan.

The model
---------
* Times are integer minutes from midnight. Driving time between two points is
  ``ceil(haversine km × road factor ÷ speed × 60)`` (:func:`travel_time`; rounded up so a plan
  never counts on driving faster than assumed).
* Each :class:`DaySpec` is one vehicle of the OR-Tools routing model with its own start and
  end node (the base, or the hotel of the previous/next night). The team leaves the start no
  earlier than ``day_start`` and is back at the end no later than ``day_end``.
* A visit starts inside its unit's window and must also finish in it:
  ``window_start ≤ start ≤ window_end − duration``. Arriving early means waiting.
* Lunch (``lunch_duration`` minutes, starting between ``lunch_earliest`` and
  ``lunch_latest``) is a vehicle break: ``SetBreakIntervalsOfVehicle`` with a non-optional
  ``FixedDurationIntervalVar``. It never overlaps a visit; it is taken while driving or
  waiting between two places, before leaving or after coming back (at the base or hotel).
* ``max_visits`` is the capacity of a count dimension (one per visit). The same dimension
  pins ``fixed_order``: its cumul at a visit is the number of visits before it in the day, so
  ``fixed_order = n`` sets that cumul to ``n − 1`` and the visit is exactly the n-th of its
  day. This was chosen over precedence pairs because a secretariat that fixes "2nd on day 3"
  means that position, not only "after the other fixed one", and the re-optimised visits
  fill the other positions freely. ``fixed_day`` restricts the visit's vehicle
  (``VehicleVar(index).SetValues([-1, day])``; a visit that cannot be done alone on some
  day, too far or outside its hours, is kept off that day the same way).
* Every visit is optional (a disjunction with a drop penalty larger than any plan's driving
  time, so placing one more visit always wins), so an over-full or impossible problem still returns a plan and lists what it dropped. The
  objective is the total driving time.
* Search: ``PATH_CHEAPEST_ARC`` then ``GUIDED_LOCAL_SEARCH`` until ``time_limit_s``. The
  search is single-threaded with no random seed; its result depends only on how far it gets
  within the time limit.

After the search
----------------
The plan's times are recomputed from the chosen order of each day (earliest times, the
lunch put in the gap that brings the team back soonest, then leaving as late as the first
visit allows). Each dropped visit is then offered once more to every day and position,
cheapest feasible insertion first, so "the days are full" is only said when no day can take
it. A dropped visit's reason, checked in this order:

1. its window is shorter than its duration;
2. it is fixed to a day that is not among the visit days;
3. it cannot be done alone on any day it may take: on another day but not its fixed one
   ("the fixed day cannot hold it"), not even with its window ignored ("too far to go and
   come back in one day", with the shortest round-trip driving time), or else "cannot be
   reached within its opening hours";
4. it is fixed to a day (and position) that its other visits leave no room on;
5. otherwise the days are full: no day can take it (visits placed / days).

Two baselines keep the same rules and are checked by :func:`validate_plan` too:

* :func:`nearest_neighbour_tour_plan`, the one the solver is measured against: the textbook
  nearest-neighbour tour through all the team's visits from the first day's start (no time
  rule looked at while ordering), cut into days in tour order;
* :func:`nearest_neighbour_plan`, a stronger greedy kept for reference: days filled in
  order, each day going on to the nearest visit that still fits.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from gecc.geography.domain.distance import haversine_km, travel_minutes

DROP_PENALTY = 1_000_000  # more than any day's driving: placing a visit always wins


# -- the problem -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A start or end point of a day: the team's base or a hotel."""

    key: Any
    lat: float
    lon: float
    label: str = ""


@dataclass(frozen=True)
class StopSpec:
    """One visit: a service unit, its window and the visit's duration (minutes)."""

    key: Any
    lat: float
    lon: float
    window_start: int = 510  # 08:30
    window_end: int = 990  # 16:30
    duration: int = 90
    fixed_day: int | None = None  # a DaySpec.index
    fixed_order: int | None = None  # 1-based position within the day
    label: str = ""


@dataclass(frozen=True)
class DaySpec:
    """One visit day. ``index`` is the caller's day number, shown as is in messages."""

    index: int
    start: Place
    end: Place
    day_start: int = 480  # 08:00, leaving the start
    day_end: int = 1050  # 17:30, back at the end
    lunch_earliest: int = 690  # 11:30
    lunch_latest: int = 810  # 13:30 (latest start of lunch)
    lunch_duration: int = 60
    max_visits: int | None = None


@dataclass(frozen=True)
class RoutingProblem:
    stops: tuple
    days: tuple
    road_factor: float = 1.3
    speed_kmh: float = 60.0
    time_limit_s: float = 2.0


# -- the plan --------------------------------------------------------------------------------


@dataclass
class PlannedStop:
    key: Any
    day: int  # DaySpec.index
    order: int  # 1-based within the day
    arrive: int
    start: int
    depart: int
    travel_from_previous: int


@dataclass
class DayPlan:
    index: int
    stops: list[PlannedStop]
    lunch_start: int | None  # None on a day without visits
    leave: int
    back: int
    travel_minutes: int  # including the way back to the end


@dataclass
class RoutingPlan:
    days: list[DayPlan]
    dropped: dict[Any, str]  # stop key → reason (Thai through gettext)
    total_travel_minutes: int
    solve_seconds: float
    status: str
    # stop key → short reason code: short_window, no_such_day, fixed_day, too_far, hours, full
    dropped_codes: dict[Any, str] = field(default_factory=dict)

    @property
    def placed(self) -> int:
        return sum(len(day.stops) for day in self.days)


# -- shared helpers --------------------------------------------------------------------------


def hhmm(minutes: int) -> str:
    """Minutes from midnight as ``HH:MM``."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def travel_time(problem: RoutingProblem, a, b) -> int:
    """Whole minutes of driving between two points (anything with ``lat`` and ``lon``)."""
    km = haversine_km(a.lat, a.lon, b.lat, b.lon)
    return math.ceil(travel_minutes(km, problem.road_factor, problem.speed_kmh) - 1e-9)


@dataclass
class _Visit:
    """A day's scheduled visit, before it becomes a PlannedStop."""

    stop: int
    arrive: int
    start: int
    depart: int
    travel: int


@dataclass
class _Schedule:
    visits: list[_Visit]
    lunch_start: int | None
    leave: int
    back: int
    travel: int


class _Instance:
    """The problem with its points numbered: stops 0..n-1, then each day's start and end."""

    def __init__(self, problem: RoutingProblem):
        self.problem = problem
        self.stops = list(problem.stops)
        self.days = list(problem.days)
        self.n = len(self.stops)
        points = self.stops + [p for day in self.days for p in (day.start, day.end)]
        self.matrix = [[travel_time(problem, a, b) for b in points] for a in points]
        self.day_position = {day.index: d for d, day in enumerate(self.days)}
        # Days on which each visit can be done on its own (its fixed day only, if fixed).
        self.alone = [[self.schedule(d, [i]) is not None for d in range(len(self.days))]
                      for i in range(self.n)]
        # The days each visit may take: feasible alone, its fixed day, room for its position.
        self.allowed = []
        for i, stop in enumerate(self.stops):
            days = [d for d in range(len(self.days)) if self.alone[i][d]
                    and (stop.fixed_day is None or self.days[d].index == stop.fixed_day)
                    and (stop.fixed_order is None or 1 <= stop.fixed_order <= (
                        self.days[d].max_visits or self.n))]
            too_short = stop.window_end - stop.window_start < stop.duration
            self.allowed.append([] if too_short else days)

    def start_point(self, d):
        return self.n + 2 * d

    def end_point(self, d):
        return self.n + 2 * d + 1

    def fits(self, d, sequence):
        """The day's schedule for these visits in this order, or None if it breaks a rule."""
        day = self.days[d]
        if day.max_visits is not None and len(sequence) > day.max_visits:
            return None
        for position, i in enumerate(sequence, start=1):
            stop = self.stops[i]
            if d not in self.allowed[i]:
                return None
            if stop.fixed_order is not None and stop.fixed_order != position:
                return None
        return self.schedule(d, sequence)

    def schedule(self, d, sequence, relax_windows=False):
        """Earliest times for the visits in this order with lunch in the gap that brings the
        team back soonest; None if no gap works. Gap ``g`` (0-based) is the time between
        leaving the previous place and starting visit ``g``; gap ``len(sequence)`` is the way
        back. Lunch starts at ``max(leaving, lunch_earliest)``, on the road or on arrival while
        waiting: the earliest start, so the most permissive (on the way back, after arriving
        if it can still start in time). ``relax_windows`` replaces each window by the working
        day (to tell "too far" from "outside its opening hours").
        """
        day, best = self.days[d], None
        if not sequence:
            # A day without visits: the team only moves from its start to its end (the plan
            # shows it even when that breaks the day's end; the solver fails on it first).
            drive = self.matrix[self.start_point(d)][self.end_point(d)]
            return _Schedule([], None, day.day_start, day.day_start + drive, drive)
        for gap in range(len(sequence) + 1):
            result = self._forward(d, day, sequence, gap, relax_windows)
            if result is not None and (best is None or result.back < best.back):
                best = result
        return best

    def _forward(self, d, day, sequence, gap, relax_windows):
        t, previous = day.day_start, self.start_point(d)
        visits, lunch, total = [], None, 0
        for g, i in enumerate(sequence):
            stop = self.stops[i]
            drive = self.matrix[previous][i]
            total += drive
            if g == gap:
                lunch = max(t, day.lunch_earliest)
                if lunch > day.lunch_latest:
                    return None
                ready = max(t + drive, lunch) + day.lunch_duration
                arrive = ready if lunch < t + drive else t + drive
            else:
                ready = arrive = t + drive
            opens, closes = ((day.day_start, day.day_end) if relax_windows
                             else (stop.window_start, stop.window_end))
            start = max(ready, opens)
            if start > closes - stop.duration:
                return None
            visits.append(_Visit(i, arrive, start, start + stop.duration, drive))
            t, previous = start + stop.duration, i
        drive = self.matrix[previous][self.end_point(d)]
        total += drive
        back = t + drive
        if gap == len(sequence):
            if max(back, day.lunch_earliest) <= day.lunch_latest:
                lunch = max(back, day.lunch_earliest)  # after coming back
            else:
                lunch = max(t, day.lunch_earliest)  # on the road back
                if lunch > day.lunch_latest:
                    return None
                back = max(back, lunch) + day.lunch_duration
        if back > day.day_end:
            return None
        leave = day.day_start
        first = visits[0]
        if gap != 0:
            # Leave as late as the first visit allows instead of waiting there.
            leave = max(day.day_start, first.start - first.travel)
            first.arrive = leave + first.travel
        else:
            # Lunch at the start place before leaving, if that lets the team leave later.
            late = first.start - first.travel
            lunch_before = min(day.lunch_latest, late - day.lunch_duration)
            if lunch_before >= max(day.lunch_earliest, day.day_start):
                leave, lunch, first.arrive = late, lunch_before, first.start
        return _Schedule(visits, lunch, leave, back, total)


# -- reasons ---------------------------------------------------------------------------------


def _reason(inst: _Instance, i: int, sequences) -> tuple[str, str]:
    stop = inst.stops[i]
    if stop.window_end - stop.window_start < stop.duration:
        return "short_window", _(
            "The opening hours (%(start)s–%(end)s) are shorter than the %(duration)d-minute "
            "visit") % {"start": hhmm(stop.window_start), "end": hhmm(stop.window_end),
                        "duration": stop.duration}
    if stop.fixed_day is not None and stop.fixed_day not in inst.day_position:
        return "no_such_day", _(
            "Fixed to day %(day)s, which is not one of the visit days") % {"day": stop.fixed_day}
    every = range(len(inst.days))
    fixed = stop.fixed_day is not None
    candidates = [inst.day_position[stop.fixed_day]] if fixed else list(every)
    if not any(inst.alone[i][d] for d in candidates):
        if fixed and any(inst.alone[i][d] for d in every):
            return "fixed_day", _fixed_day_reason(stop)
        if not any(inst.schedule(d, [i], relax_windows=True) for d in candidates):
            minutes = min(inst.matrix[inst.start_point(d)][i] + inst.matrix[i][inst.end_point(d)]
                          for d in candidates)
            return "too_far", _(
                "Too far to go and come back within one day (%(minutes)d minutes' drive)"
            ) % {"minutes": minutes}
        return "hours", _(
            "Cannot be reached within its opening hours (%(start)s–%(end)s) on any visit day"
        ) % {"start": hhmm(stop.window_start), "end": hhmm(stop.window_end)}
    if fixed:
        return "fixed_day", _fixed_day_reason(stop)
    placed = sum(len(sequence) for sequence in sequences)
    return "full", _(
        "The visit days are full: no day can take another visit (%(visits)d visits in "
        "%(days)d days)") % {"visits": placed, "days": len(inst.days)}


def _fixed_day_reason(stop):
    if stop.fixed_order is not None:
        return _("The fixed day (day %(day)s) cannot take this visit as visit %(order)d") % {
            "day": stop.fixed_day, "order": stop.fixed_order}
    return _("The fixed day (day %(day)s) cannot take this visit") % {"day": stop.fixed_day}


# -- building the plan -----------------------------------------------------------------------


def _insert_dropped(inst: _Instance, sequences, dropped):
    """Offer each dropped visit to every allowed day and position, cheapest feasible
    insertion first, until none fits. Returns the visits still dropped."""
    dropped = sorted(dropped)
    changed = True
    while changed and dropped:
        changed = False
        for i in list(dropped):
            best = None
            for d in inst.allowed[i]:
                sequence = sequences[d]
                points = [inst.start_point(d), *sequence, inst.end_point(d)]
                for position in range(len(sequence) + 1):
                    a, b = points[position], points[position + 1]
                    delta = inst.matrix[a][i] + inst.matrix[i][b] - inst.matrix[a][b]
                    if best is not None and delta >= best[0]:
                        continue
                    candidate = sequence[:position] + [i] + sequence[position:]
                    if inst.fits(d, candidate) is not None:
                        best = (delta, d, candidate)
            if best is not None:
                sequences[best[1]] = best[2]
                dropped.remove(i)
                changed = True
    return dropped


def _make_plan(inst: _Instance, sequences, dropped, status, started):
    days, total = [], 0
    for d, day in enumerate(inst.days):
        schedule = inst.fits(d, sequences[d])
        assert schedule is not None, "an unschedulable day reached the plan"
        stops = [PlannedStop(inst.stops[v.stop].key, day.index, order, v.arrive, v.start,
                             v.depart, v.travel)
                 for order, v in enumerate(schedule.visits, start=1)]
        days.append(DayPlan(day.index, stops, schedule.lunch_start, schedule.leave,
                            schedule.back, schedule.travel))
        total += schedule.travel
    reasons, codes = {}, {}
    for i in sorted(dropped):
        code, reason = _reason(inst, i, sequences)
        reasons[inst.stops[i].key] = reason
        codes[inst.stops[i].key] = code
    return RoutingPlan(days, reasons, total, time.perf_counter() - started, status, codes)


def _repair(inst: _Instance, sequences, dropped):
    """Make each day schedulable by the plan's own rules, dropping its last free visits if
    not (a safety net: the solver's model is at least as strict, so it should never act)."""
    for d, sequence in enumerate(sequences):
        while sequence and inst.fits(d, sequence) is None:
            free = [i for i in sequence if inst.stops[i].fixed_order is None] or sequence
            sequence.remove(free[-1])
            dropped.append(free[-1])


# -- the solver ------------------------------------------------------------------------------


_STATUS = {0: "not_solved", 1: "success", 2: "partial", 3: "fail", 4: "timeout", 5: "invalid",
           6: "infeasible", 7: "optimal"}


def solve_routes(problem: RoutingProblem) -> RoutingPlan:
    """Plan the team's days with OR-Tools routing (see the module docstring)."""
    # Imported here: OR-Tools is heavy and only the planner needs it, not every importer.
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    started = time.perf_counter()
    inst = _Instance(problem)
    sequences = [[] for _ in inst.days]
    candidates = [i for i in range(inst.n) if inst.allowed[i]]
    dropped = [i for i in range(inst.n) if not inst.allowed[i]]
    if not candidates:
        return _make_plan(inst, sequences, dropped, "empty", started)

    vehicles, count = len(inst.days), len(candidates)
    # Model nodes: the candidate visits, then each day's start and end.
    points = candidates + [inst.n + k for k in range(2 * vehicles)]
    starts = [count + 2 * v for v in range(vehicles)]
    ends = [count + 2 * v + 1 for v in range(vehicles)]
    manager = pywrapcp.RoutingIndexManager(len(points), vehicles, starts, ends)
    routing = pywrapcp.RoutingModel(manager)

    service = [inst.stops[p].duration if p < inst.n else 0 for p in points]
    drive = [[inst.matrix[a][b] for b in points] for a in points]
    busy = [[service[a] + drive[a][b] for b in range(len(points))] for a in range(len(points))]
    drive_callback = routing.RegisterTransitMatrix(drive)
    time_callback = routing.RegisterTransitMatrix(busy)
    routing.SetArcCostEvaluatorOfAllVehicles(drive_callback)

    horizon = max([24 * 60] + [day.day_end for day in inst.days]
                  + [day.lunch_latest + day.lunch_duration for day in inst.days])
    routing.AddDimension(time_callback, horizon, horizon, False, "time")
    clock = routing.GetDimensionOrDie("time")
    visit_callback = routing.RegisterUnaryTransitVector([1] * count + [0] * (2 * vehicles))
    capacities = [day.max_visits if day.max_visits is not None else count for day in inst.days]
    routing.AddDimensionWithVehicleCapacity(visit_callback, 0, capacities, True, "visits")
    position = routing.GetDimensionOrDie("visits")

    for node, i in enumerate(candidates):
        stop, index = inst.stops[i], manager.NodeToIndex(node)
        clock.CumulVar(index).SetRange(stop.window_start, stop.window_end - stop.duration)
        routing.AddDisjunction([index], DROP_PENALTY)
        if len(inst.allowed[i]) < vehicles:
            # -1: the visit may still be dropped.
            routing.VehicleVar(index).SetValues([-1, *inst.allowed[i]])
        if stop.fixed_order is not None:
            position.CumulVar(index).SetValue(stop.fixed_order - 1)

    node_visit_transits = [service[manager.IndexToNode(index)]
                           for index in range(routing.Size())]
    solver = routing.solver()
    for v, day in enumerate(inst.days):
        clock.CumulVar(routing.Start(v)).SetRange(day.day_start, day.day_end)
        clock.CumulVar(routing.End(v)).SetRange(day.day_start, day.day_end)
        if day.lunch_duration > 0:
            lunch = solver.FixedDurationIntervalVar(
                day.lunch_earliest, day.lunch_latest, day.lunch_duration, False, f"lunch {v}")
            clock.SetBreakIntervalsOfVehicle([lunch], v, node_visit_transits)

    parameters = pywrapcp.DefaultRoutingSearchParameters()
    parameters.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC)
    parameters.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH)
    parameters.time_limit.FromMilliseconds(max(1, int(problem.time_limit_s * 1000)))
    parameters.log_search = False
    solution = routing.SolveWithParameters(parameters)
    status = _STATUS.get(routing.status(), str(routing.status()))
    if solution is None:
        # Only when even the empty days break a rule (an end the start cannot reach in time).
        plan = nearest_neighbour_plan(problem)
        plan.status = f"fallback ({status})"
        return plan

    placed = set()
    for v in range(vehicles):
        index = solution.Value(routing.NextVar(routing.Start(v)))
        while not routing.IsEnd(index):
            i = candidates[manager.IndexToNode(index)]
            sequences[v].append(i)
            placed.add(i)
            index = solution.Value(routing.NextVar(index))
    dropped += [i for i in candidates if i not in placed]
    _repair(inst, sequences, dropped)
    dropped = _insert_dropped(inst, sequences, dropped)
    return _make_plan(inst, sequences, dropped, status, started)


# -- the baseline ----------------------------------------------------------------------------


def nearest_neighbour_plan(problem: RoutingProblem) -> RoutingPlan:
    """The baseline: fill the days in order (those holding a visit fixed to a position first),
    each day going on to the nearest visit that still fits (window, lunch, back in time, max
    visits, fixed day and order), then offer what is left to every day as the solver's plan
    does, so both place the same visits when they can and their driving times compare."""
    started = time.perf_counter()
    inst = _Instance(problem)
    sequences = [[] for _ in inst.days]
    left = {i for i in range(inst.n) if inst.allowed[i]}
    # Days holding a visit fixed to a position first: they need other visits before it.
    pinned_days = {d for i in left if inst.stops[i].fixed_order is not None
                   for d in inst.allowed[i]}
    for d in sorted(range(len(inst.days)), key=lambda d: (d not in pinned_days, d)):
        sequence, here = sequences[d], inst.start_point(d)
        while True:
            position = len(sequence) + 1
            pool = sorted((inst.matrix[here][i], i) for i in left if d in inst.allowed[i])
            pinned = [i for _, i in pool if inst.stops[i].fixed_order == position]
            free = [i for _, i in pool if inst.stops[i].fixed_order is None]
            chosen = next((i for i in pinned + free if inst.fits(d, [*sequence, i])), None)
            if chosen is None:
                break
            sequence.append(chosen)
            left.discard(chosen)
            here = chosen
    dropped = [i for i in range(inst.n) if not inst.allowed[i]] + sorted(left)
    dropped = _insert_dropped(inst, sequences, dropped)
    return _make_plan(inst, sequences, dropped, "heuristic", started)


def nearest_neighbour_tour_plan(problem: RoutingProblem) -> RoutingPlan:
    """The classic nearest-neighbour baseline (the one the solver's driving is measured
    against): one tour through all the team's visits, then cut into days.

    1. The tour starts at the first day's start and always drives on to the nearest visit
       not yet in it (driving minutes, ties to the earlier visit), as the textbook
       heuristic for the travelling salesman does: no window, lunch, day or position is
       looked at while ordering. Visits that no day can take on their own (see the reasons
       in the module docstring) are left out of it.
    2. The days take the tour in its order: the current day takes the next visit while it
       still fits (window, lunch, back at the day's end place in time, max visits, fixed
       day and position; :meth:`_Instance.fits`), each day returning to its end place. When
       the next visit does not fit but could go alone on the next day (on the last day: on
       a day like it), the day is closed and the next day goes on with it. A visit that
       cannot (an empty day that cannot take it, a day it may not take) waits: the visits
       waiting are offered again, in tour order, before each next visit of the tour, so
       also at the start of each later day. When the tour is done, the days not yet closed
       take what still waits.
    3. What is left when the days run out is dropped with the solver's reasons. Unlike the
       solver's plan and :func:`nearest_neighbour_plan`, no dropped visit is offered again
       to the earlier days: in this plan "the days are full" means that every day had been
       closed when the visit's turn came.
    """
    started = time.perf_counter()
    inst = _Instance(problem)
    sequences = [[] for _ in inst.days]
    tour = _nearest_neighbour_tour(inst, [i for i in range(inst.n) if inst.allowed[i]])
    day, waiting = 0, []

    def take_waiting():
        """Put the waiting visits that fit at the end of the current day, in tour order."""
        taken = True
        while taken:
            taken = False
            for i in list(waiting):
                if inst.fits(day, [*sequences[day], i]) is not None:
                    sequences[day].append(i)
                    waiting.remove(i)
                    taken = True

    for i in tour:
        while day < len(inst.days):
            take_waiting()
            if inst.fits(day, [*sequences[day], i]) is not None:
                sequences[day].append(i)
                break
            # Would it go alone on the next day (on the last day: on a day like this one)?
            following = min(day + 1, len(inst.days) - 1)
            if sequences[day] and inst.fits(following, [i]) is not None:
                day += 1  # this day is closed; the next one goes on with this visit
                continue
            waiting.append(i)
            break
        else:
            waiting.append(i)  # every day is closed
    while waiting and day < len(inst.days):
        take_waiting()
        day += 1
    dropped = [i for i in range(inst.n) if not inst.allowed[i]] + waiting
    return _make_plan(inst, sequences, dropped, "heuristic", started)


def _nearest_neighbour_tour(inst: _Instance, visits):
    """The visits in nearest-neighbour order from the first day's start."""
    if not inst.days:
        return []
    left, here, tour = list(visits), inst.start_point(0), []
    while left:
        here = min(left, key=lambda i, here=here: (inst.matrix[here][i], i))
        left.remove(here)
        tour.append(here)
    return tour


# -- the checker -----------------------------------------------------------------------------


def validate_plan(problem: RoutingProblem, plan: RoutingPlan) -> list[str]:
    """Every rule a plan must keep, checked from the problem alone (not from the solver's
    data): each visit placed at most once or dropped with a reason, windows and durations,
    driving times, day limits, lunch, fixed days and positions, max visits. Returns the
    problems found, in English (for tests and benchmarks); an empty list means valid."""
    problems = []
    stops = {stop.key: stop for stop in problem.stops}
    days = {day.index: day for day in problem.days}
    if len(stops) != len(problem.stops) or len(days) != len(problem.days):
        problems.append("duplicate stop keys or day indexes in the problem")
    seen = {}
    if [day.index for day in plan.days] != [day.index for day in problem.days]:
        problems.append("the plan's days are not the problem's days")
    total = 0
    for day_plan in plan.days:
        day = days.get(day_plan.index)
        if day is None:
            continue
        problems += _check_day(problem, day, day_plan, stops, seen)
        total += day_plan.travel_minutes
    for key in plan.dropped:
        if key not in stops:
            problems.append(f"dropped {key!r} is not a stop of the problem")
        elif key in seen:
            problems.append(f"{key!r} is both placed and dropped")
        if not str(plan.dropped[key]).strip():
            problems.append(f"{key!r} is dropped without a reason")
    for key in stops:
        if key not in seen and key not in plan.dropped:
            problems.append(f"{key!r} is neither placed nor dropped")
    if total != plan.total_travel_minutes:
        problems.append(f"total travel {plan.total_travel_minutes} != sum of days {total}")
    return problems


def _check_day(problem, day, day_plan, stops, seen):
    problems, where = [], f"day {day.index}"
    if day.max_visits is not None and len(day_plan.stops) > day.max_visits:
        problems.append(f"{where}: {len(day_plan.stops)} visits > max {day.max_visits}")
    if day_plan.leave < day.day_start:
        problems.append(f"{where}: leaves at {hhmm(day_plan.leave)}, before the day starts")
    if day_plan.back > day.day_end:
        problems.append(f"{where}: back at {hhmm(day_plan.back)}, after the day ends")
    # Segments between places: (free from, busy again at, driving minutes, arrival).
    segments, previous, free_from, travel = [], day.start, day_plan.leave, 0
    for order, planned in enumerate(day_plan.stops, start=1):
        name = f"{where}: {planned.key!r}"
        stop = stops.get(planned.key)
        if stop is None:
            problems.append(f"{name} is not a stop of the problem")
            continue
        if planned.key in seen:
            problems.append(f"{name} is placed more than once")
        seen[planned.key] = day.index
        if planned.day != day.index or planned.order != order:
            problems.append(f"{name}: day/order {planned.day}/{planned.order}, "
                            f"expected {day.index}/{order}")
        if stop.fixed_day is not None and stop.fixed_day != day.index:
            problems.append(f"{name} is fixed to day {stop.fixed_day}")
        if stop.fixed_order is not None and stop.fixed_order != order:
            problems.append(f"{name} is fixed as visit {stop.fixed_order}, placed {order}")
        drive = travel_time(problem, previous, stop)
        travel += drive
        if planned.travel_from_previous != drive:
            problems.append(f"{name}: travel {planned.travel_from_previous} != {drive}")
        if planned.arrive < free_from + drive:
            problems.append(f"{name}: arrives {hhmm(planned.arrive)} before it can get there")
        if planned.start < planned.arrive:
            problems.append(f"{name}: starts before arriving")
        if planned.start < stop.window_start or planned.depart > stop.window_end:
            problems.append(f"{name}: {hhmm(planned.start)}–{hhmm(planned.depart)} outside "
                            f"{hhmm(stop.window_start)}–{hhmm(stop.window_end)}")
        if planned.depart != planned.start + stop.duration:
            problems.append(f"{name}: lasts {planned.depart - planned.start} min, "
                            f"not {stop.duration}")
        segments.append((free_from, planned.start, drive, planned.arrive))
        previous, free_from = stop, planned.depart
    drive = travel_time(problem, previous, day.end)
    travel += drive
    if day_plan.back < free_from + drive:
        problems.append(f"{where}: back at {hhmm(day_plan.back)} before it can get there")
    segments.append((free_from, day_plan.back, drive, day_plan.back))
    if travel != day_plan.travel_minutes:
        problems.append(f"{where}: travel {day_plan.travel_minutes} != {travel}")
    if day_plan.stops:
        problems += _check_lunch(day, day_plan, segments, where)
    return problems


def _check_lunch(day, day_plan, segments, where):
    lunch = day_plan.lunch_start
    if lunch is None:
        return [f"{where}: no lunch"]
    if not day.lunch_earliest <= lunch <= day.lunch_latest:
        return [f"{where}: lunch at {hhmm(lunch)} outside {hhmm(day.lunch_earliest)}–"
                f"{hhmm(day.lunch_latest)}"]
    end = lunch + day.lunch_duration
    if end <= day_plan.leave or lunch >= day_plan.back:
        return []  # at the start place before leaving, or at the end place after coming back
    for free_from, busy_at, drive, arrive in segments:
        if free_from <= lunch and end <= busy_at:
            if busy_at - free_from < drive + day.lunch_duration:
                return [f"{where}: no room for lunch and the drive before {hhmm(busy_at)}"]
            if lunch < arrive and arrive - free_from < drive + day.lunch_duration:
                return [f"{where}: lunch on the road but arrives at {hhmm(arrive)} too early"]
            return []
    return [f"{where}: lunch at {hhmm(lunch)} overlaps a visit"]
