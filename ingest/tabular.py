"""Read a published table (xlsx, ods or csv) into string columns named by field.

Everything is read as text so that nothing is coerced behind our back (an integer 0 stays "0",
a ``:`` stays ``:``); ``values`` turns text into counts with explicit rules. Each row keeps its
1-based row number in the file (``_row``) so an error can point at it.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ingest import files
from ingest.errors import IngestError
from ingest.headers import HeaderSpec, map_header, match_header
from ingest.values import parse_year

SKIP_SHEET = re.compile(r"cover|note|content|readme|read me|metadata|introduction|guide", re.I)
HEADER_SEARCH_ROWS = 30
SPREADSHEETS = {".xlsx": "xlsx", ".xlsm": "xlsx", ".ods": "ods"}


@dataclass
class Sheet:
    file: Path
    name: str | None  # None for a CSV file
    data: pl.DataFrame  # one String column per field, plus ``_row`` (1-based row in the file)
    sheet_fy: int | None  # the financial year the sheet name states, if it does


def sheet_year(name: str) -> int | None:
    """The financial year a sheet name states ('2024-25', '2024_25', ...), else None."""
    return parse_year(name)


def _raw_sheets(path: Path) -> dict[str | None, pl.DataFrame]:
    """Every sheet as string columns. The readers get the bytes, never the name: Polars reads a
    name holding ``[]`` or ``*`` as a glob."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        text = files.read_text(path)
        _check_csv_shape(path, text)
        try:
            frame = pl.read_csv(io.BytesIO(text.encode("utf-8")), has_header=False, infer_schema=False,
                                truncate_ragged_lines=False, raise_if_empty=False)
        except pl.exceptions.PolarsError as exc:
            raise IngestError(f"cannot be read as CSV: {str(exc).splitlines()[0]}", file=path) from None
        return {None: frame}
    if suffix in SPREADSHEETS:
        files.check_workbook(path)
        reader = pl.read_ods if SPREADSHEETS[suffix] == "ods" else pl.read_excel
        try:
            sheets = reader(io.BytesIO(path.read_bytes()), sheet_id=0, has_header=False,
                            infer_schema_length=0, drop_empty_rows=False, drop_empty_cols=False,
                            raise_if_empty=False)
        except Exception as exc:  # any reader failure means an unreadable file
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise IngestError(
                f"cannot be read as {suffix[1:]} (is the file truncated or not really a "
                f"spreadsheet?): {first[:160]}", file=path) from None
        for name, frame in sheets.items():
            if frame.height > files.MAX_ROWS:
                raise IngestError(f"{frame.height:,} rows, more than the limit of {files.MAX_ROWS:,}",
                                  file=path, sheet=name)
        return dict(sheets)
    raise IngestError(f"unsupported file type '{suffix}': use .xlsx, .ods or .csv", file=path)


def _check_csv_shape(path: Path, text: str) -> None:
    """Every record has the header's number of fields (quoted line breaks are part of a field).

    A short record is a truncated download or a broken export: read with missing fields, it would
    be dropped as 'not a sexual offence' or loaded with empty counts, so it is refused by row."""
    width = None
    try:
        for n, record in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            if n > files.MAX_ROWS:
                raise IngestError(f"more than the limit of {files.MAX_ROWS:,} rows", file=path)
            if not record or not any(c.strip() for c in record):
                continue
            if width is None:
                width = len(record)
            elif len(record) != width:
                last = "; the file looks truncated (download it again)" if n > 1 and _is_last(text, record) else ""
                raise IngestError(f"{len(record)} fields where the first row has {width}{last}",
                                  file=path, row=n, value=",".join(record)[:60])
    except csv.Error as exc:
        raise IngestError(f"not a well-formed CSV ({exc}); the file may be truncated", file=path) from None


def _is_last(text: str, record: list[str]) -> bool:
    tail = text.rstrip("\r\n")
    return bool(record) and tail.endswith(record[-1])


def _cells(frame: pl.DataFrame, i: int) -> list[object]:
    return list(frame.row(i))


def read_table(path: Path, spec: HeaderSpec) -> list[Sheet]:
    """Every data sheet of a published file, with headers mapped to fields."""
    raw = _raw_sheets(path)
    named = {n: f for n, f in raw.items() if n is not None}
    if named:
        fy_sheets = {n: f for n, f in named.items() if sheet_year(n) is not None}
        candidates = fy_sheets or {n: f for n, f in named.items() if not SKIP_SHEET.search(n)}
    else:
        candidates = raw
    sheets = []
    for name, frame in candidates.items():
        header_at = None
        for i in range(min(HEADER_SEARCH_ROWS, frame.height)):
            if match_header(_cells(frame, i), spec):
                header_at = i
                break
        if header_at is None:
            if name is None or sheet_year(name) is not None:
                problem = (f"no header row of {spec.name} found in the first {HEADER_SEARCH_ROWS} "
                           f"rows (looked for '{spec.label('force_name')}' and the other columns)")
                if frame.height == 0:
                    problem = "the sheet has no rows" if name else "the file has no rows"
                raise IngestError(problem, file=path, sheet=name)
            continue
        mapping = map_header(_cells(frame, header_at), spec, file=path, sheet=name, row=header_at + 1)
        cols = frame.columns
        body = frame.slice(header_at + 1).with_row_index("_row", offset=header_at + 2)
        data = body.select(
            pl.col("_row").cast(pl.Int64),
            *[pl.col(cols[i]).str.strip_chars().alias(field) for field, i in mapping.items()],
        )
        field_cols = [c for c in data.columns if c != "_row"]
        data = data.filter(~pl.all_horizontal(pl.col(c).is_null() | (pl.col(c) == "") for c in field_cols))
        if data.height == 0:
            raise IngestError("the header is there but there are no data rows", file=path, sheet=name)
        sheets.append(Sheet(path, name, data, sheet_year(name) if name else None))
    if not sheets:
        listed = ", ".join(f"'{n}'" for n in named) or "none"
        raise IngestError(
            f"no sheet holds {spec.name}: expected sheets named by financial year (like 2024-25 "
            f"or 2024_25) with a '{spec.label('force_name')}' header; the sheets are {listed}",
            file=path)
    return sheets
