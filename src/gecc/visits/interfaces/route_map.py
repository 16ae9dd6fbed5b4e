"""A day's route as a small drawing (inline SVG, drawn on the server: no map tiles).

Points are projected from latitude/longitude onto the drawing (equirectangular, longitude
scaled by the cosine of the mean latitude, north up), fitted into the box with a margin and
the same scale on both axes. The drawing carries a title and a description; the day's
table beside it is the accessible equivalent.
"""

import math
from dataclasses import dataclass, field

WIDTH, HEIGHT, MARGIN = 360, 240, 28


@dataclass
class Marker:
    x: float
    y: float
    kind: str  # "stop", "base", "hotel"
    label: str
    number: int | None = None

    @property
    def corner_x(self):  # a place is drawn as a 14-unit square centred on its point
        return round(self.x - 7, 1)

    @property
    def corner_y(self):
        return round(self.y - 7, 1)


@dataclass
class RouteDrawing:
    width: int
    height: int
    markers: list = field(default_factory=list)
    path: str = ""  # the polyline's points attribute

    @property
    def stops(self):
        return [m for m in self.markers if m.kind == "stop"]

    @property
    def places(self):
        return [m for m in self.markers if m.kind != "stop"]


def _project(points):
    """(latitude, longitude) pairs → (x, y) inside the box."""
    mean_lat = math.radians(sum(lat for lat, _lon in points) / len(points))
    raw = [(lon * math.cos(mean_lat), -lat) for lat, lon in points]
    xs, ys = [x for x, _y in raw], [y for _x, y in raw]
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    inner_w, inner_h = WIDTH - 2 * MARGIN, HEIGHT - 2 * MARGIN
    scale = min(inner_w / span_x if span_x else math.inf,
                inner_h / span_y if span_y else math.inf)
    if math.isinf(scale):
        return [(WIDTH / 2, HEIGHT / 2) for _point in raw]
    off_x = MARGIN + (inner_w - span_x * scale) / 2
    off_y = MARGIN + (inner_h - span_y * scale) / 2
    return [(round(off_x + (x - min(xs)) * scale, 1), round(off_y + (y - min(ys)) * scale, 1))
            for x, y in raw]


SPREAD_RADIUS = 15  # drawing units: stops at one point are drawn around it, this far out


def _spread(xy):
    """Stops that fall on the same spot (units sharing an address or a district's
    coordinates) are drawn on a small circle around it, so every number stays readable."""
    groups = {}
    for index, (x, y) in enumerate(xy):
        groups.setdefault((round(x / 8), round(y / 8)), []).append(index)
    spread = list(xy)
    for members in groups.values():
        if len(members) < 2:
            continue
        cx = sum(xy[i][0] for i in members) / len(members)
        cy = sum(xy[i][1] for i in members) / len(members)
        for k, index in enumerate(members):
            angle = 2 * math.pi * k / len(members) - math.pi / 2
            spread[index] = (round(cx + SPREAD_RADIUS * math.cos(angle), 1),
                             round(cy + SPREAD_RADIUS * math.sin(angle), 1))
    return spread


def _point(latitude, longitude):
    if latitude is None or longitude is None:
        return None
    return float(latitude), float(longitude)


def _same(a, b) -> bool:
    return a is not None and b is not None and abs(a[0] - b[0]) < 1e-5 \
        and abs(a[1] - b[1]) < 1e-5


def route_drawing(day_schedule, base_point, base_label="") -> RouteDrawing | None:
    """The drawing of one day (a ``schedule.DaySchedule``): start, numbered stops, end.
    None when the day has no stop or a point has no coordinates."""
    day = day_schedule.day
    if not day_schedule.visits:
        return None
    start = _point(day.start_latitude, day.start_longitude) or base_point
    end = _point(day.hotel_latitude, day.hotel_longitude) or base_point
    stops = [_point(v.application.unit.latitude, v.application.unit.longitude)
             for v in day_schedule.visits]
    if start is None or end is None or any(point is None for point in stops):
        return None
    xy = _project([start, *stops, end])
    xy[1:-1] = _spread(xy[1:-1])
    drawing = RouteDrawing(WIDTH, HEIGHT)
    drawing.path = " ".join(f"{x},{y}" for x, y in xy)
    start_kind = "base" if _same(start, base_point) else "hotel"
    end_kind = "base" if _same(end, base_point) else "hotel"
    drawing.markers.append(Marker(*xy[0], start_kind, day.start_label or base_label))
    if not _same(end, start):
        drawing.markers.append(Marker(*xy[-1], end_kind, day.hotel_label or base_label))
    for (x, y), visit in zip(xy[1:-1], day_schedule.visits, strict=True):
        drawing.markers.append(Marker(x, y, "stop", visit.application.unit.name_th,
                                      visit.number))
    return drawing
