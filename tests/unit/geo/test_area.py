"""Boundary areas on a sphere (geo.area): checked against the closed form for a lat-lon cell."""

from __future__ import annotations

import json
import math

import pytest

from geo.area import EARTH_RADIUS_KM, area_km2


def _cell(lon0, lat0, lon1, lat1, clockwise=False):
    ring = [[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]
    return ring[::-1] if clockwise else ring


def _exact(lon0, lat0, lon1, lat1):
    """Area of a latitude-longitude cell: R^2 (lon1 - lon0) (sin lat1 - sin lat0)."""
    return EARTH_RADIUS_KM ** 2 * math.radians(lon1 - lon0) * (math.sin(math.radians(lat1)) - math.sin(math.radians(lat0)))


@pytest.mark.parametrize("clockwise", [False, True])
def test_a_cell_in_england_matches_the_closed_form_whatever_the_direction(clockwise):
    geom = {"type": "Polygon", "coordinates": [_cell(-3.0, 51.0, -2.0, 52.0, clockwise)]}
    assert area_km2(geom) == pytest.approx(_exact(-3.0, 51.0, -2.0, 52.0), rel=1e-3)


def test_holes_are_taken_away_and_multipolygons_add_up_and_text_is_read():
    outer, hole = _cell(-3, 51, -2, 52), _cell(-2.8, 51.2, -2.2, 51.8, clockwise=True)
    poly = {"type": "Polygon", "coordinates": [outer, hole]}
    want = _exact(-3, 51, -2, 52) - _exact(-2.8, 51.2, -2.2, 51.8)
    assert area_km2(poly) == pytest.approx(want, rel=1e-3)
    multi = json.dumps({"type": "MultiPolygon", "coordinates": [[outer], [_cell(0, 50, 1, 51)]]})
    assert area_km2(multi) == pytest.approx(_exact(-3, 51, -2, 52) + _exact(0, 50, 1, 51), rel=1e-3)
    with pytest.raises(ValueError, match="Polygon"):
        area_km2({"type": "Point", "coordinates": [0, 0]})
