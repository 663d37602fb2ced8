"""Idempotence on content, not bytes (issue 13, 'Hostile input'): the same data re-saved with other
bytes (LF for CRLF, rows in another order, a workbook saved again, GeoJSON with other spacing) is
'already loaded as release N' and writes nothing; one value changed is a new release.
The outcomes case is in ``test_ingest_hostile.py``."""

from __future__ import annotations

import json

import pytest

import ingest
from helpers.hostile_files import (
    boundary_features,
    indicator_lines,
    one_backend_enough,
    rewrite_member,
    square,
    write_boundaries,
    write_lines,
    write_ons_workbook,
)
from helpers.ingest_files import database_checksum


@pytest.fixture
def loaded(empty_db, tmp_path, request):
    """The database with indicators, ONS tables and boundaries loaded; and those files."""
    one_backend_enough(request, empty_db, "the comparison is the same code and queries on both (the "
                                          "indicators case, which compares rows, runs on both)")
    good = tmp_path / "good"
    good.mkdir()
    paths = {"indicators": write_lines(good / "ind.csv", indicator_lines()),
             "ons-pfa-tables": write_ons_workbook(good / "ons.xlsx"),
             "boundaries": write_boundaries(good / "pfa.geojson")}
    ids = {kind: ingest.load(empty_db, kind, [path]).release_id for kind, path in paths.items()}
    assert None not in ids.values()
    return empty_db, paths, ids


def _indicators_lf(tmp, good):
    lines = indicator_lines()
    lines[1:] = lines[:0:-1]  # the rows in the other order
    return write_lines(tmp / "ind-lf.csv", lines, newline="\n")


def _indicators_changed(tmp, good):
    lines = indicator_lines()
    lines[2][4] = str(int(lines[2][4]) + 1)
    return write_lines(tmp / "ind-changed.csv", lines)


def _ons_resaved(tmp, good):
    return rewrite_member(good, tmp / "ons-resaved.xlsx", "xl/worksheets/sheet1.xml", lambda d: d + b"\r\n")


def _ons_changed(tmp, good):
    from helpers.hostile_files import ons_rows

    return write_ons_workbook(tmp / "ons-changed.xlsx", ons_rows(offences={"E23000036": 7}))


def _boundaries_respaced(tmp, good):
    doc = json.loads(good.read_text())
    for f in doc["features"]:
        f["properties"] = dict(reversed(f["properties"].items()))
    path = tmp / "pfa-respaced.geojson"
    path.write_bytes(json.dumps(doc, indent=2).replace("\n", "\r\n").encode())
    return path


def _boundaries_changed(tmp, good):
    feats = boundary_features({"E23000036": {"type": "Polygon", "coordinates": square(-5.0, 50.5)}})
    return write_boundaries(tmp / "pfa-changed.geojson", feats)


CASES = {
    "indicators with LF, rows reordered": ("indicators", _indicators_lf, True),
    "indicators with one value changed": ("indicators", _indicators_changed, False),
    "ONS workbook re-saved": ("ons-pfa-tables", _ons_resaved, True),
    "ONS workbook with one count changed": ("ons-pfa-tables", _ons_changed, False),
    "boundaries re-spaced, CRLF": ("boundaries", _boundaries_respaced, True),
    "boundaries with one shape changed": ("boundaries", _boundaries_changed, False),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_same_content_in_other_bytes_is_not_a_new_release(loaded, tmp_path, case):
    engine, paths, ids = loaded
    kind, make, same = CASES[case]
    path = make(tmp_path, paths[kind])
    assert path.read_bytes() != paths[kind].read_bytes()
    before = database_checksum(engine)
    report = ingest.load(engine, kind, [path])
    if same:
        assert report.release_id is None, report.message
        assert report.message.startswith(f"already loaded as release {ids[kind]} "), report.message
        assert database_checksum(engine) == before
    else:
        assert report.release_id is not None and report.release_id > max(ids.values()), report.message
