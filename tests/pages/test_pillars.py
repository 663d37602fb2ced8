"""The NOM pillars page (AppTest): the six pillars, one pillar's indicators, the force x indicator
grid with a link to each force's profile, the drill-down into one indicator; bad values give a
notice; a public-data-only release says which indicators it cannot give and which file would."""

from __future__ import annotations

import re

import pytest

from components.page_registry import PAGE_KEYS, PILLARS
from components.reference import PILLARS as PILLAR_ROWS
from helpers.app import CHART, assert_clean, open_app, texts
from metrics.registry import FORCE_MI, METRICS_BY_ID, metrics_for_pillar

PAGE = PILLARS.file
NAMES = {i: name for i, name, *_ in PILLAR_ROWS}
ISVA = "isva_referral_rate"
TEMPLATE = "force management-information template"
LINK = re.compile(r"\[([^\]]+)\]\((force\?[^)]*)\)")


def _links(at) -> list[tuple[str, str]]:
    return [m for t in texts(at, "markdown") for m in LINK.findall(t)]


def test_the_page_reads_and_writes_its_keys():
    assert {"pillar", "metric", "sort"} <= set(PAGE_KEYS[PILLARS.url_path])
    assert METRICS_BY_ID[ISVA].pillar == 3  # the deep link names a real pillar 3 indicator


def test_without_a_pillar_the_six_pillars_and_a_prompt(small_db, monkeypatch):
    at = open_app(monkeypatch, small_db, PAGE)
    assert_clean(at)
    [table] = [t.value for t in at.table]
    assert list(table["Name"]) == list(NAMES.values())
    purposes = [p for _i, _n, p, _note in PILLAR_ROWS]  # the methodology page's words, not new ones
    assert list(table["Purpose"]) == purposes
    assert list(table["Indicators"]) == [str(len(metrics_for_pillar(i))) for i in NAMES]
    assert any(t.startswith("Choose a pillar above") for t in texts(at, "info"))
    assert not at.get(CHART) and at.selectbox(key="pil_pillar").value is None


def test_pillar_3_shows_its_indicators_grid_and_first_indicator(small_db, monkeypatch):
    at = open_app(monkeypatch, small_db, PAGE, pillar="3")
    assert_clean(at)
    members = metrics_for_pillar(3)
    assert f"Pillar 3: {NAMES[3]}" in texts(at, "header")
    indicators = at.table[1].value
    assert list(indicators["Indicator"]) == [m.label for m in members]
    assert set(indicators["In this release"]) == {"Yes"}  # the synthetic sample supplies all
    assert {"Definition", "Numerator", "Denominator", "Direction of good", "Availability"} <= set(indicators.columns)
    # the grid: one row per territorial force, a link to each profile keeping the address's keys
    links = _links(at)
    assert len(links) == 43
    name, href = next((n, h) for n, h in links if n == "Avon and Somerset")
    assert "force=E23000036" in href and "pillar=3" in href and "period=" in href and "release=" in href
    assert any(s.startswith("Pillar 3, victim engagement and procedural justice: each force") for s in
               texts(at, "subheader"))
    # no indicator asked for: the pillar's first, and the address says so
    assert at.query_params["metric"] in (members[0].id, [members[0].id])
    assert len(at.get(CHART)) == 4  # grid, trend, funnel, spread
    assert not [w for w in texts(at, "warning") if w.startswith("Ignored")]


def test_drill_into_isva_referrals(small_db, monkeypatch):
    at = open_app(monkeypatch, small_db, PAGE, pillar="3", metric=ISVA)
    assert_clean(at)
    heads = texts(at, "subheader")
    label = METRICS_BY_ID[ISVA].label
    assert f"{label}, England and Wales, by quarter" in heads
    assert f"{label} against its denominator, with 95% and 99.8% limits" in heads
    assert any(h.startswith(f"{label}: the spread across forces") for h in heads)
    assert at.selectbox(key="pil_metric").value == ISVA
    spread = [t for t in texts(at, "markdown") if "forces have a figure for victims referred to an ISVA" in t]
    assert spread and "England and Wales:" in spread[0]


def test_sorting_by_an_indicator_orders_the_grid(small_db, monkeypatch):
    at = open_app(monkeypatch, small_db, PAGE, pillar="3", sort=ISVA)
    assert_clean(at)
    assert at.selectbox(key="pil_sort").value == ISVA
    [grid] = [t for t in texts(at, "markdown") if t.startswith("| Force |")]
    rows = [line.split(" | ") for line in grid.splitlines()[2:]]
    header = grid.splitlines()[0].strip("| ").split(" | ")
    col = header.index(METRICS_BY_ID[ISVA].label)
    values = [float(r[col].split("%")[0]) for r in rows if "%" in r[col]]
    assert len(values) > 10 and values == sorted(values, reverse=True)
    # choosing name order again removes the key
    at.selectbox(key="pil_sort").set_value("name").run()
    assert_clean(at)
    assert "sort" not in at.query_params


@pytest.mark.parametrize(("params", "key"), [({"pillar": "9"}, "pillar"), ({"pillar": "x3"}, "pillar")])
def test_a_bad_pillar_gives_a_notice_and_the_six_pillars(small_db, monkeypatch, params, key):
    at = open_app(monkeypatch, small_db, PAGE)
    for k, v in params.items():
        at.query_params[k] = v  # arrives on this page (notices show where the address is read)
    at.run()
    assert_clean(at)
    assert any(w.startswith(f"Ignored `{key}`") for w in texts(at, "warning"))
    assert any(t.startswith("Choose a pillar above") for t in texts(at, "info"))


def test_a_metric_of_another_pillar_gives_a_notice(small_db, monkeypatch):
    at = open_app(monkeypatch, small_db, PAGE, pillar="3", metric="device_taken_share")
    assert_clean(at)
    [notice] = [w for w in texts(at, "warning") if w.startswith("Ignored `metric`")]
    assert "not an indicator of pillar 3" in notice
    first = metrics_for_pillar(3)[0]
    assert f"One indicator: {first.label}" in texts(at, "header")
    assert at.query_params["metric"] in (first.id, [first.id])


def test_an_unknown_metric_or_sort_gives_a_notice(small_db, monkeypatch):
    at = open_app(monkeypatch, small_db, PAGE)
    at.query_params["pillar"] = "3"
    at.query_params["metric"] = "<b>nope</b>"
    at.query_params["sort"] = "charge_rate"  # a real metric, of pillar 1
    at.run()
    assert_clean(at)
    warnings = texts(at, "warning")
    assert any(w.startswith("Ignored `metric`") for w in warnings)
    assert any(w.startswith("Ignored `sort`") and "pillar 3" in w for w in warnings)
    assert "sort" not in at.query_params


def test_choosing_a_pillar_writes_it_to_the_address(small_db, monkeypatch):
    at = open_app(monkeypatch, small_db, PAGE)
    at.selectbox(key="pil_pillar").set_value(6).run()
    assert_clean(at)
    assert at.query_params["pillar"] in ("6", ["6"])
    assert f"Pillar 6: {NAMES[6]}" in texts(at, "header")
    assert len(_links(at)) == 43


# --- A release of published data only ---------------------------------------------------------

@pytest.mark.parametrize("pillar", [2, 4, 6])
def test_force_mi_pillars_say_not_available_and_name_the_template(published_only_db, monkeypatch, pillar):
    at = open_app(monkeypatch, published_only_db, PAGE, pillar=str(pillar))
    assert_clean(at)
    members = metrics_for_pillar(pillar)
    assert all(m.availability == FORCE_MI for m in members)
    infos = texts(at, "info")
    for m in members:
        assert any(i.startswith(f"{m.label}: not available in this release") and TEMPLATE in i for i in infos)
    assert not at.get(CHART) and not _links(at)  # no proxy, no empty chart
    assert any(i.startswith(f"Pillar {pillar} is not available in this release") for i in infos)


def test_published_pillar_3_grids_what_it_has_and_drills_into_isva_honestly(published_only_db, monkeypatch):
    at = open_app(monkeypatch, published_only_db, PAGE, pillar="3", metric=ISVA)
    assert_clean(at)
    assert len(_links(at)) == 43
    [grid] = [t for t in texts(at, "markdown") if t.startswith("| Force |")]
    assert METRICS_BY_ID["victim_does_not_support_rate"].label in grid.splitlines()[0]
    assert METRICS_BY_ID[ISVA].label not in grid.splitlines()[0]
    table = at.table[1].value
    assert table.loc[table["Indicator"] == METRICS_BY_ID[ISVA].label, "In this release"].iloc[0].startswith("No: load")
    assert len(at.get(CHART)) == 1  # the grid only: ISVA's drill-down is words, not an empty chart
    [drill] = [i for i in texts(at, "info") if i.startswith("Nothing is drawn for")]
    assert METRICS_BY_ID["victim_does_not_support_rate"].label in drill  # what can be chosen instead


def _said(at) -> list[str]:
    return [t.lower() for kind in ("info", "warning", "markdown", "caption", "subheader", "header")
            for t in texts(at, kind)]


@pytest.mark.parametrize("pillar", range(1, 7))
def test_each_unavailable_indicator_and_pillar_is_said_once(published_only_db, monkeypatch, pillar):
    """One notice per indicator the release lacks, under the indicator table, naming the file that
    would supply it; one for a pillar it lacks entirely; the grid and the drill-down do not repeat them."""
    members = metrics_for_pillar(pillar)
    at = open_app(monkeypatch, published_only_db, PAGE, pillar=str(pillar))
    table = at.table[1].value
    lacking = [m for m in members
               if table.loc[table["Indicator"] == m.label, "In this release"].iloc[0] != "Yes"]
    if lacking and len(lacking) < len(members):  # open the drill-down on one it lacks
        at = open_app(monkeypatch, published_only_db, PAGE, pillar=str(pillar), metric=lacking[0].id)
    assert_clean(at)
    said = _said(at)
    for m in lacking:
        notices = [t for t in said if "not available in this release" in t and m.label.lower() in t]
        assert len(notices) == 1, (m.id, notices)
        if m.availability == FORCE_MI:
            assert TEMPLATE in notices[0]
    whole = [t for t in said if t.startswith(f"pillar {pillar} is not available in this release")]
    assert len(whole) == (1 if len(lacking) == len(members) else 0), whole
    if len(lacking) == len(members):
        assert all(m.availability != FORCE_MI for m in members) or TEMPLATE in whole[0]
        assert not at.get(CHART)  # no grid, and no drill-down picker offering only what is missing
        assert not {"pil_sort", "pil_metric"} & {b.key for b in at.get("selectbox")}
    elif lacking:
        assert any(t.startswith(f"nothing is drawn for {lacking[0].phrase.lower()}") for t in said)


def test_published_pillar_3_drills_into_a_public_indicator(published_only_db, monkeypatch):
    at = open_app(monkeypatch, published_only_db, PAGE, pillar="3")
    assert_clean(at)
    assert at.query_params["metric"] in ("victim_does_not_support_rate", ["victim_does_not_support_rate"])
    assert len(at.get(CHART)) == 4
    assert not any("Synthetic data" in w for w in texts(at, "warning"))


def test_on_the_real_2018_19_outcomes_file(real_outcomes_db, monkeypatch):
    """The issue's published-only database: what the file has is gridded and drilled into, what it
    lacks (force MI, recorded crime, case-level records) names the file that would supply it."""
    at = open_app(monkeypatch, real_outcomes_db, PAGE, pillar="3", metric=ISVA)
    assert_clean(at)
    assert len(_links(at)) == 43 and len(at.get(CHART)) == 1
    assert any(i.startswith(f"{METRICS_BY_ID[ISVA].label}: not available in this release") and TEMPLATE in i
               for i in texts(at, "info"))
    at.selectbox(key="pil_metric").set_value("victim_does_not_support_rate").run()
    assert_clean(at)
    assert len(at.get(CHART)) == 4  # grid, trend, funnel, spread
    at.selectbox(key="pil_pillar").set_value(5).run()
    assert_clean(at)
    infos = texts(at, "info")
    assert any(i.startswith("Recorded offences: not available in this release") and "rasso ingest prc" in i
               for i in infos)
