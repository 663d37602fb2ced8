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
from metrics.disclosure import families as fam

LEAF_SCHEMA = {"family": pl.String, "area_code": pl.String, "quarter": pl.Int64, "offence": pl.String,
               "category": pl.String, "value": pl.Float64}
SOURCE_SCHEMA = {"family": pl.String, "fact": pl.String, "basis": pl.String, "indicator": pl.String,
                 "measure": pl.String}
SOURCES = pl.DataFrame([(f.id, f.source, f.basis, f.indicator, f.column or "count") for f in fam.FAMILIES.values()],
                       schema=SOURCE_SCHEMA, orient="row")
"""Where each family's counts are: fact table, basis, indicator and measure, as a revision row names them."""
BY_OFFENCE = [f.id for f in fam.FAMILIES.values() if f.by_offence]
BY_CATEGORY = [f.id for f in fam.FAMILIES.values() if f.by_category]
OPEN_GROUP_BASES = [f.basis for f in fam.FAMILIES.values() if f.source == "outcomes" and f.open_group_included]
"""Bases on which outcome 0 (not yet assigned) is counted; on the others it is no outcome."""
INDICATORS = sorted({f.indicator for f in fam.FAMILIES.values() if f.source == "indicator_value"})


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


def _place(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows named as the fact tables name them (``fact``, ``basis``, ``indicator``, ``measure``,
    with the offence code's ``subgroup`` and ``age_band`` and the outcome type's ``ho_group``) ->
    the family, offence leaf and category leaf they count in. The one placement: the protection's
    leaves and the public revisions both go through it. Rows of no family are dropped."""
    placed = frame.join(SOURCES, on=["fact", "basis", "indicator", "measure"], how="inner", nulls_equal=True)
    split = pl.col("family").is_in(BY_OFFENCE)
    parts = [_offence_leaf(placed.filter(split)),
             placed.filter(~split).with_columns(offence=pl.lit(fam.NO_OFFENCE))]
    placed = pl.concat(parts, how="vertical")
    return placed.with_columns(category=pl.when(pl.col("family").is_in(BY_CATEGORY)).then(pl.col("ho_group"))
                               .otherwise(pl.lit(fam.ALL)))


def _named(frame: pl.DataFrame, fact, **missing) -> pl.DataFrame:
    """Name rows read from one fact table as ``_place`` reads them."""
    keys = {"basis": None, "indicator": None, "measure": "count", "subgroup": None, "age_band": None,
            "ho_group": None, **missing}
    return frame.with_columns(pl.lit(str(fact.name), pl.String).alias("fact"),
                              *[pl.lit(v, pl.String).alias(k) for k, v in keys.items() if k not in frame.columns])


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
    return _regroup(_place(_named(frame, t)))


def _outcomes(conn: Connection, release_id: int) -> pl.DataFrame:
    """Both bases in one query: outcome 0 (not yet assigned) only where its basis counts it."""
    t = outcomes
    keys = (t.c.basis, t.c.force_code, t.c.quarter, offence.c.subgroup, offence.c.age_band, outcome_type.c.ho_group)
    stmt = (select(*keys, func.sum(t.c.count))
            .select_from(t.join(offence, t.c.offence_code == offence.c.code)
                         .join(outcome_type, t.c.outcome_type == outcome_type.c.type))
            .where(t.c.release_id == release_id,
                   or_(t.c.basis.in_(OPEN_GROUP_BASES), t.c.outcome_type != 0))
            .group_by(*keys))
    frame = _rows(conn, stmt, {"basis": pl.String, "area_code": pl.String, "quarter": pl.Int64,
                               "subgroup": pl.String, "age_band": pl.String, "ho_group": pl.String,
                               "value": pl.Float64})
    return _regroup(_place(_named(frame, t)))


def _indicators(conn: Connection, release_id: int) -> pl.DataFrame:
    t = indicator_value
    stmt = (select(t.c.indicator, t.c.force_code, t.c.quarter, t.c.numerator, t.c.denominator)
            .where(t.c.release_id == release_id, t.c.indicator.in_(INDICATORS)))
    frame = _rows(conn, stmt, {"indicator": pl.String, "area_code": pl.String, "quarter": pl.Int64,
                               "numerator": pl.Float64, "denominator": pl.Float64})
    long = frame.unpivot(["numerator", "denominator"], index=["indicator", "area_code", "quarter"],
                         variable_name="measure", value_name="value")
    return _place(_named(long, t))


def place_rows(conn: Connection, rows: pl.DataFrame) -> pl.DataFrame:
    """Rows keyed as the fact tables and the ``revision`` table key them (``fact``, ``force_code``,
    ``quarter``, ``offence_code``, ``outcome_type``, ``basis``, ``indicator``, ``measure``), with
    the leaf each counts in added (``family``, ``area_code``, ``offence``, ``category``), placed
    exactly as the protection's leaves are. Rows that count in no family (outcome 0 on the closed
    basis, an indicator the protection does not cover) are dropped."""
    offences = _rows(conn, select(offence.c.code, offence.c.subgroup, offence.c.age_band),
                     {"offence_code": pl.String, "subgroup": pl.String, "age_band": pl.String})
    groups = _rows(conn, select(outcome_type.c.type, outcome_type.c.ho_group),
                   {"outcome_type": pl.Int64, "ho_group": pl.String})
    counted = (pl.col("outcome_type").is_null() | (pl.col("outcome_type") != 0)
               | pl.col("basis").is_in(OPEN_GROUP_BASES))
    frame = (rows.filter(counted).with_columns(area_code=pl.col("force_code"))
             .join(offences, on="offence_code", how="left")
             .join(groups.cast({"outcome_type": rows.schema["outcome_type"]}), on="outcome_type", how="left"))
    return _place(frame)


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
