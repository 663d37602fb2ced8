"""The public tier of revisions: what a newer edition changed, only where both editions show it.

Why: the raw revisions (one row per offence code, outcome type and indicator column, with old
and new values) are finer than anything the public tables show, and they list changes to cells
that the protection hides. An attacker holding both editions and the raw revisions could work a
hidden cell out. So the public tier lists revisions at the grain of the protection's node cells
(``db.protection_leaves.place_rows`` places each raw row in its leaf cell: family, force,
quarter, offence leaf, outcome group), takes the old and new values from the two releases' node
cells (``db.protection.release_cells``: exactly the numbers their public tables are built from),
and lists a cell only where it is shown (not hidden) in both releases and its value changed.
Every value listed is then one a public user of either edition already sees. Where it must
choose it hides: a cell missing from either edition's protection is left out, and so is a
revised open-investigations position from a force's first hidden recorded or closed count on
(two positions give the flows between them). Revisions of rows that count in no protected cell
(outcome 0 on the closed basis, a force MI column that is by definition another count) are not
listed at all.
"""

from __future__ import annotations

import polars as pl
from sqlalchemy import Engine, select

from db.protection import release_cells
from db.protection_leaves import place_rows
from db.schema import force
from metrics import registry as reg
from metrics.disclosure import NOT_AVAILABLE, disclosure_threshold
from metrics.disclosure import families as fam
from metrics.periods import quarter_label

CELL = ["family", "area_code", "period_key", "offence", "category"]
PUBLIC_SCHEMA = {
    "release_id": pl.Int64, "previous_release_id": pl.Int64, "measure": pl.String, "family": pl.String,
    "area_code": pl.String, "area_name": pl.String, "period": pl.String, "quarter": pl.Int64,
    "offence_group": pl.String, "ho_group": pl.String, "old_value": pl.Float64, "new_value": pl.Float64,
    "change": pl.Float64, "flag": pl.String,
}
"""Columns of the public tier: ``quarter`` is the period key (``20243``), ``period`` its label;
``ho_group`` is empty for counts not split by outcome; ``flag`` is [x] where a value was not
provided by the source (its ``change`` is then empty)."""


def measure_name(family: str) -> str:
    """A family's count in words: the basis of a Home Office count, the force MI column's definition."""
    f = fam.FAMILIES[family]
    if f.source == "indicator_value":
        return getattr(reg.metric(f.indicator), f.column)
    if f.source == "outcomes":
        return reg.BASIS_LABELS[f.basis]
    return reg.BASIS_LABELS[reg.BASIS_RECORDED_PERIOD]


def public_revisions(engine: Engine, raw: pl.DataFrame, *, threshold: int | None = None) -> pl.DataFrame:
    """``raw``: revision rows as ``ingest.list_revisions`` reads them at the restricted tier."""
    t = disclosure_threshold(threshold)
    if raw.height == 0:
        return pl.DataFrame(schema=PUBLIC_SCHEMA)
    parts = []
    with engine.connect() as conn:
        placed = place_rows(conn, raw).rename({"quarter": "period_key"})
        names = dict(conn.execute(select(force.c.code, force.c.name)).all())
        for (new_id, old_id), rows in placed.group_by("release_id", "previous_release_id"):
            touched = rows.select(CELL).unique()
            old = release_cells(conn, int(old_id), t)
            new = release_cells(conn, int(new_id), t)
            parts.append(shown_changes(touched, old, new).with_columns(
                release_id=pl.lit(new_id, pl.Int64), previous_release_id=pl.lit(old_id, pl.Int64)))
    cells = pl.concat(parts) if parts else None  # no part: no raw row counts in any protected cell
    if cells is None or cells.height == 0:
        return pl.DataFrame(schema=PUBLIC_SCHEMA)
    return _labelled(cells, names)


def shown_changes(touched: pl.DataFrame, old: pl.DataFrame, new: pl.DataFrame) -> pl.DataFrame:
    """The touched cells shown in both releases whose value differs (a value the source did not
    provide differs from any number)."""
    def side(cells: pl.DataFrame, name: str) -> pl.DataFrame:
        keys = [pl.col(k).cast(touched.schema[k]) for k in CELL]
        return cells.select(*keys, pl.col("value").cast(pl.Float64).alias(f"{name}_value"),
                            pl.col("reason").alias(f"{name}_reason"))

    both = touched.join(side(old, "old"), on=CELL, how="inner").join(side(new, "new"), on=CELL, how="inner")
    shown = (pl.col("old_reason") == "") & (pl.col("new_reason") == "")
    both = both.filter(shown & pl.col("old_value").ne_missing(pl.col("new_value"))).drop("old_reason", "new_reason")
    first = _first_hidden_flow(pl.concat([c.select(*CELL[:3], "reason") for c in (old, new)]))
    stock = both.join(first, on="area_code", how="left")
    after = (pl.col("family") == fam.STOCK_OF_FLOWS) & pl.col("first_hidden").is_not_null() & (
        pl.col("period_key") >= pl.col("first_hidden"))
    return stock.filter(~after).drop("first_hidden")


def _first_hidden_flow(cells: pl.DataFrame) -> pl.DataFrame:
    """Per force, the first quarter with a hidden count of offences recorded or investigations
    closed, in either edition (any offence, outcome group, quarter or the year holding it: the
    widest reading). Open investigations at a quarter's end move by recorded less closed, so a
    revised position from that quarter on is not listed (``families.STOCK_OF_FLOWS``)."""
    key = pl.col("period_key")
    quarter = pl.when(key % 10 == 0).then(key + 1).otherwise(key)  # a year from its first quarter
    hidden = cells.filter(pl.col("family").is_in([fam.RECORDED, fam.CLOSED]) & (pl.col("reason") != ""))
    return hidden.group_by("area_code").agg(quarter.min().cast(pl.Int64).alias("first_hidden"))


def _labelled(cells: pl.DataFrame, names: dict[str, str]) -> pl.DataFrame:
    family = pl.col("family")
    missing = pl.col("old_value").is_null() | pl.col("new_value").is_null()
    out = cells.with_columns(
        measure=family.replace_strict({f: measure_name(f) for f in fam.FAMILIES}, return_dtype=pl.String),
        area_name=pl.col("area_code").replace_strict(names, default=pl.col("area_code"), return_dtype=pl.String),
        period=pl.col("period_key").replace_strict({q: quarter_label(q) for q in cells["period_key"].unique()},
                                                   return_dtype=pl.String),
        quarter=pl.col("period_key"),
        offence_group=pl.col("offence"),
        ho_group=pl.when(family.is_in([f.id for f in fam.FAMILIES.values() if f.by_category]))
        .then(pl.col("category")),
        change=pl.col("new_value") - pl.col("old_value"),
        flag=pl.when(missing).then(pl.lit(NOT_AVAILABLE)),
    )
    out = out.sort(["release_id", "family", "quarter", "area_code", "offence_group", "ho_group"],
                   descending=[True, False, False, False, False, False], nulls_last=True)
    return out.select([pl.col(k).cast(v) for k, v in PUBLIC_SCHEMA.items()])
