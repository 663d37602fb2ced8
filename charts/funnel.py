"""Funnel plot, ranked dot plot and peer plot of the force comparison (Altair, no Streamlit).

Points carry their funnel position twice: by colour and by shape (triangle up/down outside the
99.8% limits, diamond/square outside the 95% limits, circle within), and the tooltip says it in
words. The funnel's x axis is the denominator, on a log scale so that the City of London and the
Metropolitan Police both fit.

A selected force must be findable on every chart, not only on the maps: it gets a large thick
ring and its name in bold beside it; its peers get smaller thin rings and their abbreviations.
Ring size, thickness and the label carry the highlight, so it does not rest on colour, and a legend
("Highlighted") names both. Legend and axis text is near-black (palette.TEXT) so it keeps WCAG AA
contrast whatever the Streamlit theme's default grey.
"""

from __future__ import annotations

from itertools import product

import altair as alt
import polars as pl

from analysis.comparison import CATEGORIES, POSITIONS, Comparison
from charts import palette
from charts.common import AXIS_TITLE
from charts.positions import CATEGORY_COLORS, SHAPES
from metrics import stats
from metrics.registry import Metric

_FMT = {"percent": ".1f", "per_1000": ".2f", "days": ",.0f", "count": ",.0f", "per_investigator": ".1f"}
_DENOMINATOR_TITLE = {
    "percent": "Denominator (number of outcomes or cases, log scale)",
    "per_1000": "Resident population x years (log scale)",
    "per_investigator": "Officers on RASSO investigation teams (log scale)",
}


SELECTED = "Selected force"
PEER = "Peer"  # of the peer set chosen (region or NOM phase); the words name it
ROLES = (SELECTED, PEER)
_TEXT = {"labelColor": palette.TEXT, "titleColor": palette.TEXT}  # contrast on white: 19.6:1


def _legend(title: str, **kw) -> alt.Legend:
    return alt.Legend(title=title, orient="right", direction="vertical", labelLimit=260, labelFontSize=12,
                      titleFontSize=12, **_TEXT, **kw)


def _roles(frame: pl.DataFrame, selected: str | None, peers: list[str] | None) -> pl.DataFrame:
    """Add ``role`` (selected force, peer or empty) and ``label`` (name or abbreviation)."""
    peers = peers or []
    return frame.with_columns(
        role=pl.when(pl.col("code") == (selected or "")).then(pl.lit(SELECTED))
        .when(pl.col("code").is_in(peers)).then(pl.lit(PEER)).otherwise(pl.lit("")),
    ).with_columns(
        label=pl.when(pl.col("role") == SELECTED).then(pl.col("name"))
        .when(pl.col("role") == PEER).then(pl.col("abbr")).otherwise(pl.lit("")))


def _highlight_layers(data: pl.DataFrame, x: alt.X | str, y: alt.Y | str, *,
                      labels: bool = True) -> list[alt.Chart]:
    """Rings round the selected force and its peers (legend "Highlighted") and their labels."""
    marked = data.filter(pl.col("role") != "")
    if not marked.height:
        return []
    roles = list(ROLES)  # the whole domain always: a one-entry range draws no ring at all
    # ordinal with a set order: Vega-Lite warns when size or stroke width ride a nominal field
    base = alt.Chart(marked.to_pandas())
    legend = _legend("Highlighted", symbolStrokeWidth=2)
    rings = base.mark_point(filled=False, opacity=1, shape="circle").encode(
        x=x, y=y,
        stroke=alt.Stroke("role:O", sort=roles, scale=alt.Scale(domain=roles, range=[
            palette.TEXT if r == SELECTED else palette.DARK_GREY for r in roles]), legend=legend),
        size=alt.Size("role:O", sort=roles, scale=alt.Scale(domain=roles, range=[
            520 if r == SELECTED else 260 for r in roles]), legend=legend),
        strokeWidth=alt.StrokeWidth("role:O", sort=roles, scale=alt.Scale(domain=roles, range=[
            3 if r == SELECTED else 1.4 for r in roles]), legend=legend),
    )
    layers: list[alt.Chart] = [rings]
    if labels:
        flip = pl.col("flip") if "flip" in marked.columns else pl.lit(False)
        for (role, weight, size, dx), right in product(((SELECTED, "bold", 13, 15), (PEER, "normal", 11, 11)),
                                                       (False, True)):
            part = marked.filter((pl.col("role") == role) & (flip == right))
            if part.height:
                # a point near the right edge gets its label on its left, clear of the legend
                text = {"align": "right" if right else "left", "baseline": "middle",
                        "dx": -dx if right else dx, "dy": -dx * 0.6, "fontWeight": weight, "fontSize": size}
                chart = alt.Chart(part.to_pandas())
                # a white halo under the label keeps it readable over lines and other points
                layers.append(chart.mark_text(**text, stroke="#FFFFFF", strokeWidth=4, strokeJoin="round",
                                              color="#FFFFFF").encode(x=x, y=y, text="label:N"))
                layers.append(chart.mark_text(**text, color=palette.TEXT).encode(x=x, y=y, text="label:N"))
    return layers


def _tooltip(metric: Metric) -> list[alt.Tooltip]:
    return [alt.Tooltip("name:N", title="Force"),
            alt.Tooltip("value_text:N", title=metric.label),
            alt.Tooltip("interval_text:N", title="95% interval"),
            alt.Tooltip("position_words:N", title="Against England and Wales")]


def _shape_color(domain: list[str], labels: dict[str, str]) -> tuple[alt.Shape, alt.Color]:
    keys = [k for k in POSITIONS if labels[k] in domain]
    cats = [labels[k] for k in keys]
    # one legend object for both channels, so Vega-Lite merges them: each symbol has its
    # point's shape and fill (with the points' outline), not a black default symbol
    legend = _legend("Against England and Wales", symbolStrokeColor=palette.TEXT, symbolStrokeWidth=0.6,
                     symbolSize=110)
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


def funnel_chart(comp: Comparison, metric: Metric, *, selected: str | None = None,
                 peers: list[str] | None = None, height: int = 420) -> alt.LayerChart:
    """Each force against its denominator with the 95% and 99.8% limits; ``selected`` and its
    ``peers`` (codes) are ringed and labelled."""
    marked = _roles(comp.frame.filter(pl.col("position").is_not_null()), selected, peers)
    if marked.height:
        logs = marked["denominator"].log()
        span = (logs.max() - logs.min()) or 1.0
        marked = marked.with_columns(flip=(pl.col("denominator").log() - logs.min()) / span > 0.7)
    data = marked.to_pandas()
    curve = funnel_curve_frame(comp)
    x_title = _DENOMINATOR_TITLE.get(metric.unit, "Denominator (log scale)")
    y_title = AXIS_TITLE.get(metric.unit, metric.unit)
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
            strokeDash=alt.StrokeDash("level:N", scale=alt.Scale(domain=["95% limits", "99.8% limits"],
                                                                 range=[[5, 3], [1, 0]]),
                                      legend=_legend("Control limits", symbolType="stroke",
                                                     symbolStrokeColor=palette.DARK_GREY,
                                                     symbolStrokeWidth=1.5, symbolSize=300)))
        layers.append(lines)
    target = comp.target * comp.scale if comp.target is not None else None
    if target is not None:
        layers.append(alt.Chart(alt.Data(values=[{"target": target}])).mark_rule(
            color=palette.TEXT, strokeWidth=1.5).encode(
            y="target:Q", tooltip=[alt.Tooltip("target:Q", title="England and Wales", format=_FMT[metric.unit])]))
    y_value = alt.Y("value:Q", title=y_title, scale=y_scale)
    layers.append(alt.Chart(data).mark_point(filled=True, size=90, stroke=palette.TEXT, strokeWidth=0.6,
                                             opacity=1).encode(
        x=x, y=y_value, shape=shape, color=color, tooltip=_tooltip(metric)))
    layers.extend(_highlight_layers(marked, x, y_value))
    return _axes(alt.layer(*layers).resolve_scale(strokeDash="independent")).properties(
        height=height, width="container")


def _axes(chart: alt.LayerChart) -> alt.LayerChart:
    return chart.configure_axis(**_TEXT, labelFontSize=12, titleFontSize=12).configure_legend(**_TEXT)


def _x_domain(data: pl.DataFrame, national_value: float | None, unit: str) -> list[float]:
    """Room for every interval and the England and Wales line, never an arbitrary 0-5 scale: a
    region with one force still gets an axis around its figure."""
    vals = [v for c in ("lower", "value", "upper") for v in data[c].to_list() if v is not None and v == v]
    if national_value is not None and national_value == national_value:
        vals.append(national_value)
    if not vals:
        return [0.0, 1.0]
    lo, hi = min(vals), max(vals)
    pad = (hi - lo) * 0.08 or max(abs(hi) * 0.1, 1.0)
    lo, hi = lo - pad, hi + pad
    if unit != "days" and lo < 0 <= min(vals):
        lo = 0.0
    if unit == "percent":
        hi = min(hi, 100.0)
    return [lo, hi]


def dot_plot(rows: pl.DataFrame, metric: Metric, national_value: float | None, *,
             highlight: str | None = None, peers: list[str] | None = None, row_height: int = 22,
             labels: dict[str, str] = CATEGORIES, links: dict[str, str] | None = None) -> alt.LayerChart:
    """Forces sorted by value with 95% intervals and the England and Wales line.

    The highlighted force is ringed, its axis label starts with '►' and is bold; ``peers``
    (codes) get smaller thin rings and '(peer)' after their names. Each row has
    ``row_height`` pixels (22 by default: 12-pixel labels with room between them, so 43 forces
    never overlap). ``links`` (code -> address): each force's point is a link there, as on the
    maps (``geo.maps``): a real navigation, so back returns to the page as it was.
    """
    data = _roles(rows.filter(pl.col("value").is_not_null()), highlight, peers).with_columns(
        shown_name=pl.when(pl.col("role") == SELECTED).then(pl.concat_str([pl.lit("► "), pl.col("name")]))
        .when(pl.col("role") == PEER).then(pl.concat_str([pl.col("name"), pl.lit(" (peer)")]))
        .otherwise(pl.col("name")))
    order = data.sort("value", descending=True)["shown_name"].to_list()
    bold = "indexof(datum.value, '► ') === 0 ? 'bold' : 'normal'"
    y = alt.Y("shown_name:N", sort=order, title=None,
              scale=alt.Scale(paddingInner=0.2, paddingOuter=0.3),
              axis=alt.Axis(labelLimit=260, labelFontSize=12, labelOverlap=False, labelPadding=6,
                            labelFontWeight=alt.ExprRef(bold)))
    shape, color = _shape_color(rows["category"].unique().to_list(), labels)
    x_title = AXIS_TITLE.get(metric.unit, metric.unit)
    x_scale = alt.Scale(domain=_x_domain(data, national_value, metric.unit), nice=False, zero=False)
    base = alt.Chart(data.to_pandas())
    bars = base.mark_rule(color=palette.DARK_GREY, strokeWidth=1.5).encode(
        x=alt.X("lower:Q", title=x_title, scale=x_scale), x2="upper:Q", y=y, tooltip=_tooltip(metric))
    x_value = alt.X("value:Q", title=x_title, scale=x_scale)
    points = base.mark_point(filled=True, size=70, stroke=palette.TEXT, strokeWidth=0.6, opacity=1).encode(
        x=x_value, y=y, shape=shape, color=color, tooltip=_tooltip(metric))
    if links:
        points = (alt.Chart(data.with_columns(href=pl.col("code").replace_strict(links, default="")).to_pandas())
                  .mark_point(filled=True, size=70, stroke=palette.TEXT, strokeWidth=0.6, opacity=1,
                              cursor="pointer")
                  .encode(x=x_value, y=y, shape=shape, color=color, tooltip=_tooltip(metric), href="href:N"))
    layers: list[alt.Chart] = [bars, points]
    if national_value is not None:
        layers.append(alt.Chart(alt.Data(values=[{"v": national_value, "label": "England and Wales"}]))
                      .mark_rule(color=palette.TEXT, strokeDash=[4, 3], strokeWidth=1.5)
                      .encode(x=alt.X("v:Q", scale=x_scale), tooltip=[
                          alt.Tooltip("label:N", title=""),
                          alt.Tooltip("v:Q", title="Value", format=_FMT[metric.unit])]))
    # the axis labels already name every force, so the rings need no second label
    layers.extend(_highlight_layers(data, x_value, y, labels=False))
    # the height includes the legend (the chart fits its container), so leave room for it
    return _axes(alt.layer(*layers)).properties(height=max(230, row_height * len(data) + 60),
                                                 width="container")
