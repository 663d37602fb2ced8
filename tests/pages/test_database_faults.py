"""Database faults as a visitor sees them: a short notice with an error id, nothing about the
deployment (host, port, user, database name) on screen, the details in the server log under the
same id; a statement that runs past ``RASSO_STATEMENT_TIMEOUT`` is cancelled and the page says so
instead of spinning for ever."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from components.errors import TOO_SLOW, UNAVAILABLE
from helpers.app import APP_ENTRY, TIMEOUT, db_url
from helpers.markup import markdown_texts

UNREACHABLE = "postgresql://rasso_reader@127.0.0.1:1/outcomes_live"
ERROR_ID = re.compile(r"`([0-9a-f]{8})`")


def _run(monkeypatch, url: str, **env) -> AppTest:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    monkeypatch.setenv("RASSO_DB_URL", url)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return AppTest.from_file(APP_ENTRY, default_timeout=TIMEOUT).run()


def test_an_unreachable_database_gives_a_generic_notice_with_an_error_id(monkeypatch, caplog):
    with caplog.at_level(logging.ERROR, logger="rasso"):
        at = _run(monkeypatch, UNREACHABLE)
    assert not at.exception
    [notice] = [e.value for e in at.error]
    assert UNAVAILABLE in notice
    [error_id] = ERROR_ID.findall(notice)
    shown = " ".join(markdown_texts(at))
    for secret in ("127.0.0.1", ":1/", "rasso_reader", "outcomes_live", "postgresql", "Connection refused"):
        assert secret not in shown, secret
    logged = [r.getMessage() for r in caplog.records if error_id in r.getMessage()]
    assert len(logged) == 1 and "127.0.0.1" in logged[0] and "outcomes_live" in logged[0]


def test_a_statement_past_the_timeout_is_cancelled_and_the_page_says_so(small_db, monkeypatch, caplog):
    """Another session holds an exclusive lock on the release table, as a stuck migration or a
    hung load would: without a timeout the page would wait for ever."""
    if small_db.dialect.name != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL's; SQLite readers never wait on a writer (WAL)")
    with small_db.connect() as locker:
        locker.execute(text("LOCK TABLE release IN ACCESS EXCLUSIVE MODE"))
        try:
            with caplog.at_level(logging.ERROR, logger="rasso"):
                at = _run(monkeypatch, db_url(small_db), RASSO_STATEMENT_TIMEOUT="2")
        finally:
            locker.rollback()
    assert not at.exception
    [notice] = [e.value for e in at.error]
    assert TOO_SLOW in notice and "more than 2 seconds" in notice
    [error_id] = ERROR_ID.findall(notice)
    assert any(error_id in r.getMessage() and "statement timeout" in r.getMessage() for r in caplog.records)
