"""Opening the app in Streamlit's AppTest, and reading what it shows: used by every page test.

Page paths are discovered from the pages folder, so a page added later is tested without
editing the tests.
"""

from __future__ import annotations

import streamlit as st
from streamlit.testing.v1 import AppTest

from helpers.paths import DASHBOARD, ROOT

PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "views").glob("*.py")
               if not p.name.startswith("_"))
TIMEOUT = 180
CHART = "vega_lite_chart"


def db_url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def open_app(monkeypatch, engine, page: str = "views/overview.py", **params) -> AppTest:
    # The PostgreSQL test database keeps its URL when a fixture recreates it, so answers cached
    # by URL and release id from an earlier test could be stale: start every test cold.
    st.cache_data.clear()
    st.cache_resource.clear()
    monkeypatch.setenv("RASSO_DB_URL", db_url(engine))
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page != "views/overview.py":
        at.switch_page(page).run()
    return at


def texts(at: AppTest, kind: str) -> list[str]:
    return [str(e.value) for e in at.get(kind)]


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
