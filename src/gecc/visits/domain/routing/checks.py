"""An independent feasibility check of a plan against its problem (:func:`validate_plan`)."""

from __future__ import annotations

from .model import (
    RoutingPlan,
    RoutingProblem,
    hhmm,
    travel_time,
)


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
