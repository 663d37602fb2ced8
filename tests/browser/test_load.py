"""The load test's short form: a real server over the small release, four WebSocket sessions
across every page for about 15 seconds, and controls showing its client sees errors.

No browser: the sessions speak Streamlit's protocol (``benchmarks/load_client.py``). It is in the
browser tier because it starts a server, and timing-sensitive runs stay reliable in that serial
tier. Times are reported by ``python -m benchmarks.load_test``, never asserted here.
"""

from __future__ import annotations

import asyncio

import pytest

from benchmarks.load_client import Session
from benchmarks.load_report import errors
from benchmarks.load_server import free_port, serve
from benchmarks.load_test import run_sessions
from components.page_registry import PAGES
from helpers.testdb import SMALL_CASES, SMALL_LAST_QUARTER, SMALL_SEED

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# One address of every registered page (the benchmark's STATES has more of each).
SHORT = {"": "", "compare": "force=E23000005&offence=rape", "force": "force=E23000034",
         "pillars": "pillar=3", "outcomes": "grain=year", "explorer": "measure=outcomes&by=force,year",
         "methodology": ""}


@pytest.fixture(scope="module")
def server(fresh_engine, tmp_path_factory):
    """One app server over a small synthetic SQLite release."""
    from sample_data.load import load_sample

    folder = tmp_path_factory.mktemp("load")
    engine = fresh_engine("sqlite", folder)
    load_sample(engine, cases=SMALL_CASES, seed=SMALL_SEED, last_quarter=SMALL_LAST_QUARTER)
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    with serve(url, folder / "streamlit.log") as running:
        yield running
    assert running.proc.poll() is not None, "the app server is still running after the test"


def test_every_registered_page_has_an_address_here():
    assert set(SHORT) == {p.url_path for p in PAGES}


def test_four_sessions_across_every_page_see_no_error(server):
    states = [(page, query) for page, query in SHORT.items()]
    visits = asyncio.run(run_sessions(server.url, states, 4, 15, think=0.2, timeout=120,
                                      rounds_at_least=1))
    found = errors({"loaded": visits})
    assert found["count"] == 0, found["list"]
    assert found["unfinished"] == 0
    assert {v.page for v in visits if v.finished} == set(SHORT)
    assert all(v.bytes > 0 and v.messages > 0 for v in visits)
    assert len(visits) >= 4 * len(SHORT)  # every session went round at least once


def test_the_client_reports_a_page_not_found(server):
    async def visit():
        async with Session(server.url, timeout=120) as session:
            return await session.visit("no-such-page", "")

    visit = asyncio.run(visit())
    assert any(e.startswith("page not found") for e in visit.errors), visit.errors
    assert errors({"control": [visit]})["count"] >= 1


def test_the_client_reports_an_error_notice(tmp_path):
    """A server whose database cannot be reached shows "the data is temporarily unavailable" as
    an error notice on every page: the load test must count it (were it blind to error notices,
    a broken deployment would pass)."""
    nowhere = f"postgresql://rasso@127.0.0.1:{free_port()}/nothing"
    with serve(nowhere, tmp_path / "streamlit.log") as broken:
        visits = asyncio.run(run_sessions(broken.url, [("", ""), ("compare", "")], 1, 1, think=0.1,
                                          timeout=120, rounds_at_least=1))
    assert broken.proc.poll() is not None, "the app server is still running after the test"
    found = errors({"loaded": visits})
    assert found["count"] >= 2 and all(v.errors for v in visits), found
    assert all(e["error"].startswith("error notice") and "unavailable" in e["error"] for e in found["list"])
