"""Hostile spreadsheets (issue 13, 'Hostile input'): formulas, error cells and a far corner.

A published Home Office or ONS table holds values. A formula is read from the result cached when
the file was last saved (a program that does not recalculate leaves whatever was there), and an
ODS error cell reads as missing or zero, so both are refused naming the sheet and the cell. An ODS
sheet is scanned through its repeated rows and columns as an xlsx sheet is, so a value at the far
corner is refused before the reader allocates the sheet. Each case: exit status 2, one line, every
table unchanged.
"""

from __future__ import annotations

import pytest
import xlsxwriter

import ingest
from helpers.hostile_files import (
    assert_refused,
    one_backend_enough,
    ons_rows,
    rewrite_member,
    write_ons_workbook,
)
from helpers.ingest_files import OUTCOMES_2026, outcome_rows, write_csv, write_ods

MARK = 987_654  # the count at file row 32, column M ('closed'): one cell a mutation can find
AVON, AVON_POP = "E23000036", 1_234_500
LIBREOFFICE_TAIL = (b'<table:table-row table:number-rows-repeated="1048000">'
                    b'<table:table-cell table:number-columns-repeated="1024"/></table:table-row>')
FAR_CORNER = (b'<table:table-row table:number-rows-repeated="%d"><table:table-cell/></table:table-row>'
              b'<table:table-row><table:table-cell table:number-columns-repeated="16383"/>'
              b'<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p>'
              b"</table:table-cell></table:table-row>")


@pytest.fixture
def loaded_db(empty_db, tmp_path, request):
    """Outcomes and the ONS tables loaded, so 'unchanged' covers real head releases."""
    one_backend_enough(request, empty_db, "the workbook is scanned and refused (or, for the empty "
                                          "block, read) before any database work, the same code on both")
    good = tmp_path / "good"
    good.mkdir()
    ingest.load(empty_db, "outcomes", [write_csv(good / "o.csv", outcome_rows(2022), OUTCOMES_2026)])
    ingest.load(empty_db, "ons-pfa-tables", [write_ons_workbook(good / "ons.xlsx")])
    return empty_db


def _rows():
    rows = outcome_rows(2023)
    rows[30]["closed"] = MARK
    return rows


def _ods(tmp, name, edit=None):
    """The outcomes ODS with ``edit`` applied to its content.xml."""
    good = write_ods(tmp / f"clean-{name}", {"2023-24": (_rows(), OUTCOMES_2026)})
    return rewrite_member(good, tmp / name, "content.xml", edit) if edit else good


def _at_mark(new_cell: bytes):
    def edit(content: bytes) -> bytes:
        old = (b'<table:table-cell office:value-type="float" office:value="%d"><text:p>%d</text:p>'
               b"</table:table-cell>" % (MARK, MARK))
        assert content.count(old) == 1
        return content.replace(old, new_cell)
    return edit


def _at_end(extra: bytes):
    def edit(content: bytes) -> bytes:
        head, tail = content.rsplit(b"</table:table>", 1)
        return head + extra + b"</table:table>" + tail
    return edit


def _xlsx_formula(tmp):
    path = tmp / "formula.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("2023-24")
    table = [list(OUTCOMES_2026.values())] + [[r.get(f) for f in OUTCOMES_2026] for r in _rows()]
    for i, line in enumerate(table):
        ws.write_row(i, 0, line)
    ws.write_formula(31, 12, "=40+1", None, 41)  # the cached result looks like any count
    wb.close()
    return path


def _ons_formula(tmp):
    good = write_ons_workbook(tmp / "ons-good.xlsx", ons_rows({AVON: AVON_POP}))

    def edit(sheet: bytes) -> bytes:
        assert sheet.count(b"<v>%d</v>" % AVON_POP) == 1
        return sheet.replace(b"<v>%d</v>" % AVON_POP, b"<f>1234000+500</f><v>%d</v>" % AVON_POP)
    return rewrite_member(good, tmp / "ons-formula.xlsx", "xl/worksheets/sheet3.xml", edit)


OUTCOMES = {
    "formula in xlsx": (_xlsx_formula, r"sheet '2023-24', value '=40\+1': cell M32 holds a formula: "
                                       r"a published file holds values"),
    "formula in ODS": (lambda tmp: _ods(tmp, "formula.ods", _at_mark(
        b'<table:table-cell table:formula="of:=[.L32]+1" office:value-type="float" office:value="41">'
        b"<text:p>41</text:p></table:table-cell>")),
        r"sheet '2023-24', value '=\[\.L32\]\+1': cell M32 holds a formula"),
    "#DIV/0! in ODS": (lambda tmp: _ods(tmp, "div0.ods", _at_mark(
        b'<table:table-cell table:formula="of:=1/0" office:value-type="float" office:value="0" '
        b'calcext:value-type="error"><text:p>#DIV/0!</text:p></table:table-cell>')),
        r"sheet '2023-24', value '#DIV/0!': cell M32 holds a spreadsheet error value"),
    "ODS cell at XFD1048576": (lambda tmp: _ods(tmp, "far.ods", _at_end(FAR_CORNER % (1_048_575 - len(_rows()) - 1))),
                               r"sheet '2023-24': the sheet has cells out to 1,048,576 rows by 16,384 columns"),
}


@pytest.mark.parametrize("case", list(OUTCOMES))
def test_hostile_outcomes_workbook_refused(loaded_db, tmp_path, case):
    make, pattern = OUTCOMES[case]
    assert_refused(loaded_db, "outcomes", make(tmp_path), pattern)


@pytest.mark.parametrize("case", ["formula in a population"])
def test_a_formula_in_the_ons_tables_is_refused(loaded_db, tmp_path, case):
    assert_refused(loaded_db, "ons-pfa-tables", _ons_formula(tmp_path),
                   r"sheet 'Table P3', value '=1234000\+500': cell C\d+ holds a formula")


@pytest.mark.parametrize("case", ["trailing empty block"])
def test_an_ods_with_the_empty_block_spreadsheet_programs_write_loads(loaded_db, tmp_path, case):
    """The scan counts cells that hold something: LibreOffice ends every sheet with a repeated
    empty row as wide and as deep as the sheet, and such a file must load."""
    path = _ods(tmp_path, "libreoffice.ods", _at_end(LIBREOFFICE_TAIL))
    report = ingest.load(loaded_db, "outcomes", [path])
    assert report.release_id is not None and report.rows_read == len(_rows())
