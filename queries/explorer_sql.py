"""The one aggregate query behind every data-explorer table of counts.

Why its own statement: the explorer's tables are cut by any dimension, so it reads force x
quarter x offence (leaf group, or code when asked) x outcome type (when asked) x the case-level
columns asked for, grouped in the database, and leaves the framing to Polars. Only the columns a
table needs are grouped on, so a national total reads a few thousand rows, not every fact row.
"""

from __future__ import annotations

import polars as pl
from sqlalchemy import Connection, case, func, literal, select

from db.schema import NOT_PROVIDED, case_record, offence, outcomes, recorded_offences
from metrics.offence_groups import OffenceGroup
from queries.sql import _offence_filter

CASE_COLUMNS = {"age_band": "victim_age_band", "sex": "victim_sex", "relationship": "relationship"}


def leaf_counts(conn: Connection, *, release_id: int, measure: str, basis: str, group: OffenceGroup,
                first_quarter: int, last_quarter: int, by_code: bool, by_type: bool,
                case_dims: tuple[str, ...] = ()) -> pl.DataFrame:
    """Counts per force, quarter, offence (``offence_code``, or ``subgroup`` and ``age_band``),
    ``outcome_type`` (when ``by_type``) and case-level column, with ``missing``: how many of the
    source's cells behind the count were 'data not provided'.

    ``measure``: outcomes (on ``basis``; outcome 0 is never a closed outcome), recorded, or cases
    (case-level records by the quarter they were recorded in; outcome 0 while open)."""
    if measure == "cases":
        t, quarter, count, missing = (case_record, case_record.c.recorded_quarter, func.count(),
                                      literal(0))
    else:
        t = outcomes if measure == "outcomes" else recorded_offences
        quarter, count = t.c.quarter, func.coalesce(func.sum(t.c.count), 0)
        missing = func.sum(case((t.c.missing_reason == NOT_PROVIDED, 1), else_=0))
    offence_cols = [t.c.offence_code] if by_code else [offence.c.subgroup, offence.c.age_band]
    keys = [t.c.force_code.label("force_code"), quarter.label("quarter"), *offence_cols]
    if by_type:
        keys.append(t.c.outcome_type.label("outcome_type"))
    keys += [t.c[CASE_COLUMNS[d]].label(CASE_COLUMNS[d]) for d in case_dims]
    stmt = (select(*keys, count.label("count"), missing.label("missing"))
            .where(t.c.release_id == release_id, quarter.between(first_quarter, last_quarter),
                   _offence_filter(t.c.offence_code, group))
            .group_by(*keys))
    if not by_code:
        stmt = stmt.join_from(t, offence, t.c.offence_code == offence.c.code)
    if measure == "outcomes":
        stmt = stmt.where(t.c.basis == basis)
        if basis == "closed":
            stmt = stmt.where(t.c.outcome_type != 0)
    schema = {"force_code": pl.String, "quarter": pl.Int64}
    schema |= {"offence_code": pl.String} if by_code else {"subgroup": pl.String, "age_band": pl.String}
    schema |= {"outcome_type": pl.Int64} if by_type else {}
    schema |= {CASE_COLUMNS[d]: pl.String for d in case_dims}
    schema |= {"count": pl.Int64, "missing": pl.Int64}
    rows = conn.execute(stmt).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")


def held_span(conn: Connection, *, release_id: int, measure: str, basis: str) -> tuple[int | None, int | None]:
    """First and last quarter the release holds for a measure: inside it a missing row is a zero."""
    if measure == "cases":
        column, where = case_record.c.recorded_quarter, [case_record.c.release_id == release_id]
    elif measure == "outcomes":
        column, where = outcomes.c.quarter, [outcomes.c.release_id == release_id, outcomes.c.basis == basis]
    else:
        column, where = recorded_offences.c.quarter, [recorded_offences.c.release_id == release_id]
    lo, hi = conn.execute(select(func.min(column), func.max(column)).where(*where)).one()
    return lo, hi


def offence_codes(conn: Connection, group: OffenceGroup) -> pl.DataFrame:
    """The codes of a group with their descriptions and leaf attributes (for zero rows and labels)."""
    stmt = (select(offence.c.code, offence.c.description, offence.c.subgroup, offence.c.age_band)
            .where(_offence_filter(offence.c.code, group)).order_by(offence.c.code))
    rows = conn.execute(stmt).all()
    return pl.DataFrame([tuple(r) for r in rows], orient="row", schema={
        "offence_code": pl.String, "offence_description": pl.String, "subgroup": pl.String, "age_band": pl.String})
