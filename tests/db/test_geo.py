"""The geo package: tile layout, boundary features and the map chart specifications."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from db.reference import FORCES, TERRITORIAL_CODES
from geo import boundaries, maps, tiles

STYLE = {"field": "category", "domain": ["a", "b"], "colors": ["#000000", "#FFFFFF"],
         "legend_title": "Position", "tooltip": [("name", "Force"), ("category", "Position")]}


def test_tile_layout_has_every_force_once_and_no_shared_cell():
    codes = [t.code for t in tiles.TILES]
    assert Counter(codes) == Counter(TERRITORIAL_CODES)  # each of the 43, exactly once
    assert len(codes) == 43
    cells = [(t.row, t.col) for t in tiles.TILES]
    assert len(set(cells)) == len(cells), [c for c, n in Counter(cells).items() if n > 1]
    abbrs = [t.abbr for t in tiles.TILES]
    assert len(set(abbrs)) == 43 and all(1 < len(a) <= 3 for a in abbrs)
    assert "BTP" not in codes


def test_tile_layout_keeps_neighbours_roughly_where_they_are():
    by = tiles.TILES_BY_CODE
    wales = [by[f.code] for f in FORCES if f.region == "Wales"]
    london = [by["E23000001"], by["E23000034"]]
    assert max(t.x for t in wales) < min(t.x for t in london)  # Wales west of London
    assert all(t.x <= 1.5 for t in wales)  # on the west edge
    top = min(t.row for t in tiles.TILES)
    assert [t.code for t in tiles.TILES if t.row == top] == ["E23000007"]  # Northumbria at the top
    south = [t for t in tiles.TILES if t.row >= 8]
    assert min(south, key=lambda t: t.x).code == "E23000035"  # Devon and Cornwall bottom-left
    median_x = sorted(t.x for t in tiles.TILES)[21]
    assert all(t.row >= 8 and t.x > median_x for t in london)  # London in the south-east


def test_tile_layout_follows_the_real_label_points(shared_data):
    """Ranks of tile x / y against the ONS label points' longitude / latitude (Spearman)."""
    doc = json.loads((shared_data / "PFA_DEC_2023_EW_BUC.geojson").read_text())
    points = {f["properties"]["PFA23CD"]: (f["properties"]["LONG"], f["properties"]["LAT"])
              for f in doc["features"]}

    def spearman(a, b):
        ra = {k: r for r, k in enumerate(sorted(a, key=a.get))}
        rb = {k: r for r, k in enumerate(sorted(b, key=b.get))}
        n = len(a)
        return 1 - 6 * sum((ra[k] - rb[k]) ** 2 for k in a) / (n * (n * n - 1))

    x = {t.code: t.x for t in tiles.TILES}
    north = {t.code: -t.y for t in tiles.TILES}
    assert spearman(x, {k: v[0] for k, v in points.items()}) > 0.85
    assert spearman(north, {k: v[1] for k, v in points.items()}) > 0.9


def test_hexagons_are_closed_clockwise_and_do_not_overlap():
    for t in tiles.TILES:
        ring = tiles.hexagon(t)
        assert ring[0] == ring[-1] and len(ring) == 7
        assert boundaries.signed_area(ring) < 0
    centres = [(t.x, t.y) for t in tiles.TILES]
    closest = min(((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5
                  for i, a in enumerate(centres) for b in centres[i + 1:])
    assert closest == pytest.approx(1.0)  # neighbouring cells, one cell width apart


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


def test_boundaries_from_the_database_become_clockwise_features(empty_db, shared_data):
    from ingest import load

    assert boundaries.latest_features(empty_db) == (None, {})
    load(empty_db, "boundaries", [shared_data / "PFA_DEC_2023_EW_BUC.geojson"])
    rel, shapes = boundaries.latest_features(empty_db)
    assert rel is not None and "PFA_DEC_2023_EW_BUC" in rel["label"]
    assert set(shapes) == set(TERRITORIAL_CODES)
    feats = boundaries.features(shapes)
    assert len(feats) == 43
    holes = 0
    for f in feats:
        polygons = ([f["geometry"]["coordinates"]] if f["geometry"]["type"] == "Polygon"
                    else f["geometry"]["coordinates"])
        for polygon in polygons:
            assert boundaries.signed_area(polygon[0]) < 0, f["code"]  # outer ring clockwise
            for hole in polygon[1:]:
                holes += 1
                assert boundaries.signed_area(hole) > 0
        lon, lat = maps.label_point(f["geometry"])
        assert -6.5 < lon < 2 and 49.8 < lat < 56
    assert holes >= 1  # the Metropolitan Police area has a hole where the City sits


def test_geography_map_spec_holds_features_not_a_dataframe():
    square = {"type": "Polygon", "coordinates": [[[0, 51], [0, 52], [1, 52], [1, 51], [0, 51]]]}
    feats = boundaries.features({"E23000001": json.dumps(square)},
                                {"E23000001": {"name": "Met", "category": "a", "symbol": "▲"}})
    spec = maps.geography_map(feats, symbol_field="symbol", selected="E23000001", **STYLE).to_dict()
    shapes, symbols = spec["layer"]
    values = shapes["data"]["values"]
    assert values[0]["type"] == "Feature" and values[0]["geometry"]["type"] == "Polygon"
    assert "datasets" not in spec and "url" not in shapes["data"]
    assert shapes["mark"]["type"] == "geoshape"
    assert spec["projection"]["type"] == "transverseMercator"
    (param,) = spec["params"]  # Altair lifts a layer's selection to the top, bound to its view
    assert param["name"] == maps.SELECT and param["select"]["fields"] == ["code"]
    assert param["views"] == [shapes["name"]]
    assert symbols["data"]["values"][0]["symbol"] == "▲"
    assert shapes["encoding"]["color"]["scale"]["domain"] == ["a", "b"]


def test_tile_map_spec_has_43_hexagons_labelled():
    rows = {t.code: {"category": "a", "label": t.abbr, "label_color": "#000000"} for t in tiles.TILES}
    spec = maps.tile_map(rows, label_field="label", **STYLE).to_dict()
    shapes, labels = spec["layer"]
    assert len(shapes["data"]["values"]) == 43
    assert all(v["type"] == "Feature" for v in shapes["data"]["values"])
    assert spec["projection"] == {"type": "identity", "reflectY": True}
    assert labels["encoding"]["text"]["field"] == "label"
    assert {v["label"] for v in labels["data"]["values"]} == {t.abbr for t in tiles.TILES}


def test_map_legend_text_is_near_black():
    """The Streamlit theme's default legend grey is too pale (issue 7, item 9): set it on the legend."""
    rows = {t.code: {"category": "a", "label": t.abbr, "label_color": "#000000"} for t in tiles.TILES}
    legend = maps.tile_map(rows, label_field="label", **STYLE).to_dict()["layer"][0]["encoding"]["color"]["legend"]
    for key in ("labelColor", "titleColor"):
        rgb = [int(legend[key].lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
        assert max(rgb) <= 0x40, legend  # dark enough for 4.5:1 on white several times over
