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

from .baselines import nearest_neighbour_plan, nearest_neighbour_tour_plan
from .checks import validate_plan
from .model import (
    DROP_PENALTY,
    DayPlan,
    DaySpec,
    Place,
    PlannedStop,
    RoutingPlan,
    RoutingProblem,
    StopSpec,
    hhmm,
    travel_time,
)
from .solver import solve_routes

__all__ = [
    "DROP_PENALTY", "DayPlan", "DaySpec", "Place", "PlannedStop", "RoutingPlan",
    "RoutingProblem", "StopSpec", "hhmm", "travel_time", "solve_routes",
    "nearest_neighbour_plan", "nearest_neighbour_tour_plan", "validate_plan",
]
