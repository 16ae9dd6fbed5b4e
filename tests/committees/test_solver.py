"""The sub-committee assignment solver on small hand-made cases, and its properties
(hypothesis): against the min-cost-flow optimum and, for the smallest problems, against
every possible plan."""

import itertools
import math
from fractions import Fraction

import pytest
from django.utils.translation import gettext as _
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gecc.committees.domain.solver import (
    AssignmentInfeasible,
    AssignmentProblem,
    TeamSpec,
    VisitSpec,
    distance_m,
    greedy_assignment,
    load_bounds,
    optimum_min_cost_flow,
    solve_assignment,
)
from gecc.committees.domain.solver.canonical import _canonical
from gecc.committees.domain.solver.prepare import _prepare
from gecc.geography.domain.distance import haversine_km

LIMIT = 5.0  # seconds; these problems are proved optimal in milliseconds
CHIANG_MAI = (18.79, 98.98)
BANGKOK = (13.75, 100.50)
KHON_KAEN = (16.43, 102.83)


def near(point, north_km=0.0, east_km=0.0):
    """A point ``north_km``/``east_km`` from ``point`` (1° of latitude ≈ 111.2 km)."""
    return point[0] + north_km / 111.2, point[1] + east_km / 106.0


def team(key, point, capacity=100, label=""):
    return TeamSpec(key, *point, capacity=capacity, label=label)


def visit(key, point, label=""):
    return VisitSpec(key, *point, label=label)


def check(problem, plan, *, greedy=False):
    """Every requirement of a plan (the greedy one may stay below the lower bound)."""
    visits = {v.key: v for v in problem.visits}
    teams = {t.key: t for t in problem.teams}
    lower, upper = load_bounds(len(visits), len(teams), problem.tolerance)
    assert plan.bounds == (lower, upper)
    assert list(plan.assignment) == list(visits)  # every visit exactly once, in order
    assert not {pair for pair in plan.assignment.items() if pair in problem.forbidden}
    for visit_key, team_key in problem.fixed.items():
        assert plan.assignment[visit_key] == team_key
    counted = {key: 0 for key in teams}
    for team_key in plan.assignment.values():
        counted[team_key] += 1
    assert plan.loads == counted
    for key, load in counted.items():
        assert load <= min(upper, teams[key].capacity)
        assert greedy or load >= lower
    metres = {key: 0 for key in teams}
    for visit_key, team_key in plan.assignment.items():
        metres[team_key] += distance_m(teams[team_key], visits[visit_key])
    assert plan.distance_km == pytest.approx({k: m / 1000 for k, m in metres.items()}, abs=1e-9)
    assert plan.total_km == pytest.approx(sum(plan.distance_km.values()), abs=1e-6)
    exact = sum(haversine_km(v.lat, v.lon, teams[t].lat, teams[t].lon)
                for v, t in ((visits[k], t) for k, t in plan.assignment.items()))
    assert abs(plan.total_km - exact) <= 0.0005 * len(visits) + 1e-9  # half a metre each


def solve(problem):
    plan = solve_assignment(problem, time_limit_s=LIMIT)
    check(problem, plan)
    assert plan.status == "optimal"
    return plan


# Load bounds ------------------------------------------------------------------------------


@pytest.mark.parametrize(("visits", "teams", "tolerance", "expected"), [
    (1500, 20, 0.10, (68, 82)),   # the national round
    (200, 20, 0.10, (9, 11)),     # 0.9 × 10 is 9, not 9.000000000000002 → 10
    (100, 10, 0.10, (9, 11)),
    (5, 2, 0.10, (2, 3)),         # mean 2.5: ±10 % holds no integer → floor/ceil of the mean
    (7, 2, 0.10, (3, 4)),         # mean 3.5: [4, 3] is empty → 3–4
    (12, 5, 0.10, (2, 3)),        # mean 2.4: ceil(2.16) = 3 would need 15 → widened to 2
    (19, 2, 0.10, (9, 10)),       # mean 9.5: ±10 % is 9–10 already
    (10, 1, 0.10, (9, 11)),
    (6, 3, 0.0, (2, 2)),
    (7, 3, 0.0, (2, 3)),
    (0, 3, 0.10, (0, 0)),
    (4, 0, 0.10, (0, 0)),
])
def test_load_bounds(visits, teams, tolerance, expected):
    assert load_bounds(visits, teams, tolerance) == expected


@given(st.integers(1, 400), st.integers(1, 30), st.sampled_from(["0", "0.05", "0.1", "0.5"]))
def test_load_bounds_hold_every_visit_and_are_no_wider_than_needed(visits, teams, tolerance):
    lower, upper = load_bounds(visits, teams, float(tolerance))
    assert teams * lower <= visits <= teams * upper
    mean, share = Fraction(visits, teams), Fraction(tolerance)
    lo, hi = math.ceil((1 - share) * mean), math.floor((1 + share) * mean)
    if teams * lo <= visits <= teams * hi:
        assert (lower, upper) == (lo, hi)  # the tolerance interval itself
    else:  # widened just enough to hold the floor and the ceiling of the mean
        assert (lower, upper) == (min(lo, math.floor(mean)), max(hi, math.ceil(mean)))


# Hand-made cases --------------------------------------------------------------------------


def test_the_nearest_base_wins():
    problem = AssignmentProblem(
        teams=(team("north", CHIANG_MAI), team("centre", BANGKOK)),
        visits=(visit("a", near(BANGKOK, 5)), visit("b", near(CHIANG_MAI, -3)),
                visit("c", near(CHIANG_MAI, 8)), visit("d", near(BANGKOK, 0, 12))),
    )
    plan = solve(problem)
    assert plan.assignment == {"a": "centre", "b": "north", "c": "north", "d": "centre"}
    assert plan.loads == {"north": 2, "centre": 2}
    assert plan.total_km == pytest.approx(5 + 3 + 8 + 12, abs=0.5)  # the km of near()
    assert plan.total_km == pytest.approx(optimum_min_cost_flow(problem), abs=1e-9)


def test_a_forbidden_pair_is_respected():
    teams = (team("north", CHIANG_MAI), team("centre", BANGKOK), team("east", KHON_KAEN))
    visits = (visit("a", near(CHIANG_MAI, 1)), visit("b", near(BANGKOK, 1)),
              visit("c", near(KHON_KAEN, 1)))
    free = solve(AssignmentProblem(teams, visits))
    assert free.assignment == {"a": "north", "b": "centre", "c": "east"}
    problem = AssignmentProblem(teams, visits, forbidden=frozenset({("a", "north")}),
                                tolerance=0.5)  # mean 1: bounds 1–1
    plan = solve(problem)
    assert plan.assignment["a"] != "north"
    assert plan.total_km == pytest.approx(optimum_min_cost_flow(problem), abs=1e-9)
    greedy = greedy_assignment(problem)
    check(problem, greedy, greedy=True)
    assert greedy.assignment["a"] != "north"


def test_a_locked_application_stays_and_counts_in_the_load_and_distance():
    teams = (team("north", CHIANG_MAI), team("centre", BANGKOK))
    visits = (visit("a", near(CHIANG_MAI, 1)), visit("b", near(CHIANG_MAI, 2)),
              visit("c", near(BANGKOK, 1)), visit("d", near(BANGKOK, 2)))
    problem = AssignmentProblem(teams, visits, fixed={"a": "centre"})
    plan = solve(problem)
    assert plan.assignment["a"] == "centre"
    # Bounds 2–2: "centre" has "a" already, so one Bangkok unit must go north.
    assert plan.loads == {"north": 2, "centre": 2}
    assert plan.assignment["b"] == "north"
    assert plan.distance_km["centre"] > 500  # the locked one, Chiang Mai → Bangkok
    assert plan.total_km == pytest.approx(optimum_min_cost_flow(problem), abs=1e-9)
    greedy = greedy_assignment(problem)
    check(problem, greedy, greedy=True)
    assert greedy.assignment["a"] == "centre"


def test_load_bounds_hold_when_every_unit_is_near_one_base():
    teams = (team("north", CHIANG_MAI), team("centre", BANGKOK))
    visits = tuple(visit(f"v{k}", near(CHIANG_MAI, k)) for k in range(10))
    problem = AssignmentProblem(teams, visits)
    plan = solve(problem)
    assert plan.bounds == (5, 5)  # mean 5: ceil(4.5) to floor(5.5)
    assert plan.loads == {"north": 5, "centre": 5}
    assert plan.total_km == pytest.approx(optimum_min_cost_flow(problem), abs=1e-9)
    # The greedy baseline fills the north up to the bound and sends the rest south too.
    greedy = greedy_assignment(problem)
    assert greedy.assignment == {f"v{k}": "north" if k < 5 else "centre" for k in range(10)}
    assert greedy.total_km >= plan.total_km


def test_a_team_capacity_below_the_load_bound_caps_it():
    teams = (team("north", CHIANG_MAI, capacity=2), team("centre", BANGKOK),
             team("east", KHON_KAEN))
    visits = tuple(visit(f"v{k}", near(CHIANG_MAI, k)) for k in range(9))
    problem = AssignmentProblem(teams, visits, tolerance=0.4)  # bounds 2–4
    plan = solve(problem)
    assert plan.bounds == (2, 4)
    assert plan.loads["north"] == 2
    assert plan.total_km == pytest.approx(optimum_min_cost_flow(problem), abs=1e-9)


def test_the_greedy_baseline_may_leave_a_team_below_its_lower_bound():
    teams = (team("north", CHIANG_MAI), team("centre", BANGKOK), team("east", KHON_KAEN))
    visits = tuple(visit(f"v{k}", near(CHIANG_MAI, k)) for k in range(6))
    problem = AssignmentProblem(teams, visits, tolerance=0.5)  # bounds 1–3
    greedy = greedy_assignment(problem)
    check(problem, greedy, greedy=True)
    assert greedy.status == "greedy"
    # Three go north, the other three to Khon Kaen (nearer than Bangkok); Bangkok gets none.
    assert greedy.loads == {"north": 3, "centre": 0, "east": 3}
    plan = solve(problem)
    assert plan.loads == {"north": 3, "centre": 1, "east": 2}


def test_greedy_follows_the_given_order():
    teams = (team("north", CHIANG_MAI), team("centre", BANGKOK))
    visits = (visit("far", near(CHIANG_MAI, -100)), visit("close", near(CHIANG_MAI, 1)))
    greedy = greedy_assignment(AssignmentProblem(teams, visits, tolerance=0.0))
    # "far" comes first and takes the north's only place; "close" has to go to Bangkok.
    assert greedy.assignment == {"far": "north", "close": "centre"}
    plan = solve(AssignmentProblem(teams, visits, tolerance=0.0))
    assert plan.assignment == {"far": "centre", "close": "north"}
    assert plan.total_km < greedy.total_km


def test_greedy_makes_one_exchange_when_every_team_it_may_go_to_is_full():
    teams = (team("north", CHIANG_MAI), team("centre", BANGKOK))
    visits = (visit("a", near(CHIANG_MAI, 1)), visit("b", near(BANGKOK, 1)))
    problem = AssignmentProblem(teams, visits, frozenset({("b", "centre")}), tolerance=0.0)
    greedy = greedy_assignment(problem)  # "a" took the north; "b" may only go north
    check(problem, greedy, greedy=True)
    assert greedy.assignment == {"a": "centre", "b": "north"}
    # With a third that may only go north too, there is nothing left to exchange.
    visits += (visit("c", near(CHIANG_MAI, 2)),)
    problem = AssignmentProblem(teams + (team("east", KHON_KAEN),), visits,
                                frozenset({("b", "centre"), ("b", "east"), ("c", "centre"),
                                           ("c", "east")}), tolerance=0.0)
    assert reasons_of(greedy_assignment, problem) == [
        _("Application %(visit)s: every sub-committee it may go to is already full (greedy "
          "assignment).") % {"visit": "c"}]


# Infeasible problems: the reasons -------------------------------------------------------


def reasons_of(call, problem):
    with pytest.raises(AssignmentInfeasible) as caught:
        call(problem)
    assert caught.value.reasons
    assert str(caught.value) == "; ".join(caught.value.reasons)
    return caught.value.reasons


@pytest.mark.parametrize("call", [solve_assignment, optimum_min_cost_flow])
def test_too_little_capacity_says_so(call):
    teams = (team("north", CHIANG_MAI, capacity=2), team("centre", BANGKOK, capacity=3))
    visits = tuple(visit(f"v{k}", near(BANGKOK, k)) for k in range(6))
    reasons = reasons_of(call, AssignmentProblem(teams, visits))
    expected = _("The total capacity of all sub-committees (%(capacity)s visits) is less "
                 "than the number of applications (%(count)s).") % {"capacity": "5",
                                                                    "count": "6"}
    assert expected in reasons
    reasons_of(greedy_assignment, AssignmentProblem(teams, visits))


def test_loads_capped_by_the_bound_and_the_capacity_say_so():
    teams = (team("north", CHIANG_MAI, capacity=1), team("centre", BANGKOK, capacity=10))
    visits = tuple(visit(f"v{k}", near(BANGKOK, k)) for k in range(10))
    # Bounds 4–6 with tolerance 0.2; capacity 11 ≥ 10, but at most 1 + 6 = 7 in all.
    reasons = reasons_of(solve_assignment, AssignmentProblem(teams, visits, tolerance=0.2))
    assert any("7" in reason and "10" in reason for reason in reasons)
    assert _("Sub-committee %(team)s must take at least %(lower)s visits, but its capacity "
             "is only %(capacity)s.") % {"team": "north", "lower": 4, "capacity": 1} in reasons


def test_an_application_in_conflict_with_every_team_is_named():
    teams = (team("north", CHIANG_MAI, label="คณะที่ 1"), team("centre", BANGKOK))
    visits = (visit("a", BANGKOK, label="ศูนย์ราชการสะดวก ก"), visit("b", CHIANG_MAI))
    problem = AssignmentProblem(teams, visits, tolerance=0.5,
                                forbidden=frozenset({("a", "north"), ("a", "centre")}))
    expected = _("Application %(visit)s has a conflict of interest with every "
                 "sub-committee.") % {"visit": "ศูนย์ราชการสะดวก ก"}
    for call in (solve_assignment, greedy_assignment, optimum_min_cost_flow):
        assert reasons_of(call, problem) == [expected]


def test_a_team_whose_lower_bound_exceeds_its_capacity_is_named():
    teams = (team("north", CHIANG_MAI, capacity=3, label="คณะภาคเหนือ"),
             team("centre", BANGKOK, capacity=20))
    visits = tuple(visit(f"v{k}", near(BANGKOK, k)) for k in range(10))  # bounds 5–5
    reasons = reasons_of(solve_assignment, AssignmentProblem(teams, visits))
    assert (_("Sub-committee %(team)s must take at least %(lower)s visits, but its capacity "
              "is only %(capacity)s.") % {"team": "คณะภาคเหนือ", "lower": 5, "capacity": 3}
            in reasons)


def test_a_locked_pair_that_is_forbidden_is_an_error():
    teams = (team("north", CHIANG_MAI), team("centre", BANGKOK))
    visits = (visit("a", BANGKOK), visit("b", CHIANG_MAI))
    problem = AssignmentProblem(teams, visits, forbidden=frozenset({("a", "north")}),
                                fixed={"a": "north"}, tolerance=0.5)
    expected = _("Application %(visit)s is locked to sub-committee %(team)s, which has a "
                 "conflict of interest with it.") % {"visit": "a", "team": "north"}
    for call in (solve_assignment, greedy_assignment, optimum_min_cost_flow):
        assert expected in reasons_of(call, problem)


def test_too_many_locked_to_one_team_is_named():
    teams = (team("north", CHIANG_MAI), team("centre", BANGKOK))
    visits = tuple(visit(f"v{k}", BANGKOK) for k in range(4))  # bounds 2–2
    problem = AssignmentProblem(teams, visits, fixed={"v0": "north", "v1": "north",
                                                      "v2": "north"})
    reasons = reasons_of(solve_assignment, problem)
    assert any("north" in reason and "3" in reason for reason in reasons)


def test_a_team_that_too_few_applications_may_go_to_is_named():
    teams = (team("north", CHIANG_MAI), team("centre", BANGKOK))
    visits = tuple(visit(f"v{k}", BANGKOK) for k in range(4))  # bounds 2–2
    forbidden = frozenset((f"v{k}", "north") for k in range(3))
    reasons = reasons_of(solve_assignment, AssignmentProblem(teams, visits, forbidden))
    assert len(reasons) == 1 and "north" in reasons[0] and "1" in reasons[0]


def test_an_infeasibility_the_checks_miss_is_reported_by_the_solver():
    # Each check passes, but v0 and v1 may only go north, and the north takes one.
    teams = (team("north", CHIANG_MAI), team("centre", BANGKOK), team("east", KHON_KAEN))
    visits = tuple(visit(f"v{k}", BANGKOK) for k in range(3))  # bounds 1–1
    forbidden = frozenset((f"v{k}", t) for k in (0, 1) for t in ("centre", "east"))
    problem = AssignmentProblem(teams, visits, forbidden)
    for call in (solve_assignment, optimum_min_cost_flow):
        assert reasons_of(call, problem) == [_(
            "No plan meets every requirement together: the conflicts of interest, the locked "
            "applications, the capacities and the load bounds.")]


def test_no_team_at_all():
    reasons = reasons_of(solve_assignment, AssignmentProblem((), (visit("a", BANGKOK),)))
    assert len(reasons) == 1


def test_nothing_to_assign_is_an_empty_plan():
    problem = AssignmentProblem((team("north", CHIANG_MAI),), ())
    plan = solve_assignment(problem)
    assert plan.assignment == {} and plan.loads == {"north": 0} and plan.total_km == 0
    assert optimum_min_cost_flow(problem) == 0


def test_bad_input_is_a_programming_error():
    teams = (team("north", CHIANG_MAI),)
    with pytest.raises(ValueError):
        AssignmentProblem(teams, (visit("a", BANGKOK),), fixed={"a": "nowhere"})
    with pytest.raises(ValueError):
        AssignmentProblem(teams + teams, ())
    with pytest.raises(ValueError):
        AssignmentProblem(teams, (), tolerance=1.5)
    # A conflict list may name units that are not in this round: ignored.
    problem = AssignmentProblem(teams, (visit("a", BANGKOK),),
                                forbidden=frozenset({("elsewhere", "north")}))
    assert solve(problem).assignment == {"a": "north"}


# Progress, hint, determinism ----------------------------------------------------------------


def grid_problem(size=6, teams=3, **fields):
    bases = (CHIANG_MAI, BANGKOK, KHON_KAEN, near(BANGKOK, 300, 300))[:teams]
    return AssignmentProblem(
        tuple(team(f"t{j}", point) for j, point in enumerate(bases)),
        tuple(visit(f"v{r}{c}", near(BANGKOK, 120 * r - 200, 90 * c - 200))
              for r in range(size) for c in range(size)),
        **fields)


def test_progress_rises_from_zero_to_one():
    seen = []
    solve_assignment(grid_problem(), time_limit_s=LIMIT, progress=seen.append)
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert seen == sorted(seen) and len(set(seen)) == len(seen)


def test_a_hint_gives_the_same_optimum():
    problem = grid_problem()
    plan = solve(problem)
    hinted = solve_assignment(problem, time_limit_s=LIMIT,
                              hint={**greedy_assignment(problem).assignment, "x": "y"})
    assert hinted.assignment == plan.assignment


def test_the_same_problem_gives_the_same_plan():
    problem = grid_problem(size=8, teams=4, forbidden=frozenset({("v00", "t1"), ("v31", "t0")}))
    first = solve(problem)
    for _again in range(3):
        assert solve(problem).assignment == first.assignment


def test_ties_are_broken_the_same_way_every_time():
    # Two teams at the same base: any split of the four is optimal; the canonical one gives
    # the earlier applications the earlier team.
    teams = (team("a", BANGKOK), team("b", BANGKOK))
    visits = tuple(visit(f"v{k}", near(BANGKOK, k)) for k in range(4))
    plan = solve(AssignmentProblem(teams, visits))
    assert plan.assignment == {"v0": "a", "v1": "a", "v2": "b", "v3": "b"}


# Properties --------------------------------------------------------------------------------

# A coarse grid of points, so that equal distances (ties) and shared bases happen often.
POINTS = [(lat, lon) for lat in (13.5, 14.0, 15.5, 18.0) for lon in (99.0, 100.5, 102.0)]


@st.composite
def problems(draw, max_teams=4, max_visits=9):
    n_teams = draw(st.integers(1, max_teams))
    n_visits = draw(st.integers(0, max_visits))
    point = st.one_of(st.sampled_from(POINTS),
                      st.tuples(st.floats(6.0, 20.0), st.floats(97.5, 105.5)))
    teams = tuple(TeamSpec(f"t{j}", *draw(point), capacity=draw(st.integers(0, n_visits + 1)))
                  for j in range(n_teams))
    visits = tuple(VisitSpec(f"v{i}", *draw(point)) for i in range(n_visits))
    pairs = [(v.key, t.key) for v in visits for t in teams]
    forbidden = frozenset(draw(st.lists(st.sampled_from(pairs), max_size=len(pairs) // 3))
                          if pairs else [])
    fixed = {}
    if visits and draw(st.booleans()):
        for v in draw(st.lists(st.sampled_from(visits), max_size=2, unique=True)):
            fixed[v.key] = draw(st.sampled_from(teams)).key
    tolerance = draw(st.sampled_from([0.0, 0.1, 0.1, 0.25, 0.5]))
    return AssignmentProblem(teams, visits, forbidden, fixed, tolerance)


def plans(problem):
    """Every plan that meets the requirements, as (total metres, team indices), in
    lexicographic order; worked out here from the problem, not from the solver's tables."""
    teams, visits = problem.teams, problem.visits
    lower, upper = load_bounds(len(visits), len(teams), problem.tolerance)
    choices = []
    for v in visits:
        allowed = [j for j, t in enumerate(teams) if (v.key, t.key) not in problem.forbidden]
        if v.key in problem.fixed:
            allowed = [j for j in allowed if teams[j].key == problem.fixed[v.key]]
        choices.append(allowed)
    for chosen in itertools.product(*choices):
        loads = [chosen.count(j) for j in range(len(teams))]
        if all(lower <= load <= min(upper, t.capacity) for load, t in zip(loads, teams,
                                                                           strict=True)):
            yield sum(distance_m(teams[j], v) for v, j in zip(visits, chosen, strict=True)), \
                list(chosen)


def brute_force(problem):
    """(least total metres, the lexicographically first plan with it), or None."""
    best = None
    for total, chosen in plans(problem):
        if best is None or total < best[0]:
            best = (total, chosen)
    return best


PROPERTY_SETTINGS = settings(max_examples=120, deadline=None,
                             suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(problems())
def test_every_answer_meets_the_requirements_and_matches_the_optimum(problem):
    try:
        optimum = optimum_min_cost_flow(problem)
    except AssignmentInfeasible as flow_error:
        with pytest.raises(AssignmentInfeasible) as caught:
            solve_assignment(problem, time_limit_s=LIMIT)
        assert caught.value.reasons == flow_error.reasons
        return
    plan = solve_assignment(problem, time_limit_s=LIMIT)
    check(problem, plan)
    assert plan.total_km >= optimum - 1e-6
    assert plan.total_km <= optimum * 1.005 + 1e-6
    try:
        greedy = greedy_assignment(problem)
    except AssignmentInfeasible:
        return  # the baseline can paint itself into a corner
    check(problem, greedy, greedy=True)
    if all(load >= greedy.bounds[0] for load in greedy.loads.values()):
        assert greedy.total_km >= optimum - 1e-6


@PROPERTY_SETTINGS
@given(problems(max_teams=3, max_visits=6))
def test_the_plan_is_the_first_of_the_optimal_plans_by_brute_force(problem):
    best = brute_force(problem)
    if best is None:
        with pytest.raises(AssignmentInfeasible):
            solve_assignment(problem, time_limit_s=LIMIT)
        return
    plan = solve_assignment(problem, time_limit_s=LIMIT)
    assert plan.status == "optimal"
    assert round(plan.total_km * 1000) == best[0]
    keys = [t.key for t in problem.teams]
    assert [keys.index(plan.assignment[v.key]) for v in problem.visits] == best[1]


@PROPERTY_SETTINGS
@given(problems(max_teams=3, max_visits=6))
def test_every_optimal_plan_has_the_same_canonical_form(problem):
    best = brute_force(problem)
    if best is None:
        return
    prep = _prepare(problem)
    for total, chosen in plans(problem):
        if total == best[0]:
            assert _canonical(prep, chosen) == best[1]
