"""Turn published cell text into counts, with every marker given an explicit meaning.

The rules (shared/domain.md 5.3): an integer 0 is a true zero; ``:`` and blank are "not
available"; the not-applicable family (NA, N/A, N/A - Offence code expired, ...) is "not
applicable"; "N/A - data not provided" means the force did not supply the count, which is
flagged and never read as zero; UK statistical markers ``[x]``/``[z]``/``[c]``/``[u1]`` keep
their meaning. Anything else that is not a whole number is an error.
"""

from __future__ import annotations

import re
from datetime import date

import polars as pl

from db.schema import LOW_RELIABILITY, NOT_APPLICABLE, NOT_AVAILABLE, NOT_PROVIDED, SUPPRESSED
from ingest.errors import IngestError
from metrics.periods import PeriodError, fy_label, parse_fy

MAX_COUNT = 2**31 - 1
"""The largest count either database stores (PostgreSQL's integer); SQLite would take more, and
the two backends must accept the same files."""
FIRST_YEAR = 2000
"""The earliest financial year a published file may hold (recorded crime by force starts 2002-03)."""
OFFENCE_CODE = re.compile(r"\d{1,3}[A-Z]{0,2}")
"""Home Office offence codes: a number and up to two letters ('19C', '21', '88E', '105A')."""


def count_exprs(col: str) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(count as Int64, missing_reason, is_bad) expressions for a text column."""
    v = pl.col(col).str.strip_chars().str.to_lowercase()
    reason = (
        pl.when(v.is_null() | (v == "") | (v == ":") | (v == ".."))
        .then(pl.lit(NOT_AVAILABLE))
        .when(v.str.contains("data not provided"))
        .then(pl.lit(NOT_PROVIDED))
        .when(v.str.contains(r"^(n/?a\b|not applicable|\[z\])"))
        .then(pl.lit(NOT_APPLICABLE))
        .when(v == "[x]")
        .then(pl.lit(NOT_AVAILABLE))
        .when(v == "[c]")
        .then(pl.lit(SUPPRESSED))
        .when(v.str.contains(r"^\[u\d*\]$"))
        .then(pl.lit(LOW_RELIABILITY))
        .otherwise(pl.lit(None, dtype=pl.String))
    )
    digits = v.str.replace_all(",", "").str.extract(r"^([+-]?\d{1,10})(?:\.0*)?$", 1)
    number = digits.cast(pl.Int64, strict=False)
    bad = reason.is_null() & (number.is_null() | (number.abs() > MAX_COUNT))
    count = pl.when(reason.is_null() & ~bad).then(number).otherwise(None)
    return count, reason, bad


def parse_counts(frame: pl.DataFrame, col: str, *, label: str, file, sheet) -> pl.DataFrame:
    """Add ``{col}_count`` and ``{col}_reason``; raise on the first cell that is not a count."""
    count, reason, bad = count_exprs(col)
    out = frame.with_columns(count.alias(f"{col}_count"), reason.alias(f"{col}_reason"),
                             bad.alias("_bad"))
    first = out.filter(pl.col("_bad")).head(1)
    if first.height:
        raise IngestError(
            f"not a whole number from -{MAX_COUNT:,} to {MAX_COUNT:,} or a known marker (a count must "
            "be a whole number, ':', blank, N/A or a marker such as [x])",
            file=file, sheet=sheet, row=first["_row"][0], column=label, value=first[col][0])
    return out.drop("_bad")


def parse_year(text: str) -> int | None:
    """'2024/25', '2024-25', '2024_25', '2024/2025', '2024 to 2025' -> 2024; else None.

    The spellings are ``metrics.periods.parse_fy``'s; this only turns its error into None.
    """
    try:
        return parse_fy(text)
    except PeriodError:
        return None


def parse_quarter(text: str) -> int | None:
    m = re.fullmatch(r"\s*(?:q(?:uarter)?\s*)?(\d+)(?:\.0+)?\s*", str(text or ""), flags=re.I)
    return int(m.group(1)) if m else None


def clean_code(text: str | None) -> str | None:
    """Offence codes: '21.0' (a number cell) -> '21'; upper case, no spaces."""
    if text is None:
        return None
    code = str(text).strip().upper().replace(" ", "")
    code = re.sub(r"\.0+$", "", code)
    return code or None


def last_year() -> int:
    """The latest plausible financial year: the one after the current calendar year's."""
    return date.today().year + 1


def year_problem(fy: int) -> str | None:
    """Why a financial year is implausible for published data, or None. The one rule for every loader."""
    if FIRST_YEAR <= fy <= last_year():
        return None
    return (f"the financial year {fy_label(fy)} is outside the years a published file can hold "
            f"({fy_label(FIRST_YEAR)} to {fy_label(last_year())})")
