"""The force profile page (/force) in AppTest: a large and a small force, each offence group, the
deep link, peer sets, a bad code, no force chosen, and a database of published data only. The
frames behind it are tested without Streamlit in tests/unit/analysis/test_force_profile.py and
tests/unit/words/test_narrative.py."""

from __future__ import annotations

import pytest

import ingest
from components.chart_block import SUMMARY_PREFIX
from components.page_registry import FORCE
from db.reference import FORCES
from helpers.app import CHART, assert_clean, open_app, texts
from helpers.ingest_files import OUTCOMES_2026, PRC_HEADERS, outcome_rows, prc_rows, write_csv
from metrics.offence_groups import OFFENCE_GROUPS
from words.narrative import NOT_CAUSAL

PAGE = FORCE.file
AVON = "E23000036"
CITY = "E23000034"  # City of London: the smallest force


def _open(db, monkeypatch, **params):
    """Open /force, then put ``params`` in its address (as a link to it would)."""
    at = open_app(monkeypatch, db, PAGE)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def _body(at) -> str:
    return " ".join(texts(at, "markdown") + texts(at, "caption") + texts(at, "info") + texts(at, "warning"))


def test_deep_link_shows_the_profile(small_db, monkeypatch):
    at = open_app(monkeypatch, small_db, PAGE, force=AVON, offence="adult_rape")
    assert_clean(at)
    assert at.title[0].value == "Avon and Somerset: force profile"
    headers = texts(at, "header")
    for section in ("In brief", "Headline figures", "Every pillar of the National Operating Model",
                    "Trend, with statistical process control",
                    "Before and after its National Operating Model start", "How investigations ended",
                    "Briefing pack"):
        assert section in headers
    body = _body(at)
    assert "began the National Operating Model in June 2021" in body
    assert "pathfinder" in body
    assert at.selectbox(key="force_pick").value == AVON
    # every chart drawn has its words (and the pillar profile, a table, has its own); the SPC
    # trend is drawn, or (too few quarters shown in this small sample) said in words instead of
    # an empty chart
    charts = at.get(CHART)
    summaries = [t for t in texts(at, "markdown") if t.startswith(SUMMARY_PREFIX)]
    assert len(charts) + 1 == len(summaries) >= 2  # at least the outcome mix and the pillar profile
    assert any("indicators of the National Operating Model pillars" in t for t in summaries)
    assert "Download the briefing pack (HTML)" in [b.label for b in at.get("download_button")]
    assert "centre line (mean)" in body or "Too few quarters with a figure shown" in body


@pytest.mark.parametrize("offence", list(OFFENCE_GROUPS))
def test_each_offence_group(small_db, monkeypatch, offence):
    at = open_app(monkeypatch, small_db, PAGE, force=AVON, offence=offence)
    assert_clean(at)
    assert at.title[0].value.startswith("Avon and Somerset")
    assert len(at.get(CHART)) >= 1


@pytest.mark.parametrize(("code", "grain"), [(AVON, "quarter"), (CITY, "rolling"), (CITY, "quarter")])
def test_a_large_and_a_small_force(small_db, monkeypatch, code, grain):
    at = _open(small_db, monkeypatch, force=code, offence="rape", grain=grain)
    assert_clean(at)
    name = next(f.name for f in FORCES if f.code == code)
    assert at.title[0].value == f"{name}: force profile"
    assert at.radio(key="force_grain").value == grain
    body = _body(at)
    # a small force's figures are often hidden: the page says so instead of showing a number
    assert "centre line (mean)" in body or "Too few" in body
    assert NOT_CAUSAL in body or "cannot be compared" in body or "no before period" in body
    if code == CITY and grain == "rolling":  # rolling years over a hidden quarter: [x], and why
        assert "are [x]: twelve months over a hidden quarter are not offered in the public view" in body


@pytest.mark.parametrize("peer", ["region", "nom_phase"])
def test_each_peer_set(small_db, monkeypatch, peer):
    at = _open(small_db, monkeypatch, force=AVON, offence="rape", peer=peer)
    assert_clean(at)
    assert at.radio(key="force_peer").value == peer
    noun = "region peers" if peer == "region" else "NOM-phase peers"
    assert noun in _body(at)


def test_without_a_force_the_page_asks_for_one(small_db, monkeypatch):
    at = open_app(monkeypatch, small_db, PAGE)
    assert_clean(at)
    assert at.title[0].value == "Force profile"
    links = [e for e in at.get("page_link")]
    territorial = [f for f in FORCES if f.code != "BTP"]
    assert len([x for x in links if x.proto.label in {f.name for f in territorial}]) == len(territorial)
    assert "South West" in " ".join(texts(at, "markdown"))


def test_a_bad_force_code_gives_the_usual_notice(small_db, monkeypatch):
    at = _open(small_db, monkeypatch, force="E99999999")
    assert_clean(at)
    assert at.title[0].value == "Force profile"
    assert any("Ignored `force`" in t for t in texts(at, "warning") + texts(at, "info"))


@pytest.fixture
def published_2018_db(empty_db, shared_data):
    """The 2018/19 published outcomes file, as in tests/pages/test_pages_published.py's own fixture."""
    files = sorted(shared_data.glob("ho_outcomes_open_data_2018-19*sexual_offences_rows.csv"))
    if not files:
        pytest.skip(f"the 2018/19 outcomes file is not in {shared_data}")
    ingest.load(empty_db, "outcomes", files)
    return empty_db


def test_published_data_only(published_2018_db, monkeypatch):
    at = open_app(monkeypatch, published_2018_db, PAGE, force=AVON, offence="rape")
    assert_clean(at)
    body = _body(at)
    assert "not in this source" in body  # median days need case-level records: said in one line
    # the release (2018-19) ends two years before Avon and Somerset's start (June 2021)
    assert "ends before that start, so there is no after period" in body and "2018-19 Q1 to 2018-19 Q4" in body
    assert not any("Synthetic data" in w for w in texts(at, "warning"))


def test_published_outcomes_and_recorded_crime(empty_db, tmp_path, monkeypatch):
    outcomes = [r for fy in (2023, 2024) for r in outcome_rows(fy)]
    prc = [r for fy in (2023, 2024) for r in prc_rows(fy)]
    ingest.load(empty_db, "outcomes", [write_csv(tmp_path / "outcomes.csv", outcomes, OUTCOMES_2026)])
    ingest.load(empty_db, "prc", [write_csv(tmp_path / "prc.csv", prc, PRC_HEADERS)])
    at = open_app(monkeypatch, empty_db, PAGE, force=AVON)
    assert_clean(at)
    assert "not in this source" in _body(at)


@pytest.mark.parametrize("metric_id", ["recorded_offences", "median_days_to_charge", "cps_referral_rate",
                                       "victim_does_not_support_rate"])
def test_each_kind_of_measure(small_db, monkeypatch, metric_id):
    at = _open(small_db, monkeypatch, force=AVON, offence="rape", metric=metric_id, grain="rolling")
    assert_clean(at)
    assert at.selectbox(key="force_metric").value == metric_id
    body = _body(at)
    if metric_id == "median_days_to_charge":
        assert "medians are not tested" in body or "cannot be compared" in body or "Too few" in body
    if metric_id == "cps_referral_rate" and "not in this source" in body:
        assert not at.get(CHART) or len(at.get(CHART)) == 1  # only the outcome mix: the measure is said missing


def test_a_large_force_draws_its_spc_trend(small_db, monkeypatch):
    at = _open(small_db, monkeypatch, force="E23000001", offence="all_sexual", grain="rolling",
               metric="recorded_per_1000")
    assert_clean(at)
    summaries = [t for t in texts(at, "markdown") if t.startswith(SUMMARY_PREFIX)]
    spc = [t for t in summaries if "centre line (mean)" in t]
    assert len(spc) == 1 and "rolling years with a figure" in spc[0]
    assert "Metropolitan Police's NOM start (Sep 2021)" in spc[0]
