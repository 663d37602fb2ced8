"""Settings and stateless helpers for the database tests, importable by any test module.

Kept apart from ``conftest.py`` on purpose: pytest loads conftest once, and a test module that
imports it (``from tests.conftest import ...``) gets a second copy whose list of created schemas
the end-of-session cleanup never sees. So this module holds no state: constants, and functions
that take the connection and names they work on.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text

from helpers.paths import ROOT

PG_URL = os.environ.get("RASSO_TEST_PG_URL")
SMALL_CASES = 30_000
SMALL_SEED = 7
SMALL_LAST_QUARTER = 20262  # fixed, so golden answers do not move with the calendar
# The outage tests' own cluster: two financial years (2015-16, 2016-17), enough for every page to
# draw figures; loading it takes seconds (the disclosure protection's work grows with the quarters).
OUTAGE_CASES = 2_000
OUTAGE_LAST_QUARTER = 20164

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]

# The real published files (ONS boundaries and force tables, a Home Office outcomes file) are
# not in the repository: they sit in ../shared/data beside the checkout, or where this points.
REAL_OUTCOMES_2018 = "ho_outcomes_open_data_2018-19_mar2019-edition_sexual_offences_rows.csv"
"""The real Home Office outcomes file for 2018/19, its sexual offences rows (PROVENANCE-outcomes.md)."""
SHARED_DATA = Path(os.environ.get("RASSO_SHARED_DATA") or ROOT.parent / "shared" / "data")
SHARED_DATA_MISSING = (
    f"published data files not found at {SHARED_DATA} (the real ONS boundaries, ONS force tables "
    "and a Home Office outcomes file, kept outside the repository in ../shared/data beside the "
    "checkout or at RASSO_SHARED_DATA; CI has them)"
)

# Every schema a session creates is named SCHEMA_PREFIX + a per-session token + "_" + a number,
# so a session can find what it left even when other sessions share the database.
SCHEMA_PREFIX = "t_"


@dataclass(frozen=True)
class DatabaseState:
    """What a test session must leave as it found it: the schemas that are not test schemas
    (``t_*`` belong to whichever session made them) and the relations in ``public``."""

    schemas: frozenset[str]
    public: frozenset[str]


STATE_LOCK = 730_551_100
"""The PostgreSQL advisory lock under which a session reads the database's state. A test that adds
a schema or a table outside the test schemas on purpose (the leak check's own test) holds it
exclusively until it has removed them, so a session running beside it (``make test`` runs the
browser tests beside the others) never reads them as a leak of its own. Both take it for their
transaction only, so it is released however that ends."""
STATE_LOCK_HELD = "RASSO_TEST_PG_STATE_LOCK_HELD"
"""Set to 1 for a session started by the test that holds the lock (it would wait for itself)."""


def database_state(conn) -> DatabaseState:
    """Read inside ``conn``'s transaction, which holds the shared lock until it ends; a holder that
    never lets go fails the read after ten minutes instead of hanging the run."""
    if os.environ.get(STATE_LOCK_HELD) != "1":
        conn.execute(text("SET LOCAL lock_timeout = '600s'"))
        conn.execute(text("SELECT pg_advisory_xact_lock_shared(:k)"), {"k": STATE_LOCK})
    return _state(conn)


def _state(conn) -> DatabaseState:
    schemas = conn.execute(text(
        "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' "
        "AND nspname <> 'information_schema' AND left(nspname, length(:p)) <> :p"
    ), {"p": SCHEMA_PREFIX}).scalars()
    public = conn.execute(text(
        "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace"
    )).scalars()
    return DatabaseState(frozenset(schemas), frozenset(public))


def schemas_named(conn, prefix: str) -> list[str]:
    """The schemas whose names start with ``prefix`` (compared literally, not as a pattern)."""
    return sorted(conn.execute(text(
        "SELECT nspname FROM pg_namespace WHERE left(nspname, length(:p)) = :p"
    ), {"p": prefix}).scalars())


def drop_schemas(engine, names) -> None:
    for name in names:  # one transaction each: dropping them all at once runs out of locks
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))


def differences(before: DatabaseState, after: DatabaseState, stray: list[str]) -> list[str]:
    """One line per thing the session changed and did not put back; empty when it left none."""
    lines = [f"schema {name} left behind (created by this session, never dropped)" for name in stray]
    lines += [f"schema {name} created" for name in sorted(after.schemas - before.schemas)]
    lines += [f"schema {name} dropped" for name in sorted(before.schemas - after.schemas)]
    lines += [f"public.{name} created" for name in sorted(after.public - before.public)]
    lines += [f"public.{name} dropped" for name in sorted(before.public - after.public)]
    return lines
