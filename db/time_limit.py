"""A time limit on the statements one request runs, on either backend.

Why: the data explorer lets a visitor choose any breakdown, so one request could tie the shared
database up (datasette caps each query's time for the same reason). PostgreSQL cancels a
statement over ``statement_timeout`` (set for this transaction only, with a bound parameter);
SQLite has no timeout, so a progress handler interrupts the statement once the deadline passes.
Either way the caller gets :class:`TimeLimitExceeded` and the connection stays usable.
"""

from __future__ import annotations

import functools
import itertools
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.exc import DBAPIError, InvalidatePoolError, OperationalError

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


# --- A deadline the client keeps -----------------------------------------------------------------
#
# Why: ``statement_timeout`` is enforced by the server, so a server that hangs (stopped, swapping,
# its disk gone) cancels nothing, and the kernel still acknowledges every packet, so TCP keepalives
# see nothing wrong either. Only the client can notice. A watchdog thread keeps one deadline per
# statement in flight (and per ping of a pooled connection); when one passes it shuts the
# connection's socket down, the driver's wait ends at once with "server closed the connection",
# and the statement's error becomes :class:`DatabaseTimeout` with the connection thrown away.
# New connections are bounded by libpq's ``connect_timeout`` (``db.engine``).


class DatabaseTimeout(OperationalError):
    """The database gave no answer within ``seconds``: the server cancelled the statement
    (``statement_timeout``), or it did not answer at all and the client gave up."""

    seconds: int = 0


class _Watchdog:
    """Deadlines, each with what to do when it passes, kept by one daemon thread."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._armed: dict[int, tuple[float, Callable[[], None]]] = {}
        self._tokens = itertools.count()
        self._thread: threading.Thread | None = None

    def arm(self, seconds: float, on_expiry: Callable[[], None]) -> int:
        with self._cond:
            token = next(self._tokens)
            self._armed[token] = (time.monotonic() + seconds, on_expiry)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="rasso-db-deadline", daemon=True)
                self._thread.start()
            self._cond.notify()
            return token

    def disarm(self, token: int | None) -> bool:
        """True when the deadline had already passed (and ``on_expiry`` ran)."""
        with self._cond:
            return token is not None and self._armed.pop(token, None) is None

    def _run(self) -> None:
        with self._cond:
            while True:
                now = time.monotonic()
                for token in [t for t, (when, _) in self._armed.items() if when <= now]:
                    _, on_expiry = self._armed.pop(token)
                    # under the lock: the statement cannot finish and close its socket meanwhile
                    with suppress(Exception):
                        on_expiry()
                nearest = min((when for when, _ in self._armed.values()), default=None)
                self._cond.wait(None if nearest is None else max(0.0, nearest - now))


_WATCHDOG = _Watchdog()
_IN_FLIGHT: dict[int, int] = {}  # id of the DBAPI cursor running a statement -> its deadline's token


def _cut(dbapi_conn) -> None:
    """Shut the connection's socket down (a duplicate of its descriptor, so the driver still owns
    and closes the original)."""
    if not dbapi_conn.closed:
        with socket.socket(fileno=os.dup(dbapi_conn.fileno())) as sock:
            sock.shutdown(socket.SHUT_RDWR)


def _timeout(ctx, seconds: int) -> DatabaseTimeout:
    error = DatabaseTimeout(ctx.statement, ctx.parameters, ctx.original_exception,
                            connection_invalidated=ctx.is_disconnect)
    error.seconds = seconds
    return error


def guard_postgres(engine: Engine, *, answer_seconds: int, statement_timeout: int | None) -> None:
    """Give every checkout of a pooled connection on ``engine`` a ping that must answer within
    ``answer_seconds``, and every statement a client-side deadline ``answer_seconds`` after the
    server's own ``statement_timeout`` (None: none, for loads that may run long); report
    timeouts, the server's included, as :class:`DatabaseTimeout`. Replaces ``pool_pre_ping``,
    whose ping has no deadline."""
    statement_seconds = statement_timeout + answer_seconds if statement_timeout else None

    @event.listens_for(engine.pool, "checkout")
    def _ping(dbapi_conn, _record, _proxy):
        token = _WATCHDOG.arm(answer_seconds, functools.partial(_cut, dbapi_conn))
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:  # gone or frozen: the pool drops every connection it holds
            raise InvalidatePoolError(f"ping failed: {exc}") from exc
        finally:
            _WATCHDOG.disarm(token)

    if statement_seconds:
        @event.listens_for(engine, "before_cursor_execute")
        def _arm(_conn, cursor, *_args):
            _IN_FLIGHT[id(cursor)] = _WATCHDOG.arm(statement_seconds, functools.partial(_cut, cursor.connection))

        @event.listens_for(engine, "after_cursor_execute")
        def _disarm(_conn, cursor, *_args):
            _WATCHDOG.disarm(_IN_FLIGHT.pop(id(cursor), None))

    @event.listens_for(engine, "handle_error")
    def _timed_out(ctx):
        cursor = getattr(ctx.execution_context, "cursor", None)  # None: no statement had started
        if cursor is not None and _WATCHDOG.disarm(_IN_FLIGHT.pop(id(cursor), None)):
            ctx.is_disconnect = True
            return _timeout(ctx, statement_seconds)
        reason = str(ctx.original_exception).lower()
        if "statement timeout" in reason:  # the server cancelled it: the connection is fine
            return _timeout(ctx, statement_timeout or 0)
        if "timeout expired" in reason and ctx.connection is None:  # libpq's connect_timeout
            return _timeout(ctx, answer_seconds)
        return None
