"""The dashboard on published data only: every page works, and what needs case-level records
says plainly that this source does not have them."""

from __future__ import annotations

import pytest

import ingest
from helpers.app import PAGES, assert_clean, open_app, texts
from helpers.ingest_files import OUTCOMES_2026, PRC_HEADERS, outcome_rows, prc_rows, write_csv


@pytest.fixture
def published_db(empty_db, tmp_path):
    outcomes = [r for fy in (2023, 2024) for r in outcome_rows(fy)]
    prc = [r for fy in (2023, 2024) for r in prc_rows(fy)]
    ingest.load(empty_db, "outcomes", [write_csv(tmp_path / "outcomes.csv", outcomes, OUTCOMES_2026)])
    ingest.load(empty_db, "prc", [write_csv(tmp_path / "prc.csv", prc, PRC_HEADERS)])
    return empty_db


@pytest.mark.parametrize("page", PAGES)
def test_pages_run_on_published_data(published_db, monkeypatch, page):
    at = open_app(monkeypatch, published_db, page)
    assert_clean(at)
    assert not any("Synthetic data" in w for w in texts(at, "warning"))


def test_case_level_measures_say_the_source_lacks_them(published_db, monkeypatch):
    at = open_app(monkeypatch, published_db)
    assert_clean(at)
    shown = " ".join(texts(at, "markdown") + texts(at, "caption") + texts(at, "info"))
    assert "not in this source" in shown


def test_outcomes_page_says_the_journey_and_days_need_case_level_data(published_db, monkeypatch):
    from components.page_registry import OUTCOMES

    at = open_app(monkeypatch, published_db, OUTCOMES.file, basis="recorded", offence="rape")
    assert_clean(at)
    shown = " ".join(texts(at, "markdown") + texts(at, "caption") + texts(at, "info"))
    assert "needs case-level data" in shown
    assert "not in this source" in shown
    assert at.get("vega_lite_chart")  # the outcome mix still draws from the published tables


def test_outcomes_page_on_the_real_2018_19_outcomes_file(real_outcomes_db, monkeypatch):
    from components.page_registry import OUTCOMES

    at = open_app(monkeypatch, real_outcomes_db, OUTCOMES.file, basis="recorded", offence="rape")
    assert_clean(at)
    assert at.radio(key="oc_basis").value == "recorded"
    shown = " ".join(texts(at, "markdown") + texts(at, "caption") + texts(at, "info"))
    assert "needs case-level data" in shown
    assert "2018-19" in shown
    assert len(at.get("vega_lite_chart")) == 2  # the mix of decisions and outcome 0 apart
    assert not any("Synthetic data" in w for w in texts(at, "warning"))
