"""Fixtures: every database test runs on the embedded SQLite file and, when
``RASSO_TEST_PG_URL`` is set, again on PostgreSQL (CI sets it and insists it is reachable)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import make_url, text

from db.bootstrap import init_database
from db.engine import DatabaseUnavailable, check_connection, make_engine

PG_URL = os.environ.get("RASSO_TEST_PG_URL")
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SMALL_CASES = 30_000
SMALL_SEED = 7
SMALL_LAST_QUARTER = 20262  # fixed, so golden answers do not move with the calendar

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def pytest_configure(config):
    config.addinivalue_line("markers", "postgres: runs on PostgreSQL (needs RASSO_TEST_PG_URL)")


_PG_SCHEMAS: list[str] = []


def _postgres_url_in_new_schema() -> str:
    """A URL whose connections work in a fresh schema of their own.

    Each test database is a separate schema (``search_path`` set per connection), so a test
    that needs an empty database never disturbs the session-wide small release, and every
    schema is dropped when the session ends.
    """
    admin = make_engine(PG_URL)
    try:
        check_connection(admin)
    except DatabaseUnavailable as exc:
        pytest.fail(f"RASSO_TEST_PG_URL is set but PostgreSQL is unreachable: {exc}")
    name = f"t_{uuid.uuid4().hex[:12]}"
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    admin.dispose()
    _PG_SCHEMAS.append(name)
    url = make_url(PG_URL)
    return url.update_query_dict({"options": f"-csearch_path={name}"}).render_as_string(hide_password=False)


def pytest_sessionfinish(session, exitstatus):
    if not (PG_URL and _PG_SCHEMAS):
        return
    admin = make_engine(PG_URL)
    for name in _PG_SCHEMAS:  # one transaction each: dropping them all at once runs out of locks
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
    admin.dispose()


def fresh_engine(backend: str, tmp_path: Path):
    """An empty, initialised database of the given backend."""
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'rasso.sqlite'}")
    else:
        if not PG_URL:
            pytest.skip("PostgreSQL tests skipped: set RASSO_TEST_PG_URL to run them")
        engine = make_engine(_postgres_url_in_new_schema())
    init_database(engine)
    return engine


@pytest.fixture(params=BACKENDS)
def empty_db(request, tmp_path):
    """A fresh initialised database with reference data and no releases."""
    engine = fresh_engine(request.param, tmp_path)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def small_db(request, tmp_path_factory):
    """A small deterministic synthetic release, shared by read-only tests of one backend."""
    from sample_data.load import load_sample

    engine = fresh_engine(request.param, tmp_path_factory.mktemp(f"small-{request.param}"))
    load_sample(engine, cases=SMALL_CASES, seed=SMALL_SEED, last_quarter=SMALL_LAST_QUARTER)
    yield engine
    engine.dispose()


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"published data files not found at {SHARED_DATA}")
    return SHARED_DATA
