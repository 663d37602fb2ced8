"""Checks on a file's bytes before any parser sees them: size, text encoding, and spreadsheet shape.

Why here: the parsers underneath (Polars, calamine, the csv module) fail on hostile bytes with
errors that mean nothing to a user (``_csv.Error``, ``UnicodeDecodeError``) or, worse, trust a
spreadsheet's declared size: one cell at XFD1048576 in a 22 KB workbook made calamine ask for
512 GB. So every file is measured first, text is decoded strictly, and a workbook's sheets are
scanned for their real extent, for error cells (``#DIV/0!``, which calamine reads as an empty
cell) and for formulas (read from their cached result, which the program that saved the file may
never have computed; a published table holds values) before it is opened, xlsx here and ODS in
``ods_check``. The limits are module constants, read at call time.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import ElementTree

from ingest.errors import IngestError
from ingest.ods_check import formula_problem, scan_ods

MAX_FILE_BYTES = 1 << 30  # 1 GiB: the largest published table is a few hundred MB
MAX_UNZIPPED_BYTES = 4 << 30  # what a zipped workbook may expand to (a decompression bomb is bigger)
MAX_ROWS = 5_000_000  # data rows in one file
MAX_COLUMNS = 200  # columns of a spreadsheet sheet (the widest published layout has 13)
MAX_CELLS = 40_000_000  # rows x columns of one sheet as the reader would allocate them
ZIP_MAGIC = b"PK\x03\x04"
_CELL = re.compile(rb'<c\b[^>]*?\sr="([A-Z]{1,3})(\d+)"')
_ROW = re.compile(rb'<row\b[^>]*?\sr="(\d+)"')
_ERROR_CELL = re.compile(rb'<c\b[^>]*?\st="e"[^>]*>(?:<f[^<]*(?:</f>)?)?(?:<v>([^<]*)</v>)?')
_FORMULA_CELL = re.compile(rb'<c\b[^>]*?\sr="([A-Z]{1,3}\d+)"[^>]*>\s*<f\b[^>]*?(?:/>|>([^<]{0,60}))')
_FORMULA = re.compile(rb"<f[\s>/]")
_DIMENSION = re.compile(rb'<dimension\s+ref="(?:[A-Z]+\d+:)?([A-Z]{1,3})(\d+)"')
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def check_size(path: Path) -> int:
    size = path.stat().st_size
    if size == 0:
        raise IngestError("the file is empty (0 bytes)", file=path)
    if size > MAX_FILE_BYTES:
        raise IngestError(f"the file is {size:,} bytes, more than the limit of {MAX_FILE_BYTES:,}", file=path)
    return size


def read_text(path: Path) -> str:
    """The file as text, decoded strictly as UTF-8 (a BOM is allowed), or a one-line refusal."""
    check_size(path)
    raw = path.read_bytes()
    if raw.startswith(ZIP_MAGIC):
        raise IngestError("this is a zip file (an .xlsx or .ods workbook?) named as a CSV: "
                          "give it its real extension", file=path)
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(raw) > 1 and (raw[0] == 0 or raw[1] == 0)):
        raise IngestError("the file is UTF-16 text: save it as CSV UTF-8", file=path)
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise IngestError(f"binary content (a NUL byte at byte {nul + 1}): not a CSV text file", file=path)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(f"not UTF-8 text (byte {exc.start + 1}); save the file as CSV UTF-8",
                          file=path) from None


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part -> sheet name, from the workbook and its relationships."""
    try:
        book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ParseError):
        return {n: n for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")}
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    out = {}
    for sheet in book.iter():
        if sheet.tag.endswith("}sheet"):
            target = targets.get(sheet.get(f"{_REL_NS}id"), "").lstrip("/")
            out[target if target.startswith("xl/") else f"xl/{target}"] = sheet.get("name", "?")
    return out


def _scan_sheet(zf: zipfile.ZipFile, part: str, path: Path, sheet: str) -> None:
    extent = [0, 0]  # rows, columns
    carry = b""
    with zf.open(part) as fh:
        while block := fh.read(1 << 22):
            text = carry + block
            cut = text.rfind(b"<")
            if cut <= 0:
                carry = text
                continue
            text, carry = text[:cut], text[cut:]
            _scan_text(text, extent, path, sheet)
    _scan_text(carry, extent, path, sheet)


def _scan_text(text: bytes, extent: list[int], path: Path, sheet: str) -> None:
    if extent == [0, 0] and (m := _DIMENSION.search(text)):
        _check_extent(int(m.group(2)), _column_number(m.group(1)), path, sheet, declared=True)
    for m in _ERROR_CELL.finditer(text):
        ref = re.search(rb'\sr="([A-Z]+\d+)"', m.group(0))
        cell = f"cell {ref.group(1).decode()}" if ref else "a cell"
        raise IngestError(f"{cell} holds a spreadsheet error value, not a number (fix the formula or "
                          "enter the figure)", file=path, sheet=sheet,
                          value=(m.group(1) or b"#ERROR").decode("utf-8", "replace"))
    if _FORMULA.search(text):
        m = _FORMULA_CELL.search(text)
        shown = "=" + m.group(2).decode("utf-8", "replace") if m and m.group(2) else None
        raise IngestError(formula_problem(m.group(1).decode() if m else None), file=path, sheet=sheet,
                          value=shown)
    found = _CELL.findall(text)
    if found:
        extent[1] = max(extent[1], max(_column_number(c) for c, _ in found))
        extent[0] = max(extent[0], max(int(r) for _, r in found))
    extent[0] = max(extent[0], max((int(r) for r in _ROW.findall(text)), default=0))
    _check_extent(extent[0], extent[1], path, sheet, declared=False)


def _check_extent(rows: int, cols: int, path: Path, sheet: str, *, declared: bool) -> None:
    how = "declares" if declared else "has cells out to"
    if cols > MAX_COLUMNS or rows > MAX_ROWS or rows * cols > MAX_CELLS:
        raise IngestError(f"the sheet {how} {rows:,} rows by {cols:,} columns, more than the limits "
                          f"({MAX_ROWS:,} rows, {MAX_COLUMNS} columns, {MAX_CELLS:,} cells)",
                          file=path, sheet=sheet)


def check_workbook(path: Path) -> None:
    """Refuse a workbook whose expansion, sheet extent, error cells or formulas the readers would
    mishandle."""
    check_size(path)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return  # not a zip: the reader says so in its own words
    with zf:
        unzipped = sum(i.file_size for i in zf.infolist())
        if unzipped > MAX_UNZIPPED_BYTES:
            raise IngestError(f"the workbook expands to {unzipped:,} bytes, more than the limit of "
                              f"{MAX_UNZIPPED_BYTES:,} (a decompression bomb?)", file=path)
        try:
            if path.suffix.lower() == ".ods":
                scan_ods(zf, path, lambda rows, cols, p, sheet: _check_extent(rows, cols, p, sheet,
                                                                               declared=False))
            elif path.suffix.lower() in (".xlsx", ".xlsm"):
                for part, name in _sheet_parts(zf).items():
                    if part in zf.namelist():
                        _scan_sheet(zf, part, path, name)
        except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
            raise IngestError(f"cannot be read as {path.suffix.lower()[1:]} (truncated or not a "
                              f"workbook?): {exc}", file=path) from None
