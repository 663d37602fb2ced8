"""Every page's script run, server side (Streamlit's AppTest), cold and warm, for representative
addresses; and the query calls each run makes, recorded so they can be timed on their own.

Cold: Streamlit's data and resource caches are cleared just before the page runs, as on a fresh
server (the Python modules are imported already: the import cost is timed apart, with the first
run in the process). Warm: the same session runs the page again, every answer cached, as after
any click that asks for figures already seen. Each state is a new session opened on its address,
as a deep link or a bookmark opens it.
"""

from __future__ import annotations

import functools
import inspect
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

ENTRY = str(Path(__file__).with_name("bench_entry.py"))
TIMEOUT = 900  # a cold national page is seconds; a loaded machine is slower, never this slow

SMALL_FORCE, LARGE_FORCE = "E23000034", "E23000001"  # City of London, Metropolitan Police


@dataclass(frozen=True)
class PageState:
    name: str
    page: str  # the page's file, as components.page_registry names it
    params: dict[str, str] = field(default_factory=dict)


def page_states() -> list[PageState]:
    """The addresses measured: every page, every kind of map, a small and a large force, every pillar."""
    from components import page_registry as reg

    states = [PageState("overview", reg.OVERVIEW.file)]
    for metric, kind in (("charge_rate", "share of outcomes"), ("recorded_per_1000", "rate per head"),
                         ("median_days_to_charge", "median days")):
        states.append(PageState(f"compare: maps of a {kind} ({metric})", reg.COMPARE.file, {"metric": metric}))
    states += [PageState("force profile: a small force (City of London)", reg.FORCE.file, {"force": SMALL_FORCE}),
               PageState("force profile: a large force (Metropolitan Police)", reg.FORCE.file, {"force": LARGE_FORCE})]
    states += [PageState(f"pillars: pillar {n}", reg.PILLARS.file, {"pillar": str(n)}) for n in range(1, 7)]
    states += [PageState("outcomes and timeliness", reg.OUTCOMES.file),
               PageState("explorer: outcomes by force, year and outcome group", reg.EXPLORER.file,
                         {"measure": "outcomes", "by": "force,year,outcome_group"}),
               PageState("methodology", reg.METHODOLOGY.file)]
    missing = {p.file for p in reg.PAGES} - {s.page for s in states}
    if missing:  # a new page must be added here
        raise RuntimeError(f"pages not measured: {sorted(missing)}")
    # a deep link before the first run finds a page by its file's name (``_open``)
    renamed = [p.file for p in reg.PAGES if p is not reg.OVERVIEW and Path(p.file).stem != p.url_path]
    if renamed:
        raise RuntimeError(f"pages whose address is not their file's name: {renamed}")
    return states


@dataclass
class Call:
    """One query call a page made: the function and its arguments, the engine left out."""

    fn: Callable
    args: tuple
    kwargs: dict

    @property
    def name(self) -> str:
        return f"{self.fn.__module__}.{self.fn.__qualname__}"

    def describe(self) -> str:
        shown = [repr(a) for a in self.args[1:]] + [f"{k}={v!r}" for k, v in sorted(self.kwargs.items())]
        return f"{self.fn.__qualname__}({', '.join(shown)})"


def _query_functions() -> dict[int, Callable]:
    """Every public function defined in the query layer, by identity."""
    found = {}
    for name, module in list(sys.modules.items()):
        if name == "queries" or name.startswith("queries."):
            for attr, obj in vars(module).items():
                if inspect.isfunction(obj) and not attr.startswith("_") and obj.__module__.startswith("queries"):
                    found[id(obj)] = obj
    return found


@contextmanager
def recording(calls: list[Call]) -> Iterator[None]:
    """Record the outermost database calls of the query layer made while inside (a query that
    calls another is one call; the layer's functions that build files from frames are not queries)."""
    from sqlalchemy import Connection, Engine

    functions = _query_functions()
    depth = [0]

    def wrap(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def recorded(*args, **kwargs):
            if not any(isinstance(a, Engine | Connection) for a in args):
                return fn(*args, **kwargs)  # builds a file or a figure from frames: no query
            if depth[0] == 0:
                calls.append(Call(fn, args, kwargs))
            depth[0] += 1
            try:
                return fn(*args, **kwargs)
            finally:
                depth[0] -= 1
        return recorded

    wrappers = {key: wrap(fn) for key, fn in functions.items()}
    patched = []
    roots = ("queries", "components", "reports", "analysis", "charts", "words", "geo")
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] in roots:
            for attr, obj in list(vars(module).items()):
                if id(obj) in wrappers:
                    patched.append((module, attr, obj))
                    setattr(module, attr, wrappers[id(obj)])
    try:
        yield
    finally:
        for module, attr, obj in patched:
            setattr(module, attr, obj)


def _clear_caches() -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def _open(state: PageState, *, cold: bool, calls: list[Call] | None = None):
    """An AppTest session on the state's address, its page run timed (seconds, the session);
    ``calls`` collects the query calls of the timed run."""
    from streamlit.testing.v1 import AppTest

    from components.page_registry import APP_ROOT, OVERVIEW

    at = AppTest.from_file(ENTRY, default_timeout=TIMEOUT)
    for key, value in state.params.items():
        at.query_params[key] = value
    if state.page != OVERVIEW.file:
        # a deep link: before its first run AppTest names a page by its file's name, which is
        # each page's address here (components.page_registry)
        at.switch_page(str(APP_ROOT / state.page))
    if cold:
        _clear_caches()
    with recording(calls) if calls is not None else nullcontext():
        start = time.perf_counter()
        at.run()
        seconds = time.perf_counter() - start
    return seconds, at


def _problems(at) -> list[str]:
    return [str(e.value)[:300] for e in (*at.exception, *at.error)]


def _summary(seconds: list[float]) -> dict:
    return {"median": statistics.median(seconds), "max": max(seconds), "runs": seconds}


def first_run(url: str) -> dict:
    """The first page run in this process: imports, engine, reference data (a fresh server's first view)."""
    os.environ["RASSO_DB_URL"] = url
    seconds, at = _open(PageState("overview", "pages/overview.py"), cold=True)
    return {"seconds": seconds, "problems": _problems(at)}


def measure_state(state: PageState, *, cold_runs: int, warm_runs: int) -> tuple[dict, list[Call]]:
    """Cold runs (the first one records the query calls), then warm reruns of one session."""
    cold, calls, problems = [], [], []
    at = None
    for i in range(cold_runs):
        seconds, at = _open(state, cold=True, calls=calls if i == 0 else None)
        cold.append(seconds)
        problems += _problems(at)
    warm = []
    for _ in range(warm_runs):
        start = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - start)
        problems += _problems(at)
    charts = len(at.get("vega_lite_chart"))
    result = {"name": state.name, "page": state.page, "params": state.params, "cold": _summary(cold),
              "warm": _summary(warm), "charts": charts, "query_calls": len(calls),
              "problems": sorted(set(problems))}
    return result, calls


def measure_pages(url: str, *, cold_runs: int, warm_runs: int,
                  progress: Callable[[str], None]) -> tuple[dict, dict[str, list[Call]]]:
    # a script run's own cost: no background warming (components.warm) may fill the caches a
    # "cold" run of another offence group then finds warm (a server started later warms again)
    before = os.environ.get("RASSO_WARM_CACHES")
    os.environ["RASSO_WARM_CACHES"] = "0"
    try:
        return _measure_pages(url, cold_runs=cold_runs, warm_runs=warm_runs, progress=progress)
    finally:
        if before is None:
            del os.environ["RASSO_WARM_CACHES"]
        else:
            os.environ["RASSO_WARM_CACHES"] = before


def _measure_pages(url: str, *, cold_runs: int, warm_runs: int,
                   progress: Callable[[str], None]) -> tuple[dict, dict[str, list[Call]]]:
    first = first_run(url)
    from streamlit.logger import set_log_level

    set_log_level("error")  # AppTest warns of its bare mode on every run
    progress(f"first run in this process: {first['seconds']:.2f} s")
    states, calls = [], {}
    for state in page_states():
        result, recorded = measure_state(state, cold_runs=cold_runs, warm_runs=warm_runs)
        states.append(result)
        calls[state.name] = recorded
        progress(f"{state.name}: cold {result['cold']['median']:.2f} s, warm {result['warm']['median']:.3f} s"
                 f"{' PROBLEMS ' + '; '.join(result['problems']) if result['problems'] else ''}")
    return {"first_run_in_process": first, "states": states, "boundaries": _has_boundaries(url)}, calls


def _has_boundaries(url: str) -> bool:
    """Whether the comparison drew its force-area map as well as its tile map."""
    from db.engine import make_engine
    from queries.boundaries import latest_boundary_release

    engine = make_engine(url)
    found = latest_boundary_release(engine) is not None
    engine.dispose()
    return found
