"""Disclosure control: the display rules per cell, markers, tiers, display strings.

The secondary-suppression tests attack the output the way a reader would: subtract the shown
cells from the published total and check that no hidden cell comes out exactly.
"""

from __future__ import annotations

import polars as pl
import pytest

from metrics.disclosure import (
    RULES_TEXT,
    CaseLevelDataError,
    apply_disclosure,
    apply_disclosure_for,
    assert_public_safe,
    disclosure_threshold,
    format_for_display,
    rules_text,
)
from metrics.registry import metric
from metrics.stats import add_intervals


def _counts(values, **extra):
    return pl.DataFrame({"numerator": [None if v is None else float(v) for v in values], **extra})


def _rates(nums, dens, **extra):
    frame = pl.DataFrame(
        {
            "numerator": [None if v is None else float(v) for v in nums],
            "denominator": [None if v is None else float(v) for v in dens],
            **extra,
        }
    )
    return add_intervals(frame, "percent")


def test_small_counts_are_confidential_and_zeros_stay():
    out = apply_disclosure(add_intervals(_counts([0, 1, 4, 5, 120]), "count"), unit="count")
    assert out["flag"].to_list() == ["", "[c]", "[c]", "", ""]
    assert out["numerator"].to_list() == [0.0, None, None, 5.0, 120.0]
    assert out["value"].to_list()[:3] == [0.0, None, None]
    assert out["lower"][1] is None and out["upper"][2] is None
    assert out["upper"][0] is not None  # a true zero keeps its interval


def test_null_numerator_is_not_available():
    out = apply_disclosure(add_intervals(_counts([None, 7]), "count"), unit="count")
    assert out["flag"].to_list() == ["[x]", ""]
    assert out["value"][0] is None and out["numerator"][1] == 7


def test_given_flags_are_kept_and_numbers_nulled():
    frame = _rates([3, 40, 50], [60, 80, 90]).with_columns(flag=pl.Series(["", "[z]", "[x]"]))
    out = apply_disclosure(frame)
    assert out["flag"].to_list() == ["[c]", "[z]", "[x]"]
    for col in ("numerator", "denominator", "value", "lower", "upper"):
        assert out[col][1] is None and out[col][2] is None
    # and also in the restricted tier
    restricted = apply_disclosure(frame, tier="restricted")
    assert restricted["flag"].to_list() == ["", "[z]", "[x]"]
    assert restricted["value"][1] is None and restricted["numerator"][0] == 3


def test_rates_on_small_denominators_are_not_shown_but_their_counts_are():
    out = apply_disclosure(_rates([0, 6, 6, 6, 30], [3, 12, 25, 39, 200]), min_denominator=20)
    assert out["flag"].to_list() == ["[c]", "[c]", "[u]", "[u]", ""]
    # denominator below the threshold (3) is hidden; 12 is shown but its rate is not
    assert out["denominator"].to_list() == [None, 12.0, 25.0, 39.0, 200.0]
    # counts of 0 and 6 are not confidential (a count of 1 to 4 would be hidden by its own rule)
    assert out["numerator"].to_list()[:2] == [0.0, 6.0]
    assert out["value"][0] is None and out["value"][1] is None
    # low reliability stays shown
    assert out["value"][2] == pytest.approx(24.0)
    assert out["value"][4] == pytest.approx(15.0)


def test_zero_denominator_is_not_applicable():
    out = apply_disclosure(_rates([0, 10], [0, 100]))
    assert out["flag"].to_list() == ["[z]", ""]
    assert out["numerator"][0] == 0 and out["denominator"][0] == 0 and out["value"][0] is None


def test_threshold_is_configurable(monkeypatch):
    frame = add_intervals(_counts([4, 7, 9, 12]), "count")
    assert apply_disclosure(frame, threshold=10)["flag"].to_list() == ["[c]", "[c]", "[c]", ""]
    monkeypatch.setenv("RASSO_DISCLOSURE_THRESHOLD", "8")
    assert disclosure_threshold() == 8
    assert apply_disclosure(frame)["flag"].to_list() == ["[c]", "[c]", "", ""]
    monkeypatch.setenv("RASSO_DISCLOSURE_THRESHOLD", "lots")
    with pytest.raises(ValueError, match="whole number"):
        apply_disclosure(frame)
    monkeypatch.delenv("RASSO_DISCLOSURE_THRESHOLD")
    assert disclosure_threshold() == 5
    with pytest.raises(ValueError):
        disclosure_threshold(0)


def test_restricted_tier_shows_small_numbers():
    frame = _rates([1, 3, None, 0], [2, 50, 40, 0], period=[1, 1, 1, 1])
    out = apply_disclosure(frame, tier="restricted", min_denominator=20)
    assert "[c]" not in out["flag"].to_list()
    assert out["numerator"].to_list() == [1.0, 3.0, None, 0.0]
    assert out["denominator"][0] == 2
    assert out["flag"].to_list() == ["", "", "[x]", "[z]"]
    with pytest.raises(ValueError):
        apply_disclosure(frame, tier="secret")


def test_days_unit_is_judged_on_the_number_of_cases():
    frame = pl.DataFrame({"numerator": [None, None], "denominator": [6.0, 45.0],
                          "value": [300.0, 410.0], "lower": [200.0, 380.0], "upper": [500.0, 450.0]})
    out = apply_disclosure_for(frame, metric("median_days_to_charge"))
    assert out["flag"].to_list() == ["[c]", ""]
    assert out["value"][0] is None and out["value"][1] == 410


def test_case_level_records_never_reach_the_public_tier():
    cases = pl.DataFrame({"case_id": [1, 2], "numerator": [1.0, 1.0]})
    with pytest.raises(CaseLevelDataError):
        assert_public_safe(cases)
    with pytest.raises(CaseLevelDataError):
        apply_disclosure(cases)
    assert_public_safe(cases, tier="restricted")  # allowed for signed-in analysts


def test_format_for_display_shows_markers():
    frame = _rates([3, None, 12, 0, 6], [100, 50, 240, 0, 25]).with_columns(
        flag=pl.Series(["", "", "", "", ""])
    )
    out = format_for_display(apply_disclosure(frame, min_denominator=20))
    assert out["numerator"].to_list() == ["[c]", "[x]", "12", "0", "6"]
    assert out["denominator"].to_list() == ["100", "50", "240", "0", "25"]
    assert out["value"].to_list() == ["[c]", "[x]", "5.0", "[z]", "24.0 [u]"]
    assert out["lower"][0] == "[c]" and out["upper"][3] == "[z]"
    assert out.schema["value"] == pl.String
    big = format_for_display(pl.DataFrame({"numerator": [12345.0], "value": [1.23456]}),
                             decimals={"value": 3}, thousands=True)
    assert big.row(0) == ("12,345", "1.235")


def test_rules_text_follows_the_threshold():
    assert "1 to 4" in RULES_TEXT and "[c]" in RULES_TEXT and "[u]" in RULES_TEXT
    assert "1 to 9" in rules_text(10)
    assert "restricted" in rules_text(5, tier="restricted")
