"""Issue 7 item 11: the first-start sample load runs once per database, whatever the tabs do.

Before, the load ran inside the first tab's script run: closing that tab stopped it, and the next
tab began again from scratch; a second tab waited behind a lock without seeing any progress.
"""

from __future__ import annotations

import threading

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from db.releases import list_releases
from helpers.paths import ROOT
from sample_data import first_start

DASHBOARD = str(ROOT / "dashboard.py")


def _url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


class GatedLoader:
    """A loader that reports progress, then waits for the test to let it finish."""

    def __init__(self, fail: bool = False):
        self.calls = 0
        self.reported = threading.Event()
        self.go = threading.Event()
        self.fail = fail

    def __call__(self, engine, *, cases, seed, progress):
        self.calls += 1
        progress(0.4, "Generating synthetic cases")
        self.reported.set()
        assert self.go.wait(30)
        if self.fail:
            raise RuntimeError("disk full")
        return 99


@pytest.fixture
def forget_jobs():
    yield
    with first_start._REGISTRY_LOCK:
        first_start._JOBS.clear()


def test_starting_twice_loads_once_and_shows_progress(empty_db, forget_jobs):
    url = _url(empty_db)
    loader = GatedLoader()
    job = first_start.ensure_started(url, cases=10, seed=1, load=loader)
    assert loader.reported.wait(30)
    again = first_start.ensure_started(url, cases=10, seed=1, load=loader)
    assert again is job and first_start.current(url) is job
    assert job.running and job.fraction == pytest.approx(0.4) and "Generating" in job.message
    loader.go.set()
    assert first_start.wait(job, 30)
    assert loader.calls == 1 and job.release_id == 99 and not job.failed
    assert job.fraction == 1.0


def test_a_failed_load_is_kept_with_an_error_id_not_retried(empty_db, forget_jobs, caplog):
    url = _url(empty_db)
    loader = GatedLoader(fail=True)
    loader.go.set()
    job = first_start.ensure_started(url, cases=10, seed=1, load=loader)
    assert first_start.wait(job, 30)
    assert job.failed and "disk full" in job.error and len(job.error_id) == 8
    assert any(job.error_id in r.getMessage() for r in caplog.records)
    # asking again shows the same failure instead of loading again in a loop
    assert first_start.ensure_started(url, cases=10, seed=1, load=loader) is job
    assert loader.calls == 1
    first_start.retry(url)  # only an explicit retry starts a new load
    second = first_start.ensure_started(url, cases=10, seed=1, load=loader)
    assert second is not job and first_start.wait(second, 30) and loader.calls == 2


def test_a_job_does_not_load_into_a_database_that_has_data(small_db, forget_jobs):
    loader = GatedLoader()
    job = first_start.ensure_started(_url(small_db), cases=10, seed=1, load=loader)
    assert first_start.wait(job, 30)
    assert loader.calls == 0 and not job.failed


def _session(engine) -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=180)
    return at.run()


def test_two_tabs_share_one_load(empty_db, monkeypatch, forget_jobs):
    st.cache_data.clear()
    st.cache_resource.clear()
    monkeypatch.setenv("RASSO_DB_URL", _url(empty_db))
    monkeypatch.setenv("RASSO_FIRST_START_CASES", "3000")
    real, go, calls = first_start._default_loader, threading.Event(), []

    def gated(engine, **kwargs):  # the real sample load, held until both tabs have looked
        calls.append(1)
        assert go.wait(60)
        return real(engine, **kwargs)

    monkeypatch.setattr(first_start, "_default_loader", gated)
    first = _session(empty_db)  # the first tab starts the load, shows progress, and is "closed"
    assert not first.exception, [e.value for e in first.exception]
    assert any("First start" in i.value for i in first.info)
    assert len(first.get("progress")) == 1
    job = first_start.current(_url(empty_db))
    assert job is not None and job.running
    second = _session(empty_db)  # a second tab joins the same load and shows its progress
    assert not second.exception and not second.error
    assert first_start.current(_url(empty_db)) is job
    assert any("First start" in i.value for i in second.info)
    assert len(second.get("progress")) == 1
    go.set()
    assert first_start.wait(job, 300) and not job.failed, job.error
    third = _session(empty_db)  # any tab now shows the data
    assert not third.exception and not third.error, [e.value for e in third.error]
    assert any("Synthetic data" in w.value for w in third.warning)
    assert len(calls) == 1 and len(list_releases(empty_db)) == 1
