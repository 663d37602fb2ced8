"""Concurrent sessions against one app server, each navigating every page for a fixed time.

    python -m benchmarks.load_test --sessions 20 --seconds 120 --db sqlite:////tmp/load.sqlite

Starts one ``streamlit run dashboard.py`` over ``--db`` on a free loopback port, then, with
WebSocket sessions that speak Streamlit's protocol (``benchmarks.load_client``):

1. one session opens every URL state once (cold caches, a fresh server);
2. one session alone goes round them again (the single-user baseline) -> memory with 1 session;
3. ten sessions (``--concurrent``) at once each go round once -> memory with 10 concurrent sessions;
4. ``--sessions`` sessions go round in their own order for ``--seconds``, pausing ``--think``
   seconds (0.5-1.5 x, at random) between navigations, with memory sampled every second.

Then everything is stopped. Times are the server's: from the request to the run's end, which is
what a user waits for minus the browser's drawing (``benchmarks.browser_timing``). The report
(Markdown section "Load" in RESULTS.md, and JSON) gives per page the median and 95th percentile
alone and under load, bytes per page, every error and the memory figures.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import signal
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.load_client import Session, Visit
from benchmarks.load_report import markdown, summary
from benchmarks.load_server import serve
from benchmarks.results import write_section

# Representative addresses of every page (url path, query string): the overview in each basis
# and a trend grain, the comparison with both maps and another metric, a large and a small
# force, each pillar, outcomes, an explorer table. A registered page missing here is still
# visited at its bare address (the server lists its pages to the client).
STATES: tuple[tuple[str, str], ...] = (
    ("", ""),
    ("", "period=2015-16&grain=rolling"),
    ("", "basis=recorded&offence=all_sexual"),
    ("compare", "force=E23000005&offence=rape"),
    ("compare", "metric=recorded_per_1000&offence=all_sexual&od=1"),
    ("force", "force=E23000001"),
    ("force", "force=E23000034&offence=all_sexual&grain=rolling"),
    *(("pillars", f"pillar={n}") for n in range(1, 7)),
    ("outcomes", ""),
    ("outcomes", "basis=recorded&offence=all_sexual&grain=year&force=E23000005&metric=median_days_to_outcome"),
    ("explorer", ""),
    ("explorer", "measure=outcomes&by=force,year"),
    ("methodology", ""),
)
JSON_OUT = Path(__file__).with_name("load_results.json")


def every_page(states, pages) -> list[tuple[str, str]]:
    """``states`` plus the bare address of each registered page they leave out."""
    seen = {page for page, _ in states}
    return list(states) + [(page, "") for page, _ in pages if page not in seen]


async def go_round(session: Session, states, out: list[Visit]) -> None:
    for page, query in states:
        out.append(await session.visit(page, query))


async def one_pass(url: str, states, *, timeout: float, keep_text: bool = False) -> tuple[list[Visit], list]:
    """One session opens every state once; returns its visits and the app's registered pages."""
    visits: list[Visit] = []
    async with Session(url, timeout=timeout, keep_text=keep_text) as session:
        await go_round(session, states[:1], visits)
        states = every_page(states, session.pages)
        await go_round(session, states[1:], visits)
        return visits, session.pages


async def concurrent_pass(url: str, states, sessions: int, *, timeout: float, measure=None) -> list[Visit]:
    """``sessions`` sessions each open every state once, in its own order; ``measure`` is called
    while all are still connected (memory with that many sessions)."""
    visits: list[Visit] = []

    async def one(i: int, session: Session) -> None:
        order = list(states)
        random.Random(i).shuffle(order)  # noqa: S311 - a reproducible page order, not a secret
        await go_round(session, order, visits)

    async with contextlib.AsyncExitStack() as stack:
        opened = [await stack.enter_async_context(Session(url, timeout=timeout)) for _ in range(sessions)]
        await asyncio.gather(*(one(i, s) for i, s in enumerate(opened)))
        if measure is not None:
            measure()
    return visits


async def run_sessions(url: str, states, sessions: int, seconds: float, *, think: float = 1.0,
                       timeout: float = 300.0, seed: int = 1, rounds_at_least: int = 0) -> list[Visit]:
    """``sessions`` sessions navigate ``states`` for ``seconds``, each in its own order, and each
    at least ``rounds_at_least`` times round them all (even past the time: the short form in
    CI must see every page); navigations started before the end are waited for."""
    visits: list[Visit] = []
    deadline = time.monotonic() + seconds

    async def one(i: int) -> None:
        rng = random.Random(seed * 1000 + i)  # noqa: S311 - a reproducible page order, not a secret
        order = list(states)
        rng.shuffle(order)
        await asyncio.sleep(rng.uniform(0, think))  # not all at the same instant
        async with Session(url, timeout=timeout) as session:
            n = 0
            while time.monotonic() < deadline or n < rounds_at_least * len(order):
                page, query = order[n % len(order)]
                visits.append(await session.visit(page, query))
                n += 1
                await asyncio.sleep(think * rng.uniform(0.5, 1.5))

    await asyncio.gather(*(one(i) for i in range(sessions)))
    return visits


class MemoryWatch:
    """Samples a server's resident memory every second in a thread, keeping the peak."""

    def __init__(self, server):
        self.server, self.peak = server, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.server.rss_mb())
            self._stop.wait(1.0)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def run(db_url: str, sessions: int, seconds: float, *, think: float, timeout: float,
        concurrent: int = 10) -> dict:
    """Every phase against one fresh server; returns the figures (see ``load_report.summary``)."""
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp, serve(db_url, Path(tmp) / "streamlit.log") as server:
        memory: dict[str, float] = {"server started": server.rss_mb()}
        cold, pages = asyncio.run(one_pass(server.url, STATES, timeout=timeout, keep_text=True))
        states = every_page(STATES, pages)
        single: list[Visit] = []
        for _ in range(2):
            single += asyncio.run(one_pass(server.url, states, timeout=timeout))[0]
        memory["1 session, every page visited"] = server.rss_mb()
        ten = asyncio.run(concurrent_pass(
            server.url, states, concurrent, timeout=timeout,
            measure=lambda: memory.__setitem__(f"{concurrent} concurrent sessions, every page visited",
                                               server.rss_mb())))
        with MemoryWatch(server) as watch:
            began = time.monotonic()
            loaded = asyncio.run(run_sessions(server.url, states, sessions, seconds, think=think, timeout=timeout))
            wall = time.monotonic() - began  # past ``seconds``: the last navigations are waited for
        memory[f"peak during the load ({sessions} sessions)"] = watch.peak
    caption = next((t for v in cold for t in v.texts if t.startswith("Showing release")), "")
    return summary(cold=cold, single=single, ten=ten, loaded=loaded, memory=memory, meta={
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "sessions": sessions,
        "seconds": seconds, "load_wall_seconds": round(wall, 1), "think_seconds": think, "concurrent": concurrent, "release": caption,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}",
        "python": platform.python_version(), "load_average_before": load_before,
        "load_average_after": os.getloadavg(), "database": db_url.split("://", 1)[0],
        "pages": [p for p, _ in pages], "states": len(states)})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--db", default=os.environ.get("RASSO_DB_URL"), required="RASSO_DB_URL" not in os.environ,
                        help="database URL (default: RASSO_DB_URL)")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between navigations (s)")
    parser.add_argument("--timeout", type=float, default=300, help="longest wait for one page (s)")
    parser.add_argument("--concurrent", type=int, default=10, help="sessions of the memory phase")
    parser.add_argument("--note", default="", help="a line for the report (e.g. 'machine shared')")
    parser.add_argument("--json", type=Path, default=JSON_OUT)
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args(argv)
    # A terminated run still stops its server: SIGTERM unwinds like Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    figures = run(args.db, args.sessions, args.seconds, think=args.think, timeout=args.timeout,
                  concurrent=args.concurrent)
    figures["meta"]["note"] = args.note
    text = markdown(figures)
    print(text)
    if not args.no_write:
        write_section("Load (WebSocket sessions)", text)
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 1 if figures["errors"]["count"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
