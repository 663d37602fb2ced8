"""Pure parts of the components: wording of summaries, CSV downloads, period choices, charts."""

from __future__ import annotations

import csv
import io
from datetime import date

import polars as pl

from components.chart_block import csv_bytes, display_frame
from components.charts import milestones_in, outcome_mix_chart, trend_chart
from components.controls import period_options
from components.summaries import compare, fmt_interval, fmt_value, headline, trend_summary
from metrics.registry import metric

CHARGE = metric("charge_rate")
VDNS = metric("victim_does_not_support_rate")


def row(num, den, value, lower=None, upper=None, flag=""):
    return {"numerator": num, "denominator": den, "value": value, "lower": lower, "upper": upper,
            "flag": flag}


def test_formats():
    assert fmt_value(3.14159, "percent") == "3.1%"
    assert fmt_value(61234, "count") == "61,234"
    assert fmt_value(412.4, "days") == "412 days"
    assert fmt_value(None, "percent") == "—"
    assert fmt_interval(2.94, 3.31, "percent") == "95% CI 2.9–3.3%"


def test_a_large_rise_in_a_good_direction_is_a_meaningful_improvement():
    # 400/10000 vs 250/10000: 4.0% vs 2.5%, far beyond chance at these sizes
    change = compare(row(400, 10000, 4.0), row(250, 10000, 2.5), CHARGE)
    assert change.direction == "up" and change.significant is True
    words = change.words(CHARGE, "2.5% last year")
    assert "statistically meaningful" in words and "improvement" in words


def test_the_same_rise_on_small_numbers_is_not_called_better():
    change = compare(row(4, 100, 4.0), row(3, 120, 2.5), CHARGE)
    assert change.significant is False
    words = change.words(CHARGE, "2.5%")
    assert "not a statistically meaningful change" in words
    assert "improvement" not in words and "deterioration" not in words


def test_a_meaningful_rise_in_a_lower_is_better_measure_is_a_deterioration():
    change = compare(row(5000, 10000, 50.0), row(4000, 10000, 40.0), VDNS)
    assert "deterioration" in change.words(VDNS, "40%")


def test_suppressed_values_are_explained_not_compared():
    text = headline(CHARGE, "Adult rape", "Dyfed-Powys", "2024-25",
                    row(None, None, None, flag="[c]"), row(3, 50, 6.0), "2023-24")
    assert "[c]" in text and "confidentiality" in text
    assert "no comparison" in text


def test_trend_summary_names_latest_and_year_earlier_quarters():
    frame = pl.DataFrame({
        "period": ["2024-25 Q1", "2024-25 Q2", "2024-25 Q3", "2024-25 Q4", "2025-26 Q1"],
        "period_end": [20241, 20242, 20243, 20244, 20251],
        "area_name": ["England and Wales"] * 5,
        "numerator": [30.0, 31, 29, 33, 60], "denominator": [1000.0] * 5,
        "value": [3.0, 3.1, 2.9, 3.3, 6.0], "lower": [2.1, 2.2, 2.0, 2.4, 4.7],
        "upper": [4.3, 4.4, 4.1, 4.6, 7.7], "flag": [""] * 5,
    })
    text = trend_summary(frame, CHARGE, "Adult rape")
    assert "latest quarter (2025-26 Q1) it was 6.0% (95% CI 4.7–7.7%)" in text
    assert "3.0% a year earlier (2024-25 Q1)" in text
    assert "highest quarter was 2025-26 Q1" in text and "lowest 2024-25 Q3" in text


def test_csv_has_citation_release_and_exactly_the_rows_shown():
    table = pl.DataFrame({"period": ["a", "b"], "numerator": [3.0, None], "denominator": [10.0, None],
                          "value": [30.0, None], "lower": [10.8, None], "upper": [60.3, None],
                          "flag": ["", "[c]"]})
    shown = display_frame(table, "percent", thousands=False)
    data = csv_bytes(shown, citation="Cite me", basis="Investigations closed", release_id=7).decode()
    comments = [line for line in data.splitlines() if line.startswith("#")]
    assert comments[0] == "# Cite me" and "# Release: 7" in comments
    rows = list(csv.DictReader(io.StringIO("\n".join(
        line for line in data.splitlines() if not line.startswith("#")))))
    assert len(rows) == 2
    assert rows[0]["value"] == "30.0" and rows[1]["value"] == "[c]"


def test_period_options_offer_rolling_years_then_complete_financial_years():
    options = period_options(20151, 20262)
    tokens = [p.token for p in options]
    assert tokens[0] == "YE-2026-09"  # the latest 12 months first
    assert "2025-26" in tokens and "2015-16" in tokens
    assert "2026-27" not in tokens  # incomplete year
    assert all(p.first >= 20151 and p.last <= 20262 for p in options)


def test_trend_chart_marks_the_nom_milestones_in_range():
    frame = pl.DataFrame({"period": ["q"] * 8, "period_end": [20201, 20202, 20203, 20204, 20211, 20212,
                                                              20213, 20214],
                          "value": [1.0] * 8, "lower": [0.5] * 8, "upper": [1.5] * 8, "flag": [""] * 8,
                          "area_name": ["E&W"] * 8})
    spec = trend_chart(frame, CHARGE).to_dict()
    labels = [v["label"] for d in spec["datasets"].values() for v in d if "label" in v]
    # the series ends March 2022: pathfinders (June 2021) are in, the Oct 2022 wave is not
    assert labels == ["Pathfinders (2021)"]
    assert len(milestones_in(date(2015, 1, 1), date(2026, 1, 1))) == 4


def test_outcome_mix_chart_leaves_out_hidden_groups():
    mix = pl.DataFrame({"ho_group": ["A", "B", "C"], "count": [50.0, 40.0, None],
                        "share": [55.6, 44.4, None], "flag": ["", "", "[c]"]})
    spec = outcome_mix_chart(mix).to_dict()
    groups = [v["ho_group"] for d in spec["datasets"].values() for v in d]
    assert groups == ["A", "B"]


def test_synthetic_banner_says_when_the_sample_is_scaled_down():
    from components.banners import _scale_note

    assert "about 30% of national volume" in _scale_note(0.3)
    assert _scale_note(1.0) == "" and _scale_note(None) == ""
