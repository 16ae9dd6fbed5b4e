"""Assigning a round's accepted applications to assessment sub-committees: pure, no models.

Each application (a *visit*: a service unit at a point) goes to exactly one sub-committee
(a *team*, with a base point and a capacity in visits). The plan must

* never pair an application with a team that has a conflict of interest with it
  (``forbidden`` pairs);
* keep every application locked by hand to its team (``fixed``; locked applications count in
  the team's load and distance, and a locked pair that is also forbidden is an error);
* keep every team's load within the load bounds below and within its capacity;
* and, among all such plans, minimise the total base-to-unit distance (geographically compact
  sets).

Load bounds
-----------
With ``n`` applications, ``T`` teams and tolerance ``t`` (0.10), the mean load is ``n / T``.
Computed exactly (the tolerance is read as the decimal it is written as, so 0.9 × 10 is 9,
not 9.000000000000002):

* ``lower = ceil((1 − t) × mean)``, ``upper = floor((1 + t) × mean)``;
* if those cannot hold all ``n`` applications at all (``T × lower > n`` or
  ``T × upper < n``, which includes an empty interval; possible only for a mean under
  ``1 / t``, 10 at t = 0.10), the interval is widened just enough to contain the floor and the ceiling of
  the mean: ``lower = min(lower, floor(mean))``, ``upper = max(upper, ceil(mean))``. Then
  ``T × lower ≤ n ≤ T × upper`` always holds. For example 2.5 applications per team gives
  2–3, while 75 per team gives 68–82.

A team's own upper bound is ``min(upper, capacity)``; its lower bound is ``lower`` for every
team (a team whose capacity is below ``lower`` is reported, not silently exempted).

Distances
---------
The cost of a pair is the haversine distance (:func:`gecc.geography.domain.distance.
haversine_km`) rounded to the whole metre. The solver, the greedy baseline, the min-cost-flow
reference and every figure of a plan use exactly these numbers, so a plan's total (metres
÷ 1000) can be compared with the reference without rounding noise; it differs from the sum
of the unrounded distances by at most half a metre per application.

Which solver, and why
---------------------
:func:`solve_assignment` uses OR-Tools CP-SAT: one Boolean per allowed (application, team)
pair, an exactly-one per application, a linear load interval per team, and the distance in
metres as the objective; 2 workers and a wall-clock time limit (30 s by default). The model's
LP relaxation is a transportation problem, hence integral, so the worker that keeps the whole
LP (``max_lp``) closes the bound as soon as its LP is solved; presolve and probing are cut to
one pass, as they find nothing to remove here. Measured on a busy 2-core machine (load
average 5–9): 1,500 applications × 20 teams (about 29,000 Booleans) proved optimal in
2–7 s, 2,000 × 25 in 4 s, 3,000 × 40 in 10 s (with CP-SAT's default workers the last took
40–50 s). That is well inside the limit at the national size, so the min-cost-flow
machinery is not needed as the solver, and CP-SAT leaves room for rules a flow cannot express
(an organisation's units kept together, members' days) should they come. The plan's status
says whether the optimum was proved (``"optimal"``) or the time limit stopped the search
first (``"feasible"``: a plan that keeps every rule but may be far from the best; the
benchmark fails on it).

:func:`optimum_min_cost_flow` solves the same problem independently as a min-cost flow
(OR-Tools ``SimpleMinCostFlow``) and returns the exact optimum: the reference the tests and
the benchmark compare the solver with. :func:`greedy_assignment` is the naive baseline
(nearest base with room left, in the given order).

Determinism
-----------
The same problem gives the same plan. CP-SAT with 2 workers may return either of several
plans of exactly the same total (ties in whole metres happen: two teams based in the same
city, two units at the same point; the workers race), so a proved optimum is put into a
canonical form (``_canonical``): of all optimal plans, the one that gives the first
application the lowest-numbered team it can have, then the second, and so on. Only a search
stopped by the time limit (status ``"feasible"``) can depend on the machine's speed, as any
time limit does.

Infeasible problems raise :class:`AssignmentInfeasible` with reasons in Thai (gettext):
cheap checks with precise reasons first, then the solver's verdict.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import pairwise

from django.utils.translation import gettext as _

from gecc.geography.domain.distance import haversine_km

DEFAULT_TOLERANCE = 0.10
WORKERS = 2


@dataclass(frozen=True)
class TeamSpec:
    """A sub-committee: its key, its base (latitude, longitude) and its capacity in visits
    (visits per day × visit days)."""

    key: Hashable
    lat: float
    lon: float
    capacity: int
    label: str = ""


@dataclass(frozen=True)
class VisitSpec:
    """An application to visit: its key and its service unit's point."""

    key: Hashable
    lat: float
    lon: float
    label: str = ""


@dataclass(frozen=True)
class AssignmentProblem:
    """Teams, visits, the forbidden (visit key, team key) pairs (conflicts of interest), the
    visits locked by hand ({visit key: team key}) and the load tolerance around the mean.

    Forbidden pairs naming a visit or team not in the problem are ignored (a conflict list
    may cover more units than one round); a lock naming one is a ``ValueError``.
    """

    teams: tuple
    visits: tuple
    forbidden: frozenset = frozenset()
    fixed: Mapping = field(default_factory=dict)
    tolerance: float = DEFAULT_TOLERANCE

    def __post_init__(self):
        object.__setattr__(self, "teams", tuple(self.teams))
        object.__setattr__(self, "visits", tuple(self.visits))
        object.__setattr__(self, "forbidden", frozenset(self.forbidden))
        object.__setattr__(self, "fixed", dict(self.fixed))
        if not 0 <= self.tolerance < 1:
            raise ValueError(f"tolerance must be in [0, 1), not {self.tolerance!r}")
        for kind, specs in (("team", self.teams), ("visit", self.visits)):
            keys = [spec.key for spec in specs]
            if len(set(keys)) != len(keys):
                raise ValueError(f"duplicate {kind} keys")
        for team in self.teams:
            if team.capacity < 0:
                raise ValueError(f"team {team.key!r} has a negative capacity")
        team_keys = {team.key for team in self.teams}
        visit_keys = {visit.key for visit in self.visits}
        for visit_key, team_key in self.fixed.items():
            if visit_key not in visit_keys or team_key not in team_keys:
                raise ValueError(f"lock {visit_key!r} → {team_key!r} names an unknown "
                                 "visit or team")


@dataclass
class AssignmentPlan:
    """A plan: {visit key: team key} (in the problem's visit order), each team's load and
    distance (km, in the problem's team order, every team listed), the total (km), the load
    bounds used, the status (``optimal``, ``feasible`` when the time limit stopped the search,
    ``greedy`` for the baseline) and the time spent."""

    assignment: dict
    loads: dict
    distance_km: dict
    total_km: float
    bounds: tuple[int, int]
    status: str
    solve_seconds: float


class AssignmentInfeasible(Exception):
    """No plan meets every requirement; ``reasons`` says why, in words (Thai)."""

    def __init__(self, reasons, status="infeasible"):
        self.reasons = list(reasons)
        self.status = status
        super().__init__("; ".join(self.reasons))


def load_bounds(visits: int, teams: int, tolerance: float = DEFAULT_TOLERANCE) -> tuple[int, int]:
    """The (lower, upper) load of every team: the rule in the module docstring."""
    if teams <= 0 or visits <= 0:
        return 0, 0
    mean = Fraction(visits, teams)
    share = Fraction(str(tolerance))
    lower, upper = math.ceil((1 - share) * mean), math.floor((1 + share) * mean)
    if teams * lower > visits or teams * upper < visits:
        lower, upper = min(lower, math.floor(mean)), max(upper, math.ceil(mean))
    return lower, upper


def _name(spec):
    return spec.label or str(spec.key)


def distance_m(team: TeamSpec, visit: VisitSpec) -> int:
    """The cost of a pair: the haversine distance rounded to the whole metre."""
    return round(haversine_km(team.lat, team.lon, visit.lat, visit.lon) * 1000)


@dataclass
class _Prepared:
    """The problem in index form: cost[i][j] in metres, the teams each visit may go to (only
    its locked team if locked), each team's bounds."""

    problem: AssignmentProblem
    cost: list
    allowed: list
    lower: int
    upper: int
    team_upper: list

    @property
    def bounds(self):
        return self.lower, self.upper


def _prepare(problem: AssignmentProblem) -> _Prepared:
    teams, visits = problem.teams, problem.visits
    team_index = {team.key: j for j, team in enumerate(teams)}
    forbidden = [set() for _ in visits]
    visit_index = {visit.key: i for i, visit in enumerate(visits)}
    for visit_key, team_key in problem.forbidden:
        if visit_key in visit_index and team_key in team_index:
            forbidden[visit_index[visit_key]].add(team_index[team_key])
    allowed = []
    for i, visit in enumerate(visits):
        if visit.key in problem.fixed:
            allowed.append((team_index[problem.fixed[visit.key]],))
        else:
            allowed.append(tuple(j for j in range(len(teams)) if j not in forbidden[i]))
    cost = [[distance_m(team, visit) for team in teams] for visit in visits]
    lower, upper = load_bounds(len(visits), len(teams), problem.tolerance)
    return _Prepared(problem, cost, allowed, lower, upper,
                     [min(upper, team.capacity) for team in teams])


def _reasons(prep: _Prepared, lower_bounds: bool = True) -> list[str]:
    """Cheap checks with precise reasons. ``lower_bounds=False`` (the greedy baseline, which
    may leave a team below its lower bound) skips the checks that only the lower bound
    causes."""
    problem = prep.problem
    teams, visits, n = problem.teams, problem.visits, len(problem.visits)
    reasons = []
    if not n:
        return reasons
    if not teams:
        return [_("There is no sub-committee to assign the %(count)s applications to.")
                % {"count": f"{n:,}"}]
    for visit in visits:
        if visit.key in problem.fixed:
            team_key = problem.fixed[visit.key]
            if (visit.key, team_key) in problem.forbidden:
                team = next(t for t in teams if t.key == team_key)
                reasons.append(_("Application %(visit)s is locked to sub-committee %(team)s, "
                                 "which has a conflict of interest with it.")
                               % {"visit": _name(visit), "team": _name(team)})
        elif all((visit.key, t.key) in problem.forbidden for t in teams):
            reasons.append(_("Application %(visit)s has a conflict of interest with every "
                             "sub-committee.") % {"visit": _name(visit)})
    capacity = sum(team.capacity for team in teams)
    if capacity < n:
        reasons.append(_("The total capacity of all sub-committees (%(capacity)s visits) is "
                         "less than the number of applications (%(count)s).")
                       % {"capacity": f"{capacity:,}", "count": f"{n:,}"})
    elif sum(prep.team_upper) < n:
        reasons.append(_("The sub-committees can take at most %(most)s visits in all (each "
                         "at most %(upper)s, the mean plus the tolerance, or its capacity if "
                         "lower), fewer than the %(count)s applications.")
                       % {"most": f"{sum(prep.team_upper):,}", "upper": prep.upper,
                          "count": f"{n:,}"})
    reachable = [0] * len(teams)
    for choices in prep.allowed:
        for j in choices:
            reachable[j] += 1
    for j, team in enumerate(teams):
        fixed_here = sum(1 for key in problem.fixed.values() if key == team.key)
        if lower_bounds and prep.lower > team.capacity:
            reasons.append(_("Sub-committee %(team)s must take at least %(lower)s visits, but "
                             "its capacity is only %(capacity)s.")
                           % {"team": _name(team), "lower": prep.lower,
                              "capacity": team.capacity})
        elif lower_bounds and reachable[j] < prep.lower:
            reasons.append(_("Sub-committee %(team)s must take at least %(lower)s visits, but "
                             "only %(count)s applications can go to it (the others have a "
                             "conflict of interest with it or are locked to another "
                             "sub-committee).")
                           % {"team": _name(team), "lower": prep.lower,
                              "count": reachable[j]})
        if fixed_here > prep.team_upper[j]:
            reasons.append(_("Sub-committee %(team)s has %(count)s applications locked to it, "
                             "more than the most it can take (%(upper)s visits).")
                           % {"team": _name(team), "count": fixed_here,
                              "upper": prep.team_upper[j]})
    return reasons


def _plan(prep: _Prepared, chosen: Sequence[int], status: str, started: float):
    teams, visits = prep.problem.teams, prep.problem.visits
    loads = [0] * len(teams)
    metres = [0] * len(teams)
    for i, j in enumerate(chosen):
        loads[j] += 1
        metres[j] += prep.cost[i][j]
    return AssignmentPlan(
        assignment={visit.key: teams[j].key for visit, j in zip(visits, chosen, strict=True)},
        loads={team.key: loads[j] for j, team in enumerate(teams)},
        distance_km={team.key: metres[j] / 1000 for j, team in enumerate(teams)},
        total_km=sum(metres) / 1000,
        bounds=prep.bounds,
        status=status,
        solve_seconds=time.perf_counter() - started,
    )


def _check(prep: _Prepared, lower_bounds: bool = True):
    reasons = _reasons(prep, lower_bounds)
    if reasons:
        raise AssignmentInfeasible(reasons)


def _infeasible_reason():
    return _("No plan meets every requirement together: the conflicts of interest, the locked "
             "applications, the capacities and the load bounds.")


def solve_assignment(problem: AssignmentProblem, time_limit_s: float = 30.0,
                     progress: Callable[[float], None] | None = None,
                     hint: Mapping | None = None) -> AssignmentPlan:
    """The plan of least total distance (CP-SAT; see the module docstring).

    ``progress(fraction)`` is called with 0.0 at the start, a rising fraction as better plans
    are found (from a solver thread), and 1.0 at the end. ``hint`` ({visit key: team key}, e.g. the previous plan
    after a small change) is passed to CP-SAT as a starting point; pairs it names that are
    not allowed are ignored. Raises :class:`AssignmentInfeasible`.
    """
    from ortools.sat.python import cp_model

    started = time.perf_counter()
    report = _Progress(progress)
    report(0.0)
    prep = _prepare(problem)
    _check(prep)
    if not problem.visits:
        report(1.0)
        return _plan(prep, [], "optimal", started)

    model = cp_model.CpModel()
    literals = []  # per visit: [(team index, Boolean)]
    columns = [[] for _ in problem.teams]
    objective = []
    for i, choices in enumerate(prep.allowed):
        row = []
        for j in choices:
            literal = model.new_bool_var(f"x{i}_{j}")
            row.append((j, literal))
            columns[j].append(literal)
            objective.append((literal, prep.cost[i][j]))
        model.add_exactly_one(literal for _, literal in row)
        literals.append(row)
    for j, column in enumerate(columns):
        if column:  # an empty one (possible only with a lower bound of 0) needs nothing
            model.add_linear_constraint(cp_model.LinearExpr.sum(column), prep.lower,
                                        prep.team_upper[j])
    model.minimize(cp_model.LinearExpr.weighted_sum([v for v, _ in objective],
                                                    [c for _, c in objective]))
    if hint:
        team_index = {team.key: j for j, team in enumerate(problem.teams)}
        for visit, row in zip(problem.visits, literals, strict=True):
            wanted = team_index.get(hint.get(visit.key))
            if any(j == wanted for j, _ in row):
                for j, literal in row:
                    model.add_hint(literal, j == wanted)
    report(0.05)

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = WORKERS
    solver.parameters.max_time_in_seconds = max(0.1, time_limit_s - (time.perf_counter()
                                                                       - started))
    solver.parameters.random_seed = 2563
    # The full-problem worker is the one that keeps the whole LP relaxation, which is
    # integral here and closes the bound at once; the other thread runs the first-solution
    # and neighbourhood helpers. Presolve and probing find nothing to remove in this model
    # and cost seconds on 30,000 Booleans, so they are kept to one pass.
    solver.parameters.subsolvers.append("max_lp")
    solver.parameters.max_presolve_iterations = 1
    solver.parameters.cp_model_probing_level = 0
    callback = _solution_callback(report, time_limit_s) if progress else None
    status = solver.solve(model, callback)
    if status == cp_model.INFEASIBLE:
        raise AssignmentInfeasible([_infeasible_reason()])
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if status == cp_model.MODEL_INVALID:
            raise RuntimeError(model.validate())
        raise AssignmentInfeasible(
            [_("No plan was found within the time limit (%(seconds)s seconds).")
             % {"seconds": f"{time_limit_s:g}"}], status="unknown")
    chosen = [next(j for j, literal in row if solver.boolean_value(literal))
              for row in literals]
    label = "optimal" if status == cp_model.OPTIMAL else "feasible"
    if label == "optimal":
        chosen = _canonical(prep, chosen)
    report(1.0)
    return _plan(prep, chosen, label, started)


class _Progress:
    """Calls ``progress`` with a fraction that never goes down."""

    def __init__(self, progress):
        self.progress, self.last = progress, -1.0

    def __call__(self, fraction):
        fraction = min(1.0, max(0.0, fraction))
        if self.progress is not None and fraction > self.last:
            self.last = fraction
            self.progress(fraction)


def _solution_callback(report, time_limit_s):
    """A CP-SAT callback that, on each better plan, reports the larger of the share of the
    time limit spent and the proved share of the optimum (bound ÷ objective), scaled to
    0.05–0.95."""
    from ortools.sat.python import cp_model

    class SolutionCallback(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self):
            value, bound = self.objective_value, self.best_objective_bound
            share = bound / value if value > 0 else 1.0
            spent = self.wall_time / time_limit_s if time_limit_s > 0 else 1.0
            report(0.05 + 0.9 * min(1.0, max(share, spent)))

    return SolutionCallback()


def _canonical(prep: _Prepared, chosen: list[int]) -> list[int]:
    """The canonical optimal plan: of all plans with the same (optimal) total, the one that
    gives the first application the lowest-numbered team it can have, then the second, and
    so on (teams numbered in the problem's order). Whichever optimum CP-SAT returned, the
    result is the same.

    How: think of a plan as loads moving between teams. Moving application ``i`` from team
    ``u`` to team ``v`` changes the total by ``cost[i][v] − cost[i][u]``; a *slack* node
    ``S`` stands for a team taking one more (``u → S``, when below its upper bound) or one
    fewer (``S → u``, when above the lower bound). Every other plan differs from this one by
    cycles of such moves, and as the plan is optimal no cycle has a negative cost, so
    Bellman–Ford gives potentials ``π`` with every reduced cost ``cost + π(u) − π(v) ≥ 0``.
    The optimal plans are exactly those reached by cycles of zero reduced cost. Then, for each
    application in order, the lowest team ``j`` below its current one is taken when a zero
    cycle moves it there without touching the applications already settled: a move to ``j``
    of reduced cost zero and a path back from ``j`` (a breadth-first search over the
    ``T + 1`` nodes).
    """
    teams = len(prep.problem.teams)
    slack = teams
    fixed = [visit.key in prep.problem.fixed for visit in prep.problem.visits]
    cost, chosen = prep.cost, list(chosen)
    loads = [0] * teams
    for j in chosen:
        loads[j] += 1

    def slack_arcs():
        """(into S, out of S): the teams that may take one more, one fewer."""
        return ([loads[u] < prep.team_upper[u] for u in range(teams)],
                [loads[u] > prep.lower for u in range(teams)])

    # Potentials by Bellman–Ford over the teams and S.
    weight = [[None] * (teams + 1) for _ in range(teams + 1)]
    for i, choices in enumerate(prep.allowed):
        if fixed[i]:
            continue
        u = chosen[i]
        for v in choices:
            if v != u:
                delta = cost[i][v] - cost[i][u]
                if weight[u][v] is None or delta < weight[u][v]:
                    weight[u][v] = delta
    into, out_of = slack_arcs()
    for u in range(teams):
        weight[u][slack] = 0 if into[u] else None
        weight[slack][u] = 0 if out_of[u] else None
    pi = [0] * (teams + 1)
    for _round in range(teams + 2):
        changed = False
        for u in range(teams + 1):
            for v in range(teams + 1):
                if weight[u][v] is not None and pi[u] + weight[u][v] < pi[v]:
                    pi[v] = pi[u] + weight[u][v]
                    changed = True
        if not changed:
            break
    else:  # a negative cycle: the plan is not optimal after all; leave it as it is
        return chosen

    def reduced(i, u, v):
        return cost[i][v] - cost[i][u] + pi[u] - pi[v]

    # zero[u][v]: the applications not yet settled in team u with a zero move to team v.
    zero = [[set() for _ in range(teams)] for _ in range(teams)]

    def enter(i):
        u = chosen[i]
        for v in prep.allowed[i]:
            if v != u and reduced(i, u, v) == 0:
                zero[u][v].add(i)

    def leave(i):
        u = chosen[i]
        for v in prep.allowed[i]:
            zero[u][v].discard(i)

    for i in range(len(chosen)):
        if not fixed[i]:
            enter(i)

    def path(start, goal):
        """Nodes from ``start`` to ``goal`` along zero arcs, or None."""
        into, out_of = slack_arcs()
        previous = {start: None}
        queue = [start]
        for u in queue:
            if u == slack:
                following = [v for v in range(teams) if out_of[v] and pi[slack] == pi[v]]
            else:
                following = [v for v in range(teams) if zero[u][v]]
                if into[u] and pi[u] == pi[slack]:
                    following.append(slack)
            for v in following:
                if v not in previous:
                    previous[v] = u
                    if v == goal:
                        nodes = [v]
                        while previous[nodes[-1]] is not None:
                            nodes.append(previous[nodes[-1]])
                        return nodes[::-1]
                    queue.append(v)
        return None

    def move(i, v):
        leave(i)
        loads[chosen[i]] -= 1
        chosen[i] = v
        loads[v] += 1

    for i, choices in enumerate(prep.allowed):
        if fixed[i]:
            continue
        leave(i)  # settled from now on
        a = chosen[i]
        for j in choices:
            if j >= a:
                break
            if reduced(i, a, j) != 0:
                continue
            nodes = path(j, a)
            if nodes is None:
                continue
            moves = [(min(zero[u][v]), v) for u, v in pairwise(nodes) if slack not in (u, v)]
            for other, v in moves:
                move(other, v)
                enter(other)
            loads[a] -= 1
            loads[j] += 1
            chosen[i] = j
            break
    return chosen


def greedy_assignment(problem: AssignmentProblem) -> AssignmentPlan:
    """The baseline: locked applications first, then each other application in the given
    order to the nearest base (ties: the earlier team) among the teams it may go to that are
    below their upper bound (the load bound or the capacity, whichever is lower). It may
    leave a team below the lower bound.

    When every team an application may go to is full (near the end, when the capacities add
    up to about the number of applications), it makes one exchange, as a person would: it
    takes the place of an application ``w`` (not locked) in a full team it may go to, and
    ``w`` moves to a team with room that ``w`` may go to, the cheapest such exchange.
    :class:`AssignmentInfeasible` when there is none."""
    started = time.perf_counter()
    prep = _prepare(problem)
    _check(prep, lower_bounds=False)
    cost, upper = prep.cost, prep.team_upper
    loads = [0] * len(problem.teams)
    members = [[] for _ in problem.teams]  # the applications that may still be moved
    chosen = [None] * len(problem.visits)
    for i, choices in enumerate(prep.allowed):
        if problem.visits[i].key in problem.fixed:
            chosen[i] = choices[0]
            loads[choices[0]] += 1
    for i, choices in enumerate(prep.allowed):
        if chosen[i] is not None:
            continue
        room = [j for j in choices if loads[j] < upper[j]]
        if room:
            j = min(room, key=lambda j, row=cost[i]: (row[j], j))
        else:
            exchanges = [(cost[i][j] + cost[w][k] - cost[w][j], j, w, k)
                         for j in choices for w in members[j]
                         for k in prep.allowed[w] if loads[k] < upper[k]]
            if not exchanges:
                raise AssignmentInfeasible([
                    _("Application %(visit)s: every sub-committee it may go to is already "
                      "full (greedy assignment).") % {"visit": _name(problem.visits[i])}])
            _delta, j, w, k = min(exchanges)
            members[j].remove(w)
            members[k].append(w)
            chosen[w] = k
            loads[j] -= 1
            loads[k] += 1
        chosen[i] = j
        loads[j] += 1
        members[j].append(i)
    return _plan(prep, chosen, "greedy", started)


def optimum_min_cost_flow(problem: AssignmentProblem) -> float:
    """The exact least total distance (km) of the same problem, solved independently as a
    min-cost flow (OR-Tools ``SimpleMinCostFlow``): a supply of 1 at each application, an arc
    of capacity 1 and cost = metres to each team it may go to (a forbidden pair has no arc; a
    locked application has only its team's arc), and from each team an arc to the sink for
    its load interval [lower, upper], the lower bound moved into the node supplies (the
    standard transformation). Raises :class:`AssignmentInfeasible` as
    :func:`solve_assignment` does."""
    import numpy as np
    from ortools.graph.python import min_cost_flow

    prep = _prepare(problem)
    _check(prep)
    if not problem.visits:
        return 0.0
    n, teams = len(problem.visits), len(problem.teams)
    sink = n + teams
    pairs = [(i, j) for i, choices in enumerate(prep.allowed) for j in choices]
    tails = [i for i, _ in pairs] + [n + j for j in range(teams)]
    heads = [n + j for _, j in pairs] + [sink] * teams
    capacities = [1] * len(pairs) + [prep.team_upper[j] - prep.lower for j in range(teams)]
    costs = [prep.cost[i][j] for i, j in pairs] + [0] * teams
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.array(tails, dtype=np.int32), np.array(heads, dtype=np.int32),
        np.array(capacities, dtype=np.int64), np.array(costs, dtype=np.int64))
    # Team → sink carries lower + f' with f' in [0, upper − lower]: the lower part leaves
    # each team as a demand and reaches the sink as a supply.
    supplies = [1] * n + [-prep.lower] * teams + [-(n - teams * prep.lower)]
    flow.set_nodes_supplies(np.arange(sink + 1, dtype=np.int32),
                            np.array(supplies, dtype=np.int64))
    if flow.solve() != flow.OPTIMAL:
        raise AssignmentInfeasible([_infeasible_reason()])
    return flow.optimal_cost() / 1000
