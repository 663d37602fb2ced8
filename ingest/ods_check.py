"""An OpenDocument spreadsheet's sheets scanned before a reader opens it, as ``files`` does for xlsx.

Why: the reader (calamine) trusts what the XML says. ODS compresses runs of cells with
``table:number-rows-repeated`` and ``table:number-columns-repeated``, so a 3 KB file can hold one
value at the far corner of a 1,048,576 x 16,384 sheet and make the reader allocate it all. A
formula is read from its cached result, and an error cell (``#DIV/0!``) as missing or zero. The
content is streamed tag by tag, counting rows and columns through the repeats; the trailing empty
rows and columns every spreadsheet program writes are not counted, only cells that hold something.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from ingest.errors import IngestError

_TAG = re.compile(rb"<(/?)(table:table-row|table:table-cell|table:covered-table-cell|table:table|text:p)"
                  rb"(?=[\s/>])([^>]*?)(/?)>")
_ATTR = re.compile(rb'([\w:-]+)="([^"]*)"')
BLOCK = 1 << 22

CheckExtent = Callable[[int, int, Path, str], None]


def column_letters(n: int) -> str:
    """1 -> A, 27 -> AA: the cell reference a user sees in the spreadsheet program."""
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


class _Scan:
    """The position in the sheet being read, carried across blocks of the content."""

    def __init__(self, path: Path, check_extent: CheckExtent) -> None:
        self.path, self.check_extent = path, check_extent
        self.sheet, self.row, self.row_repeat, self.col = "?", 0, 1, 0
        self.rows = self.cols = 0
        self.cell: tuple[int, int, bool] | None = None  # start column, repeat, holds something

    def tag(self, m: re.Match, text: bytes) -> None:
        closing, name, attrs, empty = m.group(1), m.group(2), m.group(3), m.group(4)
        if name == b"table:table":
            if not closing:
                found = dict(_ATTR.findall(attrs))
                self.sheet = found.get(b"table:name", b"?").decode("utf-8", "replace")
                self.row, self.rows, self.cols = 0, 0, 0
        elif name == b"table:table-row":
            if closing or empty:
                self.row += self.row_repeat if closing else _repeat(attrs, b"table:number-rows-repeated")
            else:
                self.row_repeat, self.col = _repeat(attrs, b"table:number-rows-repeated"), 0
        elif name == b"text:p":
            if self.cell and not closing:
                self.cell = (self.cell[0], self.cell[1], True)
        elif closing:
            self._end_cell()
        else:
            self._start_cell(attrs, m.end(), text)
            if empty:
                self._end_cell()

    def _start_cell(self, attrs: bytes, at: int, text: bytes) -> None:
        found = dict(_ATTR.findall(attrs))
        ref = f"{column_letters(self.col + 1)}{self.row + 1}"
        if found.get(b"calcext:value-type") == b"error":
            shown = re.match(rb"\s*<text:p>([^<]{1,60})", text[at:at + 200])
            raise IngestError(f"cell {ref} holds a spreadsheet error value, not a number (fix the "
                              "formula or enter the figure)", file=self.path, sheet=self.sheet,
                              value=(shown.group(1) if shown else b"#ERROR").decode("utf-8", "replace"))
        if b"table:formula" in found:
            raise IngestError(formula_problem(ref), file=self.path, sheet=self.sheet,
                              value=found[b"table:formula"].decode("utf-8", "replace").removeprefix("of:")[:60])
        holds = b"office:value-type" in found
        self.cell = (self.col, _repeat(attrs, b"table:number-columns-repeated"), holds)

    def _end_cell(self) -> None:
        if self.cell is None:
            return
        start, repeat, holds = self.cell
        self.cell, self.col = None, start + repeat
        if holds:
            self.rows, self.cols = max(self.rows, self.row + self.row_repeat), max(self.cols, self.col)
            self.check_extent(self.rows, self.cols, self.path, self.sheet)


def formula_problem(ref: str | None) -> str:
    return (f"{f'cell {ref}' if ref else 'a cell'} holds a formula: a published file holds values, not formulas (was it "
            "edited? paste the values over the formulas, or download the file again)")


def _repeat(attrs: bytes, name: bytes) -> int:
    m = re.search(name + rb'="(\d{1,12})"', attrs)
    return int(m.group(1)) if m else 1


ROW_END = b"</table:table-row>"
_SLOW = (b"repeated", b"table:formula", b"calcext:value-type", b"<table:table ", b"<table:table>")


def _fast_row(scan: _Scan, piece: bytes) -> bool:
    """Count a plain row without visiting its cells: one row, no repeats, formulas, error values
    or sheet start in it (nearly every row of a published file), so its width is its cell count."""
    if piece.count(b"<table:table-row") != 1 or any(marker in piece for marker in _SLOW):
        return False
    if b"office:value-type" in piece or b"<text:p" in piece:
        scan.rows = max(scan.rows, scan.row + 1)
        scan.cols = max(scan.cols, piece.count(b"<table:table-cell") + piece.count(b"<table:covered-table-cell"))
        scan.check_extent(scan.rows, scan.cols, scan.path, scan.sheet)
    scan.row += 1
    return True


def _scan_rows(scan: _Scan, text: bytes, *, last: bool) -> None:
    """``text`` ends just after a row's end tag (or is the end of the content, ``last``); split on
    row ends, plain rows are counted fast and anything else is scanned tag by tag."""
    pieces = text.split(ROW_END)
    for i, piece in enumerate(pieces):
        closed = i < len(pieces) - 1
        if closed and _fast_row(scan, piece):
            continue
        chunk = piece + ROW_END if closed else piece
        if closed or last:
            for m in _TAG.finditer(chunk):
                scan.tag(m, chunk)


def scan_ods(zf: zipfile.ZipFile, path: Path, check_extent: CheckExtent) -> None:
    """Refuse an ODS workbook with a cell beyond the limits, a formula or an error value."""
    if "content.xml" not in zf.namelist():
        return  # not an OpenDocument file: the reader says so in its own words
    scan, carry = _Scan(path, check_extent), b""
    with zf.open("content.xml") as fh:
        while block := fh.read(BLOCK):
            text = carry + block
            cut = text.rfind(ROW_END) + len(ROW_END) if ROW_END in text else 0
            _scan_rows(scan, text[:cut], last=False)
            carry = text[cut:]
    _scan_rows(scan, carry, last=True)
