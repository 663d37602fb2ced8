"""The server's first pass over the pages, before any visitor asks (issue 14).

``components.serve`` calls ``warm_pages`` in a thread of the server's process once Streamlit's runtime
accepts sessions. Each address is opened in a session of its own, made through the runtime as the
WebSocket handler makes a tab's (``Runtime.connect_session``, then the ``rerun_script`` message a
browser sends on opening an address), with a client that keeps only how the run ended. So the
pass runs ``dashboard.py`` exactly as a visitor's tab does (anonymous: the public tier), and
every ``st.cache_data`` value it fills is the one a visitor's run would look up. Computing the
figures by calling the cached functions here instead would need every page's arguments copied
and kept in step; a page that changed would silently warm nothing.

Visitors come first: each address waits until no page has run for ``QUIET_S`` (the runs of the
pass itself count, so it also leaves room between its own). A value a visitor asks for while the
pass computes it is computed once (``st.cache_data`` locks it) and shared.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime import Runtime

from components import data, warm
from components.page_registry import COMPARE, FORCE, OUTCOMES, OVERVIEW, PAGES, PILLARS
from db.engine import database_url
from metrics.offence_groups import DEFAULT_GROUP, OFFENCE_GROUPS
from sample_data import first_start

QUIET_S = 0.3
VISIT_TIMEOUT_S = 600.0
PILLAR_NUMBERS = range(1, 7)
DONE = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}
_LOG = logging.getLogger("rasso.warm_start")


class Tab:
    """A session's client (Streamlit's ``SessionClient``) keeping only how its runs went: a
    full run's end (a run cut short for a rerun, or a fragment's, is not one), charts, errors."""

    def __init__(self) -> None:
        self.finished = threading.Event()
        self.charts = 0
        self.errors: list[str] = []

    def write_forward_msg(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "script_finished" and msg.script_finished in DONE:
            self.finished.set()
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            shown = element.WhichOneof("type")
            self.charts += shown == "vega_lite_chart"
            if shown == "exception" or (shown == "alert" and element.alert.format == Alert.ERROR):
                self.errors.append(shown)

    @property
    def client_context(self) -> None:  # no headers, cookies or address: an anonymous visitor
        return None


def rerun_request(page: str, query: str) -> BackMsg:
    """The message a browser sends on opening ``/<page>?<query>``."""
    msg = BackMsg()
    msg.rerun_script.query_string = query
    msg.rerun_script.page_name = page
    return msg


def _on_loop(runtime: Runtime, call: Callable[[], Any]) -> Any:
    """``call()`` on the runtime's event loop (its session methods are for that thread only)."""
    done: concurrent.futures.Future = concurrent.futures.Future()

    def run() -> None:
        try:
            done.set_result(call())
        except BaseException as exc:  # handed to the waiting thread
            done.set_exception(exc)

    loop: asyncio.AbstractEventLoop = runtime._get_async_objs().eventloop  # no public accessor
    loop.call_soon_threadsafe(run)
    return done.result(timeout=60)


def visit(runtime: Runtime, page: str, query: str = "", timeout_s: float = VISIT_TIMEOUT_S) -> Tab:
    """Open ``/<page>?<query>`` in a new session, wait for its run to finish, close it."""
    tab = Tab()

    def start() -> str:
        session_id = runtime.connect_session(client=tab, user_info={})
        runtime.handle_backmsg(session_id, rerun_request(page, query))
        return session_id

    session_id = _on_loop(runtime, start)
    try:
        if not tab.finished.wait(timeout_s):
            tab.errors.append(f"no finished run within {timeout_s:.0f} s")
    finally:
        _on_loop(runtime, lambda: runtime.close_session(session_id))
    return tab


def addresses(force_codes: list[str]) -> Iterator[tuple[str, str, str]]:
    """(step, page, query) in the order a visitor is likely to need them: every page as first
    opened; the pages of national figures in each other offence group (the sidebar's first
    choice); each pillar, then every force's profile, in each offence group (the default first)."""
    groups = [DEFAULT_GROUP, *(g for g in OFFENCE_GROUPS if g != DEFAULT_GROUP)]
    for page in PAGES:
        yield "pages", page.url_path, ""
    for group in groups[1:]:
        for page in (OVERVIEW, COMPARE, OUTCOMES):
            yield "pages in other offence groups", page.url_path, f"offence={group}"
    also = {g: "" if g == DEFAULT_GROUP else f"&offence={g}" for g in groups}
    for group in groups:
        for number in PILLAR_NUMBERS:
            yield "pillars", PILLARS.url_path, f"pillar={number}{also[group]}"
    for group in groups:
        for code in force_codes:
            yield "force profiles", FORCE.url_path, f"force={code}{also[group]}"


def _wait_for_quiet(quiet_s: float) -> None:
    w = warm.warmer()
    while w is not None and w.quiet_for() < quiet_s:
        time.sleep(0.05)


def _wait_for_first_start(url: str) -> None:
    """An empty database is being filled (the first visit started it): wait for the data."""
    job = first_start.current(url)
    if job is not None and job.running:
        _LOG.info("warm at start: waiting for the first-start sample to load")
        first_start.wait(job, timeout=24 * 3600)


def warm_pages(runtime: Runtime, started: float, quiet_s: float = QUIET_S) -> dict[str, tuple[int, float]]:
    """Visit ``addresses`` in order; log each step as it ends and, at the end, every step and the
    time since ``started`` (the server's start, ``time.monotonic``); return the steps' counts and
    seconds."""
    url = database_url()
    visit(runtime, OVERVIEW.url_path)  # creates the schema, or starts the first-start load
    _wait_for_first_start(url)
    steps: dict[str, tuple[int, float]] = {}
    for step, page, query in addresses(data.forces(url)["code"].to_list()):
        if steps and step not in steps:
            _log_step(steps, started)
        _wait_for_quiet(quiet_s)
        begun = time.monotonic()
        tab = visit(runtime, page, query)
        if tab.errors:
            _LOG.warning("warm at start: /%s?%s showed %s", page, query, ", ".join(tab.errors))
        count, seconds = steps.get(step, (0, 0.0))
        steps[step] = (count + 1, seconds + time.monotonic() - begun)
    _log_step(steps, started)
    done = "; ".join(f"{step} {n} in {s:.1f} s" for step, (n, s) in steps.items())
    _LOG.info("warm at start: %s; server start -> warm %.1f s", done, time.monotonic() - started)
    return steps


def _log_step(steps: dict[str, tuple[int, float]], started: float) -> None:
    step, (count, seconds) = list(steps.items())[-1]
    _LOG.info("warm at start: %s: %d addresses in %.1f s (%.1f s since the server started)",
              step, count, seconds, time.monotonic() - started)
