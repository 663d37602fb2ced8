"""The pillars page's charts: the force x indicator grid and the spread of one indicator across
forces (Altair, no Streamlit).

The grid colours each cell by the force's funnel position, with the colours /compare uses
(``charts.positions.CATEGORY_COLORS``: blue steps above, orange and pink below, grey within),
and prints the value and the mark (▲▲ ▲ ● ▼ ▼▼ – [c]) in every cell, so the position reads
without colour. The strip plot puts each force on the value axis, one lane per position, with
the shapes of the funnel plot.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from analysis.comparison import NOT_SHOWN
from charts import palette
from charts.common import AXIS_TITLE, to_pandas
from charts.positions import CATEGORY_COLORS, DARK_FILLS, SHAPES
from metrics.registry import Metric
from words.pillars import GRID_LEGEND, STRIP_LANES

_TEXT = {"labelColor": palette.TEXT, "titleColor": palette.TEXT}
ROW_PX = 24
_FMT = {"percent": ".1f", "per_1000": ".2f", "days": ",.0f", "count": ",.0f", "per_investigator": ".1f"}


def _legend(title: str) -> alt.Legend:
    return alt.Legend(title=title, orient="top", direction="horizontal", columns=3, labelLimit=320,
                      labelFontSize=12, titleFontSize=12, symbolStrokeColor=palette.DARK_GREY, **_TEXT)


def _colour(keys: list[str], title: str = "Against England and Wales") -> alt.Color:
    """Position colours for the keys present, labelled with their marks (legend order fixed)."""
    present = [k for k in GRID_LEGEND if k in keys]
    return alt.Color("legend:N", scale=alt.Scale(domain=[GRID_LEGEND[k] for k in present],
                                                 range=[CATEGORY_COLORS[k] for k in present]),
                     legend=_legend(title))


def wrap(label: str, width: int = 16) -> str:
    """A column header in lines of about ``width`` characters, joined by '|' (the axis splits
    them), so six indicators' names fit side by side without overlapping."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "|".join(lines)


def grid_chart(frame: pl.DataFrame, order: list[str]) -> alt.LayerChart:
    """One row per force (in ``order``, codes), one column per indicator; each cell coloured by
    position and printed with its value and mark."""
    names = dict(zip(frame["code"], frame["name"], strict=False))
    data = frame.with_columns(
        legend=pl.col("category_key").replace_strict(GRID_LEGEND, default=GRID_LEGEND[NOT_SHOWN]),
        text_colour=pl.when(pl.col("category_key").is_in(list(DARK_FILLS))).then(pl.lit("#FFFFFF"))
        .otherwise(pl.lit(palette.TEXT)),
    ).select("code", "name", "indicator", "cell_text", "legend", "text_colour", "interval_text",
             "national_text", "position_words")
    columns = list(dict.fromkeys(frame["indicator"].to_list()))
    data = data.with_columns(header=pl.col("indicator").replace_strict({c: wrap(c) for c in columns}))
    lines = max(wrap(c).count("|") + 1 for c in columns) if columns else 1
    # top labels sit on their last line's baseline and further lines run down: pad them clear of the cells
    x = alt.X("header:N", sort=[wrap(c) for c in columns], title=None,
              axis=alt.Axis(orient="top", labelAngle=0, labelLimit=0, labelExpr="split(datum.label, '|')",
                            labelFontSize=12, labelPadding=6 + 15 * (lines - 1), domain=False, ticks=False))
    y = alt.Y("name:N", sort=[names[c] for c in order], title=None,
              axis=alt.Axis(labelFontSize=12, labelLimit=220, domain=False, ticks=False, labelOverlap=False))
    tooltip = [alt.Tooltip("name:N", title="Force"), alt.Tooltip("indicator:N", title="Indicator"),
               alt.Tooltip("cell_text:N", title="Value and mark"), alt.Tooltip("interval_text:N", title="95% interval"),
               alt.Tooltip("national_text:N", title="England and Wales"),
               alt.Tooltip("position_words:N", title="Against England and Wales")]
    base = alt.Chart(to_pandas(data))
    cells = base.mark_rect(stroke="#FFFFFF", strokeWidth=2).encode(
        x=x, y=y, color=_colour(frame["category_key"].unique().to_list()), tooltip=tooltip)
    text = base.mark_text(fontSize=12).encode(x=x, y=y, text="cell_text:N",
                                              color=alt.Color("text_colour:N", scale=None), tooltip=tooltip)
    height = ROW_PX * len(order)
    return alt.layer(cells, text).properties(height=height, width="container").configure_axis(**_TEXT) \
        .configure_view(stroke=None)


def strip_chart(rows: pl.DataFrame, metric: Metric, national_value: float | None) -> alt.LayerChart:
    """Each force with a figure as a point on the value axis, one lane per position (the funnel
    plot's shapes and colours, named by the lane's label), with England and Wales as a dashed line."""
    keys = rows["category_key"].unique().to_list()
    present = [k for k in STRIP_LANES if k in keys]
    lanes = [STRIP_LANES[k] for k in present]
    data = rows.with_columns(lane=pl.col("category_key").replace_strict(STRIP_LANES, default=""))
    # a fixed spread inside each lane (not random), so forces with close values stay apart and
    # the same data always draw the same picture
    data = data.sort("value").with_columns(jitter=((pl.int_range(pl.len()).over("lane") % 5) - 2) / 2.5)
    data = data.select("name", "value", "lane", "interval_text", "position_words", "jitter")
    y = alt.Y("lane:N", sort=lanes, title=None, axis=alt.Axis(labelLimit=200, labelFontSize=12))
    x_title = AXIS_TITLE.get(metric.unit, metric.unit)
    x = alt.X("value:Q", title=x_title, scale=alt.Scale(zero=False, nice=True))
    shape = alt.Shape("lane:N", scale=alt.Scale(domain=lanes, range=[SHAPES.get(k, "circle") for k in present]),
                      legend=None)
    colour = alt.Color("lane:N", scale=alt.Scale(domain=lanes, range=[CATEGORY_COLORS[k] for k in present]),
                       legend=None)  # the lane's label names it
    points = alt.Chart(to_pandas(data)).mark_point(filled=True, size=110, opacity=0.85, stroke=palette.TEXT,
                                                    strokeWidth=0.6).encode(
        x=x, y=y, shape=shape, color=colour,
        yOffset=alt.YOffset("jitter:Q", scale=alt.Scale(domain=[-1.6, 1.6])),
        tooltip=[alt.Tooltip("name:N", title="Force"), alt.Tooltip("value:Q", title=metric.label,
                                                                  format=_FMT[metric.unit]),
                 alt.Tooltip("interval_text:N", title="95% interval"),
                 alt.Tooltip("position_words:N", title="Against England and Wales")],
    )
    layers: list[alt.Chart] = [points]
    if national_value is not None:
        layers.append(alt.Chart(alt.Data(values=[{"v": national_value, "label": "England and Wales"}]))
                      .mark_rule(color=palette.TEXT, strokeDash=[4, 3], strokeWidth=1.5)
                      .encode(x=alt.X("v:Q"), tooltip=[alt.Tooltip("label:N", title=""),
                                                       alt.Tooltip("v:Q", title="Value", format=_FMT[metric.unit])]))
    return alt.layer(*layers).properties(height=max(160, 70 * len(present) + 40), width="container") \
        .configure_axis(**_TEXT)
