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

from .cpsat import solve_assignment
from .model import (
    DEFAULT_TOLERANCE,
    WORKERS,
    AssignmentInfeasible,
    AssignmentPlan,
    AssignmentProblem,
    TeamSpec,
    VisitSpec,
    distance_m,
    load_bounds,
)
from .references import greedy_assignment, optimum_min_cost_flow

__all__ = [
    "AssignmentInfeasible", "AssignmentPlan", "AssignmentProblem", "DEFAULT_TOLERANCE",
    "TeamSpec", "VisitSpec", "WORKERS", "distance_m", "load_bounds", "solve_assignment",
    "greedy_assignment", "optimum_min_cost_flow",
]
