"""The outcomes and timeliness page (/outcomes): the deep link of issue 11, what each section
shows on the synthetic sample, and the address as its state."""

from __future__ import annotations

import re

from components.page_registry import OUTCOMES
from helpers.app import CHART, assert_clean, open_app, texts


def _page(at) -> str:
    return " ".join(texts(at, "markdown") + texts(at, "caption") + texts(at, "info"))


def test_deep_link_recorded_basis_for_rape(small_db, monkeypatch):
    at = open_app(monkeypatch, small_db, OUTCOMES.file, basis="recorded", offence="rape")
    assert_clean(at)
    assert "all rape" in at.title[0].value
    assert at.radio(key="oc_basis").value == "recorded"
    shown = _page(at)
    # outcome 0 apart, on its own chart, and named as never a denominator of decisions
    assert "Offences with no outcome assigned yet" in " ".join(texts(at, "subheader"))
    assert "never in this denominator" in shown
    assert "Outcomes of offences recorded in the period" in shown  # the basis named on the chart
    # the mix, outcome 0, the journey, days nationally and by force
    assert len(at.get(CHART)) == 5
    assert "Of the " in shown and "recorded in" in shown  # the journey in words
    assert "took more than" in shown  # the long tail in words
    assert "restricted tier" in shown  # outcome types are not counted in public
    assert not [w for w in texts(at, "warning") if "Ignored" in w]


def test_the_page_says_what_the_chosen_period_changes(small_db, monkeypatch):
    """The mix, journey and yearly days span the release; only the by-force medians take the
    sidebar's period, which a new user would otherwise look for in every chart."""
    at = open_app(monkeypatch, small_db, OUTCOMES.file, basis="recorded", period="2024-25")
    assert_clean(at)
    [intro] = [t for t in texts(at, "markdown") if t.startswith("England and Wales, every quarter of release")]
    assert "2024-25" in intro and "sets only each force's median days" in intro
    heads = texts(at, "subheader")
    assert any(h.startswith("Median days from report to charge by force, 2024-25") for h in heads)
    for head in heads:  # one level of brackets: the basis label has its own
        assert not re.search(r"\([^)]*\(", head), head


def test_closed_basis_says_outcome_zero_does_not_arise(small_db, monkeypatch):
    at = open_app(monkeypatch, small_db, OUTCOMES.file, offence="adult_rape", grain="year")
    assert_clean(at)
    assert at.radio(key="oc_basis").value == "closed"
    assert at.radio(key="oc_grain").value == "year"
    assert "does not arise" in _page(at)
    assert len(at.get(CHART)) == 4


def test_a_force_in_the_address_adds_its_own_years(small_db, monkeypatch):
    at = open_app(monkeypatch, small_db, OUTCOMES.file, force="E23000005", metric="median_days_to_outcome")
    assert_clean(at)
    assert at.radio(key="oc_days").value == "median_days_to_outcome"
    assert at.selectbox(key="oc_force").value == "E23000005"
    assert any("Greater Manchester" in s for s in texts(at, "subheader"))
    assert len(at.get(CHART)) == 5


def test_choosing_the_recorded_basis_writes_the_address(small_db, monkeypatch):
    at = open_app(monkeypatch, small_db, OUTCOMES.file)
    at.radio(key="oc_basis").set_value("recorded").run()
    assert_clean(at)
    value = at.query_params["basis"]
    assert (value[0] if isinstance(value, list) else value) == "recorded"
