"""Overview trends: the whole series at any period, three grains, the headline window marked.

Issue 7 item 6: choosing 2015-16 cut the trends to four quarters. The period chooses the
headline window; the trends always span the release, at the grain chosen in the address.
"""

from __future__ import annotations

import json

import polars as pl
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import queries
from components.charts import WINDOW_TITLE, trend_chart, window_summary
from components.url_state import parse_state, to_params
from helpers.paths import ROOT
from metrics.periods import financial_year, parse_period, quarter_label, year_ending
from metrics.registry import metric

DASHBOARD = str(ROOT / "dashboard.py")
TIMEOUT = 180
CHARGE = metric("charge_rate")
TREND_TITLES = ("Charge/summons rate, by", "Recorded offences, by")


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


# --- the chart -----------------------------------------------------------------------------


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


# --- the rolling grain in the query --------------------------------------------------------


@pytest.mark.parametrize("metric_id", ["charge_rate", "recorded_offences", "median_days_to_charge"])
def test_each_rolling_point_is_the_same_as_that_twelve_month_period(small_db, metric_id):
    info = queries.release_info(small_db, 1)
    common = {"release_id": 1, "metric_id": metric_id, "offence_group": "rape", "area": "national"}
    rolling = queries.metric_table(small_db, first_quarter=info["first_quarter"],
                                   last_quarter=info["last_quarter"], grain="rolling", **common)
    quarterly = queries.metric_table(small_db, first_quarter=info["first_quarter"],
                                     last_quarter=info["last_quarter"], grain="quarter", **common)
    # one point per quarter from the first whole year on
    assert len(rolling) == len(quarterly.filter(pl.col("period_end") >= rolling["period_end"].min()))
    assert rolling["period_end"].min() == year_ending(rolling["period_end"].min()).last
    for end in (rolling["period_end"].min(), 20243, info["last_quarter"]):
        p = year_ending(end)
        alone = queries.metric_table(small_db, first_quarter=p.first, last_quarter=p.last, grain="period", **common)
        got = rolling.filter(pl.col("period_end") == end).drop("period").to_dicts()
        assert got == alone.drop("period").to_dicts(), end
        assert rolling.filter(pl.col("period_end") == end)["period"][0] == p.label


# --- the address ---------------------------------------------------------------------------


def test_grain_is_validated_like_the_other_keys():
    args = {"valid_forces": [], "valid_releases": [1], "latest_quarter": 20262}
    # quarters are the default, so they stay out of the address
    assert parse_state({}, **args)[0].grain is None
    assert parse_state({"grain": "quarter"}, **args) == (parse_state({}, **args)[0], [])
    assert parse_state({"grain": "rolling"}, **args)[0].grain == "rolling"
    assert to_params(parse_state({"grain": "year"}, **args)[0], ())["grain"] == "year"
    state, notices = parse_state({"grain": "<b>weekly</b>"}, **args)
    assert state.grain is None and len(notices) == 1 and "grain" in notices[0] and "<" not in notices[0]


# --- the page ------------------------------------------------------------------------------


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _open(monkeypatch, engine, **params) -> AppTest:
    # cached answers are keyed by URL and release: start cold, as the page tests do
    st.cache_data.clear()
    st.cache_resource.clear()
    monkeypatch.setenv("RASSO_DB_URL", engine.url.render_as_string(hide_password=False))
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert_clean(at)
    return at


def _trend_tables(at: AppTest) -> list:
    return [e.get("dataframe")[0].value for e in at.expander
            if e.label.startswith("Data table:") and e.label.removeprefix("Data table: ").startswith(TREND_TITLES)]


def test_an_early_period_keeps_the_whole_series_and_marks_its_window(small_db, monkeypatch):
    info = queries.release_info(small_db, 1)
    at = _open(monkeypatch, small_db, period="2015-16")
    tables = _trend_tables(at)
    assert len(tables) == 2
    for table in tables:
        periods = list(table["Period"])
        assert periods[0] == quarter_label(info["first_quarter"])
        assert periods[-1] == quarter_label(info["last_quarter"]), periods[-3:]
    summaries = [str(m.value) for m in at.markdown if WINDOW_TITLE in str(m.value)]
    assert any(parse_period("2015-16").label in s for s in summaries)
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert sum("rect" in json.dumps(s) for s in specs) >= 4  # every trend marks its window


@pytest.mark.parametrize(("grain", "first_label"), [("year", "2015-16"), ("rolling", "12 months to Mar 2016")])
def test_the_grain_in_the_address_changes_the_rows(small_db, monkeypatch, grain, first_label):
    info = queries.release_info(small_db, 1)
    quarterly = _trend_tables(_open(monkeypatch, small_db))[0]
    at = _open(monkeypatch, small_db, grain=grain)
    assert at.radio(key="ctl_grain").value == grain
    table = _trend_tables(at)[0]
    assert list(table["Period"])[0] == first_label
    assert len(table) < len(quarterly)
    if grain == "rolling":
        assert list(table["Period"])[-1] == year_ending(info["last_quarter"]).label
        assert len(table) == len(quarterly) - 3
    else:
        assert all(len(p) == 7 for p in table["Period"])  # '2015-16': whole financial years only
    assert _param(at, "grain") == grain  # kept in the address (so a shared link keeps it)
    # and back to quarters through the control, with the address following
    at.radio(key="ctl_grain").set_value("quarter").run()
    assert_clean(at)
    assert len(_trend_tables(at)[0]) == len(quarterly)
    assert _param(at, "grain") in (None, "quarter")


def _param(at: AppTest, key: str):
    value = at.query_params.get(key)
    return value[0] if isinstance(value, list) else value
