"""One tidy table per metric: period x area x metric with interval and disclosure flag.

This is what every chart, table, download and ``rasso export`` shows, so the rules
(which forces make up England and Wales, complete years only, intervals, suppression) are
applied here once.

Disclosure control is worked out on every force of a period at once, whatever was asked for:
a single force's view is cut from the all-forces table, so the cell hidden to protect another
force's small count is hidden in every view that shows it. In quarterly views the quarters of a
financial year are protected too (whole years are read so the pattern never depends on the
span asked for), so a year's total cannot give back one hidden quarter.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from sqlalchemy import Engine

from db.reference import NATIONAL_CODE, NATIONAL_NAME
from metrics import registry as reg
from metrics.disclosure import apply_disclosure
from metrics.offence_groups import OFFENCE_GROUPS
from metrics.offence_groups import offence_group as get_offence_group
from metrics.periods import (
    add_quarters,
    financial_year,
    fy_label,
    fy_of,
    quarter_label,
    quarters_between,
    year_ending,
)
from metrics.stats import add_intervals, median_interval
from queries import sql
from queries.arguments import check_area, check_window

KEYS = ["period", "period_end", "area_code", "area_name"]

COLUMNS = ["period", "period_end", "area_code", "area_name", "metric", "numerator",
           "denominator", "value", "lower", "upper", "flag", "release"]


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

    British Transport Police counts towards England and Wales except in rates per head.
    """
    names = dict(zip(forces["code"], forces["name"], strict=True))
    members = set(forces.filter(pl.col("territorial"))["code"]) | ({"BTP"} if include_btp else set())
    if area == "national":
        return frame.filter(pl.col("force_code").is_in(members)).with_columns(
            area_code=pl.lit(NATIONAL_CODE), area_name=pl.lit(NATIONAL_NAME))
    chosen = frame.filter(pl.col("force_code").is_in(members) if area == "all" else pl.col("force_code") == area)
    return chosen.with_columns(area_code=pl.col("force_code"),
                               area_name=pl.col("force_code").replace_strict(names, default=None))


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema={"period": pl.String, "period_end": pl.Int64, "area_code": pl.String,
                                "area_name": pl.String, "metric": pl.String, "numerator": pl.Float64,
                                "denominator": pl.Float64, "value": pl.Float64, "lower": pl.Float64,
                                "upper": pl.Float64, "flag": pl.String, "release": pl.Int64})


def _medians(hist: pl.DataFrame) -> pl.DataFrame:
    rows = []
    for key, part in hist.group_by(*KEYS):
        values = np.repeat(part["days"].to_numpy(), part["n"].to_numpy())
        median, lower, upper = median_interval(values)
        rows.append((*key, float(values.size), median, lower, upper))
    return pl.DataFrame(rows, orient="row", schema={
        "period": pl.String, "period_end": pl.Int64, "area_code": pl.String, "area_name": pl.String,
        "denominator": pl.Float64, "value": pl.Float64, "lower": pl.Float64, "upper": pl.Float64})


def _read(conn, m: reg.Metric, group, *, release_id: int, lo: int, hi: int, national: bool) -> pl.DataFrame:
    window = {"release_id": release_id, "first_quarter": lo, "last_quarter": hi}
    if m.kind in (reg.RECORDED_COUNT, reg.RECORDED_RATE):
        return sql.recorded_counts(conn, group=group, **window)
    if m.kind == reg.OUTCOME_SHARE:
        return sql.outcome_share_counts(conn, group=group, basis=m.basis, numerator_types=m.numerator_types,
                                        denominator_types=m.denominator_types, **window)
    if m.kind == reg.INDICATOR:
        return sql.indicator_counts(conn, indicator=m.id, **window)
    hist = sql.days_histogram(conn, group=group, outcome_type=m.outcome_type, by_force=not national, **window)
    return hist.with_columns(force_code=pl.lit("E23000001")) if national else hist  # any member code


def _held(conn, m: reg.Metric, release_id: int) -> tuple[int | None, int | None]:
    basis = m.basis if m.kind == reg.OUTCOME_SHARE else None
    return sql.held_quarters(conn, release_id=release_id, kind=reg.source_needed(m), basis=basis)


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
    """The tidy table for one metric (see ``COLUMNS``), with intervals and disclosure applied.

    ``area``: 'national' (England and Wales), 'all' (each of the 43 territorial forces) or one
    force code. Periods the release holds no data for are left out; inside them an empty cell
    is a true zero.
    """
    m = reg.metric(metric_id)
    group = get_offence_group(offence_group)
    check_window(tier=tier, grain=grain, first_quarter=first_quarter, last_quarter=last_quarter)
    national = area == "national"
    include_btp = m.kind != reg.RECORDED_RATE
    # Additive measures shown by force are suppressed together for every offence group, so no
    # group's hidden cell comes back by subtracting one group from another (rape - adult rape).
    linked = tier == "public" and not national and m.kind in LINKED_KINDS

    with engine.connect() as conn:
        forces = sql.force_list(conn)
        check_area(area, forces["code"])
        held_lo, held_hi = _held(conn, m, release_id)
        if held_lo is None:
            return _empty()
        lo, hi = first_quarter, last_quarter
        if grain == "quarter" and not national:
            lo, hi = fy_of(lo) * 10 + 1, fy_of(hi) * 10 + 4
        lo, hi = max(lo, held_lo), min(hi, held_hi)
        if lo > hi:
            return _empty()
        base = _read(conn, m, None if linked else group, release_id=release_id, lo=lo, hi=hi, national=national)
        population = sql.latest_population(conn) if m.kind == reg.RECORDED_RATE else None

    scope = "national" if national else "all"
    span = (lo, hi) if grain != "period" else (max(first_quarter, lo), min(last_quarter, hi))

    if linked:
        table = _linked_cells(base, m, forces, include_btp, population, grain, span)
        group_by = [["offence_group", "period"], ["area_code", "period", "_b1"], ["area_code", "period", "_b2"]]
    else:
        framed = attach_periods(select_areas(base, scope, forces, include_btp=include_btp), grain, *span)
        if m.kind == reg.MEDIAN_DAYS:
            table = _medians(framed).with_columns(numerator=pl.lit(None, pl.Float64), flag=pl.lit(""))
        else:
            table = _totals(framed, m, forces, scope, include_btp, population, grain, span)
        table = table.with_columns(offence_group=pl.lit(group.id))
        group_by = [["period"]] if not national and m.kind != reg.MEDIAN_DAYS else []
    if group_by and grain == "quarter":
        table = table.with_columns(_fy=pl.col("period_end") // 10)
        group_by.append(["offence_group", "area_code", "_fy"])

    keys = ["offence_group", "period", "area_code"]
    partial = table.select(*keys, "missing") if "missing" in table.columns else None
    # a fixed row order makes the complement cells the same on every backend and every run
    table = table.sort("offence_group", "period_end", "area_code")
    # secondary cells are taken from the totals (all rape, all sexual offences) before their parts
    table = apply_disclosure(table.drop("missing", strict=False), tier=tier, threshold=threshold,
                             min_denominator=m.min_denominator, group_by=group_by or None, unit=m.unit,
                             hide_first="_total" if linked else None)
    table = _flag_partial(table, partial, keys).filter(pl.col("offence_group") == group.id)
    if area == "BTP" and m.kind == reg.RECORDED_RATE:
        table = _btp_rate_row(table, forces, grain, span)

    if area not in ("national", "all"):
        table = table.filter(pl.col("area_code") == area)
    elif area == "all":
        table = table.filter(pl.col("area_code").is_in(list(forces.filter(pl.col("territorial"))["code"])))
    table = table.filter(pl.col("period_end").is_between(first_quarter, last_quarter))
    return (table.with_columns(metric=pl.lit(m.id), release=pl.lit(release_id, pl.Int64))
            .select(COLUMNS).sort("period_end", "area_code"))


LINKED_KINDS = (reg.RECORDED_COUNT, reg.RECORDED_RATE, reg.OUTCOME_SHARE)
_RAPE = {"adult_rape": "rape", "child_rape": "rape", "rape": "rape"}  # _b1: all rape and its parts
_ALL = {"rape": "all", "other_sexual": "all", "all_sexual": "all"}  # _b2: the parts of all sexual offences


def _linked_cells(leaves: pl.DataFrame, m: reg.Metric, forces: pl.DataFrame, include_btp: bool,
                  population: pl.DataFrame | None, grain: str, span: tuple[int, int]) -> pl.DataFrame:
    """Every offence group's cells, by force and for England and Wales, in one frame.

    ``_b1`` and ``_b2`` put each total beside its parts (adult + child = all rape; all rape +
    other = all sexual offences), so secondary suppression sees those sums as it sees forces
    adding up to England and Wales.
    """
    sums = [c for c in ("numerator", "denominator", "missing") if c in leaves.columns]
    frames = []
    for gid, g in OFFENCE_GROUPS.items():
        chosen = leaves
        if g.subgroup is not None:
            chosen = chosen.filter(pl.col("subgroup") == g.subgroup)
        if g.age_band is not None:
            chosen = chosen.filter(pl.col("age_band") == g.age_band)
        part = chosen.group_by("force_code", "quarter").agg(pl.col(sums).sum())
        for scope in ("all", "national"):
            framed = attach_periods(select_areas(part, scope, forces, include_btp=include_btp), grain, *span)
            frames.append(_totals(framed, m, forces, scope, include_btp, population, grain, span)
                          .with_columns(offence_group=pl.lit(gid)))
    cells = pl.concat(frames, how="diagonal_relaxed")
    return cells.with_columns(_b1=pl.col("offence_group").replace(_RAPE),
                              _b2=pl.col("offence_group").replace(_ALL),
                              _total=pl.col("offence_group").is_in(["rape", "all_sexual"]))


def _totals(framed: pl.DataFrame, m: reg.Metric, forces: pl.DataFrame, scope: str, include_btp: bool,
            population: pl.DataFrame | None, grain: str, span: tuple[int, int]) -> pl.DataFrame:
    """Sum numerators and denominators to period x area, zero-fill empty cells, add intervals."""
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
    table = table.drop("_reported")

    if m.kind != reg.INDICATOR:  # a force with no row for a quarter recorded none
        codes = pl.DataFrame({"force_code": list(forces["code"])})
        grid = pl.DataFrame({"quarter": quarters_between(*span)}, schema={"quarter": pl.Int64}).join(codes, how="cross")
        grid = attach_periods(select_areas(grid, scope, forces, include_btp=include_btp), grain, *span)
        cells = grid.select(*KEYS, "nq").unique()
        table = cells.join(table.drop("nq"), on=KEYS, how="left").with_columns(pl.col("numerator").fill_null(0.0))
        if "denominator" in table.columns:
            table = table.with_columns(pl.col("denominator").fill_null(0.0))
    if m.kind == reg.RECORDED_COUNT:
        table = table.with_columns(denominator=pl.lit(None, pl.Float64))
    if m.kind == reg.RECORDED_RATE:
        pop = select_areas(population, scope, forces, include_btp=False).group_by("area_code").agg(
            pl.col("population").sum())
        # a rate per 1,000 residents per year: a quarter is a quarter of a year's exposure
        table = (table.join(pop, on="area_code", how="left")
                 .with_columns(denominator=pl.col("population") * pl.col("nq") / 4).drop("population"))
    return add_intervals(table.drop("nq"), m.unit).with_columns(flag=pl.lit(""))


def _btp_rate_row(table: pl.DataFrame, forces: pl.DataFrame, grain: str, span: tuple[int, int]) -> pl.DataFrame:
    """British Transport Police has no resident population: its rate per head is [z]."""
    grid = pl.DataFrame({"quarter": quarters_between(*span), "force_code": "BTP"})
    rows = attach_periods(select_areas(grid, "BTP", forces, include_btp=True), grain, *span)
    rows = rows.select(*KEYS).unique().with_columns(
        numerator=pl.lit(None, pl.Float64), denominator=pl.lit(None, pl.Float64), value=pl.lit(None, pl.Float64),
        lower=pl.lit(None, pl.Float64), upper=pl.lit(None, pl.Float64), flag=pl.lit("[z]"))
    return pl.concat([table.select(rows.columns), rows], how="vertical_relaxed")


def _flag_partial(table: pl.DataFrame, partial: pl.DataFrame | None, keys: list[str]) -> pl.DataFrame:
    """[u] on a shown value that sums cells the source marked 'data not provided': understated."""
    if partial is None:
        return table
    return (table.join(partial, on=keys, how="left")
            .with_columns(flag=pl.when((pl.col("flag") == "") & (pl.col("missing").fill_null(0) > 0))
                          .then(pl.lit("[u]")).otherwise(pl.col("flag")))
            .drop("missing"))
