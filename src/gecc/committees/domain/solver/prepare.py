"""The problem in index form, the cheap checks that name why no plan exists, and a plan built
from the chosen teams; shared by the solver and the references."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .model import (
    AssignmentInfeasible,
    AssignmentPlan,
    AssignmentProblem,
    _name,
    distance_m,
    load_bounds,
)


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
