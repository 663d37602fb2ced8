"""Period x area cells of one metric: sums, true zeros, denominators, medians and intervals.

The arithmetic step of the metric table (:mod:`queries.metric_table`), kept apart from reading
and protecting so each step can be checked on a small frame without a database.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from metrics import registry as reg
from metrics.stats import add_intervals, median_interval
from queries.framing import KEYS, Framing, select_areas


def medians(hist: pl.DataFrame) -> pl.DataFrame:
    """Median days and its order-statistic interval per cell, from a histogram of days."""
    rows = []
    for key, part in hist.group_by(*KEYS):
        values = np.repeat(part["days"].to_numpy(), part["n"].to_numpy())
        median, lower, upper = median_interval(values)
        rows.append((*key, float(values.size), median, lower, upper))
    return pl.DataFrame(rows, orient="row", schema={
        "period": pl.String, "period_end": pl.Int64, "area_code": pl.String, "area_name": pl.String,
        "denominator": pl.Float64, "value": pl.Float64, "lower": pl.Float64, "upper": pl.Float64})


def totals(framed: pl.DataFrame, m: reg.Metric, framing: Framing, scope: str,
           population: pl.DataFrame | None) -> pl.DataFrame:
    """Sum to period x area, zero-fill empty cells, add denominators and intervals."""
    table = sum_cells(framed, m, framing.forces, scope)
    if m.kind != reg.INDICATOR:  # a force with no row for a quarter recorded none
        table = zero_fill(table, framing.grid(scope))
    table = add_denominator(table, m, framing.forces, scope, population)
    return add_intervals(table.drop("nq"), m.unit).with_columns(flag=pl.lit(""))


def sum_cells(framed: pl.DataFrame, m: reg.Metric, forces: pl.DataFrame, scope: str) -> pl.DataFrame:
    """Numerators and denominators summed to period x area (averaged for end-of-quarter snapshots)."""
    aggs = [pl.col("numerator").sum(), pl.col("nq").first(), pl.col("quarter").n_unique().alias("_reported")]
    if "denominator" in framed.columns:
        aggs.append(pl.col("denominator").sum())
    if "missing" in framed.columns:
        aggs.append(pl.col("missing").sum())
    if m.kind == reg.INDICATOR and scope == "national":
        # England and Wales from force MI is understated unless every territorial force reported
        territorial = forces.filter(pl.col("territorial"))["code"].to_list()
        reported = pl.col("force_code").filter(pl.col("force_code").is_in(territorial)).n_unique()
        aggs.append((pl.lit(len(territorial), pl.Int64) - reported.cast(pl.Int64)).alias("missing"))
    table = framed.group_by(*KEYS).agg(aggs)
    if m.basis == reg.BASIS_SNAPSHOT:
        # end-of-quarter positions are not added up over quarters: a period shows their average
        table = table.with_columns(pl.col("numerator", "denominator") / pl.col("_reported"))
    return table.drop("_reported")


def zero_fill(table: pl.DataFrame, cells: pl.DataFrame) -> pl.DataFrame:
    """Every cell of ``cells`` (period x area with ``nq``); a cell with no row is a true zero."""
    table = cells.join(table.drop("nq"), on=KEYS, how="left").with_columns(pl.col("numerator").fill_null(0.0))
    if "denominator" in table.columns:
        table = table.with_columns(pl.col("denominator").fill_null(0.0))
    return table


def add_denominator(table: pl.DataFrame, m: reg.Metric, forces: pl.DataFrame, scope: str,
                    population: pl.DataFrame | None) -> pl.DataFrame:
    """None for counts; residents x years for rates per head; the counted one otherwise."""
    if m.kind == reg.RECORDED_COUNT:
        return table.with_columns(denominator=pl.lit(None, pl.Float64))
    if m.kind != reg.RECORDED_RATE:
        return table
    pop = select_areas(population, scope, forces, include_btp=False).group_by("area_code").agg(
        pl.col("population").sum())
    # a rate per 1,000 residents per year: a quarter is a quarter of a year's exposure
    return (table.join(pop, on="area_code", how="left")
            .with_columns(denominator=pl.col("population") * pl.col("nq") / 4).drop("population"))
