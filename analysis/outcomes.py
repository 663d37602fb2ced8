"""The outcome mix made readable over time: the largest groups, the rest as one band.

Why: there are up to a dozen Home Office outcome groups and six colours that stay apart for
readers with colour-vision deficiency, so a stacked chart keeps the groups that decide most
cases and puts every other group in one band, "All other outcome groups". That band is 100%
less the shown groups' shares, so it is a number anyone can work out from the table; where any
kept group of the period is hidden ([c]) the band is not drawn either (it would give the hidden
group back). The table under the chart keeps every group. No SQL here.
"""

from __future__ import annotations

import polars as pl

from metrics.disclosure import CONFIDENTIAL

KEPT = 5
OTHER = "All other outcome groups"


def kept_groups(mix: pl.DataFrame, *, exclude: str | None = None, kept: int = KEPT) -> list[str]:
    """The ``kept`` groups with the most outcomes shown over the whole frame, largest first."""
    rows = mix.filter(pl.col("ho_group") != (exclude or ""))
    totals = rows.group_by("ho_group").agg(pl.col("count").fill_null(0).sum()).sort(
        ["count", "ho_group"], descending=[True, False])
    return totals["ho_group"].head(kept).to_list()


def stacked_mix(mix: pl.DataFrame, *, exclude: str | None = None) -> pl.DataFrame:
    """Per period: the kept groups' shares and the rest as :data:`OTHER` (``order`` is the stack
    order, 0 at the bottom). ``exclude`` (outcome 0 shown apart) is left out."""
    keep = kept_groups(mix, exclude=exclude)
    rows = mix.filter(pl.col("ho_group") != (exclude or ""))
    top = rows.filter(pl.col("ho_group").is_in(keep)).select("period", "period_end", "ho_group", "share", "flag")
    per_period = top.group_by("period", "period_end").agg(
        _sum=pl.col("share").sum(), _hidden=(pl.col("flag") == CONFIDENTIAL).any() | pl.col("share").is_null().any())
    other = per_period.select(
        "period", "period_end", ho_group=pl.lit(OTHER),
        share=pl.when(pl.col("_hidden")).then(None)
        .otherwise((100 - pl.col("_sum")).clip(0, 100)),
        flag=pl.when(pl.col("_hidden")).then(pl.lit(CONFIDENTIAL)).otherwise(pl.lit("")))
    order = {g: i for i, g in enumerate([*keep, OTHER])}
    return (pl.concat([top, other], how="vertical_relaxed")
            .with_columns(order=pl.col("ho_group").replace_strict(order, default=len(order)))
            .sort("period_end", "order"))


def open_rows(mix: pl.DataFrame, open_group: str) -> pl.DataFrame:
    """The 'not yet assigned' rows of a mix on the recorded basis (shares of every offence recorded)."""
    return mix.filter(pl.col("ho_group") == open_group)


def decision_rows(mix: pl.DataFrame, open_group: str) -> pl.DataFrame:
    """Every row but outcome 0: the decisions, as shares of the decisions made."""
    return mix.filter(pl.col("ho_group") != open_group)


def open_group(types: pl.DataFrame) -> str:
    """The group of outcome 0, 'not yet assigned' (from the outcome types of the database)."""
    return next(iter(types.filter(pl.col("type") == 0)["ho_group"].to_list()), "")


def types_table(types: pl.DataFrame) -> pl.DataFrame:
    """The outcome types of each group, for reading (no counts)."""
    return types.sort("ho_group", "type").select(
        pl.col("ho_group").alias("Outcome group"), pl.col("type").alias("Type"),
        pl.col("description").alias("Description"))
