"""The outcome mix: the share of each Home Office outcome group, as labelled horizontal bars.

Each bar carries its share as text, so the reading does not depend on the bar's length or
colour. Pure Altair from a frame; no Streamlit.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from charts import palette
from charts.common import to_pandas


def share_labels(shares: pl.Series) -> pl.Series:
    """Each share as "12.3%", formatted in Python outside Polars' engine.

    Why not ``map_elements``: a Python function inside a Polars expression makes Polars' worker
    threads wait for Python's lock while the session that holds it may be waiting for those
    workers (a ``to_pandas`` in another session's chart): under concurrent sessions the whole
    server hung, found by ``python -m benchmarks.load_test``."""
    return pl.Series(shares.name, [f"{s:.1f}%" for s in shares.to_list()], dtype=pl.String)


def outcome_mix_chart(frame: pl.DataFrame, *, height: int | None = None) -> alt.LayerChart:
    """Horizontal bars of each Home Office outcome group's share, labelled with the share."""
    data = frame.filter(pl.col("share").is_not_null()).select("ho_group", "count", "share", "flag")
    data = data.with_columns(label=share_labels(data["share"]))
    order = data.sort(["share", "ho_group"], descending=[True, False])["ho_group"].to_list()  # ties by name
    x_max = min(100.0, (data["share"].max() or 0) * 1.15 + 5)  # room for the value labels
    y = alt.Y("ho_group:N", sort=order, title=None,
              axis=alt.Axis(labelLimit=420, labelOverlap=False, labelFontSize=12))
    tooltip = [alt.Tooltip("ho_group:N", title="Outcome group"),
               alt.Tooltip("count:Q", title="Outcomes", format=",.0f"),
               alt.Tooltip("share:Q", title="Share (%)", format=".1f")]
    base = alt.Chart(to_pandas(data))
    bars = base.mark_bar(color=palette.DARK_BLUE).encode(
        x=alt.X("share:Q", title="Share of outcomes (%)", scale=alt.Scale(domain=[0, x_max])),
        y=y, tooltip=tooltip)
    text = base.mark_text(align="left", dx=4, color=palette.TEXT).encode(
        x="share:Q", y=y, text="label:N")
    return alt.layer(bars, text).properties(height=height or max(120, 30 * len(data)), width="container")


def outcome_mix_pair_chart(frame: pl.DataFrame, *, order: list[str]) -> alt.LayerChart:
    """The force's and England and Wales's shares side by side in each outcome group; ``order``
    names the areas (first drawn first). Each bar is labelled with its share, and the areas
    differ in shape of fill (solid or outlined), not only in colour."""
    data = frame.filter(pl.col("share").is_not_null()).select("area_name", "ho_group", "count", "share", "flag")
    data = data.with_columns(label=share_labels(data["share"]))
    groups = (data.group_by("ho_group").agg(pl.col("share").max())
              .sort(["share", "ho_group"], descending=[True, False])["ho_group"].to_list())  # ties by name: one order
    x_max = min(100.0, (data["share"].max() or 0) * 1.15 + 5)
    y = alt.Y("ho_group:N", sort=groups, title=None, axis=alt.Axis(labelLimit=420, labelFontSize=12))
    tooltip = [alt.Tooltip("area_name:N", title="Area"), alt.Tooltip("ho_group:N", title="Outcome group"),
               alt.Tooltip("count:Q", title="Outcomes", format=",.0f"),
               alt.Tooltip("share:Q", title="Share (%)", format=".1f")]
    base = alt.Chart(to_pandas(data))
    colours = [palette.DARK_BLUE, palette.TURQUOISE][:len(order)]
    bars = base.mark_bar(strokeWidth=1.5).encode(
        x=alt.X("share:Q", title="Share of outcomes (%)", scale=alt.Scale(domain=[0, x_max])),
        y=y, yOffset=alt.YOffset("area_name:N", sort=order), tooltip=tooltip,
        color=alt.Color("area_name:N", title=None, sort=order, scale=alt.Scale(domain=order, range=colours),
                        legend=alt.Legend(orient="bottom")),
        fillOpacity=alt.FillOpacity("area_name:N", sort=order, scale=alt.Scale(domain=order, range=[1, 0.25][:len(order)]),
                                    legend=None),
        stroke=alt.Stroke("area_name:N", sort=order, scale=alt.Scale(domain=order, range=colours), legend=None))
    text = base.mark_text(align="left", dx=4, color=palette.TEXT, fontSize=11).encode(
        x="share:Q", y=y, yOffset=alt.YOffset("area_name:N", sort=order), text="label:N")
    return alt.layer(bars, text).properties(height=max(160, 44 * len(groups)), width="container")
