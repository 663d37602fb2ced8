"""Wording of summaries: formats, comparisons against chance, trend sentences (components.summaries).

The other pure component tests that lived beside these are in files named after their modules.
"""

from __future__ import annotations

import polars as pl

from helpers.frames import quarters_frame as _quarters_frame
from metrics.format import fmt_interval, fmt_value
from metrics.registry import metric
from words.summaries import HIDDEN_WHY, compare, headline, trend_summary

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


# --- review fixes: counts worded by chance, symbols, screen tables, dictionary, labels ---------

RECORDED = metric("recorded_offences")


def test_a_count_interval_is_worded_as_chance_variation_not_a_confidence_interval():
    text = fmt_interval(44271.2, 45100.4, "count")
    assert text == "Range expected from year-to-year chance variation (Poisson): 44,271–45,100"
    assert "CI" not in text
    # proportions keep their wording
    assert fmt_interval(2.94, 3.31, "percent").startswith("95% CI")


def test_a_count_change_is_worded_against_chance_with_the_recording_caveat():
    from metrics import stats

    big = compare(row(45000, None, 45000.0), row(40000, None, 40000.0), RECORDED)
    small = compare(row(10050, None, 10050.0), row(10000, None, 10000.0), RECORDED)
    # the wording follows the exact test, computed here independently of the summary code
    assert stats.compare_counts(45000, 40000)["significant"] is True
    assert stats.compare_counts(10050, 10000)["significant"] is False
    big_words, small_words = big.words(RECORDED, "40,000"), small.words(RECORDED, "10,000")
    assert "larger than chance year-to-year variation would explain" in big_words
    assert "within the range expected by chance" in small_words
    for words in (big_words, small_words):
        assert "statistically meaningful" not in words
        assert "more reporting and better recording" in words


def test_rolling_twelve_months_not_offered_say_why_and_quarters_keep_the_source_reason():
    """[x] on a rolling window is the public view not offering twelve months over a hidden quarter;
    on a quarter only the source leaves a figure out."""
    frame = _quarters_frame(["", "[x]", "[c]"], [3.0, None, None])
    rolling = trend_summary(frame, CHARGE, "Adult rape", grain="rolling")
    assert "1 is [x], not available (not provided by the source, or a period over a hidden quarter" in rolling
    assert "public view does not offer" in rolling
    quarterly = trend_summary(frame, CHARGE, "Adult rape")
    assert "1 is [x], not available from the source" in quarterly and "does not offer" not in quarterly


def test_trend_summary_counts_hidden_quarters_by_reason_in_words():
    frame = _quarters_frame(["", "[c]", "[x]", "[x]", "[u]", ""], [3.0, None, None, None, 4.0, 5.0])
    text = trend_summary(frame, CHARGE, "Adult rape")
    assert (f"3 of 6 quarters have no figure: 1 is [c], not shown to protect confidentiality ({HIDDEN_WHY}); "
            "2 are [x], not available from the source.") in text
    assert "1 quarter is [u]: shown, but of low reliability" in text
    one = trend_summary(_quarters_frame(["", "[c]"], [3.0, None]), CHARGE, "Adult rape")
    assert "1 of 2 quarters has no figure: 1 is [c]" in one
    clean = trend_summary(_quarters_frame(["", ""], [3.0, 4.0]), CHARGE, "Adult rape")
    assert "no figure" not in clean and "[u]" not in clean


