"""The SQL the dashboard runs: each function is one aggregate query returning a Polars frame.

All statements are SQLAlchemy Core with bound parameters. They aggregate to force x quarter
(or to quarter alone for national medians) in the database, so only small results travel. Case-level
questions read the release's aggregates of its case records (``db.case_aggregates``) where the
load wrote them, else the records themselves: the same counts either way.
"""

from __future__ import annotations

import polars as pl
from sqlalchemy import Connection, Select, and_, case, func, select

from db import case_aggregates, spans
from db.case_aggregates import case_days, case_journey_count
from db.schema import (
    NOT_PROVIDED,
    case_record,
    force,
    force_population,
    indicator_value,
    offence,
    outcome_type,
    outcomes,
    recorded_offences,
)
from metrics.offence_groups import OffenceGroup


def _frame(conn: Connection, stmt: Select, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    rows = conn.execute(stmt).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")


def _offence_filter(column, group: OffenceGroup):
    """Codes of a group, chosen by their attributes so new and expired codes fall in place."""
    codes = select(offence.c.code)
    if group.subgroup is not None:
        codes = codes.where(offence.c.subgroup == group.subgroup)
    if group.age_band is not None:
        codes = codes.where(offence.c.age_band == group.age_band)
    return column.in_(codes.scalar_subquery())


def recorded_counts(conn: Connection, *, release_id: int, group: OffenceGroup,
                    first_quarter: int, last_quarter: int) -> pl.DataFrame:
    """Offences recorded per force and quarter; ``missing`` counts cells the source did not provide."""
    t = recorded_offences
    stmt = (
        select(t.c.force_code, t.c.quarter, func.coalesce(func.sum(t.c.count), 0),
               func.sum(case((t.c.missing_reason == NOT_PROVIDED, 1), else_=0)))
        .where(t.c.release_id == release_id, t.c.quarter.between(first_quarter, last_quarter),
               _offence_filter(t.c.offence_code, group))
        .group_by(t.c.force_code, t.c.quarter)
    )
    return _frame(conn, stmt, {"force_code": pl.String, "quarter": pl.Int64,
                               "numerator": pl.Float64, "missing": pl.Int64})


def outcome_share_counts(conn: Connection, *, release_id: int, group: OffenceGroup, basis: str,
                         numerator_types: tuple[int, ...], denominator_types: tuple[int, ...],
                         first_quarter: int, last_quarter: int) -> pl.DataFrame:
    """Numerator and denominator outcome counts per force and quarter for one basis."""
    t = outcomes
    in_num = t.c.outcome_type.in_(numerator_types)
    stmt = (
        select(t.c.force_code, t.c.quarter,
               func.coalesce(func.sum(case((in_num, t.c.count), else_=0)), 0),
               func.coalesce(func.sum(t.c.count), 0),
               func.sum(case((t.c.missing_reason == NOT_PROVIDED, 1), else_=0)))
        .where(t.c.release_id == release_id, t.c.basis == basis,
               t.c.quarter.between(first_quarter, last_quarter),
               t.c.outcome_type.in_(denominator_types), _offence_filter(t.c.offence_code, group))
        .group_by(t.c.force_code, t.c.quarter)
    )
    return _frame(conn, stmt, {"force_code": pl.String, "quarter": pl.Int64,
                               "numerator": pl.Float64, "denominator": pl.Float64, "missing": pl.Int64})


def outcome_type_counts(conn: Connection, *, release_id: int, group: OffenceGroup, basis: str,
                        first_quarter: int, last_quarter: int) -> pl.DataFrame:
    """Counts per force, quarter and outcome type (for the outcome mix)."""
    t = outcomes
    stmt = (
        select(t.c.force_code, t.c.quarter, t.c.outcome_type, func.coalesce(func.sum(t.c.count), 0))
        .where(t.c.release_id == release_id, t.c.basis == basis,
               t.c.quarter.between(first_quarter, last_quarter), _offence_filter(t.c.offence_code, group))
        .group_by(t.c.force_code, t.c.quarter, t.c.outcome_type)
    )
    return _frame(conn, stmt, {"force_code": pl.String, "quarter": pl.Int64,
                               "outcome_type": pl.Int64, "count": pl.Float64})


def days_histogram(conn: Connection, *, release_id: int, group: OffenceGroup, outcome_type: int | None,
                   first_quarter: int, last_quarter: int, by_force: bool) -> pl.DataFrame:
    """How many cases closed after each number of days, per quarter (and force if asked).

    A histogram rather than the raw values keeps the result small at two million cases, and
    it is all a median and its order-statistic interval need.
    """
    aggregated = case_aggregates.stored(conn, release_id)
    t = case_days if aggregated else case_record
    keys = [t.c.force_code] if by_force else []
    conditions = [t.c.release_id == release_id, t.c.outcome_quarter.between(first_quarter, last_quarter),
                  t.c.outcome_type != 0, _offence_filter(t.c.offence_code, group)]
    if outcome_type is not None:
        conditions.append(t.c.outcome_type == outcome_type)
    stmt = (
        select(*keys, t.c.outcome_quarter, t.c.days_to_outcome,
               func.sum(t.c.cases) if aggregated else func.count())
        .where(and_(*conditions))
        .group_by(*keys, t.c.outcome_quarter, t.c.days_to_outcome)
    )
    schema = {"quarter": pl.Int64, "days": pl.Int64, "n": pl.Int64}
    if by_force:
        schema = {"force_code": pl.String, **schema}
    return _frame(conn, stmt, schema)


def _count_true(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def journey_counts(conn: Connection, *, release_id: int, first_quarter: int, last_quarter: int,
                   charge_types: tuple[int, ...]) -> pl.DataFrame:
    """Per quarter of recording and offence code: cases recorded, with a suspect identified,
    referred to the CPS, and charged (an outcome in ``charge_types``) so far: the stages of the
    case journey. One pass serves every offence group (five passes took most of a cold
    /outcomes); codes are placed in groups by the caller, without a join here. The pass is over
    the release's aggregate (20,000 rows at full scale, not 2 million records) where it has one."""
    if case_aggregates.stored(conn, release_id):
        t = case_journey_count
        counts = (func.sum(t.c.cases), func.sum(t.c.suspect_identified), func.sum(t.c.referred_cps),
                  func.coalesce(func.sum(case((t.c.outcome_type.in_(charge_types), t.c.cases), else_=0)), 0))
    else:
        t = case_record
        counts = (func.count(), _count_true(t.c.suspect_identified.is_(True)),
                  _count_true(t.c.referred_cps.is_(True)), _count_true(t.c.outcome_type.in_(charge_types)))
    stmt = (
        select(t.c.recorded_quarter, t.c.offence_code, *counts)
        .where(t.c.release_id == release_id, t.c.recorded_quarter.between(first_quarter, last_quarter))
        .group_by(t.c.recorded_quarter, t.c.offence_code)
    )
    return _frame(conn, stmt, {"quarter": pl.Int64, "offence_code": pl.String, "recorded": pl.Int64,
                               "suspect_identified": pl.Int64, "referred_cps": pl.Int64, "charged": pl.Int64})


def indicator_counts(conn: Connection, *, release_id: int, indicator: str,
                     first_quarter: int, last_quarter: int) -> pl.DataFrame:
    t = indicator_value
    stmt = (
        select(t.c.force_code, t.c.quarter, t.c.numerator, t.c.denominator)
        .where(t.c.release_id == release_id, t.c.indicator == indicator,
               t.c.quarter.between(first_quarter, last_quarter))
    )
    return _frame(conn, stmt, {"force_code": pl.String, "quarter": pl.Int64,
                               "numerator": pl.Float64, "denominator": pl.Float64})


def latest_population(conn: Connection) -> pl.DataFrame:
    """Each force's most recent mid-year population estimate."""
    p = force_population
    latest = select(p.c.code, func.max(p.c.year).label("year")).group_by(p.c.code).subquery()
    stmt = select(p.c.code, p.c.population, p.c.year).join(
        latest, and_(latest.c.code == p.c.code, latest.c.year == p.c.year))
    return _frame(conn, stmt, {"force_code": pl.String, "population": pl.Float64, "year": pl.Int64})


def force_list(conn: Connection) -> pl.DataFrame:
    stmt = select(force.c.code, force.c.name, force.c.region, force.c.territorial,
                  force.c.nom_phase, force.c.nom_start).order_by(force.c.name)
    return _frame(conn, stmt, {"code": pl.String, "name": pl.String, "region": pl.String,
                               "territorial": pl.Boolean, "nom_phase": pl.String, "nom_start": pl.Date})


def coverage(conn: Connection, *, release_id: int) -> set[str]:
    """Which tables a release holds: recorded offences, outcomes, case-level records, force MI."""
    found = set()
    for kind, table in spans.TABLES.items():
        stmt = select(table.c.release_id).where(table.c.release_id == release_id).limit(1)
        if conn.execute(stmt).first() is not None:
            found.add(kind)
    return found


def quarter_range(conn: Connection, *, release_id: int) -> tuple[int | None, int | None]:
    t = recorded_offences
    row = conn.execute(select(func.min(t.c.quarter), func.max(t.c.quarter))
                       .where(t.c.release_id == release_id)).one()
    if row[0] is None:
        o = outcomes
        row = conn.execute(select(func.min(o.c.quarter), func.max(o.c.quarter))
                           .where(o.c.release_id == release_id)).one()
    return row[0], row[1]


def outcome_groups(conn: Connection) -> dict[int, str]:
    """Outcome type -> Home Office outcome group, as the database holds them."""
    return dict(conn.execute(select(outcome_type.c.type, outcome_type.c.ho_group)).all())


def outcome_type_list(conn: Connection) -> pl.DataFrame:
    stmt = select(outcome_type.c.type, outcome_type.c.description, outcome_type.c.ho_group).order_by(outcome_type.c.type)
    return _frame(conn, stmt, {"type": pl.Int64, "description": pl.String, "ho_group": pl.String})
