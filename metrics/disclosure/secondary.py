"""Secondary suppression: hide complement cells so no hidden count comes back by subtraction.

Kept apart from the primary rules because it is a different idea (margins of a published
table rather than one cell) and the part most likely to grow (new linked margins).
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from metrics.disclosure.markers import CONFIDENTIAL


def groupings(group_by: str | Sequence[str] | Sequence[Sequence[str]] | None) -> list[list[str]]:
    """None -> []; "period" -> [["period"]]; ["a", "b"] -> [["a", "b"]]; [["a"], ["b"]] as is."""
    if group_by is None:
        return []
    if isinstance(group_by, str):
        return [[group_by]]
    items = list(group_by)
    if items and all(isinstance(g, str) for g in items):
        return [list(items)]
    return [[g] if isinstance(g, str) else list(g) for g in items]


def protect_margins(out: pl.DataFrame, groupings: list[list[str]], measures: list[tuple[str, str]],
               hide_first: str | None) -> pl.DataFrame:
    """Hide complement cells until no grouping has a group with exactly one hidden cell."""
    for _ in range(out.height + 1):
        changed = False
        for keys in groupings:
            for column, hide in measures:
                picked = _pick_complements(out, keys, column, hide, hide_first)
                if picked:
                    changed = True
                    chosen = pl.col("_row").is_in(picked)
                    out = out.with_columns(
                        pl.when(chosen).then(pl.lit(CONFIDENTIAL)).otherwise("_flag").alias("_flag"),
                        (pl.col(hide) | chosen).alias(hide),
                        (pl.col("_hide_val") | chosen).alias("_hide_val"),
                    )
        if not changed:
            break
    return out


def _pick_complements(frame: pl.DataFrame, keys: list[str], column: str, hide: str,
                      hide_first: str | None = None) -> list[int]:
    """Rows whose ``column`` must also be hidden so no group of ``keys`` hides exactly one.

    Cells whose numbers were missing in the source (given [x]/[z]) are not counted: they are
    not part of what the published total reveals.
    """
    counted = pl.col(hide) & ~pl.col("_pre")
    hidden_in_group = counted.sum().over(keys)
    x = pl.col(column).cast(pl.Float64)
    candidates = frame.filter(
        (hidden_in_group == 1) & ~pl.col(hide) & ~pl.col("_pre") & x.is_not_null()
    )
    if candidates.is_empty():
        return []
    later = ~pl.col(hide_first).fill_null(False) if hide_first else pl.lit(False)
    chosen = (
        candidates.with_columns(_zero=x == 0, _later=later, _x=x)
        .sort(["_zero", "_later", "_x", "_row"])
        .group_by(keys, maintain_order=True)
        .first()
    )
    return chosen["_row"].to_list()


def unprotected_groups(frame: pl.DataFrame, group_by: str | Sequence[str]) -> pl.DataFrame:
    """Groups (after :func:`apply_disclosure`) with exactly one ``[c]`` cell.

    Their published total would give the hidden count away, so the caller must hide the total
    (or the whole group). Empty when secondary suppression succeeded.
    """
    keys = groupings(group_by)[0]
    hidden = pl.col("flag") == CONFIDENTIAL
    aggs = [(hidden & pl.col("numerator").is_null()).sum().alias("hidden_numerators")]
    if "denominator" in frame.columns:
        aggs.append((hidden & pl.col("denominator").is_null()).sum().alias("hidden_denominators"))
    else:
        aggs.append(pl.lit(0, dtype=pl.UInt32).alias("hidden_denominators"))
    return (
        frame.group_by(keys, maintain_order=True)
        .agg(aggs)
        .filter((pl.col("hidden_numerators") == 1) | (pl.col("hidden_denominators") == 1))
    )


