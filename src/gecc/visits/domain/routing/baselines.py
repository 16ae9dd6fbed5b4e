"""The nearest-neighbour plans the solver is measured against (see the package docstring)."""

from __future__ import annotations

import time

from .instance import (
    _insert_dropped,
    _Instance,
    _make_plan,
)
from .model import (
    RoutingPlan,
    RoutingProblem,
)


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
