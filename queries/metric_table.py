"""One tidy table per metric: period x area x metric with interval and disclosure flag.

This is what every chart, table, download and ``rasso export`` shows, so the rules
(which forces make up England and Wales, complete years only, intervals, suppression) are
applied here once.

In the public tier a count is hidden where the release's protection hides it (decided once for
the whole release at load, over every count any public output shows: see ``db.protection`` and
``metrics.disclosure.lookup``), so every table, chart, download and export hides the same cells
and none gives back what another hides. The per-cell display rules (``apply_disclosure``: [x],
[z], [u], rates on too few cases) apply on top; they only ever hide more.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import polars as pl
from sqlalchemy import Connection, Engine

from db import spans
from metrics import registry as reg
from metrics.disclosure import PUBLIC, apply_disclosure
from metrics.disclosure import families as fam
from metrics.disclosure.lookup import area_node, hide, offence_node
from metrics.offence_groups import OffenceGroup
from metrics.offence_groups import offence_group as get_offence_group
from queries import sql
from queries.arguments import check_area, check_window
from queries.cells import medians, totals
from queries.framing import KEYS, Framing, first_quarter_of
from queries.protection import Protection, public_medians, read_protection

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
    return metric_tables(engine, release_id=release_id, metric_id=metric_id, offence_group=offence_group,
                         areas=(area,), first_quarter=first_quarter, last_quarter=last_quarter, grain=grain,
                         tier=tier, threshold=threshold)[area]


def metric_tables(engine: Engine, *, release_id: int, metric_id: str, offence_group: str = "adult_rape",
                  areas: tuple[str, ...] = ("all", "national"), first_quarter: int, last_quarter: int,
                  grain: str = "quarter", tier: str = "public", threshold: int | None = None) -> dict[str, pl.DataFrame]:
    """``metric_table`` for each of ``areas`` (by area), from one read of the counts and the
    protection: the counts of every force and of England and Wales come from the same query
    (except a median's, read as one national histogram), so a page that shows a metric's forces
    beside England and Wales (the force profile's pillars and headlines) need not read it twice."""
    reqs = {a: Request.of(metric_id, offence_group, a, first_quarter, last_quarter, grain, tier) for a in areas}
    read, made, out = {}, {}, {}  # inputs by national histogram or not, protected cells by scope, tables
    with engine.connect() as conn:
        for area, req in reqs.items():
            by = req.national and req.metric.kind == reg.MEDIAN_DAYS  # a national histogram of its own
            if by not in read:
                read[by] = read_inputs(conn, req, release_id, threshold)
            inputs = read[by]
            if inputs is None:
                out[area] = empty_table()
                continue
            check_area(area, inputs.framing.forces["code"])
            if req.scope not in made:
                made[req.scope] = protect(make_cells(inputs, req), req, inputs, threshold)
            out[area] = cut_view(made[req.scope], req, inputs.framing, release_id)
    return out


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

    def counts(self, groups: dict[int, str]) -> tuple[fam.CountRef | None, fam.CountRef | None]:
        """The (numerator, denominator) counts the table shows, each with its category node
        (an outcome group, from ``groups``: outcome type -> Home Office group)."""
        refs = []
        for ref in fam.counts_of(self.metric):
            if ref is not None and ref.types:
                ref = replace(ref, category=fam.group_of_types(ref.types, groups, family=ref.family))
            refs.append(ref)
        return refs[0], refs[1]


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Inputs:
    """What the database gives one request: forces, counts, populations, their framing, and (in
    the public tier) the release's protection of the counts the table shows."""

    counts: pl.DataFrame
    population: pl.DataFrame | None
    framing: Framing
    refs: tuple[fam.CountRef | None, fam.CountRef | None] = (None, None)
    protection: Protection | None = None


def read_inputs(conn: Connection, req: Request, release_id: int, threshold: int | None) -> Inputs | None:
    """Read what the request needs; None when the release holds nothing inside its window."""
    forces = sql.force_list(conn)
    check_area(req.area, forces["code"])
    window = read_window(req, held_quarters(conn, req.metric, release_id))
    if window is None:
        return None
    counts = read_counts(conn, req, release_id=release_id, window=window)
    population = sql.latest_population(conn) if req.metric.kind == reg.RECORDED_RATE else None
    framing = Framing(forces, req.include_btp, req.grain, frame_span(req, window))
    if req.tier != PUBLIC:
        return Inputs(counts, population, framing)
    refs = req.counts(sql.outcome_groups(conn) if req.metric.kind == reg.OUTCOME_SHARE else {})
    return Inputs(counts, population, framing, refs, read_protection(conn, release_id, refs, threshold=threshold))


def held_quarters(conn: Connection, m: reg.Metric, release_id: int) -> tuple[int | None, int | None]:
    """First and last quarter the release holds for the table behind ``m``."""
    basis = m.basis if m.kind == reg.OUTCOME_SHARE else None
    return spans.held_quarters(conn, release_id=release_id, kind=reg.source_needed(m), basis=basis)


def read_window(req: Request, held: tuple[int | None, int | None]) -> tuple[int, int] | None:
    """The quarters to read: the request, cut to what the release holds."""
    held_lo, held_hi = held
    if held_lo is None or held_hi is None:
        return None
    lo, hi = max(req.first_quarter, held_lo), min(req.last_quarter, held_hi)
    return None if lo > hi else (lo, hi)


def frame_span(req: Request, window: tuple[int, int]) -> tuple[int, int]:
    """The span periods are cut from: the window read, or for one whole period the span asked
    for (inside what the release holds)."""
    lo, hi = window
    if req.grain != "period":
        return lo, hi
    return max(req.first_quarter, lo), min(req.last_quarter, hi)


def read_counts(conn: Connection, req: Request, *, release_id: int, window: tuple[int, int]) -> pl.DataFrame:
    """The one aggregate query the metric's kind needs.

    Medians of days for England and Wales are read as one national histogram (no force column).
    """
    m, group = req.metric, req.group
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
    """Period x area cells with intervals and an ``offence_group`` column."""
    m, framing = req.metric, inputs.framing
    framed = framing.frame(inputs.counts, req.scope)
    if m.kind == reg.MEDIAN_DAYS:
        cells = medians(framed).with_columns(numerator=pl.lit(None, pl.Float64), flag=pl.lit(""))
    else:
        cells = totals(framed, m, framing, req.scope, inputs.population)
    return cells.with_columns(offence_group=pl.lit(req.group.id))


# --------------------------------------------------------------------------- protecting and cutting

PARTIAL_KEYS = ["offence_group", "period", "area_code"]


def protect(cells: pl.DataFrame, req: Request, inputs: Inputs, threshold: int | None) -> pl.DataFrame:
    """The display rules on each cell, then (public tier) the release's protection, then [u]
    where a source cell was missing."""
    m = req.metric
    partial = cells.select(*PARTIAL_KEYS, "missing") if "missing" in cells.columns else None
    table = apply_disclosure(cells.drop("missing", strict=False), tier=req.tier, threshold=threshold,
                             min_denominator=m.min_denominator, unit=m.unit)
    if req.tier == PUBLIC:
        table = (public_medians(table, inputs.protection, first_quarter_of(req.grain, inputs.framing.span))
                 if m.kind == reg.MEDIAN_DAYS else protected(table, req, inputs))
    return flag_partial(table, partial)


def protected(table: pl.DataFrame, req: Request, inputs: Inputs) -> pl.DataFrame:
    """Hide each number the release's protection hides (see ``metrics.disclosure.lookup``)."""
    if inputs.protection is None:
        return table
    rows = table.with_columns(
        _area=area_node(pl.col("area_code"), territorial=req.metric.kind == reg.RECORDED_RATE),
        _first=first_quarter_of(req.grain, inputs.framing.span), _last=pl.col("period_end"))
    hidden, window = [], pl.lit(True)
    for ref in inputs.refs:
        keyed = rows.with_columns(_offence=pl.lit(offence_node(ref, req.group.id)),
                                  _category=pl.lit(ref.category if ref is not None else fam.ALL))
        hidden.append(inputs.protection.hidden_rows(keyed, ref))
        window = window & inputs.protection.span_rows(keyed, ref)
    return hide(table, numerator=hidden[0], denominator=hidden[1], window=rows.select(window).to_series())


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
