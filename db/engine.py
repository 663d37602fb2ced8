"""Engines from a URL: the embedded SQLite file by default, PostgreSQL when shared.

Nothing here connects at import time; ``make_engine`` builds an engine lazily and
``check_connection`` turns an unreachable database into one readable error.
"""

from __future__ import annotations

import re

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.exc import OperationalError as SAOperationalError

import settings
from db.time_limit import DatabaseTimeout, guard_postgres


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or opened; the message is meant for a user."""


def database_url(url: str | None = None) -> str:
    """The URL to use: an explicit one, else ``RASSO_DB_URL``, else the embedded file."""
    return url or settings.db_url()


def _normalise(url: str) -> str:
    # Users write postgresql://...; we ship psycopg 3, not psycopg2.
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str | None = None, *, statement_timeout: int | None = None) -> Engine:
    """An engine for ``url``; ``statement_timeout`` (seconds) makes PostgreSQL cancel any statement
    that runs longer (the app's engine: a locked or overloaded database gives a message, not an
    endless spinner). Loads and the command line run without one: a national load is long."""
    url = _normalise(database_url(url))
    try:
        return _create(url, statement_timeout)
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise DatabaseUnavailable(f"'{make_safe(url)}' is not a database URL this product can use "
                                  f"(sqlite:///FILE or postgresql://USER@HOST:PORT/DB): {exc}") from None


def make_safe(url: str) -> str:
    """A URL with any password replaced, for messages."""
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


def answer_timeout(statement_timeout: int | None) -> int:
    """Seconds a new connection (libpq's ``connect_timeout``, at least 2) or a ping of a pooled
    one may take: 5, or the statement timeout when that is shorter."""
    return max(2, min(5, statement_timeout or 5))


def _postgres_connect_args(url: str, statement_timeout: int | None) -> dict:
    """``connect_timeout``, and the statement timeout added to any ``options`` the URL carries
    (the URL's own would otherwise be replaced: connect arguments win over the query string)."""
    args: dict = {"connect_timeout": answer_timeout(statement_timeout)}
    if statement_timeout:
        given = make_url(url).query.get("options", "")
        given = " ".join(given) if isinstance(given, tuple) else given
        args["options"] = f"{given} -c statement_timeout={int(statement_timeout) * 1000}".strip()
    return args


def _create(url: str, statement_timeout: int | None = None) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            # WAL lets readers keep reading the last committed release while a load writes.
            # Switching the journal mode needs the database to itself, so a reader that asked on
            # every connection could wait behind a long load: only ask when it is not WAL yet.
            cur = dbapi_conn.cursor()
            if cur.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    engine = create_engine(url, connect_args=_postgres_connect_args(url, statement_timeout))
    # the server cancels a statement at statement_timeout; the client gives up a little later, for
    # a server that cannot cancel anything because it does not run at all (db.time_limit)
    guard_postgres(engine, answer_seconds=answer_timeout(statement_timeout), statement_timeout=statement_timeout)
    return engine


def describe(engine: Engine) -> str:
    """The URL without a password, for messages."""
    return engine.url.render_as_string(hide_password=True)


def is_statement_timeout(exc: BaseException) -> bool:
    """True when PostgreSQL cancelled a statement for running past ``statement_timeout``."""
    return "statement timeout" in str(getattr(exc, "orig", None) or exc).lower()


def timed_out_after(exc: BaseException) -> int | None:
    """The seconds after which the database was given up on (by the server or the client), or
    None when ``exc`` is not a timeout."""
    return exc.seconds if isinstance(exc, DatabaseTimeout) else None


# What a driver's reason means, in words that name no host, port, user or database: the command
# line prints them and the app's log has the rest.
_REASONS = (
    ("timeout expired", "it did not answer in time"),
    ("connection refused", "nothing answered at the address given (is the server running?)"),
    ("authentication failed", "the server refused the user name or password"),
    ("role", "the server refused the user name or password"),
    ("does not exist", "the database named in the address does not exist"),
    ("resolve host", "the host name in the address is unknown"),  # psycopg's own resolver
    ("translate host name", "the host name in the address is unknown"),  # libpq's
    ("unable to open database file", "the database file cannot be opened (does its folder exist?)"),
    ("closed the connection", "the server closed the connection (it may be restarting)"),
    ("shutting down", "the server is shutting down"),
    ("starting up", "the server is starting up"),
)


def plain_reason(exc: BaseException) -> str:
    """Why a connection failed, without any detail of the deployment."""
    reason = str(getattr(exc, "orig", None) or exc).lower()
    return next((words for key, words in _REASONS if key in reason), "the connection failed")


def check_connection(engine: Engine) -> None:
    """Connect and ask for nothing; a timeout stays a :class:`DatabaseTimeout`, any other failure
    becomes :class:`DatabaseUnavailable` with a message that names nothing of the deployment
    (the driver's own reason, host and port included, is the exception's cause, for the log)."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except DatabaseTimeout:
        raise
    except (SAOperationalError, DBAPIError) as exc:
        raise DatabaseUnavailable(f"Cannot reach the database: {plain_reason(exc)}.") from exc
