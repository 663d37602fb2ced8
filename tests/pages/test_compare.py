"""The force comparison page and the comparison frame behind its maps, plots and words."""

from __future__ import annotations

import polars as pl
import pytest

from components import comparison as cmp
from components.chart_block import SUMMARY_PREFIX
from db.reference import FORCES
from helpers.app import CHART, assert_clean, open_app, texts
from helpers.testdb import BACKENDS, SMALL_CASES, SMALL_LAST_QUARTER, SMALL_SEED
from metrics import stats
from metrics.registry import metric

PAGE = "views/compare.py"
REFERENCE = pl.DataFrame({"code": [f.code for f in FORCES], "name": [f.name for f in FORCES],
                          "region": [f.region for f in FORCES]})


# --- the comparison frame, without Streamlit --------------------------------------------------


def _table(numerators: dict[str, float | None], denominator: float = 1000.0) -> pl.DataFrame:
    rows = []
    for f in FORCES:
        n = numerators.get(f.code, 50.0)
        hidden = n is None
        rows.append({"area_code": f.code, "area_name": f.name, "numerator": None if hidden else n,
                     "denominator": None if hidden else denominator,
                     "value": None if hidden else 100 * n / denominator,
                     "lower": None if hidden else 100 * n / denominator - 1,
                     "upper": None if hidden else 100 * n / denominator + 1,
                     "flag": "[c]" if hidden else ""})
    return pl.DataFrame(rows)


def _national(table: pl.DataFrame) -> dict:
    n, d = table["numerator"].sum(), table["denominator"].sum()
    return {"numerator": n, "denominator": d, "value": 100 * n / d}


def test_outliers_are_named_and_the_rest_are_not_ranked():
    table = _table({"E23000036": 150.0, "E23000032": 5.0, "E23000031": None})  # A&S high, Kent low, Surrey [c]
    national = _national(table)
    comp = cmp.compare_forces(table, national, REFERENCE, metric("charge_rate"))
    rows = comp.rows()
    # independently: Avon and Somerset's 15% on 1,000 against the target is far outside 99.8%
    target = national["numerator"] / national["denominator"]
    limits = stats.funnel_limits(target, [1000.0]).to_dicts()[0]
    assert limits["upper_998"] < 0.15 and limits["lower_998"] > 0.005
    assert rows["E23000036"]["position"] == cmp.ABOVE_OUTER
    assert rows["E23000032"]["position"] == cmp.BELOW_OUTER
    assert rows["E23000031"]["position"] is None and rows["E23000031"]["symbol"] == "[c]"
    assert "not shown" in rows["E23000031"]["position_words"]
    within = [r for r in rows.values() if r["position"] == cmp.WITHIN]
    assert len(within) == 40
    words = cmp.position_summary(comp, metric("charge_rate"), "Adult rape", "2024-25")
    assert "above the upper 99.8% limit (Avon and Somerset)" in words
    assert "below the lower 99.8% limit (Kent)" in words
    assert "40 forces are within the limits" in words and "not called better or worse" in words
    assert "Surrey" in words and "left out" in words
    ranked = cmp.ranked_summary(comp, metric("charge_rate"))
    assert ranked.startswith("This is not a league table")
    assert "of the 41 steps" in ranked and "1 force not shown" in ranked  # 42 shown, 1 hidden


def test_overdispersion_widens_the_limits_only_when_chosen_or_significant():
    # forces spread far more than binomial chance allows: phi > 1
    spread = {f.code: 30.0 + 3 * i for i, f in enumerate(FORCES)}
    table = _table(spread)
    national = _national(table)
    plain = cmp.compare_forces(table, national, REFERENCE, metric("charge_rate"), overdispersion=False)
    wide = cmp.compare_forces(table, national, REFERENCE, metric("charge_rate"), overdispersion=True)
    assert plain.phi > 1 and plain.phi_used == 1.0 and wide.phi_used == pytest.approx(plain.phi)
    outside = lambda c: sum(1 for r in c.rows().values() if r["position"] != cmp.WITHIN)  # noqa: E731
    assert outside(wide) < outside(plain)


def test_counts_are_not_compared_and_medians_use_their_interval():
    table = _table({})
    comp = cmp.compare_forces(table, _national(table), REFERENCE, metric("recorded_offences"))
    assert comp.kind is None and all(r["position"] is None for r in comp.rows().values())
    assert "per 1,000" in cmp.position_summary(comp, metric("recorded_offences"), "Rape", "2024-25")
    days = table.with_columns(value=pl.lit(400.0), lower=pl.lit(380.0), upper=pl.lit(420.0))
    days = days.with_columns(
        lower=pl.when(pl.col("area_code") == "E23000001").then(pl.lit(450.0)).otherwise(pl.col("lower")),
        upper=pl.when(pl.col("area_code") == "E23000001").then(pl.lit(480.0)).otherwise(pl.col("upper")))
    comp = cmp.compare_forces(days, {"value": 400.0}, REFERENCE, metric("median_days_to_charge"))
    rows = comp.rows()
    assert rows["E23000001"]["position"] == cmp.ABOVE_INNER
    assert rows["E23000002"]["position"] == cmp.WITHIN


def test_region_peers_and_map_labels():
    table = _table({"E23000036": 150.0})
    comp = cmp.compare_forces(table, _national(table), REFERENCE, metric("charge_rate"))
    peers = cmp.peer_rows(comp, "E23000036")
    south_west = {f.code for f in FORCES if f.region == "South West"}
    assert {r["code"] for r in peers} == south_west
    words = cmp.peer_summary(comp, "E23000036", metric("charge_rate"))
    assert "not a verified 'most similar' group" in words and "more than chance" in words
    labels = cmp.map_rows(comp)
    assert labels["E23000036"]["label"] == "A&S\n▲▲"  # symbol, not colour alone
    assert labels["E23000036"]["label_color"] == "#FFFFFF"


# --- the page --------------------------------------------------------------------------------


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
    at = open_app(monkeypatch, small_db, "views/compare.py", metric="cps_referral_rate", period="2016-17")
    assert_clean(at)
    shown = " ".join(str(i.value) for i in at.info)
    assert "no figures for referred to the cps" in shown.lower()  # force MI starts in 2019-20
    assert not at.get("vega_lite_chart")


def test_summary_words_match_one_sided_chance_and_flag_overdispersion():
    assert "1 time in 1,000" in cmp.WORDS[cmp.ABOVE_OUTER] and "1 time in 40" in cmp.WORDS[cmp.ABOVE_INNER]
    assert stats.overdispersion_p_value(1.0, 43) > 0.3
    assert stats.overdispersion_p_value(17.3, 43) < 1e-6
