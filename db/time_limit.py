"""A time limit on the statements one request runs, on either backend.

Why: the data explorer lets a visitor choose any breakdown, so one request could tie the shared
database up (datasette caps each query's time for the same reason). PostgreSQL cancels a
statement over ``statement_timeout`` (set for this transaction only, with a bound parameter);
SQLite has no timeout, so a progress handler interrupts the statement once the deadline passes.
Either way the caller gets :class:`TimeLimitExceeded` and the connection stays usable.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError, OperationalError

_SQLITE_STEPS = 10_000  # virtual machine instructions between checks of the clock


class TimeLimitExceeded(RuntimeError):
    """The statements took longer than the limit and were cancelled."""


@contextmanager
def time_limit(conn: Connection, seconds: float) -> Iterator[None]:
    """Cancel what runs on ``conn`` inside the block once ``seconds`` have passed."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        with conn.begin_nested() if conn.in_transaction() else conn.begin():
            conn.execute(text("SELECT set_config('statement_timeout', :ms, true)"),
                         {"ms": str(max(1, int(seconds * 1000)))})
            try:
                yield
            except DBAPIError as exc:
                if "statement timeout" in str(exc.orig).lower():
                    raise TimeLimitExceeded(seconds) from None
                raise
        return
    if dialect != "sqlite":
        yield
        return
    raw = conn.connection.driver_connection
    deadline = time.monotonic() + seconds
    raw.set_progress_handler(lambda: int(time.monotonic() > deadline), _SQLITE_STEPS)
    try:
        yield
    except OperationalError as exc:
        if "interrupted" in str(exc.orig).lower():
            raise TimeLimitExceeded(seconds) from None
        raise
    finally:
        raw.set_progress_handler(None, _SQLITE_STEPS)
