"""Opening the app in Streamlit's AppTest, and reading what it shows: used by every page test.

Pages come from the page registry (``components.page_registry``), and every file in ``pages/``
must be registered there, so a page added later is tested without editing the tests. AppTest
runs ``helpers/app_entry.py``, which runs ``dashboard.py`` as a server does after its first
request; tests that open ``dashboard.py`` directly see what a fresh server's first deep link sees.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from components import page_registry
from components.page_registry import OVERVIEW
from helpers.paths import DASHBOARD, ROOT

__all__ = ["APP_ENTRY", "CHART", "DASHBOARD", "PAGES", "TIMEOUT", "assert_clean", "db_url",
           "open_app", "open_caches", "texts"]

APP_ENTRY = str(Path(__file__).resolve().parent / "app_entry.py")
PAGES = [p.file for p in page_registry.PAGES]
OWN_KEYS = {p.file: p.own_keys for p in page_registry.PAGES}
TIMEOUT = 180
CHART = "vega_lite_chart"


def db_url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


_last_url: list[str] = []
"""The database the previous ``open_app`` of this process opened (at most one entry)."""


def open_caches(url: str, *, cold: bool) -> None:
    """Keep the app's caches between tests that open the same database, as a server keeps them
    between visitors: every test database has an address of its own (a new SQLite file or
    PostgreSQL schema), and the app's answers are keyed on it and the release id, so a kept
    answer is the one the test would compute. Another database, or ``cold``, starts cold; a test
    that replaces a function the cached ones call, or that changes its database between two opens,
    asks for ``cold``."""
    if cold or _last_url != [url]:
        st.cache_data.clear()
        st.cache_resource.clear()
        _last_url[:] = [url]


def open_app(monkeypatch, engine, page: str = OVERVIEW.file, *, entry: str = APP_ENTRY,
             secrets: dict | None = None, user: dict | None = None, cold: bool = False,
             **params) -> AppTest:
    """Open ``page`` (its file, from the registry) with ``params`` in the address; ``secrets``
    stand for ``.streamlit/secrets.toml`` and ``user`` for ``st.user`` (AppTest cannot sign in);
    ``cold`` empties the app's caches first (see ``open_caches``)."""
    open_caches(db_url(engine), cold=cold)
    monkeypatch.setenv("RASSO_DB_URL", db_url(engine))
    at = AppTest.from_file(entry, default_timeout=TIMEOUT)
    if secrets is not None:
        at.secrets = secrets
    if user is not None:
        at.user = user
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page != OVERVIEW.file:
        # The first run is the overview's, which keeps only the keys it and every page read: a
        # page's own keys (the explorer's table) go back in before switching, as a deep link has them.
        for key in OWN_KEYS[page]:
            if key in params:
                at.query_params[key] = params[key]
        at.switch_page(str(ROOT / page)).run()
    return at


def texts(at: AppTest, kind: str) -> list[str]:
    return [str(e.value) for e in at.get(kind)]


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
