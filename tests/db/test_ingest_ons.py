"""The real ONS files in shared/data: force tables (population, sexual offences) and boundaries."""

from __future__ import annotations

import json
import zipfile

import geopandas as gpd
import polars as pl
import pytest
import shapely
from sqlalchemy import select

import ingest
from db.reference import TERRITORIAL_CODES
from db.schema import boundary, force_population, ons_force_figures, release
from helpers.ingest_files import database_checksum

WORKBOOK = "policeforceareatablesyedecember2024.xlsx"
BOUNDARIES = "PFA_DEC_2023_EW_BUC.geojson"
DERIVED = "pfa_sexual_offences_population_ye_dec2024.csv"


def _figures(engine, measure):
    with engine.connect() as conn:
        rows = conn.execute(select(ons_force_figures.c.area_code, ons_force_figures.c.value,
                                   ons_force_figures.c.marker)
                            .where(ons_force_figures.c.measure == measure)).all()
    return {code: (value, marker) for code, value, marker in rows}


def test_ons_workbook_matches_published_figures(empty_db, shared_data):
    report = ingest.load(empty_db, "ons-pfa-tables", [shared_data / WORKBOOK])
    assert report.release_id is not None
    offences = _figures(empty_db, "sexual_offences")
    forces = sum(offences[c][0] for c in TERRITORIAL_CODES)
    assert forces == 203_258
    assert forces + offences["BTP"][0] == 205_465
    assert offences["K04000001"][0] == 205_465

    # Independent oracle: the derived CSV built from the same workbook with openpyxl (PROVENANCE.md 2c).
    derived = pl.read_csv(shared_data / DERIVED, infer_schema=False)
    assert derived.height == 43
    with empty_db.connect() as conn:
        pops = dict(conn.execute(select(force_population.c.code, force_population.c.population)
                                 .where(force_population.c.year == 2023)).all())
        sources = set(conn.execute(select(force_population.c.source)
                                   .where(force_population.c.year == 2023)).scalars())
    assert "BTP" not in pops
    assert all(WORKBOOK in s and "Table P3" in s for s in sources)
    rates = _figures(empty_db, "sexual_offences_rate_per_1000")
    checked = 0
    for row in derived.iter_rows(named=True):
        code = row["PFA_code"]
        assert pops[code] == int(row["population_mid2023_rounded100"])
        assert offences[code][0] == int(row["sexual_offences_ye_dec2024"])
        published = row["sexual_offences_rate_per_1000_ye_dec2024"]
        if published.startswith("["):  # City of London: suppressed [u1]
            assert rates[code] == (None, published)
            continue
        computed = offences[code][0] / pops[code] * 1000
        assert round(computed, 1) == round(float(published), 1)  # the workbook shows 1 decimal
        assert rates[code][0] == pytest.approx(float(published))
        checked += 1
    assert checked == 42


def test_ons_workbook_twice_is_one_release(empty_db, shared_data):
    ingest.load(empty_db, "ons-pfa-tables", [shared_data / WORKBOOK])
    before = database_checksum(empty_db)
    again = ingest.load(empty_db, "ons-pfa-tables", [shared_data / WORKBOOK])
    assert again.release_id is None and "already loaded" in again.message
    assert database_checksum(empty_db) == before


def _stored_shapes(engine, release_id):
    with engine.connect() as conn:
        rows = conn.execute(select(boundary.c.force_code, boundary.c.geojson)
                            .where(boundary.c.release_id == release_id)).all()
    return {code: text for code, text in rows}


def _exteriors_clockwise(geom) -> bool:
    polys = getattr(geom, "geoms", [geom])
    return all(not p.exterior.is_ccw for p in polys)


def test_real_boundaries(empty_db, shared_data):
    report = ingest.load(empty_db, "boundaries", [shared_data / BOUNDARIES])
    shapes = _stored_shapes(empty_db, report.release_id)
    assert set(shapes) == TERRITORIAL_CODES
    assert sum(len(t) for t in shapes.values()) < 300_000  # small enough for a browser
    for text in shapes.values():
        geom = shapely.from_geojson(text)
        assert geom.is_valid and not geom.is_empty
        assert geom.geom_type in ("Polygon", "MultiPolygon")
        assert _exteriors_clockwise(geom)  # Vega / d3-geo orientation
    # The simplified areas stay close to the originals (areas in metres, British National Grid).
    original = gpd.read_file(shared_data / BOUNDARIES).to_crs(27700).set_index("PFA23CD").area
    simple = gpd.GeoSeries({c: shapely.from_geojson(t) for c, t in shapes.items()}, crs=4326).to_crs(27700).area
    ratio = (simple / original[simple.index]).abs()
    assert ratio.between(0.9, 1.1).all(), ratio[~ratio.between(0.9, 1.1)]


@pytest.mark.parametrize("fmt", ["shapefile", "geopackage"])
def test_boundaries_in_other_formats_load_identically(empty_db, shared_data, tmp_path, fmt):
    frame = gpd.read_file(shared_data / BOUNDARIES)
    first = ingest.load(empty_db, "boundaries", [shared_data / BOUNDARIES])
    if fmt == "shapefile":
        bng = frame.rename(columns={"PFA23CD": "PFA24CD"}).to_crs(27700)[["PFA24CD", "geometry"]]
        bng.to_file(tmp_path / "pfa.shp")
        path = tmp_path / "pfa_bng.zip"
        with zipfile.ZipFile(path, "w") as zf:
            for part in tmp_path.glob("pfa.*"):
                zf.write(part, part.name)
    else:
        path = tmp_path / "pfa.gpkg"
        frame.rename(columns={"PFA23CD": "PFA22CD"}).to_crs(27700).to_file(path, layer="pfa", driver="GPKG")
    second = ingest.load(empty_db, "boundaries", [path])
    assert second.release_id != first.release_id
    a, b = _stored_shapes(empty_db, first.release_id), _stored_shapes(empty_db, second.release_id)
    assert set(a) == set(b) == TERRITORIAL_CODES
    area = lambda shapes: gpd.GeoSeries({c: shapely.from_geojson(t) for c, t in shapes.items()},  # noqa: E731
                                        crs=4326).to_crs(27700).area
    ratio = area(b) / area(a)[area(b).index]
    assert ratio.between(0.97, 1.03).all(), ratio
    with empty_db.connect() as conn:
        status = dict(conn.execute(select(release.c.id, release.c.status)).all())
        params = json.loads(conn.execute(select(release.c.parameters)
                                         .where(release.c.id == second.release_id)).scalar_one())
    assert status[first.release_id] == "superseded" and status[second.release_id] == "complete"
    assert params["source_crs"] == "EPSG:27700"


def test_boundaries_missing_a_force_rejected(empty_db, shared_data, tmp_path):
    frame = gpd.read_file(shared_data / BOUNDARIES)
    path = tmp_path / "42.geojson"
    frame[frame["PFA23CD"] != "E23000034"].to_file(path, driver="GeoJSON")
    before = database_checksum(empty_db)
    with pytest.raises(ingest.IngestError, match="E23000034"):
        ingest.load(empty_db, "boundaries", [path])
    assert database_checksum(empty_db) == before


def test_boundaries_invalid_geometry_repaired(empty_db, shared_data, tmp_path):
    frame = gpd.read_file(shared_data / BOUNDARIES)
    bow = shapely.Polygon([(-1.0, 52.0), (-0.9, 52.1), (-0.9, 52.0), (-1.0, 52.1), (-1.0, 52.0)])
    assert not bow.is_valid
    i = frame.index[frame["PFA23CD"] == "E23000021"][0]
    frame.loc[i, "geometry"] = shapely.MultiPolygon([*frame.loc[i, "geometry"].geoms, bow])
    path = tmp_path / "invalid.geojson"
    frame.to_file(path, driver="GeoJSON")
    report = ingest.load(empty_db, "boundaries", [path])
    assert "1 invalid geometries repaired" in report.summary()
    shapes = _stored_shapes(empty_db, report.release_id)
    assert all(shapely.from_geojson(t).is_valid for t in shapes.values())
