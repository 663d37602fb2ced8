"""The ODS scan counts a sheet's extent through repeated rows and columns, exactly, from its
content alone: plain rows on the fast path and rows with repeats cell by cell must agree."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from ingest.errors import IngestError
from ingest.ods_check import column_letters, scan_ods

CELL = b'<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'
EMPTY_TAIL = (b'<table:table-row table:number-rows-repeated="1048000">'
              b'<table:table-cell table:number-columns-repeated="1024"/></table:table-row>')


def _book(rows: bytes) -> zipfile.ZipFile:
    content = (b'<office:document-content><office:body><office:spreadsheet>'
               b'<table:table table:name="S"><table:table-column/>' + rows
               + b"</table:table></office:spreadsheet></office:body></office:document-content>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content)
    return zipfile.ZipFile(buf)


def _extent(rows: bytes) -> tuple[int, int]:
    seen = []
    scan_ods(_book(rows), Path("t.ods"), lambda r, c, p, s: seen.append((r, c)))
    return seen[-1] if seen else (0, 0)


def plain(n_cells: int) -> bytes:
    return b"<table:table-row>" + CELL * n_cells + b"</table:table-row>"


@pytest.mark.parametrize(("rows", "extent"), [
    (plain(3) * 5, (5, 3)),
    (plain(3) * 5 + EMPTY_TAIL, (5, 3)),  # the empty block every spreadsheet program writes
    (plain(2) + b'<table:table-row table:number-rows-repeated="7">' + CELL + b"</table:table-row>", (8, 2)),
    (plain(1) + b'<table:table-row><table:table-cell table:number-columns-repeated="40"/>' + CELL
     + b"</table:table-row>", (2, 41)),
    (plain(1) + b"<table:table-row><table:covered-table-cell/>" + CELL + b"</table:table-row>", (2, 2)),
    (b'<table:table-row table:number-rows-repeated="3"/>' + plain(4), (4, 4)),
])
def test_extent_through_repeats(rows, extent):
    assert _extent(rows) == extent


def test_a_formula_is_named_by_its_cell():
    formula = b'<table:table-cell table:formula="of:=1+1" office:value-type="float" office:value="2"/>'
    rows = plain(2) * 3 + b'<table:table-row table:number-rows-repeated="2"><table:table-cell/>' + formula + b"</table:table-row>"
    with pytest.raises(IngestError, match=r"sheet 'S', value '=1\+1': cell B4 holds a formula"):
        scan_ods(_book(rows), Path("t.ods"), lambda *a: None)


@pytest.mark.parametrize(("n", "letters"), [(1, "A"), (26, "Z"), (27, "AA"), (702, "ZZ"), (703, "AAA"), (16384, "XFD")])
def test_column_letters(n, letters):
    assert column_letters(n) == letters
