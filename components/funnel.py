"""Funnel plot, ranked dot plot and region-peer plot of the force comparison (Altair, no Streamlit).

Points carry their funnel position twice: by colour and by shape (triangle up/down outside the
99.8% limits, diamond/square outside the 95% limits, circle within), and the tooltip says it in
words. The funnel's x axis is the denominator, on a log scale so that the City of London and the
Metropolitan Police both fit.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from components import palette
from components.charts import _AXIS_TITLE
from components.comparison import CATEGORIES, CATEGORY_COLORS, POSITIONS, SHAPES, Comparison
from metrics import stats
from metrics.registry import Metric

_FMT = {"percent": ".1f", "per_1000": ".2f", "days": ",.0f", "count": ",.0f", "per_investigator": ".1f"}
_DENOMINATOR_TITLE = {
    "percent": "Denominator (number of outcomes or cases, log scale)",
    "per_1000": "Resident population x years (log scale)",
    "per_investigator": "Officers on RASSO investigation teams (log scale)",
}


def _tooltip(metric: Metric) -> list[alt.Tooltip]:
    return [alt.Tooltip("name:N", title="Force"),
            alt.Tooltip("value_text:N", title=metric.label),
            alt.Tooltip("interval_text:N", title="95% interval"),
            alt.Tooltip("position_words:N", title="Against England and Wales")]


def _shape_color(domain: list[str], labels: dict[str, str]) -> tuple[alt.Shape, alt.Color]:
    keys = [k for k in POSITIONS if labels[k] in domain]
    cats = [labels[k] for k in keys]
    legend = alt.Legend(title="Against England and Wales", orient="right", direction="vertical", labelLimit=260)
    return (alt.Shape("category:N", scale=alt.Scale(domain=cats, range=[SHAPES[k] for k in keys]), legend=legend),
            alt.Color("category:N", scale=alt.Scale(domain=cats, range=[CATEGORY_COLORS[k] for k in keys]),
                      legend=legend))


def funnel_curve_frame(comp: Comparison, *, points: int = 120) -> pl.DataFrame:
    """The limits to draw, in display units, from the smallest to the largest denominator."""
    dens = comp.frame.filter(pl.col("position").is_not_null())["denominator"].drop_nulls()
    if comp.target is None or comp.kind is None or not len(dens):
        return pl.DataFrame()
    lo, hi = float(dens.min()), float(dens.max())
    curve = stats.funnel_curve(comp.target, hi * 1.15, min_denominator=max(lo * 0.85, 1.0),
                               points=points, kind=comp.kind, phi=comp.phi_used)
    cols = [c for c in curve.columns if c.startswith(("lower_", "upper_"))]
    return curve.with_columns([(pl.col(c) * comp.scale) for c in [*cols, "target"]])


def funnel_chart(comp: Comparison, metric: Metric, *, height: int = 420) -> alt.LayerChart:
    data = comp.frame.filter(pl.col("position").is_not_null()).to_pandas()
    curve = funnel_curve_frame(comp)
    x_title = _DENOMINATOR_TITLE.get(metric.unit, "Denominator (log scale)")
    y_title = _AXIS_TITLE.get(metric.unit, metric.unit)
    x = alt.X("denominator:Q", title=x_title, scale=alt.Scale(type="log", nice=False))
    tops = [v for v in [*data["value"].tolist(), *(curve["upper_998"].to_list() if len(curve) else [])]
            if v is not None and v == v]
    lows = [v for v in [*data["value"].tolist(), *(curve["lower_998"].to_list() if len(curve) else [])]
            if v is not None and v == v]
    domain = ([0.0 if metric.unit == "percent" else min(lows) * 0.9, max(tops) * 1.06]
              if tops and lows else None)
    y_scale = alt.Scale(domain=domain, nice=False) if domain else alt.Scale()
    shape, color = _shape_color(comp.frame["category"].unique().to_list(), comp.categories)
    layers: list[alt.Chart] = []
    if len(curve):
        long = curve.unpivot(index="denominator", on=[c for c in curve.columns if c[:6] in ("lower_", "upper_")],
                             variable_name="limit", value_name="y")
        long = long.with_columns(
            level=pl.when(pl.col("limit").str.ends_with("998")).then(pl.lit("99.8% limits"))
            .otherwise(pl.lit("95% limits")),
            side=pl.col("limit").str.split("_").list.first())
        lines = alt.Chart(long.to_pandas()).mark_line(color=palette.DARK_GREY, strokeWidth=1.2, clip=True).encode(
            x=x, y=alt.Y("y:Q", title=y_title, scale=y_scale),
            detail="limit:N",
            strokeDash=alt.StrokeDash("level:N", title="Control limits",
                                      scale=alt.Scale(domain=["95% limits", "99.8% limits"],
                                                      range=[[5, 3], [1, 0]]),
                                      legend=alt.Legend(orient="right")))
        layers.append(lines)
    target = comp.target * comp.scale if comp.target is not None else None
    if target is not None:
        layers.append(alt.Chart(alt.Data(values=[{"target": target}])).mark_rule(
            color=palette.TEXT, strokeWidth=1.5).encode(
            y="target:Q", tooltip=[alt.Tooltip("target:Q", title="England and Wales", format=_FMT[metric.unit])]))
    layers.append(alt.Chart(data).mark_point(filled=True, size=90, stroke=palette.TEXT, strokeWidth=0.6,
                                             opacity=1).encode(
        x=x, y=alt.Y("value:Q", title=y_title, scale=y_scale), shape=shape, color=color, tooltip=_tooltip(metric)))
    return alt.layer(*layers).resolve_scale(strokeDash="independent").properties(
        height=height, width="container")


def dot_plot(rows: pl.DataFrame, metric: Metric, national_value: float | None, *,
             highlight: str | None = None, row_height: int = 17,
             labels: dict[str, str] = CATEGORIES) -> alt.LayerChart:
    """Forces sorted by value with 95% intervals and the England and Wales line; the
    highlighted force's name is drawn in bold and marked with an arrow."""
    data = rows.filter(pl.col("value").is_not_null()).with_columns(
        shown_name=pl.when(pl.col("code") == (highlight or ""))
        .then(pl.concat_str([pl.lit("► "), pl.col("name")])).otherwise(pl.col("name")))
    order = data.sort("value", descending=True)["shown_name"].to_list()
    y = alt.Y("shown_name:N", sort=order, title=None,
              axis=alt.Axis(labelLimit=260, labelFontSize=12, labelOverlap=False))
    shape, color = _shape_color(rows["category"].unique().to_list(), labels)
    x_title = _AXIS_TITLE.get(metric.unit, metric.unit)
    base = alt.Chart(data.to_pandas())
    bars = base.mark_rule(color=palette.DARK_GREY, strokeWidth=1.5).encode(
        x=alt.X("lower:Q", title=x_title), x2="upper:Q", y=y, tooltip=_tooltip(metric))
    points = base.mark_point(filled=True, size=70, stroke=palette.TEXT, strokeWidth=0.6, opacity=1).encode(
        x="value:Q", y=y, shape=shape, color=color, tooltip=_tooltip(metric))
    layers: list[alt.Chart] = [bars, points]
    if national_value is not None:
        layers.append(alt.Chart(alt.Data(values=[{"v": national_value, "label": "England and Wales"}]))
                      .mark_rule(color=palette.TEXT, strokeDash=[4, 3], strokeWidth=1.5)
                      .encode(x="v:Q", tooltip=[alt.Tooltip("label:N", title=""),
                                                alt.Tooltip("v:Q", title="Value", format=_FMT[metric.unit])]))
    # the height includes the legend (the chart fits its container), so leave room for it
    return alt.layer(*layers).properties(height=max(230, row_height * len(data) + 40), width="container")
