"""One tidy table per metric: period x area x metric with interval and disclosure flag.

This is what every chart, table, download and ``rasso export`` shows, so the rules
(which forces make up England and Wales, complete years only, intervals, suppression) are
applied here once.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from sqlalchemy import Engine

from metrics import registry as reg
from metrics.disclosure import apply_disclosure
from metrics.offence_groups import offence_group as get_offence_group
from metrics.periods import fy_label, fy_of, quarter_label, quarters_between
from metrics.stats import add_intervals, median_interval
from queries import sql

NATIONAL_CODE = "K04000001"
NATIONAL_NAME = "England and Wales"
GRAINS = ("quarter", "year", "period")
TIERS = ("public", "restricted")

COLUMNS = ["period", "period_end", "area_code", "area_name", "metric", "numerator",
           "denominator", "value", "lower", "upper", "flag", "release"]


class QueryError(ValueError):
    """A request the data cannot answer, worded for a user."""


def _period_keys(frame: pl.DataFrame, grain: str, first_quarter: int, last_quarter: int) -> pl.DataFrame:
    """Attach period label and period_end; a year grain keeps only complete financial years."""
    q = pl.col("quarter")
    if grain == "quarter":
        labels = {x: quarter_label(x) for x in quarters_between(first_quarter, last_quarter)}
        return frame.with_columns(period=q.replace_strict(labels, default=None), period_end=q)
    if grain == "year":
        complete = [fy for fy in range(fy_of(first_quarter), fy_of(last_quarter) + 1)
                    if fy * 10 + 1 >= first_quarter and fy * 10 + 4 <= last_quarter]
        return (frame.filter((q // 10).is_in(complete))
                .with_columns(period=(q // 10).replace_strict({fy: fy_label(fy) for fy in complete},
                                                               default=None),
                              period_end=(q // 10) * 10 + 4))
    if grain == "period":
        label = (quarter_label(first_quarter) if first_quarter == last_quarter
                 else f"{quarter_label(first_quarter)} to {quarter_label(last_quarter)}")
        return frame.with_columns(period=pl.lit(label), period_end=pl.lit(last_quarter, pl.Int64))
    raise QueryError(f"Unknown grain '{grain}'. Choose one of: {', '.join(GRAINS)}")


def _areas(frame: pl.DataFrame, area: str, forces: pl.DataFrame, *, include_btp: bool) -> pl.DataFrame:
    """Select or sum the forces that make up the requested area(s)."""
    names = dict(zip(forces["code"], forces["name"], strict=True))
    territorial = set(forces.filter(pl.col("territorial"))["code"])
    if area == "national":
        members = territorial | ({"BTP"} if include_btp else set())
        return frame.filter(pl.col("force_code").is_in(members)).with_columns(
            area_code=pl.lit(NATIONAL_CODE), area_name=pl.lit(NATIONAL_NAME))
    if area == "all":
        chosen = frame.filter(pl.col("force_code").is_in(territorial))
    elif area in names:
        chosen = frame.filter(pl.col("force_code") == area)
    else:
        raise QueryError(f"Unknown force '{area}'. Use an ONS police force area code such as "
                         f"E23000036, 'BTP', 'national' or 'all'.")
    return chosen.with_columns(area_code=pl.col("force_code"),
                               area_name=pl.col("force_code").replace_strict(names, default=None))


def _sum_to_periods(frame: pl.DataFrame) -> pl.DataFrame:
    aggs = [pl.col("numerator").sum()]
    if "denominator" in frame.columns:
        aggs.append(pl.col("denominator").sum())
    if "missing" in frame.columns:
        aggs.append(pl.col("missing").sum())
    return frame.group_by("period", "period_end", "area_code", "area_name").agg(aggs)


def _medians(hist: pl.DataFrame) -> pl.DataFrame:
    rows = []
    for key, part in hist.group_by("period", "period_end", "area_code", "area_name"):
        values = np.repeat(part["days"].to_numpy(), part["n"].to_numpy())
        median, lower, upper = median_interval(values)
        rows.append((*key, float(values.size), median, lower, upper))
    return pl.DataFrame(rows, orient="row", schema={
        "period": pl.String, "period_end": pl.Int64, "area_code": pl.String, "area_name": pl.String,
        "denominator": pl.Float64, "value": pl.Float64, "lower": pl.Float64, "upper": pl.Float64})


def _all_cells(frame: pl.DataFrame, grain: str, area: str, forces: pl.DataFrame,
               first_quarter: int, last_quarter: int) -> pl.DataFrame:
    """Every period x area that should appear, so an empty cell is shown as zero, not dropped."""
    quarters = pl.DataFrame({"quarter": quarters_between(first_quarter, last_quarter)}, schema={"quarter": pl.Int64})
    codes = (forces.filter(pl.col("territorial"))["code"].to_list() if area in ("all", "national")
             else [area])
    grid = quarters.join(pl.DataFrame({"force_code": codes}), how="cross")
    grid = _areas(grid, area, forces, include_btp=False)
    grid = _period_keys(grid, grain, first_quarter, last_quarter)
    return grid.select("period", "period_end", "area_code", "area_name").unique()


def metric_table(
    engine: Engine,
    *,
    release_id: int,
    metric_id: str,
    offence_group: str = "adult_rape",
    area: str = "national",
    first_quarter: int,
    last_quarter: int,
    grain: str = "quarter",
    tier: str = "public",
    threshold: int | None = None,
) -> pl.DataFrame:
    """The tidy table for one metric (see ``COLUMNS``), with intervals and disclosure applied."""
    m = reg.metric(metric_id)
    group = get_offence_group(offence_group)
    if tier not in TIERS:
        raise QueryError(f"Unknown tier '{tier}'. Choose public or restricted.")
    if grain not in GRAINS:
        raise QueryError(f"Unknown grain '{grain}'. Choose one of: {', '.join(GRAINS)}")
    if first_quarter > last_quarter:
        raise QueryError("The start of the period is after its end.")
    window = {"release_id": release_id, "first_quarter": first_quarter, "last_quarter": last_quarter}

    with engine.connect() as conn:
        forces = sql.force_list(conn)
        if m.kind in (reg.RECORDED_COUNT, reg.RECORDED_RATE):
            base = sql.recorded_counts(conn, group=group, **window)
        elif m.kind == reg.OUTCOME_SHARE:
            base = sql.outcome_share_counts(conn, group=group, basis=m.basis,
                                            numerator_types=m.numerator_types,
                                            denominator_types=m.denominator_types, **window)
        elif m.kind == reg.INDICATOR:
            base = sql.indicator_counts(conn, indicator=m.id, **window)
        elif m.kind == reg.MEDIAN_DAYS:
            base = sql.days_histogram(conn, group=group, outcome_type=m.outcome_type,
                                      by_force=area not in ("national",), **window)
            if area == "national":
                base = base.with_columns(force_code=pl.lit("E23000001"))  # any territorial code
        else:  # pragma: no cover - registry and dispatch are kept in step by tests
            raise QueryError(f"Metric kind '{m.kind}' has no query")
        population = sql.latest_population(conn) if m.kind == reg.RECORDED_RATE else None

    include_btp = m.kind != reg.RECORDED_RATE
    framed = _period_keys(_areas(base, area, forces, include_btp=include_btp), grain,
                          first_quarter, last_quarter)

    if m.kind == reg.MEDIAN_DAYS:
        table = _medians(framed).with_columns(numerator=pl.lit(None, pl.Float64))
    else:
        if m.kind == reg.RECORDED_RATE:
            pop = _areas(population, area, forces, include_btp=False).group_by("area_code").agg(
                pl.col("population").sum())
            n_quarters = framed.group_by("period", "area_code").agg(pl.col("quarter").n_unique().alias("nq"))
        table = _sum_to_periods(framed)
        if m.kind == reg.RECORDED_COUNT:
            table = table.with_columns(denominator=pl.lit(None, pl.Float64))
        if m.kind == reg.RECORDED_RATE:
            # population-years: a quarter is a quarter of a year's exposure
            table = (table.join(n_quarters, on=["period", "area_code"], how="left")
                     .join(pop, on="area_code", how="left")
                     .with_columns(denominator=pl.col("population") * pl.col("nq") / 4)
                     .drop("population", "nq"))
        unit = m.unit
        table = add_intervals(table, unit)

    cells = _all_cells(base, grain, area, forces, first_quarter, last_quarter) if area != "BTP" else None
    if cells is not None and m.kind in (reg.RECORDED_COUNT, reg.OUTCOME_SHARE, reg.RECORDED_RATE):
        table = cells.join(table, on=["period", "period_end", "area_code", "area_name"], how="left")
        table = table.with_columns(pl.col("numerator").fill_null(0.0))
        if m.kind == reg.RECORDED_COUNT:
            table = add_intervals(table.drop("value", "lower", "upper"), m.unit)

    partial = table.select("period", "area_code", "missing") if "missing" in table.columns else None
    table = _flag_not_applicable(table.drop("missing", strict=False), m, area)
    table = apply_disclosure(
        table, tier=tier, threshold=threshold, min_denominator=m.min_denominator,
        group_by=["period"] if area == "all" else None, unit=m.unit,
    )
    table = _flag_partial(table, partial)
    return (table.with_columns(metric=pl.lit(m.id), release=pl.lit(release_id, pl.Int64))
            .select(COLUMNS).sort("period_end", "area_code"))


def _flag_not_applicable(table: pl.DataFrame, m: reg.Metric, area: str) -> pl.DataFrame:
    """[z] where a measure does not apply: British Transport Police has no resident population."""
    flag = "[z]" if m.kind == reg.RECORDED_RATE and area == "BTP" else ""
    return table.with_columns(flag=pl.lit(flag))


def _flag_partial(table: pl.DataFrame, partial: pl.DataFrame | None) -> pl.DataFrame:
    """[u] on a shown value that sums cells the source marked 'data not provided': understated."""
    if partial is None:
        return table
    keys = ["period", "area_code"]
    return (table.join(partial, on=keys, how="left")
            .with_columns(flag=pl.when((pl.col("flag") == "") & (pl.col("missing").fill_null(0) > 0))
                          .then(pl.lit("[u]")).otherwise(pl.col("flag")))
            .drop("missing"))
