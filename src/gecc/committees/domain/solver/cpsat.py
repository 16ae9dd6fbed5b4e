"""The main solver, OR-Tools CP-SAT: :func:`solve_assignment` (see the package docstring)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from django.utils.translation import gettext as _

from .canonical import _canonical
from .model import (
    WORKERS,
    AssignmentInfeasible,
    AssignmentPlan,
    AssignmentProblem,
)
from .prepare import _check, _infeasible_reason, _plan, _prepare


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
