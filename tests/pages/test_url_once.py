"""Issue 8 item 4: the address is parsed once per run, against the release it asks for.

Before, ``dashboard.py`` parsed the query string against the default release's data range and,
when the address named another release, parsed it all again against that release's range. Now
the release is resolved first from the raw value (``url_state.requested_release``) and the state
is parsed once, against the span of the release that will be shown; pages read the context and
never parse ``st.query_params`` themselves.
"""

from __future__ import annotations

import re

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from analysis import url_state
from analysis.url_state import default_period, parse_state, requested_release
from helpers.paths import ROOT

DASHBOARD = str(ROOT / "dashboard.py")
OLD_LAST, NEW_LAST = 20244, 20262  # release 1 ends with 2024-25, release 2 with Jul-Sep 2026


@pytest.fixture(scope="module")
def two_releases(fresh_engine, tmp_path_factory):
    """(engine, older id, newer id): two synthetic samples with different data ranges, loaded once
    for the module (its tests only read them; page tests run on SQLite, see conftest.PAGES_ON_SQLITE)."""
    from sample_data.load import load_sample

    engine = fresh_engine("sqlite", tmp_path_factory.mktemp("two-releases"))
    old = load_sample(engine, cases=2000, seed=11, last_quarter=OLD_LAST)
    new = load_sample(engine, cases=2000, seed=12, last_quarter=NEW_LAST)
    yield engine, old, new
    engine.dispose()


def _open(monkeypatch, engine, calls: list, **params) -> AppTest:
    st.cache_data.clear()
    st.cache_resource.clear()
    monkeypatch.setenv("RASSO_DB_URL", engine.url.render_as_string(hide_password=False))

    def counted(*args, **kwargs):
        calls.append(kwargs.get("latest_quarter"))
        return parse_state(*args, **kwargs)

    monkeypatch.setattr(url_state, "parse_state", counted)
    at = AppTest.from_file(DASHBOARD, default_timeout=180)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def _clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def test_requested_release_reads_only_a_showable_release():
    assert requested_release({"release": "2"}, valid_releases=[1, 2]) == 2
    assert requested_release({"release": ["1", "2"]}, valid_releases=[1, 2]) == 2  # the last, as Streamlit
    for bad in ({}, {"release": ""}, {"release": "3"}, {"release": "²"}, {"release": "x"}):
        assert requested_release(bad, valid_releases=[1, 2]) is None, bad


def test_an_older_release_is_parsed_once_against_its_own_data(two_releases, monkeypatch):
    engine, old, _new = two_releases
    calls: list = []
    at = _open(monkeypatch, engine, calls, release=str(old), period="2024-25")
    _clean(at)
    assert calls == [OLD_LAST], calls  # one parse, against release 1's last quarter
    assert at.sidebar.selectbox(key="ctl_period").value == "2024-25"
    assert not [w.value for w in at.warning if "Ignored" in w.value]
    assert any(f"Showing release {old}:" in str(c.value) for c in at.caption)


def test_a_period_outside_the_older_release_is_refused_once(two_releases, monkeypatch):
    engine, old, _new = two_releases
    calls: list = []
    at = _open(monkeypatch, engine, calls, release=str(old), period="YE-2026-06")
    _clean(at)
    assert calls == [OLD_LAST], calls
    notices = [w.value for w in at.warning if "Ignored" in w.value]
    assert len(notices) == 1 and "outside the data in this release" in notices[0], notices
    # release 1's latest 12 months, not release 2's
    assert at.sidebar.selectbox(key="ctl_period").value == default_period(OLD_LAST) != default_period(NEW_LAST)


def test_the_default_release_is_parsed_once(two_releases, monkeypatch):
    engine, _old, new = two_releases
    for params in ({}, {"release": str(new)}, {"release": "999"}):
        calls: list = []
        at = _open(monkeypatch, engine, calls, period="YE-2026-06", **params)
        _clean(at)
        assert calls == [NEW_LAST], (params, calls)
        assert at.sidebar.selectbox(key="ctl_period").value == "YE-2026-06"


def test_pages_never_parse_the_address():
    """Pages read ``get_context().state``; only dashboard.py reads and parses the query string."""
    folders = [ROOT / "pages"]
    files = [p for folder in folders for p in folder.rglob("*.py")]
    assert files, "no page files found"
    reading = re.compile(r"parse_state|read_query_params|requested_release|query_params\.(get|get_all|to_dict)\b"
                         r"|query_params\[[^\]]+\](?!\s*=)")
    offenders = [f"{p.relative_to(ROOT)}: {m.group(0)}" for p in files
                 for m in reading.finditer(p.read_text(encoding="utf-8"))]
    assert not offenders, offenders
