"""The tile layout: every force once, neighbours where they are, hexagons that fit (geo.tiles)."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from db.reference import FORCES, TERRITORIAL_CODES
from geo import boundaries, tiles


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
