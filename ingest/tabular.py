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
    suffix = path.suffix.lower()
    if path.stat().st_size == 0:
        raise IngestError("the file is empty (0 bytes)", file=path)
    if suffix == ".csv":
        _check_csv_complete(path)
        try:
            frame = pl.read_csv(path, has_header=False, infer_schema=False, encoding="utf8-lossy",
                                truncate_ragged_lines=False, raise_if_empty=False)
        except pl.exceptions.PolarsError as exc:
            raise IngestError(f"cannot be read as CSV: {str(exc).splitlines()[0]}", file=path) from None
        return {None: frame}
    if suffix in SPREADSHEETS:
        reader = pl.read_ods if SPREADSHEETS[suffix] == "ods" else pl.read_excel
        try:
            sheets = reader(path, sheet_id=0, has_header=False, infer_schema_length=0,
                            drop_empty_rows=False, drop_empty_cols=False, raise_if_empty=False)
        except Exception as exc:  # any reader failure means an unreadable file
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise IngestError(
                f"cannot be read as {suffix[1:]} (is the file truncated or not really a "
                f"spreadsheet?): {first[:160]}", file=path) from None
        return dict(sheets)
    raise IngestError(f"unsupported file type '{suffix}': use .xlsx, .ods or .csv", file=path)


def _check_csv_complete(path: Path) -> None:
    """A CSV cut off mid-row (an interrupted download) must not load as if it were whole."""
    with open(path, "rb") as fh:
        head = fh.readline()
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 65536))
        tail = fh.read()
    lines = [ln for ln in tail.decode("utf-8", "replace").splitlines() if ln.strip()]
    if not lines or head.strip() == tail.strip():
        return
    n_head = len(next(csv.reader(io.StringIO(head.decode("utf-8", "replace")))))
    last = next(csv.reader(io.StringIO(lines[-1])), [])
    if len(last) < n_head:
        raise IngestError(
            f"the last line has {len(last)} of {n_head} fields: the file looks truncated "
            "(download it again)", file=path, value=lines[-1][:60])


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
