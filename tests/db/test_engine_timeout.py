"""The app's engine has a statement timeout on PostgreSQL (``RASSO_STATEMENT_TIMEOUT``), added to
whatever ``options`` the URL carries; engines for loads and the command line have none."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

import settings
from db.engine import is_statement_timeout, make_engine
from helpers.app import db_url


def _show(engine, name: str) -> str:
    with engine.connect() as conn:
        return conn.execute(text("SELECT current_setting(:name)"), {"name": name}).scalar()


def _pg(small_db):
    if small_db.dialect.name != "postgresql":
        pytest.skip("statement_timeout is a PostgreSQL setting (SQLite's own limit is db.time_limit)")
    return db_url(small_db)


def test_the_app_engine_cancels_a_statement_past_the_timeout(small_db):
    engine = make_engine(_pg(small_db), statement_timeout=1)
    try:
        assert _show(engine, "statement_timeout") == "1s"
        assert _show(engine, "search_path").startswith("t_")  # the URL's own options are kept
        with pytest.raises(OperationalError) as caught, engine.connect() as conn:
            conn.execute(text("SELECT pg_sleep(3)"))
        assert is_statement_timeout(caught.value)
    finally:
        engine.dispose()


def test_the_default_is_the_setting(small_db, monkeypatch):
    monkeypatch.setenv("RASSO_STATEMENT_TIMEOUT", "17")
    engine = make_engine(_pg(small_db), statement_timeout=settings.statement_timeout())
    plain = make_engine(_pg(small_db))
    try:
        assert _show(engine, "statement_timeout") == "17s"
        assert _show(plain, "statement_timeout") == "0"  # loads may run as long as they need
    finally:
        engine.dispose()
        plain.dispose()

