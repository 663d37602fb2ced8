"""The trend chart: a metric over time, built in Altair from the tidy query frame (no
Streamlit, so it is tested alone as a spec).

It draws its uncertainty (an interval band) and labels what colour would otherwise carry: NOM
milestones are labelled rules, low-reliability points are hollow diamonds with a legend entry,
and the period chosen for the headline figures is a dashed-edged band with its name written on
it (the sentence describing that band is ``words.summaries.window_summary``).
"""

from __future__ import annotations

from datetime import date

import altair as alt
import polars as pl

from charts import palette
from charts.common import AXIS_TITLE, to_pandas
from db.reference import MILESTONES
from metrics.periods import Period, quarter_end, quarter_month_label, quarter_start
from metrics.registry import Metric
from words.summaries import WINDOW_TITLE

_SHORT_MILESTONES = {
    date(2021, 6, 1): "Pathfinders (2021)",
    date(2022, 10, 1): "Early adopters (Oct 2022)",
    date(2023, 7, 10): "National roll-out (Jul 2023)",
    date(2024, 11, 30): "Adoption target (Nov 2024)",
}

# The grains a trend can be drawn at: what a point is, in words (axis title, tooltip, summary).
GRAIN_WORDS = {"quarter": "Quarter ending", "year": "Financial year ending",
               "rolling": "12 months ending"}
LOW_RELIABILITY = "[u] low reliability (hollow diamond)"
RELIABLE = "Figure"
SHORT_SPAN = 8  # quarters: up to two years, the time axis labels each quarter, not each year


def with_dates(frame: pl.DataFrame) -> pl.DataFrame:
    """Add the quarter's end date and a readable month label, for a time axis."""
    ends = frame["period_end"].to_list()
    return frame.with_columns(
        quarter_end=pl.Series([quarter_end(q) for q in ends], dtype=pl.Date),
        months=pl.Series([quarter_month_label(q) for q in ends], dtype=pl.String),
    )


def milestones_in(first: date, last: date) -> pl.DataFrame:
    """Milestones inside the span; each label gets its own row (pixels from the top), so labels
    of milestones a few months apart never overlap."""
    rows = [{"date": d, "label": _SHORT_MILESTONES.get(d, text), "detail": text}
            for d, text in MILESTONES if first <= d <= last]
    rows = [{**r, "ypix": 2 + _LABEL_ROW * i} for i, r in enumerate(rows)]
    return pl.DataFrame(rows, schema={"date": pl.Date, "label": pl.String, "detail": pl.String,
                                      "ypix": pl.Int64})


_LABEL_ROW = 14  # px per row of milestone (and window) labels at the top of a trend
_AXES_PX = 100  # px of a chart's height taken by the time axis, its title and padding


def _y_domain(data: pl.DataFrame, unit: str, label_rows: int, height: int = 300) -> list[float] | None:
    """Room above the data for ``label_rows`` rows of labels, so no label is drawn over a point
    or an interval: the rows take the top ``4 + 14 * rows`` pixels of the plot (which is the
    chart's height less its axes), and the data the rest."""
    tops = [v for v in (*data["upper"].to_list(), *data["value"].to_list()) if v is not None]
    if not tops:
        return None
    lows = [v for v in (*data["lower"].to_list(), *data["value"].to_list()) if v is not None]
    low = 0.0 if unit in ("count", "percent") else min(lows) * 0.9
    high = max(tops)
    share = min(0.6, (4 + _LABEL_ROW * label_rows) / max(1, height - _AXES_PX))
    return [low, low + (high - low) / (1 - share)]


def window_frame(window: Period) -> pl.DataFrame:
    """The headline period as a span of dates (first day to last day) with its label."""
    return pl.DataFrame({"start": [quarter_start(window.first)], "end": [quarter_end(window.last)],
                         "label": [f"{WINDOW_TITLE}: {window.label}"]},
                        schema={"start": pl.Date, "end": pl.Date, "label": pl.String})


def _window_layers(window: Period, row: int, *, right: bool) -> list[alt.Chart]:
    """A pale band over the headline window, dashed edges and its name written in the free row
    under the milestone labels (``row``, pixels from the top): the band is found by its words and
    edges, not by its colour. ``right``: the window is in the right half, so the name ends at
    the band's right edge instead of running off the chart."""
    wbase = alt.Chart(to_pandas(window_frame(window)))
    tip = [alt.Tooltip("label:N", title="Marked")]
    band = wbase.mark_rect(color=palette.WINDOW_FILL, opacity=0.45).encode(
        x="start:T", x2="end:T", tooltip=tip)
    edges = wbase.transform_fold(["start", "end"], as_=["edge", "day"]).mark_rule(
        color=palette.TEXT, strokeDash=[2, 2], strokeWidth=1).encode(x="day:T", tooltip=tip)
    label = wbase.mark_text(align="right" if right else "left", baseline="top", dx=-3 if right else 3,
                            fontSize=11, fontWeight="bold", color=palette.TEXT).encode(
        x="end:T" if right else "start:T", y=alt.value(row), text="label:N")
    return [band, edges, label]


def trend_chart(frame: pl.DataFrame, metric: Metric, *, height: int = 300, grain: str = "quarter",
                window: Period | None = None) -> alt.LayerChart:
    """A line over the whole series with its 95% interval band, the NOM milestones as labelled
    rules and, when ``window`` is given, the headline period marked as a labelled band.

    ``grain`` says what a point is (a quarter, a financial year or the 12 months ending a
    quarter); each point sits at the end of its period.
    """
    data = with_dates(frame).select("period", "months", "quarter_end", "value", "lower", "upper", "flag")
    data = data.with_columns(reliability=pl.when(pl.col("flag") == "[u]").then(pl.lit(LOW_RELIABILITY))
                             .otherwise(pl.lit(RELIABLE)))
    # marker size as data, not as a scale: a one-value size scale gives Vega NaN symbols
    data = data.with_columns(marker_size=pl.when(pl.col("reliability") == LOW_RELIABILITY)
                             .then(pl.lit(70)).otherwise(pl.lit(18)))
    unit = metric.unit
    fmt = ",.0f" if unit in ("count", "days") else ".1f" if unit == "percent" else ".2f"
    dates = data["quarter_end"].drop_nulls()
    x = alt.X("quarter_end:T", title=GRAIN_WORDS[grain], axis=time_axis(dates))
    tooltip = _tooltip(metric, fmt)
    marks = (milestones_in(date(dates.min().year, 1, 1), dates.max()) if len(dates)
             else milestones_in(date.max, date.min))
    domain = _y_domain(data, unit, len(marks) + (window is not None), height)
    scale = alt.Scale(domain=domain, nice=False) if domain else alt.Scale()
    y_title = AXIS_TITLE.get(unit, unit)
    y = alt.Y("lower:Q", title=y_title, scale=scale)
    base = alt.Chart(to_pandas(data))
    band = base.mark_area(color=palette.INTERVAL_FILL, opacity=0.7).encode(
        x=x, y=y, y2="upper:Q", tooltip=tooltip)
    y_value = alt.Y("value:Q", title=y_title, scale=scale)
    line = base.mark_line(color=palette.DARK_BLUE, strokeWidth=2).encode(x=x, y=y_value, tooltip=tooltip)
    # Points: filled circles, and [u] (low reliability) as hollow diamonds with a legend entry, so
    # the marker is visible without the tooltip and without colour.
    kinds = [RELIABLE, LOW_RELIABILITY] if (data["reliability"] == LOW_RELIABILITY).any() else [RELIABLE]
    legend = alt.Legend(title=None, orient="bottom", labelColor=palette.TEXT) if len(kinds) > 1 else None
    points = base.mark_point(color=palette.DARK_BLUE, strokeWidth=1.5).encode(
        x=x, y=y_value, tooltip=tooltip,
        shape=alt.Shape("reliability:N", scale=alt.Scale(domain=kinds, range=["circle", "diamond"][:len(kinds)]),
                        legend=legend),
        fill=alt.Fill("reliability:N", scale=alt.Scale(domain=kinds,
                                                       range=[palette.DARK_BLUE, "#FFFFFF"][:len(kinds)]),
                      legend=legend),
        size=alt.Size("marker_size:Q", scale=None, legend=None),
    )
    layers: list[alt.Chart] = [band, line, points]
    if window is not None:
        middle = dates.min() + (dates.max() - dates.min()) / 2 if len(dates) else quarter_end(window.last)
        layers[:0] = _window_layers(window, 2 + _LABEL_ROW * len(marks), right=quarter_end(window.last) > middle)
    if len(marks):
        layers += _milestone_layers(marks)
    return alt.layer(*layers).properties(height=height, width="container")


def time_axis(dates: pl.Series) -> alt.Axis:
    """Years on a long series; on a short one (one year tick only) every quarter by its last
    month."""
    if 0 < len(dates) <= SHORT_SPAN:
        return alt.Axis(values=[alt.DateTime(year=d.year, month=d.month, date=d.day)
                                for d in dates.sort().to_list()], format="%b %Y",
                        labelAngle=0)
    return alt.Axis(format="%Y", tickCount="year")


def _tooltip(metric: Metric, fmt: str) -> list[alt.Tooltip]:
    """Period, months, the figure, its band (a count's is the chance range) and its marker."""
    band_name = "chance range" if metric.unit == "count" else "95% CI"
    return [
        alt.Tooltip("period:N", title="Period"),
        alt.Tooltip("months:N", title="Months"),
        alt.Tooltip("value:Q", title=metric.label, format=fmt),
        alt.Tooltip("lower:Q", title=f"{band_name} lower", format=fmt),
        alt.Tooltip("upper:Q", title=f"{band_name} upper", format=fmt),
        alt.Tooltip("flag:N", title="Marker"),
    ]


def _milestone_layers(marks: pl.DataFrame) -> list[alt.Chart]:
    """Dashed rules at the NOM milestones, each labelled in its own row at the top."""
    mbase = alt.Chart(to_pandas(marks))
    rules = mbase.mark_rule(color=palette.MILESTONE, strokeDash=[4, 3]).encode(
        x="date:T", tooltip=[alt.Tooltip("detail:N", title="NOM milestone"),
                             alt.Tooltip("date:T", title="Date", format="%d %b %Y")])
    labels = mbase.mark_text(align="left", baseline="top", dx=3, fontSize=11,
                             color=palette.TEXT).encode(
        x="date:T", y=alt.Y("ypix:Q", scale=None, axis=None), text="label:N")
    return [rules, labels]
