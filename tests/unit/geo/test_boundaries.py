"""Boundary features turned the way d3 draws them (geo.boundaries); from the database: tests/db/test_geo.py."""

from __future__ import annotations

import json

import pytest

from geo import boundaries


def test_orientation_is_fixed_for_d3():
    anticlockwise = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
    hole_clockwise = [[0.2, 0.2], [0.2, 0.8], [0.8, 0.8], [0.8, 0.2], [0.2, 0.2]]
    shapes = {"E23000001": json.dumps({"type": "Polygon", "coordinates": [anticlockwise, hole_clockwise]})}
    (feature,) = boundaries.features(shapes, {"E23000001": {"name": "Metropolitan Police"}})
    outer, hole = feature["geometry"]["coordinates"]
    assert boundaries.signed_area(outer) < 0 < boundaries.signed_area(hole)
    assert feature["code"] == feature["properties"]["code"] == "E23000001"
    assert feature["name"] == "Metropolitan Police"
    with pytest.raises(ValueError):
        boundaries.orient_geometry({"type": "Point", "coordinates": [0, 0]})
