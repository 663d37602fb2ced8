"""The server as ``make run`` starts it (``python -m components.serve``): before any visitor, its
own sessions run the pages, and what they computed is what a visitor's session is shown; on an
empty database it starts the first-start load itself and warms the pages once the data are in.

How a test can tell a visitor was served from the pass's cache and not by its own queries: once
the pass has run the pages, the database is changed under the server (every charge doubled), so
a page computed afresh would show other figures. The visitor's overview must show the figures of
the unchanged database (a cold server over a copy of it), not those of the changed one.
No browser needed: sessions speak Streamlit's protocol (``benchmarks/load_client.py``).
"""

from __future__ import annotations

import asyncio
import re
import shutil

import pytest
from sqlalchemy import create_engine, text

from benchmarks.load_client import Session
from benchmarks.load_server import serve, wait_for_line
from helpers.testdb import SMALL_LAST_QUARTER, SMALL_SEED

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PAGES_WARM = re.compile(r"warm at start: pages: 7 addresses in ")
CASES = 5_000


def _overview(url: str) -> list[str]:
    """The overview's headings, words and notices as a new visitor's session is shown them."""
    async def visit():
        async with Session(url, timeout=180, keep_text=True) as session:
            return await session.visit("", "")

    seen = asyncio.run(visit())
    assert seen.finished and not seen.errors, seen.errors
    assert seen.charts > 0
    return seen.texts


def test_a_visitor_is_shown_what_the_pass_computed(fresh_engine, tmp_path, monkeypatch):
    from sample_data.load import load_sample

    engine = fresh_engine("sqlite", tmp_path)
    load_sample(engine, cases=CASES, seed=SMALL_SEED, last_quarter=SMALL_LAST_QUARTER)
    engine.dispose()
    db, unchanged = tmp_path / "rasso.sqlite", tmp_path / "unchanged.sqlite"
    shutil.copy(db, unchanged)
    monkeypatch.setenv("RASSO_WARM_CACHES", "1")
    with serve(f"sqlite:///{db}", tmp_path / "warm.log", warm_start=True, warm_wait=False) as warm:
        wait_for_line(warm.proc, warm.log, PAGES_WARM, 300)
        changed = create_engine(f"sqlite:///{db}")
        with changed.begin() as conn:  # every charge doubled: a page computed now differs
            assert conn.execute(text("UPDATE outcomes SET count = count * 2 WHERE outcome_type = 1")).rowcount > 0
        changed.dispose()
        shown = _overview(warm.url)
    assert warm.proc.poll() is not None, "the app server is still running after the test"
    monkeypatch.setenv("RASSO_WARM_CACHES", "0")
    with serve(f"sqlite:///{unchanged}", tmp_path / "unchanged.log") as cold:
        expected = _overview(cold.url)
    with serve(f"sqlite:///{db}", tmp_path / "changed.log") as cold:
        afresh = _overview(cold.url)
    assert afresh != expected  # the change shows on a page computed afresh
    assert shown == expected
    assert "showed" not in warm.log.read_text()  # no page of the pass met an error


def test_on_an_empty_database_the_pass_loads_the_sample_then_warms(tmp_path, monkeypatch):
    """``make run`` on a fresh machine: the database file does not exist yet."""
    monkeypatch.setenv("RASSO_WARM_CACHES", "1")
    monkeypatch.setenv("RASSO_FIRST_START_CASES", str(CASES))
    db = tmp_path / "rasso.sqlite"
    with serve(f"sqlite:///{db}", tmp_path / "warm.log", warm_start=True, warm_wait=False) as warm:
        wait_for_line(warm.proc, warm.log, PAGES_WARM, 600)
        log = warm.log.read_text()
        _overview(warm.url)
    assert "waiting for the first-start sample to load" in log
    assert "showed" not in log
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM release WHERE status = 'complete'")).scalar() == 1
    engine.dispose()
