"""Hostile force MI indicator files, ONS force tables and boundaries (issue 13, 'Hostile input').

As for the outcomes files (``test_ingest_hostile.py``): each case is a mutation of a file that
loads, and `rasso ingest` must exit with status 2, one line naming the problem, no traceback and
every table unchanged. The valid files are loaded first, so 'unchanged' covers their releases.
"""

from __future__ import annotations

import math
from datetime import datetime

import pytest

import ingest
from db.reference import FORCES
from helpers.hostile_files import (
    assert_refused,
    boundary_features,
    indicator_lines,
    one_backend_enough,
    ons_rows,
    square,
    write_boundaries,
    write_lines,
    write_ons_workbook,
)

AVON = "E23000036"
FIRST = FORCES[0].code


@pytest.fixture
def loaded_db(empty_db, tmp_path, request):
    one_backend_enough(request, empty_db)
    good = tmp_path / "good"
    good.mkdir()
    for kind, path in (("indicators", write_lines(good / "ind.csv", indicator_lines())),
                       ("ons-pfa-tables", write_ons_workbook(good / "ons.xlsx")),
                       ("boundaries", write_boundaries(good / "pfa.geojson"))):
        assert ingest.load(empty_db, kind, [path]).release_id is not None
    return empty_db


# --- indicators ---------------------------------------------------------------------------------

def _indicators(name, *, encoding="utf-8", edit=None):
    def make(tmp):
        lines = indicator_lines()
        if edit:
            edit(lines)
        return write_lines(tmp / name, lines, encoding=encoding)
    return make


def _accented(lines):
    lines[2][1] = "Devon & Cornwall Heddlu Dyfed-Powys é"


def _numerator_twice(lines):
    for line in lines:
        line.append(line[4])


def _set(row, col, value):
    def edit(lines):
        lines[row][col] = value
    return edit


INDICATORS = {
    "Latin-1 text": (_indicators("latin1.csv", encoding="latin-1", edit=_accented), r"not UTF-8 text \(byte \d+\)"),
    "UTF-16 text": (_indicators("utf16.csv", encoding="utf-16"), r"UTF-16"),
    "numerator twice": (_indicators("twice.csv", edit=_numerator_twice),
                        r"row 1, column 'numerator': a column appears twice"),
    "year 9999": (_indicators("y9999.csv", edit=_set(2, 2, "9999-00 Q1")), r"row 3, column 'quarter'.*outside the years"),
    "year 1899": (_indicators("y1899.csv", edit=_set(2, 2, "1899-00 Q1")), r"outside the years"),
    "numerator nan": (_indicators("nan.csv", edit=_set(2, 4, "nan")), r"column 'numerator', value 'nan'"),
    "denominator inf": (_indicators("inf.csv", edit=_set(2, 5, "inf")), r"column 'denominator', value 'inf'"),
    "denominator 1e18": (_indicators("big.csv", edit=_set(2, 5, "1e18")), r"from 0 to 2,147,483,647"),
}


@pytest.mark.parametrize("case", list(INDICATORS))
def test_hostile_indicator_file_refused(loaded_db, tmp_path, case):
    make, pattern = INDICATORS[case]
    assert_refused(loaded_db, "indicators", make(tmp_path), pattern)


# --- ONS force tables ---------------------------------------------------------------------------

def _ons(name, population=None, offences=None, extra=None):
    def make(tmp):
        rows = ons_rows(population, offences)
        if extra:
            rows.append(next(r for r in rows if r[0] == extra))
        return write_ons_workbook(tmp / name, rows)
    return make


ONS = {
    "population 1e300": (_ons("p1e300.xlsx", {AVON: 1e300}), r"sheet 'Table P3', row \d+, column 'population'.*whole number"),
    "population 0.4": (_ons("p04.xlsx", {AVON: 0.4}), r"value '0.4': a force's population must be a whole number"),
    "population 3e9": (_ons("p3e9.xlsx", {AVON: 3e9}), r"value '3000000000.0'.*from 1,000 to 20,000,000"),
    "population a date": (_ons("pdate.xlsx", {AVON: datetime(2024, 1, 1)}), r"column 'population'.*not a number"),
    "count a date": (_ons("cdate.xlsx", offences={AVON: datetime(2024, 1, 1)}), r"column 'sexual_offences'.*not a number"),
    "count 1e12": (_ons("c1e12.xlsx", offences={AVON: 1e12}), r"from 0 to 2,147,483,647"),
    "count 0.5": (_ons("chalf.xlsx", offences={AVON: 0.5}), r"whole number"),
    "a force twice": (_ons("dup.xlsx", extra=AVON), r"Avon and Somerset \(E23000036\) appears twice in the table"),
}


@pytest.mark.parametrize("case", list(ONS))
def test_hostile_ons_workbook_refused(loaded_db, tmp_path, case):
    make, pattern = ONS[case]
    assert_refused(loaded_db, "ons-pfa-tables", make(tmp_path), pattern)


# --- boundaries ---------------------------------------------------------------------------------

def _geo(name, geometry=None, crs=None, features=None):
    def make(tmp):
        return write_boundaries(tmp / name, features or boundary_features(geometry), crs=crs)
    return make


def _swapped():
    feats = boundary_features()
    for f in feats:
        f["geometry"]["coordinates"] = [[[lat, lon] for lon, lat in ring] for ring in f["geometry"]["coordinates"]]
    return feats


def _vertex(value):
    ring = square(-3.0, 52.0)
    ring[0][2] = [value, 52.2]
    return {FIRST: {"type": "Polygon", "coordinates": ring}}


BOUNDARIES = {
    "a Point": (_geo("point.geojson", {FIRST: {"type": "Point", "coordinates": [-0.1, 51.5]}}),
                rf"the shape of {FIRST} is a Point"),
    "a LineString": (_geo("line.geojson", {FIRST: {"type": "LineString", "coordinates": [[-0.1, 51.5], [0, 51.6]]}}),
                     rf"the shape of {FIRST} is a LineString"),
    "a NaN vertex": (_geo("nan.geojson", _vertex(math.nan)), r"not finite|outside England and Wales|cannot read"),
    "a 1e308 vertex": (_geo("huge.geojson", _vertex(1e308)), r"not finite|outside England and Wales"),
    "latitude and longitude swapped": (lambda tmp: _geo("swapped.geojson", features=_swapped())(tmp),
                                       r"outside England and Wales .*swapped"),
    "WGS84 labelled EPSG:3857": (_geo("merc.geojson", crs="urn:ogc:def:crs:EPSG::3857"), r"outside England and Wales"),
    "WGS84 labelled EPSG:27700": (_geo("bng.geojson", crs="urn:ogc:def:crs:EPSG::27700"), r"outside England and Wales"),
    "a garbage CRS": (_geo("garbage.geojson", crs="urn:ogc:def:crs:EPSG::999999"), r"value 'urn:ogc:def:crs:EPSG::999999': the file names a coordinate reference system that is not known"),
}


@pytest.mark.parametrize("case", list(BOUNDARIES))
def test_hostile_boundaries_refused(loaded_db, tmp_path, case):
    make, pattern = BOUNDARIES[case]
    assert_refused(loaded_db, "boundaries", make(tmp_path), pattern)


def test_too_many_vertices_refused_with_the_limit(loaded_db, tmp_path, monkeypatch):
    from ingest import boundaries

    monkeypatch.setattr(boundaries, "MAX_VERTICES", 4)
    shifted = {FIRST: {"type": "Polygon", "coordinates": square(-5.0, 50.5)}}  # not the loaded file
    path = write_boundaries(tmp_path / "detailed.geojson", boundary_features(shifted))
    assert_refused(loaded_db, "boundaries", path, rf"the shape of {FIRST} has 5 vertices .*more than the limits \(4 a shape")


SIMPLIFY_LIMITS = {
    "over the budget": ({"BUDGET_BYTES": 1_000}, r"the shapes do not simplify to the 1,000-byte budget even at 6,400 m"),
    "over the time": ({"BUDGET_BYTES": 1_000, "SIMPLIFY_SECONDS": 0},
                      r"simplifying the shapes took more than 0 s of CPU \(at 100 m\): use a generalised file"),
}


@pytest.mark.parametrize("case", list(SIMPLIFY_LIMITS))
def test_shapes_that_do_not_simplify_in_budget_are_refused_not_stored(loaded_db, tmp_path, monkeypatch, case):
    """43 spiky shapes of 8,000 vertices took minutes of CPU and stored 4 MB (the budget is 250 KB):
    simplification now stops at a CPU cap, and a set that does not fit the budget is refused.
    The limits are lowered so that the valid squares stand in for the spiky shapes."""
    from ingest import boundaries

    limits, pattern = SIMPLIFY_LIMITS[case]
    for name, value in limits.items():
        monkeypatch.setattr(boundaries, name, value)
    shifted = {FIRST: {"type": "Polygon", "coordinates": square(-5.0, 50.5)}}  # not the loaded file
    assert_refused(loaded_db, "boundaries", write_boundaries(tmp_path / "b.geojson", boundary_features(shifted)),
                   pattern)
