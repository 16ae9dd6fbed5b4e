"""The assignment problem and plan (data only), the load bounds and the cost of a pair."""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

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
