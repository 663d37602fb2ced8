"""A database outage and a hung database, on a PostgreSQL cluster the test starts itself.

The app is opened once and kept, as a server keeps its process: the cluster is stopped (every
page says the data is temporarily unavailable, with an error id and nothing of the deployment on
screen), started again (the same process shows figures again, no restart), then frozen with
SIGSTOP (every page finishes with "did not answer in time" instead of a spinner for ever) and
resumed. The shared test database cannot be used: stopping or freezing it would break every
other test. One run, on PostgreSQL only: an embedded SQLite file cannot go away or hang.
"""

from __future__ import annotations

import re
import threading
import time

import pytest
import streamlit as st
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from components.errors import TOO_SLOW, UNAVAILABLE
from components.page_registry import FORCE, OVERVIEW
from db.engine import make_engine, timed_out_after
from helpers.app import CHART, PAGES, open_app
from helpers.markup import markdown_texts
from helpers.paths import ROOT
from helpers.pg_cluster import DATABASE, OWNER

STATEMENT_TIMEOUT = 2  # RASSO_STATEMENT_TIMEOUT for these tests: a hang is given up in seconds
FROZEN_RUN = 60  # seconds an AppTest run may take while the server is frozen: far more than needed
ERROR_ID = re.compile(r"`([0-9a-f]{8})`")
A_FORCE = "E23000036"
OFFENCE = "all_sexual"  # the small sample has enough of these for every page to draw figures


@pytest.fixture
def app(pg_cluster_sample, monkeypatch) -> AppTest:
    """The overview, drawn from the healthy cluster, in a session that outlives the outage."""
    monkeypatch.setenv("RASSO_STATEMENT_TIMEOUT", str(STATEMENT_TIMEOUT))
    engine = make_engine(pg_cluster_sample.url)  # only its URL: open_app connects through the app
    at = open_app(monkeypatch, engine, offence=OFFENCE)
    engine.dispose()
    _assert_figures(at, OVERVIEW.file)
    yield at
    st.cache_data.clear()
    st.cache_resource.clear()  # the app's pool, whose connections point at the cluster


def _show(at: AppTest, page: str, timeout: float | None = None) -> AppTest:
    if page == FORCE.file:
        at.query_params["force"] = A_FORCE  # the profile itself, not the list of forces
    return at.switch_page(str(ROOT / page)).run(timeout=timeout)


def _assert_figures(at: AppTest, page: str) -> None:
    assert not at.exception, (page, [e.value for e in at.exception])
    assert not at.error, (page, [e.value for e in at.error])
    assert at.get(CHART) or at.dataframe or at.table, f"{page} shows no chart or table"


def _notice(at: AppTest, page: str, lead: str) -> str:
    """The one notice the page shows; nothing on screen names the deployment."""
    assert not at.exception, (page, [e.value for e in at.exception])
    [notice] = [e.value for e in at.error]
    assert lead in notice, (page, notice)
    assert ERROR_ID.search(notice), (page, notice)
    assert not at.get(CHART) and not at.dataframe
    return notice


def _no_deployment_on_screen(at: AppTest, cluster, page: str) -> None:
    shown = "\n".join(markdown_texts(at)).lower()
    for secret in ("127.0.0.1", f":{cluster.port}", str(cluster.port), OWNER, DATABASE, "postgresql",
                   "traceback", "psycopg", "sqlalchemy"):
        assert secret.lower() not in shown, (page, secret)


def test_every_page_says_unavailable_while_the_server_is_down_and_recovers_after(app, pg_cluster_sample):
    cluster = pg_cluster_sample
    cluster.stop()
    try:
        for page in PAGES:
            at = _show(app, page)
            _notice(at, page, UNAVAILABLE)
            _no_deployment_on_screen(at, cluster, page)
    finally:
        cluster.start()
    for page in PAGES:  # the same session and process: no restart, the pool reconnects
        _assert_figures(_show(app, page), page)


def test_a_frozen_server_gives_a_notice_in_seconds_and_the_app_recovers(app, pg_cluster_sample):
    """SIGSTOP on every process of the cluster: connections are still accepted by the kernel and
    nothing answers, so only the client's own deadline (``db.time_limit``) can end the wait."""
    cluster = pg_cluster_sample
    st.cache_data.clear()  # figures must come from the database, not from the session's cache
    cluster.pause()
    try:
        for page in (OVERVIEW.file, PAGES[-1]):
            at = _show(app, page, timeout=FROZEN_RUN)  # AppTest raises if the run is still going
            notice = _notice(at, page, TOO_SLOW)
            assert f"more than {STATEMENT_TIMEOUT} seconds" in notice
            _no_deployment_on_screen(at, cluster, page)
    finally:
        cluster.resume()
    _assert_figures(_show(app, OVERVIEW.file), OVERVIEW.file)


def test_a_statement_in_flight_on_a_frozen_server_is_given_up_and_its_connection_dropped(pg_cluster_sample):
    """A connection already checked out when the server freezes: no ping protects it, so the
    statement's own deadline (the statement timeout plus the time allowed to answer) must end it."""
    cluster = pg_cluster_sample
    engine = make_engine(cluster.url, statement_timeout=STATEMENT_TIMEOUT)
    outcome: dict = {}

    def query(conn) -> None:
        try:
            conn.execute(text("SELECT count(*) FROM release"))
        except Exception as exc:  # the test looks at what it was
            outcome["error"] = exc

    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            cluster.pause()
            try:
                started = time.monotonic()
                worker = threading.Thread(target=query, args=(conn,), daemon=True)
                worker.start()
                worker.join(FROZEN_RUN)
                waited = time.monotonic() - started
            finally:
                cluster.resume()
            assert not worker.is_alive(), "the statement was still waiting on the frozen server"
            assert conn.invalidated  # the pool will not hand the connection out again
        deadline = timed_out_after(outcome.get("error", RuntimeError("no error")))
        assert deadline is not None and deadline > STATEMENT_TIMEOUT, outcome
        print(f"statement on a frozen server given up after {waited:.1f} s (deadline {deadline} s)")
        with engine.connect() as conn:  # the server is back: a new connection works
            assert conn.execute(text("SELECT count(*) FROM release")).scalar() >= 1
    finally:
        engine.dispose()
