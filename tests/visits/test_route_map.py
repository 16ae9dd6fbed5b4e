"""The route drawing: stops sharing a point are drawn apart, every one inside the box."""

from gecc.visits.interfaces.route_map import HEIGHT, SPREAD_RADIUS, WIDTH, _project, _spread


def test_stops_at_the_same_point_are_drawn_apart_around_it():
    xy = _project([(18.57, 99.0), (18.58, 99.01), (18.58, 99.01), (18.58, 99.01), (18.70, 99.2)])
    spread = _spread(xy[1:-1])
    assert len(set(spread)) == 3
    centre = xy[1]
    for x, y in spread:
        assert abs(((x - centre[0]) ** 2 + (y - centre[1]) ** 2) ** 0.5 - SPREAD_RADIUS) < 0.2
        assert 0 <= x <= WIDTH and 0 <= y <= HEIGHT


def test_stops_apart_stay_where_they_are():
    xy = _project([(18.0, 99.0), (18.5, 99.5), (19.0, 100.0)])
    assert _spread(xy) == xy
