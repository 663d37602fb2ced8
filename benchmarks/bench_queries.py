"""Each query the pages make, timed on its own, cold and warm.

The calls are the ones recorded while the pages ran (``bench_pages.recording``), with the
arguments the pages gave, so a page that starts asking something new is measured without editing
this file. The query layer keeps no cache of its own: cold is the first call on a new engine (a
new connection, the database's own cache as the previous calls left it), warm the median of the
calls after it.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from sqlalchemy import Connection, Engine

from benchmarks.bench_pages import Call
from db.engine import make_engine


def unique_calls(calls: dict[str, list[Call]]) -> list[tuple[Call, list[str]]]:
    """Each distinct call once, with the page states that made it."""
    seen: dict[str, tuple[Call, list[str]]] = {}
    for state, made in calls.items():
        for call in made:
            key = call.describe()
            if key not in seen:
                seen[key] = (call, [])
            if state not in seen[key][1]:
                seen[key][1].append(state)
    return list(seen.values())


def _invoke(call: Call, engine: Engine) -> None:
    """The call on ``engine`` (or a new connection of it, for a call that was given one)."""
    if not any(isinstance(a, Connection) for a in call.args):
        call.fn(*(engine if isinstance(a, Engine) else a for a in call.args), **call.kwargs)
        return
    with engine.connect() as conn:
        call.fn(*(conn if isinstance(a, Connection) else a for a in call.args), **call.kwargs)


def time_calls(url: str, calls: dict[str, list[Call]], *, warm_runs: int,
               progress: Callable[[str], None]) -> list[dict]:
    out = []
    for call, states in unique_calls(calls):
        engine = make_engine(url)
        start = time.perf_counter()
        _invoke(call, engine)
        cold = time.perf_counter() - start
        warm = []
        for _ in range(warm_runs):
            start = time.perf_counter()
            _invoke(call, engine)
            warm.append(time.perf_counter() - start)
        engine.dispose()
        out.append({"call": call.describe(), "function": call.name, "cold": cold,
                    "warm_median": statistics.median(warm), "warm_max": max(warm), "states": states})
    out.sort(key=lambda r: r["warm_median"], reverse=True)
    progress(f"{len(out)} distinct query calls timed; slowest warm: "
             f"{out[0]['call'][:80] if out else '-'}")
    return out
