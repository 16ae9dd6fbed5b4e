"""The OR-Tools routing model (one vehicle per visit day): :func:`solve_routes`."""

from __future__ import annotations

import time

from .baselines import nearest_neighbour_plan
from .instance import (
    _insert_dropped,
    _Instance,
    _make_plan,
    _repair,
)
from .model import (
    DROP_PENALTY,
    RoutingPlan,
    RoutingProblem,
)

_STATUS = {0: "not_solved", 1: "success", 2: "partial", 3: "fail", 4: "timeout", 5: "invalid",
           6: "infeasible", 7: "optimal"}


def solve_routes(problem: RoutingProblem) -> RoutingPlan:
    """Plan the team's days with OR-Tools routing (see the module docstring)."""
    # Imported here: OR-Tools is heavy and only the planner needs it, not every importer.
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    started = time.perf_counter()
    inst = _Instance(problem)
    sequences = [[] for _ in inst.days]
    candidates = [i for i in range(inst.n) if inst.allowed[i]]
    dropped = [i for i in range(inst.n) if not inst.allowed[i]]
    if not candidates:
        return _make_plan(inst, sequences, dropped, "empty", started)

    vehicles, count = len(inst.days), len(candidates)
    # Model nodes: the candidate visits, then each day's start and end.
    points = candidates + [inst.n + k for k in range(2 * vehicles)]
    starts = [count + 2 * v for v in range(vehicles)]
    ends = [count + 2 * v + 1 for v in range(vehicles)]
    manager = pywrapcp.RoutingIndexManager(len(points), vehicles, starts, ends)
    routing = pywrapcp.RoutingModel(manager)

    service = [inst.stops[p].duration if p < inst.n else 0 for p in points]
    drive = [[inst.matrix[a][b] for b in points] for a in points]
    busy = [[service[a] + drive[a][b] for b in range(len(points))] for a in range(len(points))]
    drive_callback = routing.RegisterTransitMatrix(drive)
    time_callback = routing.RegisterTransitMatrix(busy)
    routing.SetArcCostEvaluatorOfAllVehicles(drive_callback)

    horizon = max([24 * 60] + [day.day_end for day in inst.days]
                  + [day.lunch_latest + day.lunch_duration for day in inst.days])
    routing.AddDimension(time_callback, horizon, horizon, False, "time")
    clock = routing.GetDimensionOrDie("time")
    visit_callback = routing.RegisterUnaryTransitVector([1] * count + [0] * (2 * vehicles))
    capacities = [day.max_visits if day.max_visits is not None else count for day in inst.days]
    routing.AddDimensionWithVehicleCapacity(visit_callback, 0, capacities, True, "visits")
    position = routing.GetDimensionOrDie("visits")

    for node, i in enumerate(candidates):
        stop, index = inst.stops[i], manager.NodeToIndex(node)
        clock.CumulVar(index).SetRange(stop.window_start, stop.window_end - stop.duration)
        routing.AddDisjunction([index], DROP_PENALTY)
        if len(inst.allowed[i]) < vehicles:
            # -1: the visit may still be dropped.
            routing.VehicleVar(index).SetValues([-1, *inst.allowed[i]])
        if stop.fixed_order is not None:
            position.CumulVar(index).SetValue(stop.fixed_order - 1)

    node_visit_transits = [service[manager.IndexToNode(index)]
                           for index in range(routing.Size())]
    solver = routing.solver()
    for v, day in enumerate(inst.days):
        clock.CumulVar(routing.Start(v)).SetRange(day.day_start, day.day_end)
        clock.CumulVar(routing.End(v)).SetRange(day.day_start, day.day_end)
        if day.lunch_duration > 0:
            lunch = solver.FixedDurationIntervalVar(
                day.lunch_earliest, day.lunch_latest, day.lunch_duration, False, f"lunch {v}")
            clock.SetBreakIntervalsOfVehicle([lunch], v, node_visit_transits)

    parameters = pywrapcp.DefaultRoutingSearchParameters()
    parameters.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC)
    parameters.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH)
    parameters.time_limit.FromMilliseconds(max(1, int(problem.time_limit_s * 1000)))
    parameters.log_search = False
    solution = routing.SolveWithParameters(parameters)
    status = _STATUS.get(routing.status(), str(routing.status()))
    if solution is None:
        # Only when even the empty days break a rule (an end the start cannot reach in time).
        plan = nearest_neighbour_plan(problem)
        plan.status = f"fallback ({status})"
        return plan

    placed = set()
    for v in range(vehicles):
        index = solution.Value(routing.NextVar(routing.Start(v)))
        while not routing.IsEnd(index):
            i = candidates[manager.IndexToNode(index)]
            sequences[v].append(i)
            placed.add(i)
            index = solution.Value(routing.NextVar(index))
    dropped += [i for i in candidates if i not in placed]
    _repair(inst, sequences, dropped)
    dropped = _insert_dropped(inst, sequences, dropped)
    return _make_plan(inst, sequences, dropped, status, started)
