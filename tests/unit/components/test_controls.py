"""Sidebar choices: the periods offered and their short labels (components.controls)."""

from __future__ import annotations

from components.controls import period_options


def test_period_options_offer_rolling_years_then_complete_financial_years():
    options = period_options(20151, 20262)
    tokens = [p.token for p in options]
    assert tokens[0] == "YE-2026-09"  # the latest 12 months first
    assert "2025-26" in tokens and "2015-16" in tokens
    assert "2026-27" not in tokens  # incomplete year
    assert all(p.first >= 20151 and p.last <= 20262 for p in options)


def test_sidebar_labels_are_short():
    from components.controls import short_period_label, short_release_label
    from db.releases import release_from_row
    from metrics.periods import financial_year, year_ending

    def release_row(**row):  # a release row as the database returns it: JSON text columns
        return release_from_row({"source": None, "label": "", "synthetic": False, "created_at": None,
                                 "first_quarter": None, "last_quarter": None, "status": "complete",
                                 "parameters": "{}", "row_counts": "{}", "supersedes": None, **row})

    assert short_period_label(financial_year(2015)) == "2015-16"
    assert short_period_label(year_ending(20262)) == "Year to Sep 2026"
    label = short_release_label(release_row(id=1, synthetic=True, source="synthetic",
                                            row_counts='{"case_record": 1974132, "outcomes": 5}'))
    assert label == "#1 synthetic, 1.97M cases"
    carried = short_release_label(release_row(id=2, synthetic=True, source="synthetic",
                                              parameters='{"cases": 600000, "carried_in_cases": 17000}',
                                              row_counts='{"case_record": 617000}'))
    assert carried == "#2 synthetic, 600k cases"  # the number in the release's own label
    assert short_release_label(release_row(id=4, synthetic=False, source="published",
                                           row_counts="{}")) == "#4 published"
    assert all(len(short_period_label(p)) <= 20 for p in period_options(20151, 20262))
