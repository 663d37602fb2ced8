"""Overview trends: the whole series at any period, three grains, the headline window marked.

Issue 7 item 6: choosing 2015-16 cut the trends to four quarters. The period chooses the
headline window; the trends always span the release, at the grain chosen in the address. The
chart specs are tested in tests/unit/components/test_charts_window.py, the rolling query in
tests/db/test_queries_rolling.py and the grain key in tests/unit/components/test_url_state.py.
"""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

import queries
from helpers.app import DASHBOARD, assert_clean, open_app
from metrics.periods import parse_period, quarter_label, year_ending
from words.summaries import WINDOW_TITLE

TREND_TITLES = ("Charge/summons rate, by", "Recorded offences, by")


def _open(monkeypatch, engine, **params) -> AppTest:
    at = open_app(monkeypatch, engine, entry=DASHBOARD, **params)
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
        assert periods[0] == quarter_label(info.first_quarter)
        assert periods[-1] == quarter_label(info.last_quarter), periods[-3:]
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
        assert list(table["Period"])[-1] == year_ending(info.last_quarter).label
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
