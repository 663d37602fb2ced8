"""The explorer's steps from fact rows to a table: the span, the leaf counts, the framing, filters.

Why apart from ``queries.explorer``: that module decides what is shown (the protection); this
one only shapes counts, so each stays short enough to read in one sitting.
"""

from __future__ import annotations

import polars as pl
from sqlalchemy import Connection, Engine

from db.reference import NATIONAL_CODE
from metrics import registry as reg
from metrics.disclosure.families import OFFENCE_LEAVES, OFFENCE_PARENTS
from metrics.errors import QueryError
from metrics.explorer_spec import DIMENSIONS, TableSpec
from metrics.offence_groups import OffenceGroup
from metrics.periods import quarter_label, quarters_between
from queries.explorer_sql import CASE_COLUMNS, held_span, leaf_counts, offence_codes
from queries.framing import attach_periods
from queries.metric_table import held_quarters, metric_table

WORK_FACTOR = 20
"""Force-level cells a request may build per row it may return (a region table sums forces)."""
CASE_VALUES = 8
"""A bound on the values of one case-level column, for the estimate made before reading."""


def other_columns(spec: TableSpec) -> list[str]:
    """The columns of the offence, outcome and case-level dimensions, in the order listed."""
    rest = [c for d in spec.by if DIMENSIONS[d].kind not in ("area", "period") for c in DIMENSIONS[d].columns]
    return list(dict.fromkeys(rest))


def key_columns(spec: TableSpec) -> list[str]:
    """The table's dimension columns: period, area, then the others in the order listed."""
    area = ["area_code", "area_name"] if spec.area in ("national", "force") else [spec.area]
    return ["period", "period_end", *area, *other_columns(spec)]


def window(conn: Connection, spec: TableSpec, release_id: int) -> tuple[int, int]:
    """The quarters asked for, checked against what the release holds for the measure."""
    if spec.is_metric:
        lo, hi = held_quarters(conn, reg.metric(spec.measure), release_id)
    else:
        lo, hi = held_span(conn, release_id=release_id, measure=spec.measure, basis=spec.basis)
    if lo is None:
        raise QueryError(f"Release {release_id} holds no figures for measure '{spec.measure}'.")
    start, end = spec.span()
    span = f"{quarter_label(lo)} to {quarter_label(hi)}"
    for name, period in (("from", start), ("to", end)):
        if period and (period.first < lo or period.last > hi):
            raise QueryError(f"{name} {period.token} is outside release {release_id}'s data for this measure "
                             f"({span}); choose a period inside it.")
    return (start.first if start else lo), (end.last if end else hi)


def periods(spec: TableSpec, span: tuple[int, int]) -> pl.DataFrame:
    """Every period of the table's grain inside the span (only whole years and windows)."""
    qs = pl.DataFrame({"quarter": quarters_between(*span)}, schema={"quarter": pl.Int64})
    return attach_periods(qs, spec.grain or "period", *span)


def read_leaves(conn: Connection, spec: TableSpec, *, release_id: int, group: OffenceGroup,
                span: tuple[int, int], forces: pl.DataFrame, max_rows: int) -> pl.DataFrame:
    """The leaf counts, after refusing a table too large to build (estimated before reading)."""
    n_periods = periods(spec, span).select("period").n_unique()
    if n_periods == 0:
        raise QueryError(f"No whole {DIMENSIONS[spec.grain].label.lower()} from {quarter_label(span[0])} to "
                         f"{quarter_label(span[1])}: widen the span or choose quarters.")
    codes = offence_codes(conn, group)
    n_offence = {"offence_group": len(leaf_groups(spec.offence)), "offence_code": codes.height}
    n_outcome = {"outcome_group": 12, "outcome_type": 25}
    other = 1
    for kind, sizes in (("offence", n_offence), ("outcome", n_outcome)):
        dim = spec.dimension(kind)
        other *= sizes[dim] if dim else 1
    other *= CASE_VALUES ** len(spec.dims("case"))
    n_areas = {"national": 1, "force": forces.height}.get(spec.area) or forces[spec.area].n_unique()
    rows, work = n_areas * n_periods * other, forces.height * n_periods * other
    if rows > max_rows or work > WORK_FACTOR * max_rows:
        raise QueryError(f"This table would have about {rows:,} rows, more than a request may build "
                         f"({max_rows:,}): choose a coarser grain (years, not quarters), a shorter span or "
                         "fewer dimensions.")
    return leaf_counts(conn, release_id=release_id, measure=spec.measure, basis=spec.basis, group=group,
                       first_quarter=span[0], last_quarter=span[1],
                       by_code=spec.dimension("offence") == "offence_code", by_type=bool(spec.dims("outcome")),
                       case_dims=tuple(d.id for d in spec.dims("case")))


def leaf_groups(group_id: str) -> tuple[str, ...]:
    """The offence leaves a group is made of (all sexual -> adult rape, child rape, other sexual)."""
    if group_id in OFFENCE_LEAVES:
        return (group_id,)
    return tuple(leaf for part in OFFENCE_PARENTS[group_id] for leaf in leaf_groups(part))


def _leaf_name() -> pl.Expr:
    return (pl.when(pl.col("subgroup") == "other_sexual").then(pl.lit("other_sexual"))
            .when(pl.col("age_band") == "adult").then(pl.lit("adult_rape")).otherwise(pl.lit("child_rape")))


def frame(leaves: pl.DataFrame, spec: TableSpec, forces: pl.DataFrame, span: tuple[int, int],
          *, codes: pl.DataFrame, types: pl.DataFrame) -> pl.DataFrame:
    """Leaf counts -> one row per force and cell of the other dimensions, zeros included (inside
    the release's span a cell with no row is a true zero)."""
    rows = leaves.rename({"force_code": "area_code"})
    offence_dim, outcome_dim = spec.dimension("offence"), spec.dimension("outcome")
    if offence_dim == "offence_code":
        rows = rows.join(codes.select("offence_code", "offence_description"), on="offence_code", how="left")
    elif offence_dim == "offence_group":
        rows = rows.with_columns(offence_group=_leaf_name())
    if outcome_dim:
        rows = rows.join(types.select(outcome_type="type", outcome_description="description",
                                      outcome_group="ho_group"), on="outcome_type", how="left")
    framed = attach_periods(rows, spec.grain or "period", *span)
    sums = framed.group_by("period", "period_end", "area_code", *other_columns(spec)).agg(
        pl.col("count").sum(), pl.col("missing").sum())
    grid = periods(spec, span).select("period", "period_end").unique()
    grid = grid.join(forces.select(area_code="code"), how="cross")
    for part in _values(spec, sums, codes, types):
        grid = grid.join(part, how="cross")
    full = grid.join(sums, on=list(grid.columns), how="left", nulls_equal=True).with_columns(
        pl.col("count", "missing").fill_null(0))
    attrs = forces.select(area_code="code", area_name="name", region="region", nom_phase="nom_phase")
    return full.join(attrs, on="area_code", how="left")


def _values(spec: TableSpec, sums: pl.DataFrame, codes: pl.DataFrame, types: pl.DataFrame) -> list[pl.DataFrame]:
    """Every value of each non-area, non-period dimension (for the zero rows)."""
    out = []
    offence_dim, outcome_dim = spec.dimension("offence"), spec.dimension("outcome")
    if offence_dim == "offence_code":
        out.append(codes.select("offence_code", "offence_description"))
    elif offence_dim == "offence_group":
        out.append(pl.DataFrame({"offence_group": list(leaf_groups(spec.offence))}))
    if outcome_dim:
        kept = types if spec.measure != "outcomes" or spec.basis == "recorded" else types.filter(pl.col("type") != 0)
        kept = kept.select(outcome_type="type", outcome_description="description", outcome_group="ho_group")
        out.append(kept if outcome_dim == "outcome_type" else kept.select("outcome_group").unique())
    case_cols = [CASE_COLUMNS[d.id] for d in spec.dims("case")]
    if case_cols:
        out.append(sums.select(case_cols).unique())
    return out


def metric_rows(conn: Connection, engine: Engine, spec: TableSpec, *, release_id: int, threshold: int | None,
                max_rows: int) -> tuple[pl.DataFrame, tuple[int, int]]:
    """A registry metric by national or force, a period and offence group: the metric table's own
    rows (intervals and disclosure as every page shows them), one offence group at a time."""
    m = reg.metric(spec.measure)
    span = window(conn, spec, release_id)
    groups = leaf_groups(spec.offence) if spec.dimension("offence") else (spec.offence,)
    if spec.dimension("offence") and not m.by_offence:
        raise QueryError(f"'{m.id}' is not split by offence group (force MI): leave out offence_group.")
    area = "all" if spec.area == "force" else "national"
    n = len(periods(spec, span)) * len(groups) * (44 if area == "all" else 1)
    if n > max_rows:
        raise QueryError(f"This table would have about {n:,} rows, more than a request may build ({max_rows:,}).")
    parts = [metric_table(engine, release_id=release_id, metric_id=m.id, offence_group=g, area=area,
                          first_quarter=span[0], last_quarter=span[1], grain=spec.grain or "period",
                          tier=spec.tier, threshold=threshold).with_columns(offence_group=pl.lit(g))
             for g in groups]
    table = pl.concat(parts, how="vertical_relaxed").drop("metric", "release")
    lead = [c for c in key_columns(spec) if c in table.columns]
    return table.select(*lead, *[c for c in table.columns if c not in lead]), span


def keep(table: pl.DataFrame, spec: TableSpec) -> pl.DataFrame:
    """The rows the filters keep, sorted by the dimensions in the order they were listed."""
    for dim, values in spec.filters:
        column = _filter_column(dim)
        have = table[column].cast(pl.String)
        known = sorted(set(have.drop_nulls()))
        unknown = [v for v in values if v.lower() not in {k.lower() for k in known}]
        if unknown:
            raise QueryError(f"The filter on '{dim}' names '{unknown[0][:40]}', which the table does not hold; "
                             f"it holds: {', '.join(known[:8])}{' ...' if len(known) > 8 else ''}.")
        table = table.filter(have.str.to_lowercase().is_in([v.lower() for v in values]))
    order = ["period_end" if c == "period" else c for c in key_columns(spec) if c in table.columns]
    order = [c for c in dict.fromkeys(order) if c != "area_name"]
    if "area_code" in order:  # England and Wales first, then forces by code
        table = table.with_columns(_nat=pl.col("area_code") != NATIONAL_CODE)
        order.insert(order.index("area_code"), "_nat")
    return table.sort(order).drop("_nat", strict=False)


def _filter_column(dim: str) -> str:
    d = DIMENSIONS[dim]
    if d.kind == "period":
        return "period"
    return d.columns[0]

