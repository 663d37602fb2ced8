"""The server's pass over the pages at start (``components.warm_start``): what it visits and in
which order, how it drives a session through Streamlit's runtime, and what it counts as a
finished run. The real server's pass is in ``tests/browser/test_warm_start.py``."""

from __future__ import annotations

import asyncio
import threading

import pytest
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks.load_server import WARM_LINE
from components import warm_start
from components.page_registry import PAGES
from metrics.offence_groups import DEFAULT_GROUP, OFFENCE_GROUPS

FORCES = ["E23000001", "E23000034"]


def _finished(status) -> ForwardMsg:
    msg = ForwardMsg()
    msg.script_finished = status
    return msg


def _element(kind: str) -> ForwardMsg:
    msg = ForwardMsg()
    element = msg.delta.new_element
    if kind == "chart":
        element.vega_lite_chart.spec = "{}"
    elif kind == "error":
        element.alert.body, element.alert.format = "The data is temporarily unavailable.", Alert.ERROR
    else:
        element.alert.body, element.alert.format = "A caveat.", Alert.INFO
    return msg


def test_a_tab_finishes_on_a_full_run_only():
    """A run cut short for a rerun (a fresh server's first deep link) or a fragment's run (the
    first-start progress) is not the page's run: waiting for those would warm nothing."""
    tab = warm_start.Tab()
    tab.write_forward_msg(_finished(ForwardMsg.FINISHED_EARLY_FOR_RERUN))
    tab.write_forward_msg(_finished(ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY))
    assert not tab.finished.is_set()
    for kind in ("chart", "chart", "info", "error"):
        tab.write_forward_msg(_element(kind))
    tab.write_forward_msg(_finished(ForwardMsg.FINISHED_SUCCESSFULLY))
    assert tab.finished.is_set()
    assert (tab.charts, tab.errors) == (2, ["alert"])
    assert tab.client_context is None  # an anonymous visitor: no headers or cookies


def test_the_pass_opens_every_page_first_then_each_group_pillar_and_force():
    visits = list(warm_start.addresses(FORCES))
    pages = [(page, query) for step, page, query in visits if step == "pages"]
    assert pages == [(p.url_path, "") for p in PAGES]  # every page as first opened, first
    assert visits[: len(PAGES)] == [("pages", p, q) for p, q in pages]
    assert len(set(visits)) == len(visits)  # nothing twice
    others = [g for g in OFFENCE_GROUPS if g != DEFAULT_GROUP]
    assert {q for s, p, q in visits if s == "pages in other offence groups" and p == ""} == {
        f"offence={g}" for g in others}
    profiles = [q for s, p, q in visits if s == "force profiles" and p == "force"]
    assert len(profiles) == len(FORCES) * len(OFFENCE_GROUPS)
    assert profiles[: len(FORCES)] == [f"force={c}" for c in FORCES]  # the default group first
    assert f"force=E23000034&offence={others[-1]}" in profiles
    pillars = [q for s, p, q in visits if s == "pillars" and p == "pillars"]
    assert len(pillars) == 6 * len(OFFENCE_GROUPS) and pillars[0] == "pillar=1"
    steps = [s for s, _p, _q in visits]
    assert steps == sorted(steps, key=steps.index)  # each step's addresses together: logged once


class FakeRuntime:
    """Streamlit's runtime as the pass uses it: session calls on its event loop's thread only,
    each rerun answered with one chart and a finished run (or never, for ``silent`` pages)."""

    def __init__(self, silent: frozenset[str] = frozenset()):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.log: list[tuple[str, ...]] = []
        self.open: dict[str, object] = {}
        self.silent = silent

    def _get_async_objs(self):
        return type("Objs", (), {"eventloop": self.loop})

    def _on_loop_thread(self) -> None:
        assert threading.current_thread() is self.thread, "a session call off the event loop"

    def connect_session(self, client, user_info):
        self._on_loop_thread()
        session_id = f"s{len(self.log)}"
        self.open[session_id] = client
        self.log.append(("connect", session_id))
        return session_id

    def handle_backmsg(self, session_id, msg):
        self._on_loop_thread()
        page, query = msg.rerun_script.page_name, msg.rerun_script.query_string
        self.log.append(("rerun", session_id, page, query))
        if page not in self.silent:
            self.open[session_id].write_forward_msg(_element("chart"))
            self.open[session_id].write_forward_msg(_finished(ForwardMsg.FINISHED_SUCCESSFULLY))

    def close_session(self, session_id):
        self._on_loop_thread()
        self.open.pop(session_id)
        self.log.append(("close", session_id))

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


@pytest.fixture
def runtime():
    fake = FakeRuntime(silent=frozenset({"hangs"}))
    yield fake
    fake.stop()


def test_a_visit_is_one_session_opened_run_and_closed(runtime):
    tab = warm_start.visit(runtime, "compare", "force=E23000005&offence=rape")
    assert tab.finished.is_set() and tab.charts == 1 and not tab.errors
    assert runtime.log == [("connect", "s0"), ("rerun", "s0", "compare", "force=E23000005&offence=rape"),
                           ("close", "s0")]
    assert runtime.open == {}


def test_a_visit_that_never_finishes_is_reported_and_still_closed(runtime):
    tab = warm_start.visit(runtime, "hangs", "", timeout_s=0.2)
    assert not tab.finished.is_set()
    assert tab.errors == ["no finished run within 0 s"]
    assert runtime.log[-1] == ("close", "s0") and runtime.open == {}


def test_the_pass_visits_every_address_and_logs_its_steps(runtime, monkeypatch, caplog):
    monkeypatch.setattr(warm_start.data, "forces",
                        lambda url: __import__("polars").DataFrame({"code": FORCES}))
    monkeypatch.setattr(warm_start, "database_url", lambda: "sqlite://")
    caplog.set_level("INFO", logger="rasso.warm_start")
    steps = warm_start.warm_pages(runtime, started=0.0, quiet_s=0)
    reruns = [entry[2:] for entry in runtime.log if entry[0] == "rerun"]
    assert reruns[0] == ("", "")  # the first visit: the schema, or the first-start load
    assert reruns[1:] == [(page, query) for _s, page, query in warm_start.addresses(FORCES)]
    assert runtime.open == {}  # every session closed
    assert steps["force profiles"][0] == len(FORCES) * len(OFFENCE_GROUPS)
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == len(steps) + 1
    assert lines[0].startswith("warm at start: pages: 7 addresses in ")
    found = WARM_LINE.search(lines[-1])  # what the benchmarks wait for and report
    assert found and float(found["seconds"]) > 0 and found["steps"].startswith("pages 7 in ")
