"""The data explorer's chart, where one fits: a line over time, or bars across categories.

Why only where one fits: the explorer builds any table, and a chart of 44 forces x 12 outcome
groups is a tangle nobody can read; the table is then the view. Series are told apart by shape
and by a label at the line's end as well as colour, so colour is never the only signal.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from charts.common import to_pandas
from charts.trend import with_dates

MAX_SERIES = 8
MAX_BARS = 50
SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "triangle-left", "triangle-right"]


def series_columns(table: pl.DataFrame, value: str) -> list[str]:
    """The columns other than the period, the numbers and the flag: what tells series apart."""
    skip = {"period", "period_end", "area_code", "flag", value, "numerator", "denominator", "lower", "upper",
            "count", "value", "offence_description", "outcome_description", "outcome_type"}
    keys = [c for c in table.columns if c not in skip]
    return [c for c in keys if table[c].n_unique() > 1]


def plot_frame(table: pl.DataFrame, value: str) -> tuple[pl.DataFrame, str] | None:
    """The rows to draw and the kind ('line' or 'bar'), or None when no chart fits the table."""
    keys = series_columns(table, value)
    label = (pl.concat_str([pl.col(c).cast(pl.String) for c in keys], separator=" · ") if keys
             else pl.lit("All"))
    if table.height == 0 or table[value].drop_nulls().len() == 0:
        return None
    frame = table.with_columns(series=label)
    has_time = frame["period_end"].n_unique() > 1
    if has_time and frame["series"].n_unique() <= MAX_SERIES:
        return with_dates(frame), "line"
    if not has_time and frame.height <= MAX_BARS:
        return frame, "bar"
    return None


def explorer_chart(frame: pl.DataFrame, kind: str, *, value: str, y_title: str, title: str) -> alt.Chart:
    """Line: one series per combination of the other dimensions, hidden points left as gaps.
    Bar: one bar per row, sorted by value, hidden rows drawn as empty (their label says [c])."""
    data = to_pandas(frame)
    tooltip = [alt.Tooltip("series:N", title="Row"), alt.Tooltip("period:N", title="Period"),
               alt.Tooltip(f"{value}:Q", title=y_title, format=",.1f"), alt.Tooltip("flag:N", title="Symbol")]
    if kind == "line":
        series = alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom", columns=2, labelLimit=400))
        shape = alt.Shape("series:N", title=None, scale=alt.Scale(range=SHAPES), legend=None)
        base = alt.Chart(data).encode(x=alt.X("quarter_end:T", title="Period ending"),
                                      y=alt.Y(f"{value}:Q", title=y_title), color=series, tooltip=tooltip)
        lines = base.mark_line()
        points = base.mark_point(filled=True, size=40).encode(shape=shape)
        return (lines + points).properties(title=title, height=360)
    bars = alt.Chart(data).mark_bar().encode(
        y=alt.Y("series:N", title=None, sort="-x", axis=alt.Axis(labelLimit=360)),
        x=alt.X(f"{value}:Q", title=y_title), tooltip=tooltip)
    text = alt.Chart(data).mark_text(align="left", dx=3).encode(
        y=alt.Y("series:N", sort="-x"), x=alt.X(f"{value}:Q"), text=alt.Text("flag:N"))
    return (bars + text).properties(title=title, height=max(120, 22 * len(data)))
