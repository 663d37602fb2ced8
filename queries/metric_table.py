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

from dataclasses import dataclass

import polars as pl
from sqlalchemy import Connection, Engine

from metrics import registry as reg
from metrics.disclosure import apply_disclosure
from metrics.disclosure.planning import links_offence_groups, mark_margins, plan_margins
from metrics.offence_groups import OffenceGroup
from metrics.offence_groups import offence_group as get_offence_group
from metrics.periods import fy_of
from queries import sql
from queries.arguments import check_area, check_window
from queries.cells import linked_cells, medians, totals
from queries.framing import KEYS, Framing

COLUMNS = ["period", "period_end", "area_code", "area_name", "metric", "numerator",
           "denominator", "value", "lower", "upper", "flag", "release"]


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
    is a true zero. The steps: check the request, read the counts, make the cells, protect
    them, cut the view asked for.
    """
    req = Request.of(metric_id, offence_group, area, first_quarter, last_quarter, grain, tier)
    with engine.connect() as conn:
        inputs = read_inputs(conn, req, release_id)
    if inputs is None:
        return empty_table()
    cells = make_cells(inputs, req)
    protected = protect(cells, req, threshold)
    return cut_view(protected, req, inputs.framing, release_id)


@dataclass(frozen=True)
class Request:
    """A checked request: the metric, the offence group, the area and the window asked for."""

    metric: reg.Metric
    group: OffenceGroup
    area: str
    first_quarter: int
    last_quarter: int
    grain: str
    tier: str

    @classmethod
    def of(cls, metric_id: str, offence_group: str, area: str, first_quarter: int, last_quarter: int,
           grain: str, tier: str) -> Request:
        """Look the metric and group up and check tier, grain and order (QueryError when wrong)."""
        m = reg.metric(metric_id)
        group = get_offence_group(offence_group)
        check_window(tier=tier, grain=grain, first_quarter=first_quarter, last_quarter=last_quarter)
        return cls(m, group, area, first_quarter, last_quarter, grain, tier)

    @property
    def national(self) -> bool:
        return self.area == "national"

    @property
    def scope(self) -> str:
        """Cells are made for England and Wales alone, or for every force (then cut to one)."""
        return "national" if self.national else "all"

    @property
    def include_btp(self) -> bool:
        """British Transport Police counts towards England and Wales except in rates per head."""
        return self.metric.kind != reg.RECORDED_RATE

    @property
    def linked(self) -> bool:
        """Every offence group is read and protected together (see metrics.disclosure.planning)."""
        return links_offence_groups(self.metric.kind, tier=self.tier, by_force=not self.national)


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Inputs:
    """What the database gives one request: forces, counts, populations and their framing."""

    counts: pl.DataFrame
    population: pl.DataFrame | None
    framing: Framing


def read_inputs(conn: Connection, req: Request, release_id: int) -> Inputs | None:
    """Read what the request needs; None when the release holds nothing inside its window."""
    forces = sql.force_list(conn)
    check_area(req.area, forces["code"])
    window = read_window(req, held_quarters(conn, req.metric, release_id))
    if window is None:
        return None
    counts = read_counts(conn, req, release_id=release_id, window=window)
    population = sql.latest_population(conn) if req.metric.kind == reg.RECORDED_RATE else None
    return Inputs(counts, population, Framing(forces, req.include_btp, req.grain, frame_span(req, window)))


def held_quarters(conn: Connection, m: reg.Metric, release_id: int) -> tuple[int | None, int | None]:
    """First and last quarter the release holds for the table behind ``m``."""
    basis = m.basis if m.kind == reg.OUTCOME_SHARE else None
    return sql.held_quarters(conn, release_id=release_id, kind=reg.source_needed(m), basis=basis)


def read_window(req: Request, held: tuple[int | None, int | None]) -> tuple[int, int] | None:
    """The quarters to read: the request, widened to whole financial years for quarters by force
    (so disclosure control sees every quarter of a year), cut to what the release holds."""
    held_lo, held_hi = held
    if held_lo is None or held_hi is None:
        return None
    lo, hi = req.first_quarter, req.last_quarter
    if req.grain == "quarter" and not req.national:
        lo, hi = fy_of(lo) * 10 + 1, fy_of(hi) * 10 + 4
    lo, hi = max(lo, held_lo), min(hi, held_hi)
    return None if lo > hi else (lo, hi)


def frame_span(req: Request, window: tuple[int, int]) -> tuple[int, int]:
    """The span periods are cut from: the window read, or for one whole period the span asked
    for (inside what the release holds)."""
    lo, hi = window
    if req.grain != "period":
        return lo, hi
    return max(req.first_quarter, lo), min(req.last_quarter, hi)


def read_counts(conn: Connection, req: Request, *, release_id: int, window: tuple[int, int]) -> pl.DataFrame:
    """The one aggregate query the metric's kind needs (every offence group when linked).

    Medians of days for England and Wales are read as one national histogram (no force column).
    """
    m, group = req.metric, (None if req.linked else req.group)
    bounds = {"release_id": release_id, "first_quarter": window[0], "last_quarter": window[1]}
    if m.kind in (reg.RECORDED_COUNT, reg.RECORDED_RATE):
        return sql.recorded_counts(conn, group=group, **bounds)
    if m.kind == reg.OUTCOME_SHARE:
        return sql.outcome_share_counts(conn, group=group, basis=m.basis, numerator_types=m.numerator_types,
                                        denominator_types=m.denominator_types, **bounds)
    if m.kind == reg.INDICATOR:
        return sql.indicator_counts(conn, indicator=m.id, **bounds)
    return sql.days_histogram(conn, group=req.group, outcome_type=m.outcome_type, by_force=not req.national,
                              **bounds)


# --------------------------------------------------------------------------- cells


def make_cells(inputs: Inputs, req: Request) -> pl.DataFrame:
    """Period x area cells with intervals and an ``offence_group`` column (every group if linked)."""
    m, framing = req.metric, inputs.framing
    if req.linked:
        return linked_cells(inputs.counts, m, framing, inputs.population)
    framed = framing.frame(inputs.counts, req.scope)
    if m.kind == reg.MEDIAN_DAYS:
        cells = medians(framed).with_columns(numerator=pl.lit(None, pl.Float64), flag=pl.lit(""))
    else:
        cells = totals(framed, m, framing, req.scope, inputs.population)
    return cells.with_columns(offence_group=pl.lit(req.group.id))


# --------------------------------------------------------------------------- protecting and cutting

PARTIAL_KEYS = ["offence_group", "period", "area_code"]


def protect(cells: pl.DataFrame, req: Request, threshold: int | None) -> pl.DataFrame:
    """Disclosure control over every cell at once, then [u] where a source cell was missing;
    only the offence group asked for is kept."""
    m = req.metric
    plan = plan_margins(m.kind, tier=req.tier, by_force=not req.national, quarterly=req.grain == "quarter")
    partial = cells.select(*PARTIAL_KEYS, "missing") if "missing" in cells.columns else None
    # a fixed row order makes the complement cells the same on every backend and every run
    table = mark_margins(cells, plan).sort("offence_group", "period_end", "area_code")
    # secondary cells are taken from the totals (all rape, all sexual offences) before their parts
    table = apply_disclosure(table.drop("missing", strict=False), tier=req.tier, threshold=threshold,
                             min_denominator=m.min_denominator, group_by=plan.group_by, unit=m.unit,
                             hide_first=plan.hide_first)
    return flag_partial(table, partial).filter(pl.col("offence_group") == req.group.id)


def flag_partial(table: pl.DataFrame, partial: pl.DataFrame | None) -> pl.DataFrame:
    """[u] on a shown value that sums cells the source marked 'data not provided': understated."""
    if partial is None:
        return table
    return (table.join(partial, on=PARTIAL_KEYS, how="left")
            .with_columns(flag=pl.when((pl.col("flag") == "") & (pl.col("missing").fill_null(0) > 0))
                          .then(pl.lit("[u]")).otherwise(pl.col("flag")))
            .drop("missing"))


def cut_view(table: pl.DataFrame, req: Request, framing: Framing, release_id: int) -> pl.DataFrame:
    """The area and quarters asked for, as ``COLUMNS``."""
    if req.area == "BTP" and req.metric.kind == reg.RECORDED_RATE:
        table = btp_rate_row(table, framing)
    if not req.national and req.area != "all":
        table = table.filter(pl.col("area_code") == req.area)
    elif req.area == "all":
        territorial = list(framing.forces.filter(pl.col("territorial"))["code"])
        table = table.filter(pl.col("area_code").is_in(territorial))
    table = table.filter(pl.col("period_end").is_between(req.first_quarter, req.last_quarter))
    return (table.with_columns(metric=pl.lit(req.metric.id), release=pl.lit(release_id, pl.Int64))
            .select(COLUMNS).sort("period_end", "area_code"))


def btp_rate_row(table: pl.DataFrame, framing: Framing) -> pl.DataFrame:
    """British Transport Police has no resident population: its rate per head is [z]."""
    rows = framing.grid("BTP", codes=["BTP"]).select(*KEYS).with_columns(
        numerator=pl.lit(None, pl.Float64), denominator=pl.lit(None, pl.Float64), value=pl.lit(None, pl.Float64),
        lower=pl.lit(None, pl.Float64), upper=pl.lit(None, pl.Float64), flag=pl.lit("[z]"))
    return pl.concat([table.select(rows.columns), rows], how="vertical_relaxed")


def empty_table() -> pl.DataFrame:
    """No rows, the columns and types of ``COLUMNS``: the release holds nothing in the window."""
    return pl.DataFrame(schema={"period": pl.String, "period_end": pl.Int64, "area_code": pl.String,
                                "area_name": pl.String, "metric": pl.String, "numerator": pl.Float64,
                                "denominator": pl.Float64, "value": pl.Float64, "lower": pl.Float64,
                                "upper": pl.Float64, "flag": pl.String, "release": pl.Int64})
