"""From force x quarter rows to period x area cells: the framing the metric table and the outcome
mix share, so both cut periods and choose areas by the same rule.

Periods: a quarter, a financial year (only years wholly inside the span), a rolling 12 months
(only whole windows) or the whole span. Areas: England and Wales as one area, or each force.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from db.reference import NATIONAL_CODE, NATIONAL_NAME
from metrics.periods import (
    add_quarters,
    financial_year,
    fy_label,
    fy_of,
    quarter_label,
    quarters_between,
    year_ending,
)

KEYS = ["period", "period_end", "area_code", "area_name"]


def attach_periods(frame: pl.DataFrame, grain: str, first_quarter: int, last_quarter: int) -> pl.DataFrame:
    """Add period label, period_end and nq (quarters in the period) to rows with a ``quarter``.

    A year grain keeps only financial years wholly inside the span; a rolling grain gives the
    12 months ending each quarter, again only windows wholly inside the span.
    """
    q = pl.col("quarter")
    if grain == "quarter":
        labels = {x: quarter_label(x) for x in quarters_between(first_quarter, last_quarter)}
        return frame.with_columns(period=q.replace_strict(labels, default=None), period_end=q, nq=pl.lit(1))
    if grain == "year":
        complete = [fy for fy in range(fy_of(first_quarter), fy_of(last_quarter) + 1)
                    if fy * 10 + 1 >= first_quarter and fy * 10 + 4 <= last_quarter]
        return (frame.filter((q // 10).is_in(complete))
                .with_columns(period=(q // 10).replace_strict({fy: fy_label(fy) for fy in complete},
                                                               default=None),
                              period_end=(q // 10) * 10 + 4, nq=pl.lit(4)))
    if grain == "rolling":
        # each quarter counts in the four 12-month windows that hold it; only whole windows
        ends = {e: year_ending(e).label for e in quarters_between(add_quarters(first_quarter, 3), last_quarter)}
        index = (q // 10) * 4 + q % 10 - 1 + pl.int_ranges(0, 4)
        return (frame.with_columns(period_end=index).explode("period_end")
                .with_columns(period_end=(pl.col("period_end") // 4) * 10 + pl.col("period_end") % 4 + 1)
                .filter(pl.col("period_end").is_in(list(ends)))
                .with_columns(period=pl.col("period_end").replace_strict(ends, default=None), nq=pl.lit(4)))
    label = span_label(first_quarter, last_quarter)
    return frame.with_columns(period=pl.lit(label), period_end=pl.lit(last_quarter, pl.Int64),
                              nq=pl.lit(len(quarters_between(first_quarter, last_quarter))))


def first_quarter_of(grain: str, span: tuple[int, int]) -> pl.Expr:
    """The first quarter of each row's period, from its ``period_end`` (as ``attach_periods`` cuts them)."""
    end = pl.col("period_end")
    if grain == "quarter":
        return end
    if grain == "year":
        return (end // 10) * 10 + 1
    if grain == "rolling":
        index = (end // 10) * 4 + end % 10 - 1 - 3
        return (index // 4) * 10 + index % 4 + 1
    return pl.lit(span[0], pl.Int64)


def span_label(first_quarter: int, last_quarter: int) -> str:
    """The words the pages use for a span: '2024-25', '12 months to Sep 2026' or 'Q to Q'."""
    if first_quarter % 10 == 1 and last_quarter == first_quarter + 3:
        return financial_year(fy_of(first_quarter)).token
    if add_quarters(first_quarter, 3) == last_quarter:
        return year_ending(last_quarter).label
    if first_quarter == last_quarter:
        return quarter_label(first_quarter)
    return f"{quarter_label(first_quarter)} to {quarter_label(last_quarter)}"


def select_areas(frame: pl.DataFrame, area: str, forces: pl.DataFrame, *, include_btp: bool) -> pl.DataFrame:
    """England and Wales as one area ('national'), or each force ('all' or one code) as itself.

    British Transport Police counts towards England and Wales except in rates per head. Rows
    with no ``force_code`` were already summed over England and Wales by the database (the
    national histogram of days behind a median): for 'national' they are labelled as they are.
    """
    if area == "national" and "force_code" not in frame.columns:
        return frame.with_columns(area_code=pl.lit(NATIONAL_CODE), area_name=pl.lit(NATIONAL_NAME))
    if "force_code" not in frame.columns:
        raise ValueError(f"rows summed over England and Wales cannot be cut to area '{area}'")
    names = dict(zip(forces["code"], forces["name"], strict=True))
    members = set(forces.filter(pl.col("territorial"))["code"]) | ({"BTP"} if include_btp else set())
    if area == "national":
        return frame.filter(pl.col("force_code").is_in(members)).with_columns(
            area_code=pl.lit(NATIONAL_CODE), area_name=pl.lit(NATIONAL_NAME))
    chosen = frame.filter(pl.col("force_code").is_in(members) if area == "all" else pl.col("force_code") == area)
    return chosen.with_columns(area_code=pl.col("force_code"),
                               area_name=pl.col("force_code").replace_strict(names, default=None))


@dataclass(frozen=True)
class Framing:
    """One request's framing: which forces exist, whether BTP counts, the grain and the span."""

    forces: pl.DataFrame
    include_btp: bool
    grain: str
    span: tuple[int, int]

    def frame(self, rows: pl.DataFrame, scope: str) -> pl.DataFrame:
        """``rows`` (force x quarter) cut to the areas of ``scope`` and labelled with periods."""
        return attach_periods(select_areas(rows, scope, self.forces, include_btp=self.include_btp),
                              self.grain, *self.span)

    def grid(self, scope: str, codes: list[str] | None = None) -> pl.DataFrame:
        """Every period x area cell of ``scope`` (with ``nq``), whether or not any row falls in it."""
        codes = list(self.forces["code"]) if codes is None else codes
        quarters = pl.DataFrame({"quarter": quarters_between(*self.span)}, schema={"quarter": pl.Int64})
        rows = quarters.join(pl.DataFrame({"force_code": codes}, schema={"force_code": pl.String}), how="cross")
        return self.frame(rows, scope).select(*KEYS, "nq").unique()
