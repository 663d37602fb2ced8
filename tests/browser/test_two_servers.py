"""Scale beyond one machine: two app servers on one PostgreSQL, a new release loaded through the
command line while both serve sessions, and both show it without a restart.

The shared deployment is several app processes behind a load balancer on one database (README,
Deployment). What must hold: no process keeps showing an older release because of its own caches
(they are keyed on the release, and the list of releases is checked against the database on
every run), and readers during the load see no error. Sessions are WebSocket clients speaking
Streamlit's protocol (``benchmarks/load_client.py``), so no browser is needed; the test is in the
browser tier because it starts servers. PostgreSQL only: SQLite is one file on one machine.
"""

from __future__ import annotations

import asyncio
import re
import sys

import pytest

from benchmarks.load_client import Session, Visit
from benchmarks.load_server import ROOT, serve
from db.releases import data_holdings, default_from
from helpers.testdb import OUTAGE_CASES, OUTAGE_LAST_QUARTER

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.postgres]

SHOWING = re.compile(r"Showing release (\d+):")


def shown_release(visit: Visit) -> int | None:
    """The release the page says it shows (its caption), or None when it says none."""
    found = [int(m.group(1)) for t in visit.texts if (m := SHOWING.search(t))]
    return found[0] if len(set(found)) == 1 else None


async def _open_both(urls: list[str]) -> list[Visit]:
    """The overview on every server at once, in a new session each."""
    async def one(url: str) -> Visit:
        async with Session(url, timeout=120, keep_text=True) as session:
            return await session.visit("", "")

    return list(await asyncio.gather(*(one(u) for u in urls)))


async def _serve_during(urls: list[str], command: list[str]) -> tuple[list[Visit], int]:
    """Sessions on every server keep navigating while ``command`` runs; returns their visits
    and the command's exit code."""
    proc = await asyncio.create_subprocess_exec(*command, cwd=ROOT, stdout=asyncio.subprocess.DEVNULL,
                                                stderr=asyncio.subprocess.PIPE)
    visits: list[Visit] = []

    async def browse(url: str) -> None:
        async with Session(url, timeout=120, keep_text=True) as session:
            pages = [("", ""), ("force", "force=E23000001")]
            n = 0
            while proc.returncode is None or n < len(pages):
                visits.append(await session.visit(*pages[n % len(pages)]))
                n += 1

    _, (_, err) = await asyncio.gather(asyncio.gather(*(browse(u) for u in urls)), proc.communicate())
    assert proc.returncode == 0, err.decode(errors="replace")[-2000:]
    return visits, proc.returncode


def test_two_servers_show_a_release_loaded_while_they_serve(fresh_engine, tmp_path):
    from sample_data.load import load_sample

    engine = fresh_engine("postgresql", tmp_path)  # a fresh schema; skips without PostgreSQL
    load_sample(engine, cases=OUTAGE_CASES, seed=3, last_quarter=OUTAGE_LAST_QUARTER)  # two years: quick to protect
    first = default_from(data_holdings(engine))
    url = engine.url.render_as_string(hide_password=False)
    # the next edition of the same span: a whole new release to protect, in seconds rather than the
    # tens of seconds a sample of every year since 2015 takes
    load = [sys.executable, str(ROOT / "cli.py"), "sample", "--next-edition-of", str(first), "--seed", "4", "--db", url]
    with serve(url, tmp_path / "a.log") as a, serve(url, tmp_path / "b.log") as b:
        urls = [a.url, b.url]
        before = asyncio.run(_open_both(urls))
        during, _ = asyncio.run(_serve_during(urls, load))
        new = default_from(data_holdings(engine))
        after = asyncio.run(_open_both(urls))
    engine.dispose()
    assert a.proc.poll() is not None and b.proc.poll() is not None, "an app server is still running"
    assert new != first
    assert [shown_release(v) for v in before] == [first, first]
    assert [shown_release(v) for v in after] == [new, new], [v.texts[:5] for v in after]
    assert all(f"release={new}" in v.address.split("&") for v in after)
    # readers during the load saw the old release or the new one, whole, and never an error
    assert {shown_release(v) for v in during} <= {first, new}
    assert [e for v in before + during + after for e in v.errors] == []
    assert all(v.finished for v in before + during + after)
