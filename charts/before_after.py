"""The before/after panel of /force: the force's figure in the four quarters before its NOM
start and in the latest four, each with its 95% interval, and the plain average of the forces
that had not started (where any exist) as hollow marks.

Which is which is written on the axis (window) and in the legend (shape), not left to colour.
Pure Altair from a frame; no Streamlit.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from charts import palette
from charts.common import AXIS_TITLE, to_pandas
from metrics.registry import Metric

SHAPES = {"This force": ("circle", palette.DARK_BLUE), "Forces not yet started (average)": ("square", palette.ORANGE)}


def before_after_chart(frame: pl.DataFrame, metric: Metric, *, height: int = 220) -> alt.LayerChart:
    """``frame``: window, who, value, lower, upper (one row per window and group)."""
    data = frame.filter(pl.col("value").is_not_null())
    who = [k for k in SHAPES if k in set(data["who"].to_list())]
    y = alt.Y("window:N", title=None, sort=frame["window"].unique(maintain_order=True).to_list(),
              axis=alt.Axis(labelLimit=320, labelFontSize=12))
    x_title = AXIS_TITLE.get(metric.unit, metric.unit)
    x = alt.X("value:Q", title=x_title, scale=alt.Scale(zero=False))
    base = alt.Chart(to_pandas(data))
    fmt = ".1f" if metric.unit == "percent" else ".2f" if metric.unit == "per_1000" else ",.0f"
    tip = [alt.Tooltip("window:N", title="Window"), alt.Tooltip("who:N", title="Figure"),
           alt.Tooltip("value:Q", title=metric.label, format=fmt),
           alt.Tooltip("lower:Q", title="95% CI lower", format=fmt),
           alt.Tooltip("upper:Q", title="95% CI upper", format=fmt)]
    bars = base.mark_rule(color=palette.DARK_GREY, strokeWidth=2).encode(
        x=alt.X("lower:Q", title=x_title, scale=alt.Scale(zero=False)), x2="upper:Q", y=y, yOffset="who:N",
        tooltip=tip)
    points = base.mark_point(filled=True, size=120, opacity=1, stroke=palette.TEXT, strokeWidth=0.6).encode(
        x=x, y=y, yOffset="who:N", tooltip=tip,
        shape=alt.Shape("who:N", title=None, scale=alt.Scale(domain=who, range=[SHAPES[k][0] for k in who]),
                        legend=alt.Legend(orient="bottom", labelLimit=400)),
        color=alt.Color("who:N", title=None, scale=alt.Scale(domain=who, range=[SHAPES[k][1] for k in who])))
    return alt.layer(bars, points).properties(height=height, width="container")
