"""The problem with its points numbered, day schedules, drop reasons and how a list of
day sequences becomes a :class:`~gecc.visits.domain.routing.RoutingPlan`; shared by the
solver and the baselines."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .model import (
    DayPlan,
    PlannedStop,
    RoutingPlan,
    RoutingProblem,
    hhmm,
    travel_time,
)


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
