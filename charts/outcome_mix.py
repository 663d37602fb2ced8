"""The outcome mix: the share of each Home Office outcome group, as labelled horizontal bars.

Each bar carries its share as text, so the reading does not depend on the bar's length or
colour. Pure Altair from a frame; no Streamlit.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from charts import palette
from charts.common import to_pandas


def outcome_mix_chart(frame: pl.DataFrame, *, height: int | None = None) -> alt.LayerChart:
    """Horizontal bars of each Home Office outcome group's share, labelled with the share."""
    data = frame.filter(pl.col("share").is_not_null()).select("ho_group", "count", "share", "flag")
    data = data.with_columns(label=pl.col("share").map_elements(lambda s: f"{s:.1f}%", return_dtype=pl.String))
    order = data.sort("share", descending=True)["ho_group"].to_list()
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
