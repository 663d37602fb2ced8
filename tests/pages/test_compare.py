"""The force comparison page (AppTest); the comparison frame behind it is tested without Streamlit
in tests/unit/components/test_comparison.py."""

from __future__ import annotations

import pytest

from components.chart_block import SUMMARY_PREFIX
from components.page_registry import COMPARE
from helpers.app import CHART, assert_clean, open_app, texts
from helpers.testdb import BACKENDS, SMALL_CASES, SMALL_LAST_QUARTER, SMALL_SEED
from metrics.registry import metric

PAGE = COMPARE.file
def _summaries(at) -> list[str]:
    return [t for t in texts(at, "markdown") if t.startswith(SUMMARY_PREFIX)]


@pytest.mark.parametrize(("metric_id", "offence"), [
    ("charge_rate", "adult_rape"),
    ("charge_rate", "child_rape"),
    ("victim_does_not_support_rate", "other_sexual"),
    ("recorded_per_1000", "rape"),
    ("recorded_offences", "adult_rape"),
    ("median_days_to_charge", "adult_rape"),
    ("cps_referral_rate", "adult_rape"),
])
def test_compare_renders_for_metrics_and_offence_groups(small_db, monkeypatch, metric_id, offence):
    at = open_app(monkeypatch, small_db, PAGE, metric=metric_id, offence=offence)
    assert_clean(at)
    assert at.title[0].value.startswith("Force comparison")
    assert at.selectbox(key="cmp_metric").value == metric_id
    body = " ".join(texts(at, "markdown") + texts(at, "caption") + texts(at, "info"))
    assert "rasso ingest boundaries" in body  # no boundaries in this database: say how to load them
    charts = at.get(CHART)
    if metric_id == "cps_referral_rate" and "not in this source" in body:
        assert not charts  # the release lacks force MI: said plainly, nothing drawn
        return
    assert len(charts) == len(_summaries(at))
    expected = 2 if metric(metric_id).unit in ("count", "days") else 3  # tile map, (funnel), ranked
    assert len(charts) == expected
    if metric_id == "recorded_offences":
        assert "per 1,000 residents" in body


def test_selected_force_shows_its_panel_and_peers(small_db, monkeypatch):
    at = open_app(monkeypatch, small_db, PAGE, force="E23000036", offence="rape")  # enough cases to show peers
    assert_clean(at)
    subheaders = texts(at, "subheader")
    assert "Selected: Avon and Somerset" in subheaders
    assert any(s.startswith("Avon and Somerset and the other forces of South West") for s in subheaders)
    assert at.selectbox(key="cmp_force").value == "E23000036"
    panel = " ".join(texts(at, "markdown"))
    assert "**England and Wales:**" in panel and "**Against England and Wales:**" in panel
    assert any("Region peers: the other forces of South West" in s for s in _summaries(at))
    assert len(at.get(CHART)) == 4  # tile map, funnel, ranked, peers


def test_hostile_force_gives_a_notice(small_db, monkeypatch):
    at = open_app(monkeypatch, small_db, PAGE)
    at.query_params["force"] = "'; DROP TABLE force; --"  # arrives on this page, not the overview
    at.run()
    assert_clean(at)
    assert at.title[0].value.startswith("Force comparison")
    assert any(w.startswith("Ignored `force`") for w in texts(at, "warning"))
    assert not [s for s in texts(at, "subheader") if s.startswith("Selected:")]
    assert at.selectbox(key="cmp_force").value is None


def test_choosing_a_force_in_the_list_updates_the_address(small_db, monkeypatch):
    at = open_app(monkeypatch, small_db, PAGE)
    at.selectbox(key="cmp_force").set_value("W15000004").run()
    assert_clean(at)
    assert at.query_params["force"] in ("W15000004", ["W15000004"])
    assert "Selected: Dyfed-Powys" in texts(at, "subheader")


@pytest.fixture(scope="module", params=BACKENDS)
def db_with_boundaries(request, tmp_path_factory, fresh_engine, shared_data):
    """Its own small release plus the real ONS boundaries (the shared small_db stays as it is)."""
    from ingest import load
    from sample_data.load import load_sample

    engine = fresh_engine(request.param, tmp_path_factory.mktemp(f"geo-{request.param}"))
    load_sample(engine, cases=SMALL_CASES, seed=SMALL_SEED, last_quarter=SMALL_LAST_QUARTER)
    load(engine, "boundaries", [shared_data / "PFA_DEC_2023_EW_BUC.geojson"])
    yield engine
    engine.dispose()


def test_real_map_is_drawn_when_boundaries_are_loaded(db_with_boundaries, monkeypatch):
    # a measure with counts large enough in the small sample that the Met's region peers show
    at = open_app(monkeypatch, db_with_boundaries, PAGE, force="E23000001", offence="all_sexual",
                  metric="recorded_per_1000")
    assert_clean(at)
    charts = at.get(CHART)
    assert len(charts) == 5 == len(_summaries(at))  # real map, tile map, funnel, ranked, peers
    assert "Police force areas" in texts(at, "subheader")
    captions = " ".join(texts(at, "caption"))
    assert "Contains OS data © Crown copyright" in captions and "Open Government Licence" in captions
    assert "rasso ingest boundaries" not in " ".join(texts(at, "info"))
    assert "Selected: Metropolitan Police" in texts(at, "subheader")


def test_a_period_without_data_for_the_measure_says_so(small_db, monkeypatch):
    at = open_app(monkeypatch, small_db, COMPARE.file, metric="cps_referral_rate", period="2016-17")
    assert_clean(at)
    shown = " ".join(str(i.value) for i in at.info)
    assert "no figures for referred to the cps" in shown.lower()  # force MI starts in 2019-20
    assert not at.get("vega_lite_chart")


