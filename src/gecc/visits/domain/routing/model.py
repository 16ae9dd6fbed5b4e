"""The routing problem and plan (data only), and the helpers every part shares."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from gecc.geography.domain.distance import haversine_km, travel_minutes

DROP_PENALTY = 1_000_000  # more than any day's driving: placing a visit always wins


# -- the problem -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A start or end point of a day: the team's base or a hotel."""

    key: Any
    lat: float
    lon: float
    label: str = ""


@dataclass(frozen=True)
class StopSpec:
    """One visit: a service unit, its window and the visit's duration (minutes)."""

    key: Any
    lat: float
    lon: float
    window_start: int = 510  # 08:30
    window_end: int = 990  # 16:30
    duration: int = 90
    fixed_day: int | None = None  # a DaySpec.index
    fixed_order: int | None = None  # 1-based position within the day
    label: str = ""


@dataclass(frozen=True)
class DaySpec:
    """One visit day. ``index`` is the caller's day number, shown as is in messages."""

    index: int
    start: Place
    end: Place
    day_start: int = 480  # 08:00, leaving the start
    day_end: int = 1050  # 17:30, back at the end
    lunch_earliest: int = 690  # 11:30
    lunch_latest: int = 810  # 13:30 (latest start of lunch)
    lunch_duration: int = 60
    max_visits: int | None = None


@dataclass(frozen=True)
class RoutingProblem:
    stops: tuple
    days: tuple
    road_factor: float = 1.3
    speed_kmh: float = 60.0
    time_limit_s: float = 2.0


# -- the plan --------------------------------------------------------------------------------


@dataclass
class PlannedStop:
    key: Any
    day: int  # DaySpec.index
    order: int  # 1-based within the day
    arrive: int
    start: int
    depart: int
    travel_from_previous: int


@dataclass
class DayPlan:
    index: int
    stops: list[PlannedStop]
    lunch_start: int | None  # None on a day without visits
    leave: int
    back: int
    travel_minutes: int  # including the way back to the end


@dataclass
class RoutingPlan:
    days: list[DayPlan]
    dropped: dict[Any, str]  # stop key → reason (Thai through gettext)
    total_travel_minutes: int
    solve_seconds: float
    status: str
    # stop key → short reason code: short_window, no_such_day, fixed_day, too_far, hours, full
    dropped_codes: dict[Any, str] = field(default_factory=dict)

    @property
    def placed(self) -> int:
        return sum(len(day.stops) for day in self.days)


# -- shared helpers --------------------------------------------------------------------------


def hhmm(minutes: int) -> str:
    """Minutes from midnight as ``HH:MM``."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def travel_time(problem: RoutingProblem, a, b) -> int:
    """Whole minutes of driving between two points (anything with ``lat`` and ``lon``)."""
    km = haversine_km(a.lat, a.lon, b.lat, b.lon)
    return math.ceil(travel_minutes(km, problem.road_factor, problem.speed_kmh) - 1e-9)
