"""``python -m components.serve [streamlit options]``: the dashboard's server, warmed before
its first visitor (issue 14). ``make run`` and the documented deployment start it.

Streamlit runs no app code until a session opens, so on a freshly started server the first
visitor of each page waits for its cold queries: at 2 million cases on SQLite the first address
took 5.6 s to draw its charts, 3.2 s of it the server's cold run. This module starts the same
server as ``streamlit run dashboard.py`` with the same options, and in the same process, once the
runtime is up, opens internal sessions (``components.warm_start``) that run the pages a visitor
opens first. They are sessions as a browser tab's are, so what they fill is exactly what
visitors' sessions read: ``st.cache_data`` keeps one cache per process, keyed on the same
arguments. When the pass has finished it logs ``warm at start: ...`` with the time since the
server started (the browser benchmark waits for that line and reports it).

``RASSO_WARM_CACHES=0`` leaves the server cold, as ``streamlit run dashboard.py`` is.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from pathlib import Path

from streamlit.runtime import Runtime, RuntimeState

import settings
from components.errors import configure_logging

DASHBOARD = Path(__file__).resolve().parents[1] / "dashboard.py"
READY = {RuntimeState.NO_SESSIONS_CONNECTED, RuntimeState.ONE_OR_MORE_SESSIONS_CONNECTED}
_LOG = logging.getLogger("rasso.serve")


def started_runtime(timeout_s: float = 600.0) -> Runtime | None:
    """The process's Streamlit runtime once it accepts sessions (None if it never does)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if Runtime.exists() and Runtime.instance().state in READY:
            return Runtime.instance()
        time.sleep(0.1)
    return None


def _warm(started: float) -> None:
    runtime = started_runtime()
    if runtime is None:
        _LOG.warning("warm at start: the server did not start; nothing warmed")
        return
    # imported here, once the runtime exists: the cached functions it defines then find the
    # runtime's cache storage (before, Streamlit warns that it falls back to memory)
    from components import warm_start

    try:
        warm_start.warm_pages(runtime, started)
    except Exception:  # the server serves on, cold: a visitor's run meets any real error itself
        _LOG.exception("warm at start failed; the server serves on without it")


def main(argv: list[str] | None = None) -> None:
    """Start the server with ``argv`` (options of ``streamlit run``), warming it when allowed."""
    from streamlit.web import cli

    configure_logging()
    if problems := settings.check_all():  # the app would stop on them: warm nothing
        _LOG.warning("not warming at start: %s", "; ".join(problems))
    elif settings.warm_caches():
        threading.Thread(target=_warm, args=(time.monotonic(),), name="rasso-warm-start",
                         daemon=True).start()
    cli.main(["run", str(DASHBOARD), *(sys.argv[1:] if argv is None else argv)], prog_name="streamlit")


if __name__ == "__main__":
    main()
