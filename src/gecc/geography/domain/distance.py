"""Distances between points on the map, and the travel time the visit planner assumes.

Straight-line (great-circle) distance by the haversine formula on a sphere of radius
6,371.0088 km (the mean Earth radius). Road travel is estimated from it as
``distance × road factor ÷ speed`` (settings ``VISIT_ROAD_FACTOR``, default 1.3, and
``VISIT_SPEED_KMH``, default 60), documented in docs/architecture.md.
"""

import math

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance in kilometres between two (latitude, longitude) points."""
    phi1, phi2 = math.radians(float(lat1)), math.radians(float(lat2))
    dphi = phi2 - phi1
    dlmb = math.radians(float(lon2) - float(lon1))
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def travel_minutes(distance_km: float, road_factor: float = 1.3, speed_kmh: float = 60.0) -> float:
    """Estimated driving time in minutes for a straight-line distance."""
    return float(distance_km) * road_factor / speed_kmh * 60.0
