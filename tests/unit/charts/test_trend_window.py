"""The trend chart's headline window, marker sizes and time axis, as Vega-Lite specs (components.charts).

Issue 7 item 6: the period chooses the headline window; the trends always span the release.
"""

from __future__ import annotations

import json

import polars as pl
import pytest

from charts.trend import trend_chart
from metrics.periods import financial_year, quarter_label, year_ending
from metrics.registry import metric
from words.summaries import WINDOW_TITLE, window_summary

CHARGE = metric("charge_rate")


def _frame(ends: list[int], values: list[float | None], flags: list[str] | None = None) -> pl.DataFrame:
    return pl.DataFrame({
        "period": [quarter_label(e) for e in ends], "period_end": ends,
        "area_name": ["England and Wales"] * len(ends),
        "numerator": [None if v is None else v * 10 for v in values],
        "denominator": [1000.0] * len(ends), "value": values,
        "lower": [None if v is None else v - 1 for v in values],
        "upper": [None if v is None else v + 1 for v in values],
        "flag": flags or [""] * len(ends),
    })


def _layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def test_the_window_is_a_labelled_band_over_its_dates():
    frame = _frame([20151, 20152, 20153, 20154, 20161, 20162], [3.0, 3.1, 2.9, 3.3, 3.4, 3.2])
    spec = trend_chart(frame, CHARGE, window=financial_year(2015)).to_dict()
    marks = [layer["mark"]["type"] for layer in _layers(spec)]
    assert "rect" in marks, marks
    datasets = list(spec["datasets"].values())
    window = next(rows for rows in datasets if rows and "label" in rows[0] and "start" in rows[0])
    assert window[0]["label"] == f"{WINDOW_TITLE}: {financial_year(2015).label}"
    assert str(window[0]["start"]).startswith("2015-04-01") and str(window[0]["end"]).startswith("2016-03-31")
    # the words are drawn on the chart, not only a colour: a text layer reads the label
    texts = [layer for layer in _layers(spec) if layer["mark"]["type"] == "text"
             and layer["encoding"].get("text", {}).get("field") == "label"
             and layer["encoding"].get("x", {}).get("field") in ("start", "end")]
    assert texts


def test_without_a_window_nothing_is_marked():
    frame = _frame([20151, 20152], [3.0, 3.1])
    assert "rect" not in [layer["mark"]["type"] for layer in _layers(trend_chart(frame, CHARGE).to_dict())]


@pytest.mark.parametrize("flags", [[""] * 6, ["", "[u]", "", "", "", ""]])
def test_marker_sizes_never_come_from_a_one_value_scale(flags):
    """Vega draws a one-value range on a size scale as NaN: about 184 'MNaN' console errors."""
    frame = _frame([20151, 20152, 20153, 20154, 20161, 20162], [3.0, 3.1, 2.9, 3.3, 3.4, 3.2], flags)
    for layer in _layers(trend_chart(frame, CHARGE).to_dict()):
        for channel, enc in layer.get("encoding", {}).items():
            scale = enc.get("scale") if isinstance(enc, dict) else None
            if isinstance(scale, dict) and "range" in scale and channel in ("size", "x", "y"):
                assert len(scale["range"]) >= 2, (channel, scale)


@pytest.mark.parametrize(("grain", "title"), [("quarter", "Quarter ending"), ("year", "Financial year ending"),
                                              ("rolling", "12 months ending")])
def test_the_time_axis_names_the_grain(grain, title):
    frame = _frame([20154, 20164], [3.0, 3.1])
    spec = trend_chart(frame, CHARGE, grain=grain).to_dict()
    assert title in json.dumps(spec)


def test_window_summary_names_the_window_and_its_figure():
    window = year_ending(20262)
    frame = _frame([20254, 20261, 20262], [3.0, 3.1, 4.2])
    text = window_summary(frame, window, "rolling", "percent")
    assert WINDOW_TITLE in text and window.label in text and "4.2%" in text
    # at quarterly grain no single point is the window: no figure is claimed
    assert "4.2%" not in window_summary(frame, window, "quarter", "percent")
