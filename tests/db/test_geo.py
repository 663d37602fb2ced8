"""The geo package against a database: boundaries loaded from the real ONS file become features.

The pure geo tests (tile layout, orientation, map specifications) are in tests/unit/geo/."""

from __future__ import annotations

from db.reference import TERRITORIAL_CODES
from geo import boundaries, maps


def test_boundaries_from_the_database_become_clockwise_features(empty_db, shared_data):
    from ingest import load

    assert boundaries.latest_features(empty_db) == (None, {})
    load(empty_db, "boundaries", [shared_data / "PFA_DEC_2023_EW_BUC.geojson"])
    rel, shapes = boundaries.latest_features(empty_db)
    assert rel is not None and "PFA_DEC_2023_EW_BUC" in rel.label
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


