"""The SPC (XmR) chart of /force: the force's series, centre line, process limits, special-cause
signals, England and Wales and the peer average, and the force's NOM start.

Colour is never the only cue: every reference line has its own dash pattern and a legend
entry, every signal rule its own marker shape (and colour) and legend entry, and the words
under the chart (``words.spc``) name each signal. Pure Altair from a frame; no Streamlit.
"""

from __future__ import annotations

from datetime import date

import altair as alt
import polars as pl

from charts import palette
from charts.common import AXIS_TITLE, to_pandas
from charts.trend import GRAIN_WORDS, time_axis, with_dates
from metrics.registry import Metric
from words.spc import NO_SIGNAL, SIGNAL_LABELS

# Reference lines: label -> (frame column, dash pattern, colour)
LINES = {
    "Centre line (mean)": ("centre", [1, 0], palette.DARK_GREY),
    "Process limits": (None, [6, 4], palette.DARK_GREY),
    "England and Wales": ("national", [2, 2], palette.TURQUOISE),
    "Peer average": ("peer_average", [8, 3, 2, 3], palette.LIGHT_PURPLE),
}
# Lines left out for a count, which depends on a force's size
SIZE_BOUND = ("England and Wales", "Peer average")
# Signal marker: shape and colour per rule (shape alone tells them apart)
MARKERS = {
    NO_SIGNAL: ("circle", palette.DARK_BLUE),
    SIGNAL_LABELS["beyond limits"]: ("square", palette.ORANGE),
    SIGNAL_LABELS["run above centre"]: ("triangle-up", palette.DARK_PINK),
    SIGNAL_LABELS["run below centre"]: ("triangle-down", palette.DARK_PINK),
    SIGNAL_LABELS["rising trend"]: ("wedge", palette.ORANGE),
    SIGNAL_LABELS["falling trend"]: ("arrow", palette.ORANGE),
    SIGNAL_LABELS["two of three high"]: ("diamond", palette.DARK_PINK),
    SIGNAL_LABELS["two of three low"]: ("cross", palette.DARK_PINK),
}


def reference_rows(frame: pl.DataFrame) -> pl.DataFrame:
    """The reference lines in long form: one row per date, line and (for the limits) side."""
    parts = []
    for label, (column, _dash, _colour) in LINES.items():
        cols = [("upper_limit", "upper"), ("lower_limit", "lower")] if column is None else [(column, "")]
        for col, side in cols:
            if col in frame.columns:
                parts.append(frame.select("quarter_end", "period", pl.col(col).cast(pl.Float64).alias("y"))
                             .with_columns(line=pl.lit(label), side=pl.lit(side)))
    return pl.concat(parts).filter(pl.col("y").is_not_null()) if parts else pl.DataFrame()


def spc_chart(frame: pl.DataFrame, metric: Metric, *, start: date | None, start_label: str = "",
              grain: str = "quarter", height: int = 340) -> alt.LayerChart:
    """The XmR chart from ``analysis.force_profile.spc_frame``; ``start`` marks the force's NOM
    start with a labelled rule when it falls inside the series."""
    data = with_dates(frame).with_columns(
        marker=pl.col("signal").fill_null("").replace_strict(SIGNAL_LABELS, default=NO_SIGNAL))
    unit = metric.unit
    fmt = ",.0f" if unit in ("count", "days") else ".1f" if unit == "percent" else ".2f"
    x = alt.X("quarter_end:T", title=GRAIN_WORDS[grain], axis=time_axis(data["quarter_end"].drop_nulls()))
    y_title = AXIS_TITLE.get(unit, unit)
    refs = reference_rows(data)
    if unit == "count" and refs.height:  # a count depends on size: England and Wales is far off the force's scale
        refs = refs.filter(~pl.col("line").is_in(list(SIZE_BOUND)))
    labels = [k for k in LINES if refs.height and k in set(refs["line"].to_list())]
    lines = alt.Chart(to_pandas(refs)).mark_line(strokeWidth=1.5).encode(
        x=x, y=alt.Y("y:Q", title=y_title, scale=alt.Scale(zero=False)),
        strokeDash=alt.StrokeDash("line:N", title="Lines", scale=alt.Scale(
            domain=labels, range=[LINES[k][1] for k in labels]), legend=alt.Legend(orient="bottom", labelLimit=400)),
        color=alt.Color("line:N", title="Lines", scale=alt.Scale(
            domain=labels, range=[LINES[k][2] for k in labels])),
        detail="side:N",
        tooltip=[alt.Tooltip("line:N", title="Line"), alt.Tooltip("period:N", title="Period"),
                 alt.Tooltip("y:Q", title="Value", format=fmt)])
    base = alt.Chart(to_pandas(data.select("quarter_end", "period", "value", "lower", "upper", "flag", "marker")))
    series = base.mark_line(color=palette.DARK_BLUE, strokeWidth=2).encode(x=x, y=alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False)))
    kinds = [k for k in MARKERS if k in set(data["marker"].to_list())]
    points = base.mark_point(filled=True, opacity=1).encode(
        x=x, y=alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False)),
        shape=alt.Shape("marker:N", title="Points", scale=alt.Scale(domain=kinds, range=[MARKERS[k][0] for k in kinds]),
                        legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=400)),
        color=alt.Color("marker:N", title="Points", scale=alt.Scale(domain=kinds, range=[MARKERS[k][1] for k in kinds])),
        size=alt.condition(alt.datum.marker == NO_SIGNAL, alt.value(40), alt.value(110)),
        tooltip=[alt.Tooltip("period:N", title="Period"), alt.Tooltip("value:Q", title=metric.label, format=fmt),
                 alt.Tooltip("lower:Q", title="95% CI lower", format=fmt),
                 alt.Tooltip("upper:Q", title="95% CI upper", format=fmt),
                 alt.Tooltip("marker:N", title="Signal"), alt.Tooltip("flag:N", title="Marker")])
    layers: list = [lines, series, points]
    dates = data["quarter_end"].drop_nulls()
    if start is not None and len(dates) and dates.min() <= start <= dates.max():
        layers += _start_layers(start, start_label)
    return (alt.layer(*layers).resolve_scale(color="independent", shape="independent", strokeDash="independent")
            .properties(height=height, width="container"))


def _start_layers(start: date, label: str) -> list[alt.Chart]:
    """A dashed rule at the force's NOM start, labelled at the top."""
    mark = alt.Chart(to_pandas(pl.DataFrame({"date": [start], "label": [label]})))
    rule = mark.mark_rule(color=palette.MILESTONE, strokeDash=[4, 3], strokeWidth=1.5).encode(
        x="date:T", tooltip=[alt.Tooltip("label:N", title="Marked"),
                             alt.Tooltip("date:T", title="Date", format="%d %b %Y")])
    text = mark.mark_text(align="left", baseline="top", dx=3, fontSize=11, fontWeight="bold",
                          color=palette.TEXT).encode(x="date:T", y=alt.value(2), text="label:N")
    return [rule, text]
