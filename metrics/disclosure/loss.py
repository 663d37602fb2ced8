"""Information loss of a release's protection: how many cells each table hides, and why.

Why: the guarantee costs cells, and the issue asks that the cost be reported (per table, at full
scale) and kept as small as the guarantee allows. A *table* is what a public output lays out:
one family at one area level (forces, England and Wales of the 43 forces, England and Wales with
BTP), one period level (quarters, financial years, 12 months ending the release's quarter of the
year: "year ending") and one offence node, over its categories.
"""

from __future__ import annotations

import polars as pl

from metrics.disclosure import families as fam

REASONS = ("primary", "secondary", "carried", "linked")
AREA_LEVELS = {fam.NATIONAL: "England and Wales", fam.TERRITORIAL: "England and Wales (43 forces)"}
TABLE_KEYS = ("family", "area_level", "period_level", "offence")
LOSS_SCHEMA = {"scope": pl.String, "family": pl.String, "area_level": pl.String, "period_level": pl.String,
               "offence": pl.String, "cells": pl.Int64, "hidden": pl.Int64,
               **{r: pl.Int64 for r in REASONS}, "share_hidden": pl.Float64}


def _levels(cells: pl.DataFrame) -> pl.DataFrame:
    area = pl.col("area_code").replace_strict(AREA_LEVELS, default="force", return_dtype=pl.String)
    key = pl.col("period_key")
    period = (pl.when(key % 10 == 0).then(pl.lit("financial year"))
              .when((key % 10).is_in(fam.WINDOW_DIGITS)).then(pl.lit("year ending"))
              .otherwise(pl.lit("quarter")))
    return cells.with_columns(area_level=area, period_level=period)


def _count(frame: pl.DataFrame, keys: list[str], scope: str) -> pl.DataFrame:
    reason = pl.col("reason")
    out = frame.group_by(keys).agg(
        cells=pl.len().cast(pl.Int64), hidden=(reason != "").sum().cast(pl.Int64),
        **{r: (reason == r).sum().cast(pl.Int64) for r in REASONS})
    out = out.with_columns(scope=pl.lit(scope), share_hidden=(pl.col("hidden") / pl.col("cells")).round(4),
                           **{k: pl.lit("all") for k in TABLE_KEYS if k not in keys})
    return out.select(list(LOSS_SCHEMA)).cast(LOSS_SCHEMA)


def information_loss(cells: pl.DataFrame) -> pl.DataFrame:
    """Per table, per family and for the whole release (``scope`` says which): node cells,
    hidden cells by reason, and the share hidden. ``cells``: the protection's output (every node
    cell with its ``reason``, "" when shown)."""
    if cells.height == 0:
        return pl.DataFrame(schema=LOSS_SCHEMA)
    leveled = _levels(cells)
    parts = [_count(leveled, list(TABLE_KEYS), "table"), _count(leveled, ["family"], "family"),
             _count(leveled.with_columns(family=pl.lit("all")), ["family"], "release")]
    order = {"table": 0, "family": 1, "release": 2}
    return (pl.concat(parts).with_columns(_o=pl.col("scope").replace_strict(order, return_dtype=pl.Int8))
            .sort("_o", *TABLE_KEYS).drop("_o"))


def loss_markdown(loss: pl.DataFrame, *, title: str) -> str:
    """The loss as Markdown: the whole release, then per family, then per table."""
    lines = [f"# {title}", ""]
    columns = ["family", "area_level", "period_level", "offence", "cells", "hidden", *REASONS, "share_hidden"]
    for scope, heading in (("release", "Whole release"), ("family", "Per family"), ("table", "Per table")):
        part = loss.filter(pl.col("scope") == scope)
        lines += [f"## {heading}", "", "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        for row in part.iter_rows(named=True):
            cells = [f"{row[c]:.1%}" if c == "share_hidden" else
                     f"{row[c]:,}" if isinstance(row[c], int) else str(row[c]) for c in columns]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)
