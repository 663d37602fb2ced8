"""Files that read back: the one path every download and ``rasso export`` writes through.

A file is for a script as much as for a person, so it must load with a plain
``pandas.read_csv(f)`` or ``polars.read_csv(f)``: numbers stay numbers (a hidden cell is empty,
never '[c]' in a number column), the UK statistical symbol sits in its own ``flag`` column, and
what the rows are (period, measure, offence group, basis, release, synthetic or published,
licence, citation) travels with them as columns, an Excel 'Notes' sheet or Parquet key-value
metadata, and in the file name, instead of '#' comment lines a reader chokes on. The screen
keeps its formatted table with symbols in place; only files come from here.
"""

from __future__ import annotations

import io
import json
import re
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import polars as pl

from metrics.dictionary import CSV_COLUMNS
from metrics.disclosure import MARKERS, NOT_APPLICABLE_COLUMNS
from metrics.errors import QueryError

LICENCE = "Open Government Licence v3.0"
SYNTHETIC_STATUS = "SYNTHETIC - not official statistics"
PUBLISHED_STATUS = "published"
FORMATS = ("csv", "parquet", "xlsx")

# Columns that hold numbers in every table a page or the CLI can download.
NUMBER_COLUMNS = ("numerator", "denominator", "value", "lower", "upper", "count", "share")
# What makes a row self-describing, in the order files show them.
DIMENSIONS = ("period", "period_end", "area_code", "area_name", "code", "name", "region",
              "metric", "offence_group", "basis", "ho_group")
METADATA_COLUMNS = ("release", "data_status", "licence", "citation")


@dataclass(frozen=True)
class ExportMeta:
    """What a file's rows are, for its columns, notes and name.

    ``period`` is the period in words for a table without a period column (a funnel plot of one
    period); ``period_token`` is its short form for the file name ('2024-25', 'YE-2026-09').
    ``view`` and ``extra`` name the chart and any other choice behind the rows (a force, a
    setting), so two different downloads never share a file name.
    """

    release_id: int
    synthetic: bool
    citation: str
    view: str = "export"
    metric: str | None = None
    offence_group: str | None = None
    period: str | None = None
    period_token: str | None = None
    basis: str | None = None
    tier: str = "public"
    extra: tuple[str, ...] = ()

    @property
    def data_status(self) -> str:
        return SYNTHETIC_STATUS if self.synthetic else PUBLISHED_STATUS

    def file_name(self, ext: str) -> str:
        """'rasso-overview-trend-charge-rate-adult-rape-ye-2026-09-closed-release-3-synthetic.csv'."""
        view = _slug(self.view)
        # the measure once, even when the view's key already names it ('trend-charge_rate')
        measure = _slug(self.metric) if self.metric and _slug(self.metric) not in view else None
        parts = [view, measure, self.offence_group, self.period_token or self.period,
                 _basis_slug(self.basis), *self.extra,
                 None if self.tier == "public" else self.tier, f"release-{self.release_id}",
                 "synthetic" if self.synthetic else None]
        return f"rasso-{'-'.join(_slug(p) for p in parts if p)}.{ext}"

    def notes(self) -> dict[str, str]:
        """The metadata as key -> text (Excel notes, Parquet key-value metadata)."""
        items = {"title": "RASSO Outcomes Dashboard export", "citation": self.citation,
                 "release": str(self.release_id), "data_status": self.data_status, "licence": LICENCE,
                 "tier": self.tier, "view": self.view, "metric": self.metric, "offence_group": self.offence_group,
                 "period": self.period or self.period_token, "basis": self.basis,
                 "created": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")}
        return {k: v for k, v in items.items() if v}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")[:60]


_BASIS_SLUGS = {"closed": "closed", "recorded in the period": "recorded", "outcomes of offences": "recorded",
                "position at the end": "snapshot"}


def _basis_slug(basis: str | None) -> str | None:
    """A short word for a basis label (file names stay short but still tell bases apart)."""
    if not basis:
        return None
    lowered = basis.lower()
    return next((slug for words, slug in _BASIS_SLUGS.items() if words in lowered), basis)


def export_frame(table: pl.DataFrame, meta: ExportMeta, *, unit: str | None = None) -> pl.DataFrame:
    """The rows as a file holds them: typed numbers, a ``flag`` column, dimensions, metadata.

    ``table`` is what a query returned (hidden numbers already null, their symbol in ``flag``).
    Columns the unit never fills (a count's denominator, a median's numerator; [z] on screen) are
    left out: a column empty from top to bottom has no type a plain reader can infer (polars reads
    it as text), and the data dictionary says why it is absent.
    Dimensions the table lacks (a funnel's period, an overview's offence group) come from
    ``meta``.
    """
    frame = table
    numbers = []
    for col in NUMBER_COLUMNS:
        if col not in frame.columns:
            continue
        dtype = frame.schema[col]
        target = dtype if dtype.is_integer() and col in ("count",) else pl.Float64
        expr = pl.col(col).cast(target, strict=False)
        if dtype.is_float():
            expr = pl.when(pl.col(col).is_nan()).then(None).otherwise(pl.col(col))
        numbers.append(expr.cast(target).alias(col))
    frame = frame.with_columns(numbers).drop(NOT_APPLICABLE_COLUMNS.get(unit, ()), strict=False)
    # no symbol is an empty cell (null), which every reader reads alike; "" would be quoted
    flag = pl.col("flag").cast(pl.String) if "flag" in frame.columns else pl.lit(None, pl.String)
    frame = frame.with_columns(flag=pl.when(flag != "").then(flag))
    given = {"period": meta.period, "metric": meta.metric, "offence_group": meta.offence_group,
             "basis": meta.basis}
    frame = frame.with_columns(pl.lit(v, pl.String).alias(k) for k, v in given.items()
                               if v is not None and k not in frame.columns)
    frame = frame.with_columns(release=pl.lit(meta.release_id, pl.Int64), data_status=pl.lit(meta.data_status),
                               licence=pl.lit(LICENCE), citation=pl.lit(meta.citation))
    first = [c for c in DIMENSIONS if c in frame.columns]
    last = [c for c in METADATA_COLUMNS if c in frame.columns]
    middle = [c for c in frame.columns if c not in first and c not in last]
    return frame.select(*first, *middle, *last)


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """UTF-8 CSV with a plain header row and nothing before it."""
    return frame.write_csv().encode("utf-8")


def dictionary_frame(frame: pl.DataFrame, *, measure: dict | None = None) -> pl.DataFrame:
    """The 'Dictionary' sheet: each column's meaning, the symbols, the measure's definition."""
    rows = [("Columns", col, CSV_COLUMNS.get(col, "")) for col in frame.columns]
    rows += [("Symbols", symbol, meaning) for symbol, meaning in MARKERS.items()]
    rows += [("Measure", k, str(v)) for k, v in (measure or {}).items() if v not in (None, "")]
    return pl.DataFrame(rows, schema={"section": pl.String, "item": pl.String, "text": pl.String}, orient="row")


def citation_frame(meta: ExportMeta) -> pl.DataFrame:
    """The 'Citation' sheet: how to cite the rows, their release, data status and licence."""
    return pl.DataFrame(list(meta.notes().items()), schema={"item": pl.String, "text": pl.String}, orient="row")


def parquet_metadata(frame: pl.DataFrame, meta: ExportMeta, *, measure: dict | None = None) -> dict[str, str]:
    """Key-value metadata of a Parquet file: the citation and notes, and the data dictionary as JSON."""
    dictionary = {"columns": {c: CSV_COLUMNS.get(c, "") for c in frame.columns}, "symbols": dict(MARKERS),
                  "measure": {k: str(v) for k, v in (measure or {}).items() if v not in (None, "")}}
    return {**{f"rasso:{k}": v for k, v in meta.notes().items()}, "rasso:dictionary": json.dumps(dictionary)}


def write_export(frame: pl.DataFrame, fmt: str, output: Path | None, meta: ExportMeta, *,
                 measure: dict | None = None, stdout: IO[str] | None = None) -> None:
    """Write ``frame`` (from :func:`export_frame`) as csv (stdout when no file), parquet or xlsx."""
    if fmt not in FORMATS:
        raise QueryError(f"Unknown format '{fmt}'. Choose one of: {', '.join(FORMATS)}")
    if fmt == "csv" and output is None:
        (stdout or sys.stdout).write(csv_bytes(frame).decode("utf-8"))
        return
    if output is None:
        raise QueryError(f"{fmt} needs an output file")
    Path(output).write_bytes(file_bytes(frame, fmt, meta, measure=measure))


def file_bytes(frame: pl.DataFrame, fmt: str, meta: ExportMeta, *, measure: dict | None = None) -> bytes:
    """The bytes of one download: what the page offers and what ``rasso export`` writes."""
    if fmt == "csv":
        return csv_bytes(frame)
    buffer = io.BytesIO()
    if fmt == "parquet":
        frame.write_parquet(buffer, metadata=parquet_metadata(frame, meta, measure=measure))
    else:
        write_xlsx(frame, buffer, dictionary_frame(frame, measure=measure), citation_frame(meta))
    return buffer.getvalue()


def write_xlsx(frame: pl.DataFrame, output: IO[bytes], dictionary: pl.DataFrame, citation: pl.DataFrame) -> None:
    """A 'data' sheet of real numbers (empty where hidden), a 'Dictionary' and a 'Citation' sheet."""
    from xlsxwriter import Workbook

    with Workbook(output) as book:
        # counts are whole numbers (Excel would show 603.000 with the default float format)
        counts = {c: "#,##0" for c in ("numerator", "denominator", "count")
                  if c in frame.columns and frame.schema[c].is_numeric()}
        frame.write_excel(book, worksheet="data", autofit=True, column_formats=counts)
        dictionary.write_excel(book, worksheet="Dictionary", autofit=True)
        citation.write_excel(book, worksheet="Citation", autofit=True)


def xlsx_bytes(frame: pl.DataFrame, meta: ExportMeta, *, measure: dict | None = None) -> bytes:
    return file_bytes(frame, "xlsx", meta, measure=measure)
