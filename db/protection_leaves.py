"""A release's finest counts in the layout the protection engine reads (one aggregate query per source).

Why a module of its own: the protection is decided over exactly the numbers the public outputs
are built from, so the leaves are read with the same offence and outcome groupings the queries
use (offence by subgroup and age band, outcomes by Home Office group), and nowhere else.

A leaf is one (family, area, quarter, offence leaf, category leaf) with the sum of its rows.
SQL ``SUM`` is NULL only when every row of the leaf is NULL: a count the source did not provide
(``missing_reason``) becomes a null value, which the engine treats as a known [x], never a
complement. Leaves with no row are true zeros (the engine builds the full grid).
"""

from __future__ import annotations

import polars as pl
from sqlalchemy import Connection, func, or_, select

from db.schema import indicator_value, offence, outcome_type, outcomes, recorded_offences
from metrics import registry as reg
from metrics.disclosure import families as fam

LEAF_SCHEMA = {"family": pl.String, "area_code": pl.String, "quarter": pl.Int64, "offence": pl.String,
               "category": pl.String, "value": pl.Float64}
BASIS_FAMILY = {f.basis: f.id for f in fam.FAMILIES.values() if f.source == "outcomes"}
INDICATOR_FAMILIES = [f for f in fam.FAMILIES.values() if f.source == "indicator_value"]


class UnplacedOffence(ValueError):
    """A rape code that is neither adult nor child: the offence tree (adult + child = rape)
    cannot hold it, so the release cannot be protected until the code is given an age band."""


def _offence_leaf(frame: pl.DataFrame) -> pl.DataFrame:
    """Offence subgroup and age band -> the engine's offence leaf (as ``metrics.offence_groups``
    defines the groups: adult and child rape by age band, other sexual offences whatever the band)."""
    leaf = (pl.when(pl.col("subgroup") == "other_sexual").then(pl.lit("other_sexual"))
            .when((pl.col("subgroup") == "rape") & (pl.col("age_band") == "adult")).then(pl.lit("adult_rape"))
            .when((pl.col("subgroup") == "rape") & (pl.col("age_band") == "child")).then(pl.lit("child_rape"))
            .otherwise(pl.lit(None, dtype=pl.String)))
    out = frame.with_columns(offence=leaf)
    stray = out.filter(pl.col("offence").is_null())
    if stray.height:
        bands = sorted({f"{s}/{a}" for s, a in stray.select("subgroup", "age_band").iter_rows()})
        raise UnplacedOffence(f"offence codes of subgroup/age band {', '.join(bands)} are not in the "
                              "offence tree (adult rape, child rape, other sexual offences)")
    return out


def _regroup(frame: pl.DataFrame) -> pl.DataFrame:
    """Add up the rows that fall in one leaf (several offence codes, age bands or outcome
    types); a leaf is null only when all its rows are."""
    value = pl.col("value")
    return frame.group_by("family", "area_code", "quarter", "offence", "category").agg(
        pl.when(value.is_null().all()).then(None).otherwise(value.sum()).alias("value"))


def _rows(conn: Connection, stmt, schema: dict) -> pl.DataFrame:
    return pl.DataFrame([tuple(r) for r in conn.execute(stmt)], schema=schema, orient="row")


def _recorded(conn: Connection, release_id: int) -> pl.DataFrame:
    t = recorded_offences
    stmt = (select(t.c.force_code, t.c.quarter, offence.c.subgroup, offence.c.age_band, func.sum(t.c.count))
            .join_from(t, offence, t.c.offence_code == offence.c.code)
            .where(t.c.release_id == release_id)
            .group_by(t.c.force_code, t.c.quarter, offence.c.subgroup, offence.c.age_band))
    frame = _rows(conn, stmt, {"area_code": pl.String, "quarter": pl.Int64, "subgroup": pl.String,
                               "age_band": pl.String, "value": pl.Float64})
    return _regroup(_offence_leaf(frame).with_columns(family=pl.lit(fam.RECORDED), category=pl.lit(fam.ALL)))


def _outcomes(conn: Connection, release_id: int) -> pl.DataFrame:
    """Both bases in one query: the closed basis never counts outcome 0 (not yet assigned)."""
    t = outcomes
    keys = (t.c.basis, t.c.force_code, t.c.quarter, offence.c.subgroup, offence.c.age_band, outcome_type.c.ho_group)
    stmt = (select(*keys, func.sum(t.c.count))
            .select_from(t.join(offence, t.c.offence_code == offence.c.code)
                         .join(outcome_type, t.c.outcome_type == outcome_type.c.type))
            .where(t.c.release_id == release_id,
                   or_(t.c.basis == reg.BASIS_RECORDED, t.c.outcome_type != 0))
            .group_by(*keys))
    frame = _rows(conn, stmt, {"basis": pl.String, "area_code": pl.String, "quarter": pl.Int64,
                               "subgroup": pl.String, "age_band": pl.String, "category": pl.String,
                               "value": pl.Float64})
    frame = frame.filter(pl.col("basis").is_in(list(BASIS_FAMILY)))
    family = pl.col("basis").replace_strict(BASIS_FAMILY, return_dtype=pl.String)
    return _regroup(_offence_leaf(frame).with_columns(family=family))


def _indicators(conn: Connection, release_id: int) -> pl.DataFrame:
    t = indicator_value
    names = sorted({f.indicator for f in INDICATOR_FAMILIES})
    stmt = (select(t.c.indicator, t.c.force_code, t.c.quarter, t.c.numerator, t.c.denominator)
            .where(t.c.release_id == release_id, t.c.indicator.in_(names)))
    frame = _rows(conn, stmt, {"indicator": pl.String, "area_code": pl.String, "quarter": pl.Int64,
                               "numerator": pl.Float64, "denominator": pl.Float64})
    parts = [frame.filter(pl.col("indicator") == f.indicator).select(
                 pl.lit(f.id).alias("family"), "area_code", "quarter", pl.col(f.column).alias("value"))
             for f in INDICATOR_FAMILIES]
    return pl.concat(parts).with_columns(offence=pl.lit(fam.NO_OFFENCE), category=pl.lit(fam.ALL))


def read_leaves(conn: Connection, release_id: int) -> tuple[pl.DataFrame, tuple[int, int] | None]:
    """The release's leaf counts of every family, and the span of quarters it holds (None when it
    holds no counts: a release of boundaries or populations alone)."""
    parts = [_recorded(conn, release_id), _outcomes(conn, release_id), _indicators(conn, release_id)]
    leaves = pl.concat([p.select(list(LEAF_SCHEMA)).cast(LEAF_SCHEMA) for p in parts])
    return leaves.sort("family", "area_code", "quarter", "offence", "category"), release_span(conn, release_id)


def release_span(conn: Connection, release_id: int) -> tuple[int, int] | None:
    """The first and last quarter of the release's counts (None when it holds none): the span its
    protection's time nodes are laid over, which the public outputs look their periods up in."""
    bounds = [conn.execute(select(func.min(t.c.quarter), func.max(t.c.quarter))
                           .where(t.c.release_id == release_id)).one()
              for t in (recorded_offences, outcomes, indicator_value)]
    lows = [lo for lo, _hi in bounds if lo is not None]
    if not lows:
        return None
    return int(min(lows)), int(max(hi for _lo, hi in bounds if hi is not None))
