"""Charts of the outcomes and timeliness page: the mix over time, the case journey and days.

Each labels what colour would otherwise carry: stacked segments carry their share as text, the
journey's lines are named at their ends, and the boxes of days are one colour with the
percentiles in the tooltip and the table. Pure Altair from frames; no Streamlit.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from charts import palette
from charts.common import to_pandas

_LABEL_MIN = 7.0  # per cent: a segment this tall or taller carries its share as text
NOTHING = "Nothing can be shown here: too few cases in every period ([c])"


def nothing_chart(message: str = NOTHING) -> alt.Chart:
    """A chart whose every figure is hidden says so where the chart would be, not an empty frame."""
    return alt.Chart(to_pandas(pl.DataFrame({"text": [message]}))).mark_text(
        fontSize=16, color=palette.TEXT).encode(text="text:N").properties(height=120, width="container")


def stacked_mix_chart(frame: pl.DataFrame, *, period_title: str) -> alt.LayerChart | alt.Chart:
    """Stacked shares per period (``analysis.outcomes.stacked_mix``), segments labelled."""
    if frame.filter(pl.col("share").is_not_null()).height == 0:
        return nothing_chart()
    data = frame.filter(pl.col("share").is_not_null()).with_columns(
        label=pl.when(pl.col("share") >= _LABEL_MIN).then(pl.col("share").round(0).cast(pl.Int64).cast(pl.String) + "%")
        .otherwise(pl.lit("")))
    groups = frame.sort("order")["ho_group"].unique(maintain_order=True).to_list()
    periods = frame.sort("period_end")["period"].unique(maintain_order=True).to_list()
    colour = alt.Color("ho_group:N", title="Outcome group", sort=groups,
                       scale=alt.Scale(domain=groups, range=palette.categorical(len(groups))),
                       legend=alt.Legend(orient="bottom", columns=2, labelLimit=420))
    base = alt.Chart(to_pandas(data)).transform_stack(
        stack="share", groupby=["period"], as_=["y0", "y1"], sort=[alt.SortField("order", "ascending")]
    ).transform_calculate(mid="(datum.y0 + datum.y1) / 2")
    x = alt.X("period:N", sort=periods, title=period_title, axis=alt.Axis(labelAngle=-45 if len(periods) > 10 else 0))
    tooltip = [alt.Tooltip("period:N", title=period_title), alt.Tooltip("ho_group:N", title="Outcome group"),
               alt.Tooltip("share:Q", title="Share (%)", format=".1f")]
    bars = base.mark_bar().encode(x=x, y=alt.Y("y0:Q", title="Share (%)", scale=alt.Scale(domain=[0, 100])),
                                  y2="y1:Q", color=colour, order=alt.Order("order:Q"), tooltip=tooltip)
    text = base.mark_text(color="white", fontSize=11).encode(x=x, y="mid:Q", text="label:N")
    return alt.layer(bars, text).properties(height=380, width="container")


def share_bars(frame: pl.DataFrame, *, period_title: str, y_title: str) -> alt.LayerChart | alt.Chart:
    """One share per period as labelled bars (outcome 0, shown apart)."""
    if frame.filter(pl.col("share").is_not_null()).height == 0:
        return nothing_chart()
    data = frame.filter(pl.col("share").is_not_null()).with_columns(
        label=(pl.col("share").round(1).cast(pl.String) + "%"))
    periods = frame.sort("period_end")["period"].unique(maintain_order=True).to_list()
    x = alt.X("period:N", sort=periods, title=period_title, axis=alt.Axis(labelAngle=-45 if len(periods) > 10 else 0))
    base = alt.Chart(to_pandas(data))
    bars = base.mark_bar(color=palette.DARK_GREY).encode(
        x=x, y=alt.Y("share:Q", title=y_title),
        tooltip=[alt.Tooltip("period:N", title=period_title), alt.Tooltip("share:Q", title=y_title, format=".1f")])
    text = base.mark_text(dy=-6, color=palette.TEXT, fontSize=10).encode(x=x, y="share:Q", text="label:N")
    return alt.layer(bars, text).properties(height=220, width="container")


def journey_chart(frame: pl.DataFrame) -> alt.LayerChart | alt.Chart:
    """Percentage of each cohort at each stage after recording, one named line per stage."""
    data = frame.filter((pl.col("stage") != "Recorded") & pl.col("share").is_not_null())
    if data.height == 0:
        return nothing_chart("No cohort can be shown ([c])")
    cohorts = frame.sort("period_end")["cohort"].unique(maintain_order=True).to_list()
    stages = [s for s in frame["stage"].unique(maintain_order=True).to_list() if s != "Recorded"]
    colour = alt.Color("stage:N", sort=stages, title="Stage",
                       scale=alt.Scale(domain=stages, range=palette.categorical(len(stages))), legend=None)
    x = alt.X("cohort:N", sort=cohorts, title="Financial year the offences were recorded in",
              axis=alt.Axis(labelAngle=0 if len(cohorts) <= 12 else -45))
    base = alt.Chart(to_pandas(data))
    tooltip = [alt.Tooltip("cohort:N", title="Cohort"), alt.Tooltip("stage:N", title="Stage"),
               alt.Tooltip("count:Q", title="Offences", format=",.0f"),
               alt.Tooltip("share:Q", title="% of cohort", format=".1f")]
    lines = base.mark_line(point=True).encode(
        x=x, y=alt.Y("share:Q", title="% of the year's offences", scale=alt.Scale(domain=[0, 100])),
        color=colour, tooltip=tooltip)
    last = cohorts[-1] if cohorts else ""
    names = base.transform_filter(alt.datum.cohort == last).mark_text(align="left", dx=6, fontSize=11).encode(
        x=x, y="share:Q", text="stage:N", color=colour)
    return alt.layer(lines, names).properties(height=320, width="container", padding={"right": 140})


def days_box_chart(frame: pl.DataFrame, *, period_title: str, what: str) -> alt.LayerChart | alt.Chart:
    """A box per period from the 10th, 25th, 50th, 75th and 90th percentiles of days."""
    data = frame.filter(pl.col("p50").is_not_null())
    if data.height == 0:
        return nothing_chart()
    periods = frame.sort("period_end")["period"].unique(maintain_order=True).to_list()
    x = alt.X("period:N", sort=periods, title=period_title, axis=alt.Axis(labelAngle=0))
    tooltip = [alt.Tooltip("period:N", title=period_title)] + [
        alt.Tooltip(f"{c}:Q", title=t, format=",.0f") for c, t in
        (("p10", "10th percentile"), ("p25", "25th percentile"), ("p50", "Median"),
         ("p75", "75th percentile"), ("p90", "90th percentile"))]
    base = alt.Chart(to_pandas(data))
    whisker = base.mark_rule(color=palette.DARK_BLUE).encode(
        x=x, y=alt.Y("p10:Q", title=f"Days from report to {what}"), y2="p90:Q", tooltip=tooltip)
    box = base.mark_bar(size=28, color=palette.INTERVAL_FILL, stroke=palette.DARK_BLUE).encode(
        x=x, y="p25:Q", y2="p75:Q", tooltip=tooltip)
    median = base.mark_tick(color=palette.DARK_BLUE, thickness=3, size=28).encode(x=x, y="p50:Q", tooltip=tooltip)
    label = base.mark_text(align="left", dx=17, fontSize=10, color=palette.TEXT).encode(
        x=x, y="p50:Q", text=alt.Text("p50:Q", format=",.0f"))
    return alt.layer(whisker, box, median, label).properties(height=340, width="container")


def force_medians_chart(frame: pl.DataFrame, *, what: str, selected: str | None = None) -> alt.LayerChart | alt.Chart:
    """Each force's median days with its 95% interval, forces in alphabetical order (not ranked)."""
    data = frame.filter(pl.col("p50").is_not_null()).with_columns(
        chosen=pl.col("area_code") == (selected or ""))
    if data.height == 0:
        return nothing_chart("No force has enough cases for a median in this period ([c])")
    order = frame.sort("area_name")["area_name"].to_list()
    y = alt.Y("area_name:N", sort=order, title=None,
              axis=alt.Axis(labelLimit=260, labelOverlap=False, labelFontSize=11))
    base = alt.Chart(to_pandas(data))
    tooltip = [alt.Tooltip("area_name:N", title="Force"), alt.Tooltip("p50:Q", title="Median days", format=",.0f"),
               alt.Tooltip("lower:Q", title="95% interval lower", format=",.0f"),
               alt.Tooltip("upper:Q", title="95% interval upper", format=",.0f")]
    rules = base.mark_rule(color=palette.INTERVAL_FILL, strokeWidth=3).encode(
        x=alt.X("lower:Q", title=f"Median days from report to {what} (95% interval)"), x2="upper:Q", y=y)
    points = base.mark_point(filled=True, size=60).encode(
        x="p50:Q", y=y, tooltip=tooltip,
        shape=alt.condition("datum.chosen", alt.value("diamond"), alt.value("circle")),
        size=alt.condition("datum.chosen", alt.value(160), alt.value(60)),
        color=alt.condition("datum.chosen", alt.value(palette.DARK_PINK), alt.value(palette.DARK_BLUE)))
    named = base.transform_filter("datum.chosen").mark_text(align="left", dx=10, fontWeight="bold").encode(
        x="upper:Q", y=y, text=alt.value("selected force"))
    return alt.layer(rules, points, named).properties(height=max(200, 20 * data.height), width="container")
