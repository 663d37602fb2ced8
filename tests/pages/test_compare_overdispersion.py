"""Over-dispersion decides the funnel's default limits (issue 7, item 5; Spiegelhalter 2005).

When the test for over-dispersion is significant the page says so and the limits are widened by
default; otherwise they are not; the user's choice (od=1 / od=0) always wins. This file is the
pages' side; the rule and its words are in tests/unit/components/test_comparison_overdispersion.py.
"""

from __future__ import annotations

from components.page_registry import COMPARE, METHODOLOGY
from helpers.app import assert_clean, open_app, texts
from metrics import stats


def test_the_page_defaults_to_the_rule_and_keeps_an_explicit_choice(small_db, monkeypatch):
    # recorded offences per 1,000 residents differ between forces far beyond Poisson chance
    at = open_app(monkeypatch, small_db, COMPARE.file, metric="recorded_per_1000", offence="all_sexual")
    assert_clean(at)
    notices = [w for w in texts(at, "warning") if "more than chance alone explains" in w]
    assert len(notices) == 1 and "widened" in notices[0]
    assert at.toggle(key="cmp_overdispersion").value is True  # adjusted by default
    at.toggle(key="cmp_overdispersion").set_value(False).run()
    assert_clean(at)
    assert at.query_params["od"] in ("0", ["0"])
    assert any("unadjusted limits" in w for w in texts(at, "warning"))
    # a measure whose forces do not vary beyond chance: the default is the unadjusted limits
    at = open_app(monkeypatch, small_db, COMPARE.file, metric="charge_rate", offence="adult_rape")
    assert_clean(at)
    notices = [w for w in texts(at, "warning") if "more than chance alone explains" in w]
    assert at.toggle(key="cmp_overdispersion").value is bool(notices)
    at = open_app(monkeypatch, small_db, COMPARE.file, metric="charge_rate", offence="adult_rape", od="1")
    assert at.toggle(key="cmp_overdispersion").value is True


def test_the_methodology_page_states_the_rule(small_db, monkeypatch):
    at = open_app(monkeypatch, small_db, METHODOLOGY.file)
    assert_clean(at)
    body = " ".join(texts(at, "markdown"))
    assert "Funnel plots and over-dispersion" in body
    assert f"p < {stats.OVERDISPERSION_ALPHA:g}" in body and "`od=0` unadjusted" in body
