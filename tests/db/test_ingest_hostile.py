"""Hostile outcomes files (issue 13, 'Hostile input'): each one a mutation of a file that loads.

Every case runs `rasso ingest` through Typer's runner and must exit with status 2, print one line
naming the problem (no traceback), and leave every table of the database exactly as it was. The
cases are the probe's: files that crashed the command line, and files that loaded but should not.
"""

from __future__ import annotations

import random
import re
import zipfile
from datetime import datetime

import pytest
import xlsxwriter

import ingest
from helpers.hostile_files import assert_refused, one_backend_enough, run_ingest
from helpers.ingest_files import (
    OUTCOMES_2026,
    database_checksum,
    outcome_rows,
    write_csv,
    write_xlsx,
)

COUNT = OUTCOMES_2026["closed"]


@pytest.fixture
def loaded_db(empty_db, tmp_path, request):
    """A database with a published release, so 'unchanged' covers a real head release."""
    one_backend_enough(request, empty_db)
    ingest.load(empty_db, "outcomes", [write_csv(tmp_path / "good.csv", outcome_rows(2022), OUTCOMES_2026)])
    return empty_db


def _rows():
    return outcome_rows(2023)


def _csv_with(field, value, index=30):
    def make(tmp):
        rows = _rows()
        rows[index][field] = value
        return write_csv(tmp / f"{field}.csv", rows, OUTCOMES_2026)
    return make


def _good_csv(tmp):
    return write_csv(tmp / "whole.csv", _rows(), OUTCOMES_2026)


def _recoded(encoding):
    def make(tmp):
        path = tmp / f"outcomes-{encoding}.csv"
        path.write_bytes(_good_csv(tmp).read_text().encode(encoding))
        return path
    return make


def _binary(tmp):
    path = tmp / "binary.csv"
    path.write_bytes(random.Random(13).randbytes(20_000))
    return path


def _xlsx_named_csv(tmp):
    path = tmp / "really-xlsx.csv"
    path.write_bytes(write_xlsx(tmp / "book.xlsx", {"2023-24": (_rows(), OUTCOMES_2026)}).read_bytes())
    return path


def _xlsx(tmp, name, edit):
    """An outcomes workbook of one sheet with ``edit(workbook, worksheet)`` applied after the rows."""
    path = tmp / name
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("2023-24")
    table = [list(OUTCOMES_2026.values())] + [[r.get(f) for f in OUTCOMES_2026] for r in _rows()]
    for i, line in enumerate(table):
        for j, v in enumerate(line):
            if v is not None:
                ws.write(i, j, v)
    edit(wb, ws)
    wb.close()
    return path


def _far_cell(tmp):
    return _xlsx(tmp, "far.xlsx", lambda wb, ws: ws.write(1_048_575, 16_383, 1))


def _far_cell_undeclared(tmp):
    """The same cell with the sheet's <dimension> removed: the extent is in the cells alone."""
    src = _far_cell(tmp)
    path = tmp / "far-undeclared.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb"<dimension [^>]*/>", b"", data)
            zout.writestr(item, data)
    return path


def _div0(tmp):
    return _xlsx(tmp, "div0.xlsx", lambda wb, ws: ws.write_formula(31, 12, "=1/0", None, "#DIV/0!"))


def _date_in_count(tmp):
    fmt = {"num_format": "yyyy-mm-dd"}
    return _xlsx(tmp, "date.xlsx", lambda wb, ws: ws.write_datetime(31, 12, datetime(2024, 1, 5),
                                                                   wb.add_format(fmt)))


def _short_row(tmp):
    path = _good_csv(tmp)
    lines = path.read_text().splitlines(keepends=True)
    lines.insert(40, "2023/24,1,Avon and Somerset,19C,Rape of a female aged 16 and over\r\n")
    out = tmp / "short-row.csv"
    out.write_text("".join(lines))
    return out


def _numerator_twice(tmp):
    headers = {**OUTCOMES_2026, "extra": COUNT}
    rows = [{**r, "extra": 1} for r in _rows()]
    return write_csv(tmp / "closed-twice.csv", rows, headers)


NOT_COUNT = r"row 32, column 'Outcomes for investigations closed in the quarter', value '{}'.*not a whole number"
YEAR = r"row 32, column 'Financial Year', value '{}': the financial year .* outside the years"
CODE = r"row 32, column 'Offence Code'.*not a Home Office offence code"

CASES = {
    # crashed the command line
    "UTF-16 text": (_recoded("utf-16"), r"UTF-16"),
    "UTF-16 big-endian, no BOM": (_recoded("utf-16-be"), r"UTF-16"),
    "binary bytes": (_binary, r"binary content|not UTF-8"),
    "xlsx named .csv": (_xlsx_named_csv, r"zip file .* named as a CSV"),
    "count nan": (_csv_with("closed", "nan"), NOT_COUNT.format("nan")),
    "count 2^63": (_csv_with("closed", str(2**63)), NOT_COUNT.format(2**63)),
    "count 1e30": (_csv_with("closed", "1e30"), NOT_COUNT.format("1e30")),
    "cell at XFD1048576": (_far_cell, r"sheet '2023-24': the sheet declares 1,048,576 rows by 16,384 columns"),
    "cell at XFD1048576, no dimension": (_far_cell_undeclared, r"has cells out to 1,048,576 rows by 16,384"),
    "date in a count cell": (_date_in_count, r"row 32, column 'Outcomes for investigations closed.*not a whole"),
    # loaded without complaint
    "5-field row": (_short_row, r"row 41, value '2023/24,1,Avon.*5 fields where the first row has 13"),
    "year 0000": (_csv_with("financial_year", "0000/01"), YEAR.format("0000/01")),
    "year 1000": (_csv_with("financial_year", "1000/01"), YEAR.format("1000/01")),
    "year 1899": (_csv_with("financial_year", "1899/00"), YEAR.format("1899/00")),
    "year 2099": (_csv_with("financial_year", "2099/00"), YEAR.format("2099/00")),
    "year 9999": (_csv_with("financial_year", "9999/00"), YEAR.format("9999/00")),
    "#DIV/0! in xlsx": (_div0, r"sheet '2023-24', value '#DIV/0!': cell M32 holds a spreadsheet error value"),
    "#DIV/0! in csv": (_csv_with("closed", "#DIV/0!"), NOT_COUNT.format("#DIV/0!")),
    "#N/A in csv": (_csv_with("recorded", "#N/A"), r"row 32, column 'Outcomes for offences .*value '#N/A'"),
    "count 2^31": (_csv_with("closed", str(2**31)), NOT_COUNT.format(2**31)),
    "count 1e18": (_csv_with("closed", str(10**18)), NOT_COUNT.format(10**18)),
    "count -2^31": (_csv_with("closed", str(-(2**31))), NOT_COUNT.format(-(2**31))),
    "200-character offence code": (_csv_with("offence_code", "9" * 200), CODE),
    "HTML offence code": (_csv_with("offence_code", "<b>19C</b>"), CODE),
    "SQL offence code": (_csv_with("offence_code", "19C'; DROP TABLE offence;--"), CODE),
    "closed column twice": (_numerator_twice, r"two columns mean 'Outcomes for investigations closed"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_outcomes_file_refused_database_unchanged(loaded_db, tmp_path, case):
    make, pattern = CASES[case]
    assert_refused(loaded_db, "outcomes", make(tmp_path), pattern)


def test_the_same_figures_with_other_line_endings_are_not_a_new_release(loaded_db, tmp_path):
    crlf = _good_csv(tmp_path)
    assert b"\r\n" in crlf.read_bytes()
    first = ingest.load(loaded_db, "outcomes", [crlf])
    assert first.release_id is not None
    lf = tmp_path / "same-lf.csv"
    lf.write_bytes(crlf.read_bytes().replace(b"\r\n", b"\n"))
    before = database_checksum(loaded_db)
    again = ingest.load(loaded_db, "outcomes", [lf])
    assert again.release_id is None and again.message.startswith(f"already loaded as release {first.release_id} ")
    assert database_checksum(loaded_db) == before
    changed = _csv_with("closed", 999)(tmp_path)  # one figure differs: a new release
    assert ingest.load(loaded_db, "outcomes", [changed]).superseded == first.release_id


def test_a_quoted_line_break_is_not_a_truncated_file(loaded_db, tmp_path):
    rows = _rows()
    rows[-1]["outcome_description"] = "Charged\nor summonsed"  # the last row spans two lines
    path = write_csv(tmp_path / "quoted.csv", rows, OUTCOMES_2026)
    assert b'"Charged\nor summonsed"' in path.read_bytes()
    report = ingest.load(loaded_db, "outcomes", [path])
    assert report.release_id is not None and report.rows_read == len(rows)


@pytest.mark.parametrize("name", ["outcomes[2023].csv", "outcomes*?.csv", "[a-z].xlsx"])
def test_a_file_name_with_glob_characters_is_read_as_named(loaded_db, tmp_path, name):
    target = tmp_path / name
    if name.endswith(".xlsx"):
        write_xlsx(target, {"2023-24": (_rows(), OUTCOMES_2026)})
    else:
        write_csv(target, _rows(), OUTCOMES_2026)
    (tmp_path / "a.xlsx").write_bytes(b"a decoy a glob would match")
    code, output = run_ingest(loaded_db, "outcomes", target)
    assert code == 0, output
    assert "as release" in output


@pytest.mark.parametrize(("limit", "value", "pattern"), [
    ("MAX_FILE_BYTES", 10_000, r"bytes, more than the limit of 10,000"),
    ("MAX_ROWS", 100, r"more than the limit of 100 rows"),
])
def test_resource_limits_refuse_with_a_clear_message(loaded_db, tmp_path, monkeypatch, limit, value, pattern):
    from ingest import files

    monkeypatch.setattr(files, limit, value)
    assert_refused(loaded_db, "outcomes", _good_csv(tmp_path), pattern)


def test_a_sheet_wider_than_the_limit_is_refused_before_reading(loaded_db, tmp_path, monkeypatch):
    from ingest import files

    monkeypatch.setattr(files, "MAX_COLUMNS", 10)
    path = write_xlsx(tmp_path / "wide.xlsx", {"2023-24": (_rows(), OUTCOMES_2026)})
    assert_refused(loaded_db, "outcomes", path, r"sheet '2023-24': the sheet declares .* by 13 columns")
