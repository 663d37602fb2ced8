"""Fixtures: every database test runs on the embedded SQLite file and, when
``RASSO_TEST_PG_URL`` is set, again on PostgreSQL (CI sets it and insists it is reachable)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import text

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


def _reset_postgres(engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


def fresh_engine(backend: str, tmp_path: Path):
    """An empty, initialised database of the given backend."""
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'rasso.sqlite'}")
    else:
        if not PG_URL:
            pytest.skip("PostgreSQL tests skipped: set RASSO_TEST_PG_URL to run them")
        engine = make_engine(PG_URL)
        try:
            check_connection(engine)
        except DatabaseUnavailable as exc:
            pytest.fail(f"RASSO_TEST_PG_URL is set but PostgreSQL is unreachable: {exc}")
        _reset_postgres(engine)
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
