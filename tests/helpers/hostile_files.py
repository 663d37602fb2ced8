"""Valid small files of the kinds the shared data folder holds (ONS force tables, boundaries, force
MI indicators), built from the reference forces, so each hostile variant is one mutation of a
file that loads. Every builder takes overrides naming what to break."""

from __future__ import annotations

import json
import re
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
import xlsxwriter
from typer.testing import CliRunner

from cli import app
from db.reference import FORCES, NATIONAL_CODE
from helpers.ingest_files import database_checksum

POP_HEADER = "Population figures\n (mid-2023) rounded to 100 [note 5]"


def ons_rows(population: dict[str, object] | None = None,
             offences: dict[str, object] | None = None) -> list[tuple[str, str, object, object]]:
    """(code, name, population, sexual offences) for the 43 forces, BTP and England and Wales."""
    population, offences = population or {}, offences or {}
    rows = []
    for i, f in enumerate(FORCES):
        rows.append((f.code, f.name, population.get(f.code, f.population_mid2023), offences.get(f.code, 100 + i)))
    btp = offences.get("BTP", 50)
    total = sum(r[3] for r in rows if isinstance(r[3], int | float)) + btp
    rows.append(("", "British Transport Police", None, btp))
    rows.insert(0, (NATIONAL_CODE, "ENGLAND AND WALES [note 3]", 60_000_000, total))
    return rows


def write_ons_workbook(path: Path, rows: list[tuple] | None = None) -> Path:
    """Table P1 (counts) and Table P3 (population, rate) under title rows, as ONS lays them out."""
    rows = rows if rows is not None else ons_rows()
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Cover_sheet").write(0, 0, "Police force area data tables (test copy)")
    p1, p3 = wb.add_worksheet("Table P1"), wb.add_worksheet("Table P3")
    p1.write(0, 0, "Table P1: Police recorded crime by police force area, year ending December 2024")
    p3.write(0, 0, "Table P3: rate per 1,000 population, year ending December 2024")
    p1.write_row(5, 0, ["Area Code", "Area Name", "Total recorded crime", "Sexual offences"])
    p3.write_row(5, 0, ["Area Code", "Area Name", POP_HEADER, "Sexual offences"])
    for i, (code, name, pop, count) in enumerate(rows, start=6):
        for sheet, values in ((p1, [code, name, 1000, count]),
                              (p3, [code, name, pop, _rate(count, pop)])):
            for j, v in enumerate(values):
                if isinstance(v, datetime):
                    sheet.write_datetime(i, j, v, wb.add_format({"num_format": "yyyy-mm-dd"}))
                elif v is not None:
                    sheet.write(i, j, v)
    wb.close()
    return path


def _rate(count, pop):
    if isinstance(count, int | float) and isinstance(pop, int | float) and pop:
        return count / pop * 1000
    return None


def square(lon: float, lat: float, size: float = 0.4) -> list[list[list[float]]]:
    return [[[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]]


def boundary_features(geometry: dict[str, dict] | None = None) -> list[dict]:
    """One square per force on a grid inside England and Wales; ``geometry`` replaces some."""
    geometry = geometry or {}
    feats = []
    for i, f in enumerate(FORCES):
        shape = {"type": "Polygon", "coordinates": square(-4.5 + (i % 7) * 0.5, 51.0 + (i // 7) * 0.5)}
        feats.append({"type": "Feature", "properties": {"PFA23CD": f.code, "PFA23NM": f.name},
                      "geometry": geometry.get(f.code, shape)})
    return feats


def write_boundaries(path: Path, features: list[dict] | None = None, crs: str | None = None) -> Path:
    """GeoJSON; ``crs`` (e.g. 'EPSG:3857') adds the named-CRS member GDAL reads."""
    doc = {"type": "FeatureCollection", "features": features if features is not None else boundary_features()}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(doc))  # NaN is written as NaN, as a careless exporter would
    return path


INDICATOR_HEADER = ["force_code", "force_name", "quarter", "indicator", "numerator", "denominator"]


def indicator_lines(n_forces: int = 5) -> list[list[str]]:
    lines = [list(INDICATOR_HEADER)]
    for i, f in enumerate(FORCES[:n_forces]):
        lines.append([f.code, f.name, "2024-25 Q1", "isva_referral_rate", str(40 + i), str(90 + i)])
    return lines


def write_lines(path: Path, lines: list[list[str]], *, encoding: str = "utf-8", newline: str = "\r\n") -> Path:
    path.write_bytes(newline.join(",".join(cells) for cells in lines).encode(encoding) + newline.encode())
    return path


BOTH_BACKENDS = frozenset({"count 2^31", "count 1e18", "count -2^31", "SQL offence code", "UTF-16 text",
                           "indicators with LF, rows reordered",
                           "cell at XFD1048576", "a Point", "population 1e300"})
"""Hostile cases run on PostgreSQL too: where the database's own limits or text handling could
differ (32-bit counts, SQL text), and one of each kind of file. The others are refused by the
loader before any row is written, the same code on both backends, so SQLite alone runs them."""


REFUSED_BEFORE_WRITING = "the loader refuses this file before writing, the same code on both"


def one_backend_enough(request, engine, why: str = REFUSED_BEFORE_WRITING) -> None:
    """Skip (visibly, saying ``why``) a PostgreSQL run of a case outside :data:`BOTH_BACKENDS`,
    before the fixture loads its valid files."""
    case = getattr(request.node, "callspec", None) and request.node.callspec.params.get("case")
    if case and engine.dialect.name != "sqlite" and case not in BOTH_BACKENDS:
        pytest.skip(f"one backend is enough: {why}")


def rewrite_member(src: Path, dest: Path, member: str, edit) -> Path:
    """A copy of a zipped workbook with one member's bytes passed through ``edit`` (the ODS
    ``mimetype`` stays first and stored, as the format requires)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == member:
                data = edit(data)
            zout.writestr(item, data, compress_type=zipfile.ZIP_STORED if item.filename == "mimetype"
                          else zipfile.ZIP_DEFLATED)
    return dest


def run_ingest(engine, kind: str, path) -> tuple[int, str]:
    """`rasso ingest KIND PATH` through Typer's runner: (exit status, output); no exception escapes."""
    result = CliRunner().invoke(app, ["ingest", kind, str(path), "--db",
                                      engine.url.render_as_string(hide_password=False)])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.output


def assert_refused(engine, kind: str, path, pattern: str) -> str:
    """Exit status 2, one line naming the file and the problem, every table unchanged."""
    before = database_checksum(engine)
    code, output = run_ingest(engine, kind, path)
    lines = [ln for ln in output.splitlines() if not ln.startswith("  [")]  # progress lines
    assert code == 2, output
    assert len(lines) == 1 and "Traceback" not in output, output
    assert lines[0].startswith(f"Error: {path.name}"), lines[0]
    assert re.search(pattern, lines[0]), lines[0]
    assert database_checksum(engine) == before
    return lines[0]
