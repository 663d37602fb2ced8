"""Fixtures: every database test runs on the embedded SQLite file and, when
``RASSO_TEST_PG_URL`` is set, again on PostgreSQL (CI sets it and insists it is reachable).

Test modules never import this file. pytest loads it once; a second import under another name
(``tests.conftest``) is a separate copy, and schemas created through that copy were never
dropped: a suite once left 17 schemas of 37 tables. Constants live in ``helpers.testdb`` instead, and the
list of created schemas lives on the session's config, where no copy can hide it. At the end the
session drops its schemas and fails if the database is not as it found it.

Each test gets the marker of its tier from its folder (``tests/unit/`` -> ``unit``, ...), so
``pytest -m unit`` runs the fast tests; a test outside a tier folder, or a unit test that asks
for a database, stops the collection with a message saying where it belongs.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.exc import OperationalError

from db.bootstrap import init_database
from db.engine import DatabaseUnavailable, check_connection, make_engine
from helpers.testdb import (
    BACKENDS,
    OUTAGE_CASES,
    OUTAGE_LAST_QUARTER,
    PG_URL,
    REAL_OUTCOMES_2018,
    SCHEMA_PREFIX,
    SHARED_DATA,
    SHARED_DATA_MISSING,
    SMALL_CASES,
    SMALL_LAST_QUARTER,
    SMALL_SEED,
    DatabaseState,
    database_state,
    differences,
    drop_schemas,
    schemas_named,
)


@dataclass
class _Schemas:
    """This session's PostgreSQL schemas: their common name prefix, the ones made so far, the
    database as the session found it, and what it left changed."""

    prefix: str
    created: list[str] = field(default_factory=list)
    before: DatabaseState | None = None
    left: list[str] = field(default_factory=list)


_SCHEMAS = pytest.StashKey[_Schemas]()


TESTS = Path(__file__).resolve().parent
TIERS = ("unit", "db", "cli", "pages", "browser")  # folders of tests/, each its own marker
DATABASE_FIXTURES = {"empty_db", "small_db", "fresh_engine", "pg_cluster", "pg_cluster_sample"}


def pytest_configure(config):
    # no background warming of caches (components.warm): a query must not outlive its test, and
    # servers the browser tests start inherit this
    os.environ["RASSO_WARM_CACHES"] = "0"
    config.stash[_SCHEMAS] = _Schemas(prefix=f"{SCHEMA_PREFIX}{uuid.uuid4().hex[:8]}_")


# Page tests read the database only through the queries, which the db and cli tiers check on both
# databases; run twice, they cost CI minutes it does not have (20 at most). These page modules also
# run on PostgreSQL: every page drawn, a first start, hostile addresses, the explorer's SQL.
PAGES_ON_BOTH = frozenset({"test_pages.py", "test_first_start.py", "test_url_fuzz_pages.py", "test_explorer.py",
                           "test_database_faults.py"})
PAGES_ON_SQLITE = ("page tests run on SQLite: pages read only through the queries, which tests/db and "
                   "tests/cli run on both databases (the page modules in conftest.PAGES_ON_BOTH run on "
                   "PostgreSQL too)")


def _backend(item) -> str | None:
    """The database a test runs on, when a database fixture chose one."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    return next((v for v in params.values() if v in ("sqlite", "postgresql")), None)


def tier_of(path: Path) -> str | None:
    """The tier folder a test file sits in, or None when it is not under one."""
    try:
        parts = path.resolve().relative_to(TESTS).parts
    except ValueError:
        return None  # a test file outside tests/ (the suite's own self-test writes one)
    return parts[0] if len(parts) > 1 and parts[0] in TIERS else None


def pytest_collection_modifyitems(config, items):
    """Mark each test with its folder's tier; refuse tests that are not where a reader looks."""
    misplaced = []
    for item in items:
        path = Path(str(item.path))
        tier = tier_of(path)
        if tier is None:
            if path.resolve().is_relative_to(TESTS):
                misplaced.append(f"{path.relative_to(TESTS)}: not in a tier folder {TIERS}")
            continue
        item.add_marker(tier)
        if tier == "pages" and path.name not in PAGES_ON_BOTH and _backend(item) == "postgresql":
            item.add_marker(pytest.mark.skip(reason=PAGES_ON_SQLITE))
        if tier == "unit" and DATABASE_FIXTURES & set(item.fixturenames):
            misplaced.append(f"{item.nodeid}: uses a database, so it belongs in tests/db/, not tests/unit/")
    if misplaced:
        raise pytest.UsageError("tests out of place (see tests/README.md):\n  " + "\n  ".join(sorted(set(misplaced))))


def pytest_sessionstart(session):
    """Note the database as found, so the end can tell what this session changed."""
    if not PG_URL:
        return
    admin = make_engine(PG_URL)
    try:
        with admin.connect() as conn:
            session.config.stash[_SCHEMAS].before = database_state(conn)
    except (OperationalError, DatabaseUnavailable):
        pass  # unreachable: the first PostgreSQL test says so and fails
    finally:
        admin.dispose()


def pytest_sessionfinish(session, exitstatus):
    """Drop this session's schemas; fail the run if anything is left changed."""
    schemas = session.config.stash[_SCHEMAS]
    if not PG_URL or schemas.before is None:
        return
    admin = make_engine(PG_URL)
    try:
        drop_schemas(admin, schemas.created)
        with admin.connect() as conn:
            stray = schemas_named(conn, schemas.prefix)
            schemas.left = differences(schemas.before, database_state(conn), stray)
        drop_schemas(admin, stray)  # reported below, but not left for the next person
    finally:
        admin.dispose()
    if schemas.left and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, config):
    left = config.stash[_SCHEMAS].left
    if left:
        terminalreporter.write_sep("=", "the session left the PostgreSQL test database changed", red=True)
        for line in left:
            terminalreporter.write_line(line, red=True)


def _postgres_url_in_new_schema(schemas: _Schemas) -> str:
    """A URL whose connections work in a fresh schema of their own.

    Each test database is a separate schema (``search_path`` set per connection), so a test
    that needs an empty database never disturbs the session-wide small release, and every
    schema is dropped when the session ends. Its connections do not wait for the write-ahead log
    to reach the disk at each commit (``synchronous_commit=off``): a test database never has to
    survive a crash of the server, and the suite commits thousands of small transactions.
    """
    admin = make_engine(PG_URL)
    try:
        check_connection(admin)
    except DatabaseUnavailable as exc:
        pytest.fail(f"RASSO_TEST_PG_URL is set but PostgreSQL is unreachable: {exc}")
    name = f"{schemas.prefix}{len(schemas.created) + 1:04d}"
    schemas.created.append(name)  # before creating it: a failure after CREATE still drops it
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    admin.dispose()
    url = make_url(PG_URL)
    return url.update_query_dict({"options": f"-csearch_path={name} -csynchronous_commit=off"}).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def fresh_engine(request):
    """Makes an empty, initialised database: ``fresh_engine(backend, directory)``.

    SQLite files go in ``directory`` (a tmp_path); PostgreSQL gets a new schema of this session.
    """
    schemas = request.config.stash[_SCHEMAS]

    def make(backend: str, directory: Path):
        if backend == "sqlite":
            engine = make_engine(f"sqlite:///{directory / 'rasso.sqlite'}")
        else:
            if not PG_URL:
                pytest.skip("PostgreSQL tests skipped: set RASSO_TEST_PG_URL to run them")
            engine = make_engine(_postgres_url_in_new_schema(schemas))
        init_database(engine)
        return engine

    return make


@pytest.fixture(params=BACKENDS)
def empty_db(request, tmp_path, fresh_engine):
    """A fresh initialised database with reference data and no releases."""
    engine = fresh_engine(request.param, tmp_path)
    yield engine
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path, fresh_engine):
    """The address of a fresh initialised database, for the command line to open itself."""
    engine = fresh_engine(request.param, tmp_path)
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    return url


@pytest.fixture(scope="session", params=BACKENDS)
def small_db(request, tmp_path_factory, fresh_engine):
    """A small deterministic synthetic release, shared by read-only tests of one backend."""
    from sample_data.load import load_sample

    engine = fresh_engine(request.param, tmp_path_factory.mktemp(f"small-{request.param}"))
    load_sample(engine, cases=SMALL_CASES, seed=SMALL_SEED, last_quarter=SMALL_LAST_QUARTER)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def pg_cluster():
    """A PostgreSQL cluster of the test module's own (``helpers.pg_cluster``), to stop and freeze:
    started, with an empty database; resumed, stopped and deleted at the end whatever happened.
    Skips when the server binaries are missing, fails instead when RASSO_TEST_PG_URL is set."""
    from helpers.pg_cluster import missing_binaries, new_cluster

    reason = missing_binaries()
    if reason:
        if PG_URL:
            pytest.fail(f"{reason}; RASSO_TEST_PG_URL is set, so the outage tests must run")
        pytest.skip(f"outage tests skipped: {reason}")
    cluster = new_cluster()
    try:
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture(scope="module")
def pg_cluster_sample(pg_cluster):
    """``pg_cluster`` initialised and holding a small synthetic release (as ``small_db``, two years)."""
    from sample_data.load import load_sample

    engine = make_engine(pg_cluster.url)
    try:
        init_database(engine)
        load_sample(engine, cases=OUTAGE_CASES, seed=SMALL_SEED, last_quarter=OUTAGE_LAST_QUARTER)
    finally:
        engine.dispose()
    return pg_cluster


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real published files; the test skips, saying what they are, without it."""
    if not SHARED_DATA.is_dir():
        pytest.skip(SHARED_DATA_MISSING)
    return SHARED_DATA




@pytest.fixture
def published_only_db(empty_db, tmp_path):
    """Two financial years of published-format outcomes and recorded crime, nothing else: no
    case-level records and no force MI (what a public-data-only deployment holds)."""
    import ingest
    from helpers.ingest_files import OUTCOMES_2026, PRC_HEADERS, outcome_rows, prc_rows, write_csv

    outcomes = [r for fy in (2023, 2024) for r in outcome_rows(fy)]
    prc = [r for fy in (2023, 2024) for r in prc_rows(fy)]
    ingest.load(empty_db, "outcomes", [write_csv(tmp_path / "outcomes.csv", outcomes, OUTCOMES_2026)])
    ingest.load(empty_db, "prc", [write_csv(tmp_path / "prc.csv", prc, PRC_HEADERS)])
    return empty_db


@pytest.fixture
def real_outcomes_db(empty_db, shared_data):
    """A database holding only the real Home Office outcomes file for 2018/19 (sexual offences rows)."""
    import ingest

    ingest.load(empty_db, "outcomes", [shared_data / REAL_OUTCOMES_2018])
    return empty_db
