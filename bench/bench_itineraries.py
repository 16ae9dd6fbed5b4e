#!/usr/bin/env python
"""Benchmark: site-visit itineraries for every assessment team of a national round.

Generates units with the national generator (``generate_national_data``, registry only) in a
throwaway database and takes 1,500 of them. Twenty bases are chosen among the province seats
(geography ``Province`` coordinates) by a greedy facility-location rule: each next base is
the province seat that most shortens the units' distance to their nearest base, so the bases
spread over the country where the units are. Each unit then goes to its nearest base that
still has room (the unit–base pairs taken shortest first, at most 7 % over the even share:
81 units a team, about 75 each; the real assignment solver is a separate piece of work). Each
team has 15 visit days, at most 6 visits a day, leaving from and returning to its base every
day. Visits last 90 minutes (the product default) and must start and end inside 08:30–16:30,
with an hour's lunch starting 11:30–13:30: a day holds at most 4 visits even without driving
(4 × 90 + 60 = 420 minutes fit in the 480, 5 × 90 + 60 = 510 do not; printed), so 15 days hold
60 of a team's ~75 visits and every plan drops at least 300 of the 1,500 visits as "the days
are full", more where driving leaves a day room for fewer.

Every team is planned, in the same run, by ``solve_routes`` (OR-Tools routing), by the
classic nearest-neighbour baseline ``nearest_neighbour_tour_plan`` (one nearest-neighbour tour
through all the team's visits, cut into days in its order) and, for reference only, by the
greedy day-by-day ``nearest_neighbour_plan`` (each day restarts from the base and goes on to
the nearest visit that still fits). Since the plans place different numbers of visits, their
driving is compared per placed visit. Targets:

- total solve time over the teams ≤ 60 s (hence 2.5 s of search per team by default);
- every visit placed once or dropped with a reason, and ``validate_plan`` empty, for all;
- driving minutes per placed visit ≤ 0.8 × the nearest-neighbour tour baseline's;
- at least as many visits placed as the nearest-neighbour tour baseline;
- driving time ≤ 1.05 × what the same solver finds with 10× the time limit, on a sample of
  teams (three by default: the teams at the low, middle and high end of driving per visit),
  since all twenty would take 20 × 25 s more; ``--compare-teams 20`` runs it on every team.

    python bench/bench_itineraries.py [--limit 2.5] [--compare-teams 3]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gecc python bench/bench_itineraries.py
"""

import argparse
import dataclasses
import math
import os
import sys
import tempfile
import time
from collections import Counter

from benchdb import generated_units, throwaway_database

TIME_TARGET_S = 60.0
BASELINE_TARGET = 0.8
LONGER_SEARCH_TARGET = 1.05


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=1500)
    parser.add_argument("--teams", type=int, default=20)
    parser.add_argument("--days", type=int, default=15)
    parser.add_argument("--max-visits", type=int, default=6)
    parser.add_argument("--limit", type=float, default=2.5, help="seconds of search per team")
    parser.add_argument("--compare-teams", type=int, default=3,
                        help="teams solved again with 10× the limit (0: none)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        drop = throwaway_database(tmp)
        try:
            passed = run(args)
        finally:
            if drop:
                drop()
    return 0 if passed else 1


def choose_bases(provinces, units, count):
    """Greedy facility location over the province seats (see the module docstring)."""
    from gecc.geography.domain.distance import haversine_km

    distance = [[haversine_km(u[1], u[2], p.latitude, p.longitude) for p in provinces]
                for u in units]
    nearest = [math.inf] * len(units)
    chosen = []
    for _ in range(min(count, len(provinces))):
        best = min((sum(min(n, row[j]) for n, row in zip(nearest, distance, strict=True)), j)
                   for j in range(len(provinces)) if j not in chosen)[1]
        chosen.append(best)
        nearest = [min(n, row[best]) for n, row in zip(nearest, distance, strict=True)]
    return [provinces[j] for j in chosen]


def assign(units, bases, capacity):
    """Each unit to its nearest base with room, the unit–base pairs taken shortest first."""
    from gecc.geography.domain.distance import haversine_km

    pairs = sorted((haversine_km(u[1], u[2], b.latitude, b.longitude), k, t)
                   for k, u in enumerate(units) for t, b in enumerate(bases))
    team_of, sizes = {}, [0] * len(bases)
    for _, k, t in pairs:
        if k not in team_of and sizes[t] < capacity:
            team_of[k] = t
            sizes[t] += 1
    teams = [[] for _ in bases]
    for k, t in sorted(team_of.items()):
        teams[t].append(units[k])
    return teams


def problem_for(units, base, args, limit):
    from gecc.visits.domain.routing import DaySpec, Place, RoutingProblem, StopSpec

    home = Place(base.code, float(base.latitude), float(base.longitude), base.name_th)
    stops = tuple(StopSpec(code, float(lat), float(lon), label=name)
                  for code, lat, lon, name in units)
    days = tuple(DaySpec(index, home, home, max_visits=args.max_visits)
                 for index in range(1, args.days + 1))
    return RoutingProblem(stops, days, time_limit_s=limit)


def day_capacity(base, args):
    """The most visits one day can hold when every unit is at the base (no driving)."""
    from gecc.visits.domain.routing import nearest_neighbour_plan

    problem = problem_for([(f"x{k}", base.latitude, base.longitude, "")
                           for k in range(args.max_visits)], base,
                          argparse.Namespace(days=1, max_visits=args.max_visits), 0)
    return nearest_neighbour_plan(problem).placed


def capacity_explained(most, args):
    """Why a day holds ``most`` visits: the default visit, opening hours and lunch."""
    from gecc.visits.domain.routing import DaySpec, StopSpec, hhmm

    stop, day = StopSpec(None, 0, 0), DaySpec(0, None, None)
    hours = stop.window_end - stop.window_start
    need = [k * stop.duration + day.lunch_duration for k in (most, most + 1)]
    why = (f"{most} × {stop.duration} + {day.lunch_duration} = {need[0]} ≤ {hours}, "
           f"{most + 1} × {stop.duration} + {day.lunch_duration} = {need[1]} > {hours}")
    if most >= args.max_visits:
        why = f"the cap of {args.max_visits} visits a day"
    return (f"a day holds at most {most} visits even with no driving: each visit lasts "
            f"{stop.duration} min and must start and end inside {hhmm(stop.window_start)}–"
            f"{hhmm(stop.window_end)} ({hours} min), with a {day.lunch_duration}-min lunch "
            f"starting {hhmm(day.lunch_earliest)}–{hhmm(day.lunch_latest)} in between "
            f"({why})")


def accounted(problem, plan):
    """Every visit placed once or dropped with a reason."""
    placed = [p.key for day in plan.days for p in day.stops]
    keys = {stop.key for stop in problem.stops}
    return (len(placed) == len(set(placed)) and set(placed) | set(plan.dropped) == keys
            and not set(placed) & set(plan.dropped)
            and all(str(reason).strip() for reason in plan.dropped.values()))


def run(args):
    import django

    django.setup()
    from django.db import connection

    from gecc.geography.models import Province
    from gecc.visits.domain.routing import (
        nearest_neighbour_plan,
        nearest_neighbour_tour_plan,
        solve_routes,
        validate_plan,
    )

    units, generated = generated_units(args.units, "code", "latitude", "longitude", "name_th")
    provinces = list(Province.objects.filter(latitude__isnull=False, longitude__isnull=False)
                     .order_by("code"))
    bases = choose_bases(provinces, units, args.teams)
    capacity = math.ceil(len(units) / len(bases) * 1.07)
    teams = assign(units, bases, capacity)
    print(f"database: {connection.vendor}; {len(units):,} units generated in {generated:.1f} s; "
          f"{len(bases)} teams (at most {capacity} units each), {args.days} days, "
          f"≤ {args.max_visits} visits a day; {args.limit:g} s of search per team")

    rows = []
    codes = {"solver": Counter(), "tour": Counter(), "greedy": Counter()}
    for team, (members, base) in enumerate(zip(teams, bases, strict=True), start=1):
        problem = problem_for(members, base, args, args.limit)
        began = time.perf_counter()
        plan = solve_routes(problem)
        seconds = time.perf_counter() - began
        tour = nearest_neighbour_tour_plan(problem)
        greedy = nearest_neighbour_plan(problem)
        plans = {"solver": plan, "tour": tour, "greedy": greedy}
        for name, result in plans.items():
            codes[name].update(result.dropped_codes.values())
        rows.append({
            "team": team, "base": base, "units": len(members), "problem": problem,
            "plan": plan, "tour": tour, "greedy": greedy, "seconds": seconds,
            "valid": not any(validate_plan(problem, p) for p in plans.values()),
            "accounted": all(accounted(problem, p) for p in plans.values()),
        })

    def per_visit(result):
        return result.total_travel_minutes / max(1, result.placed)

    print("travel: driving minutes; /visit: per placed visit; ratio: solver's /visit ÷ tour "
          "NN's /visit; tour NN: nearest-neighbour tour cut into days (the baseline); day NN: "
          "greedy day-by-day nearest neighbour (reference, no target)")
    print(f"{'':29}{' solver ':-^36}  {' tour NN ':-^19}  {' day NN ':-^19}")
    print(f"{'team':>4}  {'base':<16} {'units':>5} {'placed':>6} {'dropped':>7} "
          f"{'solve s':>7} {'travel':>6} {'/visit':>6}  {'placed':>6} {'travel':>6} "
          f"{'/visit':>5}  {'placed':>6} {'travel':>6} {'/visit':>5} {'ratio':>5}  valid")
    for row in rows:
        plan, tour, greedy = row["plan"], row["tour"], row["greedy"]
        print(f"{row['team']:>4}  {row['base'].name_en[:16]:<16} {row['units']:>5} "
              f"{plan.placed:>6} {len(plan.dropped):>7} {row['seconds']:>7.2f} "
              f"{plan.total_travel_minutes:>6} {per_visit(plan):>6.1f}  "
              f"{tour.placed:>6} {tour.total_travel_minutes:>6} {per_visit(tour):>5.1f}  "
              f"{greedy.placed:>6} {greedy.total_travel_minutes:>6} {per_visit(greedy):>5.1f} "
              f"{per_visit(plan) / max(1e-9, per_visit(tour)):>5.2f}  "
              f"{'yes' if row['valid'] and row['accounted'] else 'NO'}")

    total_seconds = sum(row["seconds"] for row in rows)
    totals = {name: (sum(row[name].total_travel_minutes for row in rows),
                     sum(row[name].placed for row in rows))
              for name in ("plan", "tour", "greedy")}
    travel, placed = totals["plan"]
    tour_travel, tour_placed = totals["tour"]
    greedy_travel, greedy_placed = totals["greedy"]
    all_valid = all(row["valid"] for row in rows)
    all_accounted = all(row["accounted"] for row in rows)
    minutes = {name: t / max(1, n) for name, (t, n) in totals.items()}
    ratio = minutes["plan"] / max(1e-9, minutes["tour"])
    greedy_ratio = minutes["plan"] / max(1e-9, minutes["greedy"])

    most = day_capacity(bases[0], args)
    print(capacity_explained(most, args))
    room = most * args.days
    forced = sum(max(0, row["units"] - room) for row in rows)
    print(f"so {args.days} days hold at most {room} of a team's visits ({len(rows)} teams: "
          f"{room * len(rows):,} of {len(units):,}); with {min(r['units'] for r in rows)}–"
          f"{max(r['units'] for r in rows)} units a team, every plan must drop at least "
          f"{forced:,} visits as \"the days are full\" (code full), more when driving "
          f"leaves a day fewer than {most} visits")
    for name, label, (t, n) in (("solver", "solver", totals["plan"]),
                                ("tour", "tour NN (baseline)", totals["tour"]),
                                ("greedy", "day NN (reference)", totals["greedy"])):
        print(f"{label:>19}: placed {n:,} of {len(units):,}, {t:,} min of driving, "
              f"{t / max(1, n):.1f} min per placed visit; dropped by reason: "
              f"{dict(sorted(codes[name].items())) or '{}'}")
    print(f"greedy day-by-day NN (reference, no target): solver / day NN per placed visit "
          f"{greedy_ratio:.3f}, totals {travel / max(1, greedy_travel):.3f}, placed "
          f"{placed:,} vs {greedy_placed:,}")

    # The same solver with ten times the search, on a sample of teams.
    by_effort = sorted(rows, key=lambda r: (r["plan"].total_travel_minutes
                                            / max(1, r["plan"].placed), r["team"]))
    count = min(max(0, args.compare_teams), len(rows))
    if count >= len(rows):
        sample = rows
    elif count:
        sample = [by_effort[(2 * k + 1) * len(rows) // (2 * count)] for k in range(count)]
    else:
        sample = []
    longer_travel = sample_travel = 0
    for row in sample:
        longer = solve_routes(dataclasses.replace(row["problem"],
                                                  time_limit_s=10 * args.limit))
        sample_travel += row["plan"].total_travel_minutes
        longer_travel += longer.total_travel_minutes
        print(f"team {row['team']:>2} ({row['base'].name_en}): {row['plan'].total_travel_minutes}"
              f" min with {args.limit:g} s, {longer.total_travel_minutes} min with "
              f"{10 * args.limit:g} s (placed {row['plan'].placed} / {longer.placed})")
        if longer.placed != row["plan"].placed:
            print("  (different visits placed: the driving times do not compare)")
    longer_ratio = sample_travel / longer_travel if longer_travel else 1.0

    checks = [
        (f"total solve time {total_seconds:.1f} s ≤ {TIME_TARGET_S:g} s",
         total_seconds <= TIME_TARGET_S),
        ("every visit placed once or dropped with a reason", all_accounted),
        ("validate_plan empty for every plan (solver and both baselines)", all_valid),
        (f"driving per placed visit {minutes['plan']:.1f} min ≤ {BASELINE_TARGET} × "
         f"nearest-neighbour tour's {minutes['tour']:.1f} min (ratio {ratio:.3f}; totals "
         f"{travel:,} / {tour_travel:,} min)", ratio <= BASELINE_TARGET),
        (f"visits placed {placed:,} ≥ nearest-neighbour tour's {tour_placed:,}",
         placed >= tour_placed),
    ]
    if sample:
        which = ("all teams" if len(sample) == len(rows) else
                 f"a sample of {len(sample)} teams (low, middle, high driving per visit), "
                 f"not all {len(rows)}: each costs {10 * args.limit:g} s more")
        checks.append((f"driving ≤ {LONGER_SEARCH_TARGET} × with 10× the limit on {which} "
                       f"(ratio {longer_ratio:.3f})", longer_ratio <= LONGER_SEARCH_TARGET))
    print(f"load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())} "
          f"(the search stops at its time limit, so a busy machine finds less)")
    passed = True
    for label, ok in checks:
        print(f"target: {label}: {'PASS' if ok else 'FAIL'}")
        passed = passed and ok
    return passed


if __name__ == "__main__":
    sys.exit(main())
