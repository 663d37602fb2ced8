"""No page ever shows a traceback: an unexpected error becomes a short message with an error id.

Why: a traceback shows server paths and source lines to any visitor and tells a user nothing they
can act on. The full traceback goes to the server log under the same id, so whoever runs the
deployment can find it from a user's report. ``client.showErrorDetails = "none"`` in
``.streamlit/config.toml`` is the second line of defence for anything raised outside this guard.
Streamlit's own control flow (``st.stop``, ``st.rerun``, ``st.switch_page``) raises
``BaseException`` subclasses, so catching ``Exception`` leaves it alone.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

log = logging.getLogger("rasso.app")
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging() -> None:
    """Give the ``rasso`` loggers a timestamped handler on the server's stderr, once per process
    (Streamlit configures only its own loggers, and Python's fallback prints bare messages)."""
    root = logging.getLogger("rasso")
    if not any(getattr(h, "_rasso", False) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(_FORMAT))
        handler._rasso = True
        root.addHandler(handler)
        root.setLevel(logging.INFO)


def new_error_id() -> str:
    """Eight hexadecimal characters: short enough to read out, unique enough to grep a log."""
    return secrets.token_hex(4)


def show_unexpected(exc: BaseException, where: str) -> str:
    """Log ``exc`` with a new error id and show a short message carrying the id; return the id."""
    error_id = new_error_id()
    log.error("unexpected error %s while %s", error_id, where, exc_info=exc)
    st.error(
        f"**Something went wrong while {where}.** Error id: `{error_id}`. Reload the page or go "
        "back; if it happens again, give the error id to the team that runs this dashboard "
        "(the details are in the server log under that id).",
        icon=":material/error:",
    )
    return error_id


UNAVAILABLE = "The data is temporarily unavailable."
TOO_SLOW = "The database did not answer in time."


def show_unavailable(exc: BaseException, database: str, *, timeout: int | None = None) -> str:
    """The database cannot answer: a short notice with an error id; return the id.

    Why: the notice used to name the database's host, port, user and name, which tell a visitor
    how the deployment is built and nothing they can act on. The server log gets them (with the
    driver's reason) under the same id. ``timeout``: the seconds after which the statement was
    given up on (PostgreSQL cancelled it, or the server did not answer at all), when that is
    what happened."""
    error_id = new_error_id()
    # the driver's own words (host and port among them) are the cause of a DatabaseUnavailable
    reason = str(getattr(exc, "orig", None) or exc.__cause__ or exc).strip().splitlines()
    log.error("database unavailable %s: %s at %s: %s", error_id, type(exc).__name__, database,
              reason[0] if reason else "")
    lead = (f"**{TOO_SLOW}** It gave no answer for more than {timeout} seconds, so the request was "
            "stopped and these figures cannot be shown now." if timeout else
            f"**{UNAVAILABLE}** No figures can be shown until the database is back.")
    st.error(f"{lead} Try again in a few minutes (reload the page); if it persists, give the error id "
             f"`{error_id}` to the team that runs this dashboard.", icon=":material/database_off:")
    return error_id


@contextmanager
def error_boundary(where: str) -> Iterator[None]:
    """Run a block; an unexpected exception is shown as ``show_unexpected`` and goes no further."""
    try:
        yield
    except Exception as exc:  # the last line of defence: everything else is a bug to log
        show_unexpected(exc, where)
