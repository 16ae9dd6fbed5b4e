"""The site-visit routing solver on small hand-made cases, and its properties (hypothesis)."""

import dataclasses

from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gecc.visits.domain.routing import (
    DaySpec,
    Place,
    RoutingProblem,
    StopSpec,
    hhmm,
    nearest_neighbour_plan,
    nearest_neighbour_tour_plan,
    solve_routes,
    travel_time,
    validate_plan,
)

BASE = Place("base", 18.50, 99.00, "Lamphun")
LIMIT = 0.2  # seconds of search: these problems are tiny


def stop(key, north_km=0.0, east_km=0.0, **fields):
    """A stop ``north_km``/``east_km`` from the base (1° of latitude ≈ 111.2 km)."""
    return StopSpec(key, BASE.lat + north_km / 111.2, BASE.lon + east_km / 105.4, **fields)


def days(count, **fields):
    return tuple(DaySpec(index, BASE, BASE, **fields) for index in range(1, count + 1))


def solve(stops, day_specs, **fields):
    """Solve, check the plan and the baseline's with the independent checker, return both."""
    problem = RoutingProblem(tuple(stops), tuple(day_specs), time_limit_s=LIMIT, **fields)
    plan = solve_routes(problem)
    assert validate_plan(problem, plan) == []
    baseline = nearest_neighbour_plan(problem)
    assert validate_plan(problem, baseline) == []
    assert validate_plan(problem, nearest_neighbour_tour_plan(problem)) == []
    return problem, plan, baseline


def keys(day_plan):
    return [planned.key for planned in day_plan.stops]


def placed(plan):
    return {planned.key: planned for day in plan.days for planned in day.stops}


def test_a_straight_line_is_visited_in_order():
    stops = [stop(f"s{k}", north_km=3 * k) for k in (3, 1, 4, 2)]
    _, plan, _ = solve(stops, days(1))
    assert not plan.dropped
    order = keys(plan.days[0])
    assert order in (["s1", "s2", "s3", "s4"], ["s4", "s3", "s2", "s1"])
    out_and_back = 2 * travel_time(RoutingProblem((), ()), BASE, stops[2])
    assert plan.total_travel_minutes <= out_and_back + 4  # each leg is rounded up


def test_an_afternoon_window_is_kept():
    stops = [stop("pm", north_km=2, window_start=810), stop("a", north_km=4),
             stop("b", north_km=6)]
    _, plan, _ = solve(stops, days(1))
    visits = placed(plan)
    assert visits["pm"].start >= 810 and visits["pm"].depart <= 990
    assert keys(plan.days[0])[-1] == "pm"
    assert all(visits[k].start >= 510 and visits[k].depart <= 990 for k in ("a", "b"))


def test_lunch_is_taken_within_its_bounds_and_not_during_a_visit():
    stops = [stop(f"s{k}", north_km=5 * k) for k in range(1, 5)]
    day_specs = days(2, lunch_earliest=720, lunch_latest=750, lunch_duration=45, max_visits=3)
    _, plan, _ = solve(stops, day_specs)
    for day in plan.days:
        if not day.stops:
            assert day.lunch_start is None
            continue
        assert 720 <= day.lunch_start <= 750
        lunch = (day.lunch_start, day.lunch_start + 45)
        assert all(v.depart <= lunch[0] or v.start >= lunch[1] for v in day.stops)


def test_a_window_shorter_than_the_visit_is_dropped_with_its_reason():
    stops = [stop("short", north_km=2, window_start=510, window_end=540), stop("ok", 3)]
    _, plan, baseline = solve(stops, days(1))
    assert plan.dropped_codes == {"short": "short_window"} == baseline.dropped_codes
    thai = "ช่วงเวลาเปิดทำการ (08:30–09:00) สั้นกว่าเวลาตรวจ 90 นาที"
    english = "The opening hours (08:30–09:00) are shorter than the 90-minute visit"
    assert plan.dropped["short"] in (thai, english)  # Thai once the catalogue has it
    with translation.override("en"):
        assert solve_routes(RoutingProblem(tuple(stops), days(1), time_limit_s=LIMIT)
                            ).dropped["short"] == english


def test_a_stop_900_km_away_is_too_far():
    far = stop("far", north_km=-900)
    _, plan, _ = solve([far, stop("near", 5)], days(3))
    assert plan.dropped_codes == {"far": "too_far"}
    minutes = 2 * travel_time(RoutingProblem((), ()), BASE, far)
    assert str(minutes) in plan.dropped["far"]
    with translation.override("en"):
        plan = solve_routes(RoutingProblem((far,), days(1), time_limit_s=LIMIT))
    assert plan.dropped["far"] == (
        f"Too far to go and come back within one day ({minutes} minutes' drive)")


def test_more_stops_than_the_days_can_take_are_dropped_as_full():
    stops = [stop(f"s{k}", north_km=2 * k) for k in range(1, 7)]
    _, plan, baseline = solve(stops, days(2, max_visits=2))
    assert plan.placed == 4 == baseline.placed
    assert sorted(plan.dropped_codes.values()) == ["full", "full"]
    with translation.override("en"):
        plan = solve_routes(RoutingProblem(tuple(stops), days(2, max_visits=2),
                                           time_limit_s=LIMIT))
    assert set(plan.dropped.values()) == {
        "The visit days are full: no day can take another visit (4 visits in 2 days)"}


def test_a_fixed_day_is_kept():
    stops = [stop("a", 2), stop("b", 3), stop("c", 4, fixed_day=2)]
    _, plan, baseline = solve(stops, days(2))
    for result in (plan, baseline):
        assert placed(result)["c"].day == 2
        assert not result.dropped


def test_a_fixed_order_is_kept():
    stops = [stop("near", 1, fixed_order=3), stop("mid", 5), stop("far", 9)]
    _, plan, baseline = solve(stops, days(1))
    assert keys(plan.days[0])[2] == "near"
    assert keys(baseline.days[0])[2] == "near"


def test_fixed_to_a_day_that_is_not_planned_or_cannot_hold_it():
    stops = [stop("ghost", 2, fixed_day=9), stop("late", 2, fixed_day=1, window_start=900),
             stop("x", 3)]
    day_specs = (DaySpec(1, BASE, BASE, day_end=960), DaySpec(2, BASE, BASE))
    _, plan, _ = solve(stops, day_specs)
    assert plan.dropped_codes == {"ghost": "no_such_day", "late": "fixed_day"}
    assert "9" in plan.dropped["ghost"]


def test_an_impossible_fixed_position_is_dropped():
    stops = [stop("a", 2, fixed_day=1, fixed_order=1), stop("b", 3, fixed_day=1, fixed_order=1)]
    _, plan, _ = solve(stops, days(2))
    assert len(plan.dropped) == 1
    assert list(plan.dropped_codes.values()) == ["fixed_day"]


def test_reoptimising_with_one_stop_fixed_keeps_it():
    stops = [stop(f"s{k}", north_km=4 * (k % 4), east_km=4 * (k // 4)) for k in range(9)]
    day_specs = days(3, max_visits=4)
    _, first, _ = solve(stops, day_specs)
    moved = first.days[0].stops[0]
    target_day = 3 if moved.day != 3 else 2
    fixed = [dataclasses.replace(s, fixed_day=target_day, fixed_order=2) if s.key == moved.key
             else s for s in stops]
    _, second, baseline = solve(fixed, day_specs)
    for result in (second, baseline):
        visit = placed(result)[moved.key]
        assert (visit.day, visit.order) == (target_day, 2)
    assert second.placed == first.placed == 9


def test_days_start_and_end_at_a_hotel():
    hotel = Place("hotel", BASE.lat + 150 / 111.2, BASE.lon, "Hotel in Chiang Rai")
    near_hotel = [StopSpec(f"h{k}", hotel.lat + 0.02 * k, hotel.lon + 0.01) for k in range(1, 6)]
    day_specs = (DaySpec(1, BASE, hotel), DaySpec(2, hotel, hotel), DaySpec(3, hotel, BASE))
    problem, plan, _ = solve(near_hotel, day_specs)
    assert not plan.dropped
    for day, spec in zip(plan.days, day_specs, strict=True):
        if day.stops:
            first = day.stops[0]
            assert first.travel_from_previous == travel_time(
                problem, spec.start, next(s for s in near_hotel if s.key == first.key))
    # The drive from the base to the hotel is counted on day 1 and back on day 3.
    drive = travel_time(problem, BASE, hotel)
    assert plan.days[0].travel_minutes >= drive and plan.days[2].travel_minutes >= drive
    assert plan.days[0].back <= 1050


def test_the_solver_beats_the_baseline_on_a_scattered_case():
    # Two clusters, west and east of the base: the baseline's first day picks from both.
    stops = [stop(f"w{k}", north_km=k, east_km=-30) for k in range(4)]
    stops += [stop(f"e{k}", north_km=k, east_km=25) for k in range(4)]
    stops += [stop("hub", east_km=1)]
    _, plan, baseline = solve(stops, days(3, max_visits=3))
    assert plan.placed == baseline.placed == 9
    assert plan.total_travel_minutes <= baseline.total_travel_minutes


# -- the classic nearest-neighbour tour baseline ----------------------------------------


def tour(stops, day_specs):
    problem = RoutingProblem(tuple(stops), tuple(day_specs), time_limit_s=LIMIT)
    plan = nearest_neighbour_tour_plan(problem)
    assert validate_plan(problem, plan) == []
    return plan


def test_the_tour_is_cut_into_days_in_its_order_and_its_tail_dropped():
    # On a line north of the base the tour goes outwards: s1, s2, ... s6.
    stops = [stop(f"s{k}", north_km=2 * k) for k in (4, 1, 6, 3, 5, 2)]
    plan = tour(stops, days(2, max_visits=2))
    assert [keys(day) for day in plan.days] == [["s1", "s2"], ["s3", "s4"]]
    assert plan.dropped_codes == {"s5": "full", "s6": "full"}
    assert plan.status == "heuristic"
    assert plan.total_travel_minutes == sum(day.travel_minutes for day in plan.days)


def test_the_tour_ignores_the_windows_but_the_days_keep_them():
    # The nearest visit opens in the afternoon only: first in the tour, the day waits
    # for it, then the next one no longer fits in the opening hours and goes to day 2.
    stops = [stop("pm", north_km=1, window_start=780), stop("a", north_km=3),
             stop("b", north_km=5)]
    plan = tour(stops, days(2))
    assert [keys(day) for day in plan.days] == [["pm", "a"], ["b"]]
    assert placed(plan)["pm"].start >= 780


def test_a_day_closes_at_the_first_visit_of_the_tour_that_does_not_fit():
    # Five visits at the base: a day holds four (90-minute visits, 08:30–16:30, lunch).
    stops = [stop(f"s{k}", north_km=0.01 * k) for k in range(1, 6)]
    plan = tour(stops, days(2))
    assert [len(day.stops) for day in plan.days] == [4, 1]
    assert not plan.dropped


def test_the_tour_keeps_fixed_days_and_positions_by_letting_them_wait():
    stops = [stop("c", 1, fixed_day=2), stop("near", 2, fixed_order=3), stop("mid", 5),
             stop("far", 9)]
    plan = tour(stops, days(2))
    # "c" waits for day 2; "near" waits until two visits are before it.
    assert [keys(day) for day in plan.days] == [["mid", "far", "near"], ["c"]]


def test_the_tour_drops_what_no_day_can_take_with_the_solvers_reasons():
    stops = [stop("far", north_km=-900), stop("short", 2, window_start=510, window_end=540),
             stop("ghost", 3, fixed_day=9), stop("ok", 4)]
    plan = tour(stops, days(2))
    assert plan.dropped_codes == {"far": "too_far", "short": "short_window",
                                  "ghost": "no_such_day"}
    assert keys(plan.days[0]) == ["ok"]


def test_the_tour_starts_at_the_first_days_start():
    hotel = Place("hotel", BASE.lat + 150 / 111.2, BASE.lon, "Hotel in Chiang Rai")
    stops = [StopSpec("by the hotel", hotel.lat + 0.01, hotel.lon),
             stop("by the base", north_km=1)]
    plan = tour(stops, (DaySpec(1, hotel, BASE), DaySpec(2, BASE, BASE)))
    assert keys(plan.days[0]) == ["by the hotel", "by the base"]


def test_no_stops_or_no_days_for_the_tour():
    assert tour([], days(2)).placed == 0
    plan = tour([stop("a", 2)], days(1, max_visits=0))
    assert plan.placed == 0 and list(plan.dropped) == ["a"]


def test_the_checker_finds_broken_plans():
    stops = [stop("a", 2), stop("b", 4)]
    problem, plan, _ = solve(stops, days(1))
    day = plan.days[0]

    def broken(**changes):
        first = dataclasses.replace(day.stops[0], **changes)
        return dataclasses.replace(plan, days=[dataclasses.replace(
            day, stops=[first, *day.stops[1:]])])

    assert validate_plan(problem, broken(start=480, depart=570))  # before the window
    assert validate_plan(problem, broken(depart=day.stops[0].depart - 1))  # too short
    assert validate_plan(problem, broken(travel_from_previous=0))
    assert validate_plan(problem, dataclasses.replace(plan, days=[
        dataclasses.replace(day, lunch_start=None)]))
    assert validate_plan(problem, dataclasses.replace(plan, days=[
        dataclasses.replace(day, lunch_start=day.stops[0].start)]))
    assert validate_plan(problem, dataclasses.replace(plan, days=[
        dataclasses.replace(day, stops=[day.stops[0], day.stops[0]])]))
    assert validate_plan(problem, dataclasses.replace(plan, dropped={"a": "x"}))
    assert validate_plan(problem, dataclasses.replace(plan, total_travel_minutes=0))


def test_no_stops_and_times_as_text():
    _, plan, _ = solve([], days(2))
    assert plan.placed == 0 and plan.status == "empty" and not plan.dropped
    assert hhmm(510) == "08:30" and hhmm(990) == "16:30"


# -- properties --------------------------------------------------------------------------

WINDOWS = [(510, 990), (510, 720), (780, 990), (810, 990), (510, 570), (600, 900)]


@st.composite
def problems(draw):
    count = draw(st.integers(0, 7))
    day_count = draw(st.integers(1, 3))
    hotel = Place("hotel", BASE.lat + draw(st.floats(-0.5, 0.5)), BASE.lon + 0.2)
    specs = []
    for index in range(1, day_count + 1):
        start = BASE if index == 1 or not draw(st.booleans()) else hotel
        end = draw(st.sampled_from([BASE, hotel]))
        specs.append(DaySpec(index, start, end, max_visits=draw(st.none() | st.integers(1, 4))))
    stops = []
    for k in range(count):
        window = draw(st.sampled_from(WINDOWS))
        # Now and then fixed to a day (possibly one not planned) and a position.
        fixed_day = draw(st.integers(1, day_count + 1)) if draw(st.integers(0, 3)) == 0 else None
        fixed_order = draw(st.none() | st.integers(1, 3)) if fixed_day else None
        stops.append(StopSpec(
            f"u{k}", BASE.lat + draw(st.floats(-1.5, 1.5)), BASE.lon + draw(st.floats(-1, 1)),
            window_start=window[0], window_end=window[1],
            duration=draw(st.sampled_from([30, 60, 90, 120])),
            fixed_day=fixed_day, fixed_order=fixed_order))
    return RoutingProblem(tuple(stops), tuple(specs), time_limit_s=0.05)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_every_plan_is_valid_and_accounts_for_every_stop(problem):
    for plan in (solve_routes(problem), nearest_neighbour_plan(problem),
                 nearest_neighbour_tour_plan(problem)):
        assert validate_plan(problem, plan) == []
        placed_keys = [p.key for day in plan.days for p in day.stops]
        assert len(placed_keys) == len(set(placed_keys))
        assert set(placed_keys) | set(plan.dropped) == {s.key for s in problem.stops}
        assert not set(placed_keys) & set(plan.dropped)
        assert all(reason.strip() for reason in plan.dropped.values())
        assert set(plan.dropped_codes) == set(plan.dropped)
