#!/usr/bin/env python
"""Benchmark: assigning a national round's applications to the assessment sub-committees.

Generates units with the national generator (``generate_national_data``, registry only) in a
throwaway database and takes 1,500 of them (the first by code, spread over the country as the
generator spreads them). Twenty sub-committees are based at the province seats (geography
``Province`` coordinates) of the twenty provinces with the most of those units (ties by
province code), each with a capacity of 6 visits a day × 15 days = 90, above the load band
(68–82 around the mean of 75), so the ±10 % band, not the capacity, is what binds (with a
capacity of exactly the mean every team must be full and the band plays no part: run
``--visits-per-day 5`` to see that case). Conflicts of interest:
each (application, team) pair is forbidden with probability 2 % (seeded). A few applications
(1 %, seeded) are locked by hand to one of the three teams nearest to them that they have no
conflict with.

The plan of ``solve_assignment`` (CP-SAT) is measured, in the same run, against the greedy
baseline (nearest base with room, in code order) and the exact optimum of the same problem as
a min-cost flow (``optimum_min_cost_flow``). Targets:

- solve time ≤ 60 s;
- no conflict of interest in the plan, every lock kept, every application assigned once;
- every team's load within ±10 % of the mean (and within its capacity);
- total distance ≤ 0.9 × the greedy baseline's;
- total distance within 0.5 % of the min-cost-flow optimum;
- the same plan when solved again.

    python bench/bench_assignment.py [--units 1500] [--teams 20] [--limit 30]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gecc python bench/bench_assignment.py
"""

import argparse
import os
import random
import sys
import tempfile
import time
from collections import Counter

from benchdb import generated_units, throwaway_database

TIME_TARGET_S = 60.0
GREEDY_TARGET = 0.9
OPTIMUM_TARGET = 0.005
SEED = 2563


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=1500, help="applications to assign")
    parser.add_argument("--teams", type=int, default=20)
    parser.add_argument("--visits-per-day", type=int, default=6)
    parser.add_argument("--days", type=int, default=15)
    parser.add_argument("--conflicts", type=float, default=0.02,
                        help="share of (application, team) pairs forbidden")
    parser.add_argument("--locked", type=float, default=0.01,
                        help="share of applications locked to a team by hand")
    parser.add_argument("--limit", type=float, default=30.0, help="solver time limit (s)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        drop = throwaway_database(tmp)
        try:
            passed = run(args)
        finally:
            if drop:
                drop()
    return 0 if passed else 1


def build_problem(units, provinces, args):
    """Teams at the seats of the provinces with the most units; seeded conflicts and locks."""
    from gecc.committees.domain.solver import AssignmentProblem, TeamSpec, VisitSpec
    from gecc.geography.domain.distance import haversine_km

    per_province = Counter(province for _, province, _, _ in units)
    seats = [p for p in sorted(provinces, key=lambda p: (-per_province[p.code], p.code))
             if p.code in per_province][:args.teams]
    capacity = args.visits_per_day * args.days
    teams = tuple(TeamSpec(p.code, float(p.latitude), float(p.longitude), capacity, p.name_th)
                  for p in seats)
    visits = tuple(VisitSpec(code, float(lat), float(lon), code)
                   for code, _, lat, lon in units)
    rng = random.Random(SEED)
    forbidden = frozenset((v.key, t.key) for v in visits for t in teams
                          if rng.random() < args.conflicts)
    fixed = {}
    for v in rng.sample(visits, round(args.locked * len(visits))):
        allowed = sorted((haversine_km(v.lat, v.lon, t.lat, t.lon), t.key) for t in teams
                         if (v.key, t.key) not in forbidden)
        fixed[v.key] = rng.choice(allowed[:3])[1]
    return AssignmentProblem(teams, visits, forbidden, fixed), seats


def violations(problem, plan):
    """(conflicts of interest in the plan, locks not kept, applications not assigned once)."""
    conflicts = sum(1 for pair in plan.assignment.items() if pair in problem.forbidden)
    locks = sum(1 for key, team in problem.fixed.items() if plan.assignment.get(key) != team)
    keys = [v.key for v in problem.visits]
    missing = len(set(keys) ^ set(plan.assignment)) + (len(plan.assignment) - len(set(keys)))
    return conflicts, locks, missing


def run(args):
    import django

    django.setup()
    from django.db import connection

    from gecc.committees.domain.solver import (
        AssignmentInfeasible,
        greedy_assignment,
        optimum_min_cost_flow,
        solve_assignment,
    )
    from gecc.geography.models import Province

    units, generated = generated_units(args.units, "code", "province_id", "latitude", "longitude")
    provinces = list(Province.objects.filter(latitude__isnull=False, longitude__isnull=False))
    problem, seats = build_problem(units, provinces, args)
    n, t = len(problem.visits), len(problem.teams)
    print(f"database: {connection.vendor}; {n:,} units generated in {generated:.1f} s "
          f"({len({u[1] for u in units})} provinces); {t} teams at the seats of "
          f"{', '.join(p.name_en for p in seats)}")
    print(f"capacity {problem.teams[0].capacity} visits a team ({args.visits_per_day} a day × "
          f"{args.days} days); {len(problem.forbidden):,} forbidden pairs "
          f"({len(problem.forbidden) / (n * t):.1%}); {len(problem.fixed)} locked; "
          f"time limit {args.limit:g} s")

    progress = []
    plan = solve_assignment(problem, time_limit_s=args.limit,
                            progress=lambda f: progress.append((time.perf_counter(), f)))
    began = time.perf_counter()
    optimum = optimum_min_cost_flow(problem)
    flow_seconds = time.perf_counter() - began
    try:
        greedy = greedy_assignment(problem)
    except AssignmentInfeasible as error:
        greedy = None
        print(f"greedy baseline failed: {'; '.join(error.reasons)}")
    again = solve_assignment(problem, time_limit_s=args.limit)

    lower, upper = plan.bounds
    mean = n / t
    print(f"load bounds {lower}–{upper} (mean {mean:g}); status {plan.status}; progress "
          f"reported {len(progress)} times")
    print(f"{'team':<5} {'base':<24} {'load':>4} {'cap':>4} {'km':>9} {'km/visit':>8} "
          f"{'greedy':>6} {'greedy km':>9}")
    for spec, seat in zip(problem.teams, seats, strict=True):
        key = spec.key
        load = plan.loads[key]
        print(f"{key:<5} {seat.name_en[:24]:<24} {load:>4} {spec.capacity:>4} "
              f"{plan.distance_km[key]:>9,.0f} {plan.distance_km[key] / max(1, load):>8.1f} "
              f"{greedy.loads[key] if greedy else '—':>6} "
              f"{f'{greedy.distance_km[key]:,.0f}' if greedy else '—':>9}")

    conflicts, locks, missing = violations(problem, plan)
    capacities = {spec.key: spec.capacity for spec in problem.teams}
    within = all(0.9 * mean <= load <= 1.1 * mean and load <= capacities[key]
                 for key, load in plan.loads.items())
    greedy_ratio = plan.total_km / greedy.total_km if greedy else float("inf")
    gap = plan.total_km / optimum - 1 if optimum else 0.0
    greedy_text = (f"{greedy.total_km:,.1f} km in {greedy.solve_seconds:.2f} s"
                   if greedy else "failed")
    print(f"solver {plan.total_km:,.1f} km in {plan.solve_seconds:.2f} s (again: "
          f"{again.solve_seconds:.2f} s); min-cost-flow optimum {optimum:,.1f} km in "
          f"{flow_seconds:.2f} s; greedy {greedy_text}")
    if greedy:
        g_conflicts, g_locks, g_missing = violations(problem, greedy)
        below = sum(1 for load in greedy.loads.values() if load < lower)
        print(f"greedy: {g_conflicts} conflicts, {g_locks} locks broken, {below} teams below "
              f"{lower}")

    checks = [
        ("solve time", f"{plan.solve_seconds:.2f} s", f"≤ {TIME_TARGET_S:g} s",
         plan.solve_seconds <= TIME_TARGET_S),
        ("conflicts of interest in the plan", f"{conflicts}", "0", conflicts == 0),
        ("locks broken / applications not assigned once", f"{locks} / {missing}", "0 / 0",
         locks == 0 and missing == 0),
        ("team loads (min–max)", f"{min(plan.loads.values())}–{max(plan.loads.values())}",
         f"{0.9 * mean:g}–{1.1 * mean:g}, ≤ capacity", within),
        ("total distance ÷ greedy", f"{greedy_ratio:.3f}", f"≤ {GREEDY_TARGET}",
         greedy_ratio <= GREEDY_TARGET),
        ("total distance vs min-cost-flow optimum", f"{gap:+.3%}",
         f"within {OPTIMUM_TARGET:.1%}", -1e-9 <= gap <= OPTIMUM_TARGET),
        ("same plan when solved again", "yes" if again.assignment == plan.assignment else "no",
         "yes", again.assignment == plan.assignment),
    ]
    print(f"load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())} "
          f"(on {os.cpu_count()} CPUs; the solver uses 2 workers)")
    print(f"{'figure':<47} {'value':>12}  {'target':<24} result")
    passed = True
    for label, value, target, ok in checks:
        print(f"{label:<47} {value:>12}  {target:<24} {'PASS' if ok else 'FAIL'}")
        passed = passed and ok
    return passed


if __name__ == "__main__":
    sys.exit(main())
