"""One canonical plan among all optimal ones, so the same problem always gives the same plan."""

from __future__ import annotations

from itertools import pairwise

from .prepare import _Prepared


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
