"""Computed similar forces and the peer-set resolver (analysis.peers), on hand-made frames."""

from __future__ import annotations

import json
import math

import polars as pl
import pytest

from analysis import peers as ap

# Five forces on a line in log space: a and b are close, c in the middle, d and e far apart.
FORCES = pl.DataFrame({
    "code": ["A", "B", "C", "D", "E"], "name": ["a", "b", "c", "d", "e"],
    "population": [1e6, 1.1e6, 2e6, 8e6, 9e6], "recorded": [1000.0, 1100.0, 2000.0, 8000.0, 9000.0],
})


def _square(side_deg: float) -> str:
    ring = [[0, 0], [0, side_deg], [side_deg, side_deg], [side_deg, 0], [0, 0]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


SHAPES = {c: _square(0.5) for c in "ABCDE"}


def _by_hand(frame: pl.DataFrame, columns: list[str]) -> dict[str, list[str]]:
    """Nearest neighbours computed independently: z-scores of logs, sorted distances."""
    z = {}
    for col in columns:
        logs = [math.log(v) for v in frame[col]]
        mean = sum(logs) / len(logs)
        sd = (sum((v - mean) ** 2 for v in logs) / len(logs)) ** 0.5
        z[col] = [(v - mean) / sd for v in logs]
    codes = frame["code"].to_list()
    out = {}
    for i, c in enumerate(codes):
        d = sorted((sum((z[k][i] - z[k][j]) ** 2 for k in columns), o) for j, o in enumerate(codes) if o != c)
        out[c] = [o for _, o in d]
    return out


def test_features_density_is_population_over_the_boundary_area():
    features = ap.similar_features(FORCES, SHAPES)
    assert features["code"].to_list() == list("ABCDE")
    area = features["area_km2"][0]
    # half a degree square at the equator: about 55.6 km by 55.3 km
    assert 3000 < area < 3150
    assert features["density"].to_list() == pytest.approx([p / area for p in FORCES["population"]])


def test_without_boundaries_the_density_is_dropped_and_the_rest_decide():
    features = ap.similar_features(FORCES, {})
    assert features["density"].null_count() == 5
    similar = ap.nearest_neighbours(features, k=2, absent={"density": ap.NO_BOUNDARIES})
    assert similar.used == ("population", "recorded")
    assert similar.dropped == {"density": ap.NO_BOUNDARIES}
    expected = _by_hand(features, ["population", "recorded"])
    for code in "ABCDE":
        assert similar.of(code) == expected[code][:2]
    assert similar.of("A") == ["B", "C"]


def test_the_computation_is_deterministic_and_ties_break_by_code():
    same = FORCES.with_columns(population=pl.lit(5e6), recorded=pl.lit(3000.0))  # no spread at all
    twice = [ap.nearest_neighbours(ap.similar_features(same.with_columns(
        recorded=pl.Series([1.0, 2.0, 2.0, 2.0, 4.0])), {}), k=3) for _ in range(2)]
    assert twice[0].neighbours.equals(twice[1].neighbours)
    assert twice[0].dropped == {"population": ap.NO_SPREAD, "density": ap.NOT_ALL_FORCES}
    # B, C and D have the same recorded value: distances tie at 0, broken by code
    assert twice[0].of("C") == ["B", "D", "A"]


def test_a_feature_some_force_lacks_is_left_out_for_every_force():
    gaps = FORCES.with_columns(recorded=pl.Series([1000.0, None, 2000.0, 8000.0, 9000.0]))
    similar = ap.nearest_neighbours(ap.similar_features(gaps, SHAPES), k=1)
    assert "recorded" not in similar.used and similar.dropped["recorded"] == ap.NOT_ALL_FORCES
    assert similar.used == ("population", "density")


def test_three_features_match_a_hand_computation():
    uneven = {"A": _square(0.3), "B": _square(0.6), "C": _square(0.2), "D": _square(1.0), "E": _square(0.4)}
    features = ap.similar_features(FORCES, uneven)
    similar = ap.nearest_neighbours(features, k=4)
    assert similar.used == ap.FEATURES
    expected = _by_hand(features, list(ap.FEATURES))
    assert {c: similar.of(c) for c in "ABCDE"} == expected
    assert similar.neighbours.filter(pl.col("code") == "A")["rank"].to_list() == [1, 2, 3, 4]


REFERENCE = pl.DataFrame({"code": ["A", "B", "C", "D", "E", "BTP"], "region": ["X", "X", "Y", "Y", "X", ""],
                          "nom_phase": ["p", "q", "p", "q", "q", ""],
                          "territorial": [True, True, True, True, True, False]})
GROUPS = pl.DataFrame({"group_name": ["MSG", "MSG", "MSG"], "force_code": ["A", "A", "B"],
                       "peer_code": ["D", "C", "A"], "release_id": [7, 7, 7],
                       "file_name": ["msg.csv"] * 3, "loaded_at": ["05 December 2026"] * 3})


@pytest.mark.parametrize(("key", "expected"), [(None, ("B", "E")), ("region", ("B", "E")),
                                               ("nom_phase", ("C",)), ("MSG", ("C", "D"))])
def test_resolve_region_phase_and_a_loaded_group(key, expected):
    ps = ap.resolve_peers("A", key, REFERENCE, groups=GROUPS)
    assert ps.peers == expected and ps.code == "A"


def test_a_loaded_group_carries_its_source_and_an_unlisted_force_has_no_peers():
    ps = ap.resolve_peers("C", "MSG", REFERENCE, groups=GROUPS)
    assert ps.kind == ap.LOADED and ps.peers == ()
    assert ps.source == {"file_name": "msg.csv", "release_id": 7, "loaded_at": "05 December 2026"}
    assert ap.resolve_peers("A", "Unknown", REFERENCE, groups=GROUPS).source == {}


def test_resolve_similar_and_no_force():
    similar = ap.nearest_neighbours(ap.similar_features(FORCES, {}), k=2)
    ps = ap.resolve_peers("E", "similar", REFERENCE, similar=similar)
    assert ps.kind == ap.SIMILAR and ps.peers == tuple(similar.of("E")) == ("D", "C")
    assert ap.resolve_peers(None, "similar", REFERENCE, similar=similar).peers == ()
    assert ap.resolve_peers("BTP", "region", REFERENCE).peers == ()
