"""The pillars page's charts (charts.pillar_grid) as Vega-Lite specs: each grid cell carries its
value and mark as text (colour is never the only signal), the legend names the marks, forces
come in the order asked, and the strip plot draws one lane per position with the funnel shapes."""

from __future__ import annotations

import polars as pl

from analysis import comparison as cmp
from charts.pillar_grid import grid_chart, strip_chart, wrap
from charts.positions import CATEGORY_COLORS
from metrics.registry import metric
from words.pillars import GRID_LEGEND, STRIP_LANES

ROWS = [("A1", "Alpha", "One", "12.0% ▲▲", cmp.ABOVE_OUTER, 12.0), ("A1", "Alpha", "Two", "[c]", cmp.NOT_SHOWN, None),
        ("B2", "Beta", "One", "8.0% ●", cmp.WITHIN, 8.0), ("B2", "Beta", "Two", "3.0% ▼", cmp.BELOW_INNER, 3.0)]


def _frame() -> pl.DataFrame:
    return pl.DataFrame([{"code": c, "name": n, "indicator": i, "cell_text": t, "category_key": k, "value": v,
                          "interval_text": "", "national_text": "10.0%", "position_words": "words"}
                         for c, n, i, t, k, v in ROWS])


def _layers(spec: dict) -> list[dict]:
    return spec["layer"]


def test_grid_prints_value_and_mark_and_labels_its_colours():
    spec = grid_chart(_frame(), ["B2", "A1"]).to_dict()
    rect, text = _layers(spec)
    assert text["mark"]["type"] == "text" and text["encoding"]["text"]["field"] == "cell_text"
    scale = rect["encoding"]["color"]["scale"]
    present = [cmp.ABOVE_OUTER, cmp.WITHIN, cmp.BELOW_INNER, cmp.NOT_SHOWN]
    assert scale["domain"] == [GRID_LEGEND[k] for k in GRID_LEGEND if k in present]
    assert scale["range"] == [CATEGORY_COLORS[k] for k in GRID_LEGEND if k in present]
    assert all(label[0] in "▲●▼[–" for label in scale["domain"])  # every colour has its mark
    assert rect["encoding"]["y"]["sort"] == ["Beta", "Alpha"]
    assert rect["encoding"]["x"]["sort"] == [wrap("One"), wrap("Two")]


def test_headers_wrap_into_short_lines():
    assert wrap("Charge rate where the suspect is a repeat suspect") == "Charge rate|where the|suspect is a|repeat suspect"
    assert all(len(line) <= 16 for line in wrap("Victim devices returned within 28 days").split("|"))


def test_strip_plot_lanes_shapes_and_england_and_wales():
    rows = _frame().filter(pl.col("value").is_not_null())
    spec = strip_chart(rows, metric("isva_referral_rate"), 9.5).to_dict()
    points, rule = _layers(spec)
    assert points["encoding"]["y"]["sort"] == [STRIP_LANES[k] for k in (cmp.ABOVE_OUTER, cmp.WITHIN, cmp.BELOW_INNER)]
    assert points["encoding"]["shape"]["scale"]["range"] == ["triangle-up", "circle", "square"]
    assert rule["mark"]["type"] == "rule"
    assert strip_chart(rows, metric("isva_referral_rate"), None).to_dict().get("layer", [None])[-1]["mark"]["type"] == "point"
