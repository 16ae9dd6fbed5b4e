"""What the solver is measured against: the greedy baseline and the exact optimum as a
min-cost flow (see the package docstring)."""

from __future__ import annotations

import time

from django.utils.translation import gettext as _

from .model import (
    AssignmentInfeasible,
    AssignmentPlan,
    AssignmentProblem,
    _name,
)
from .prepare import _check, _infeasible_reason, _plan, _prepare


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
