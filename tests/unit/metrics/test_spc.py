"""SPC (XmR) rules of NHS England's Making Data Count, on series worked by hand.

Each rule is shown firing and not firing. The baseline ``[12, 8] * 4`` used below has mean 10
and mean moving range 4, so by hand: process limits 10 +/- 2.66 x 4 = -0.64 and 20.64; two
sigma 2 / 1.128 x 4 = 7.09, so the "close to a limit" lines are 2.91 and 17.09.
"""

from __future__ import annotations

import pytest

from metrics.stats import SPC_SIGNALS, spc

BASE = [12, 8] * 4  # mean 10, mean moving range 4 (worked in the module docstring)


def test_limits_and_a_point_beyond_them():
    values = [10, 12] * 10 + [30]
    out = spc(values)
    mean = (10 * 10 + 12 * 10 + 30) / 21
    mr_bar = (19 * 2 + 18) / 20
    assert out["mean"][0] == pytest.approx(mean)
    assert out["upper"][0] == pytest.approx(mean + 2.66 * mr_bar)
    assert out["lower"][0] == pytest.approx(mean - 2.66 * mr_bar)
    assert out["signal"].to_list() == [""] * 20 + ["beyond limits"]
    assert out["beyond_limits"].sum() == 1 and not out["run"].any() and not out["trend"].any()
    assert not out["two_of_three"].any()  # one point past two sigma is not two of three


def test_no_point_beyond_limits_inside_them():
    out = spc(BASE + [20, 0], baseline=8)  # 20 < 20.64 and 0 > -0.64
    assert not out["beyond_limits"].any()
    assert spc(BASE + [21], baseline=8)["signal"][8] == "beyond limits"
    assert spc(BASE + [-1], baseline=8)["signal"][8] == "beyond limits"


def test_run_of_seven_on_one_side():
    out = spc(BASE + [11] * 7, baseline=8)
    assert out["mean"][0] == 10 and out["upper"][0] == pytest.approx(10 + 2.66 * 4)
    assert out["run"].to_list() == [False] * 8 + [True] * 7
    assert out["signal"].to_list()[8:] == ["run above centre"] * 7
    assert out["in_baseline"].sum() == 8
    below = spc(BASE + [9] * 8, baseline=8)
    assert below["signal"].to_list()[8:] == ["run below centre"] * 8


def test_run_of_six_or_a_broken_run_does_not_fire():
    assert not spc(BASE + [11] * 6, baseline=8)["run"].any()
    # a point on the mean breaks the run; so does a missing one
    assert not spc(BASE + [11, 11, 11, 10, 11, 11, 11], baseline=8)["run"].any()
    gap = spc(BASE + [11, 11, 11, float("nan"), 11, 11, 11, 11], baseline=8)
    assert not gap["run"].any() and gap["value"][11] is None  # 3 and 4 points either side


def test_trend_of_six_rising_or_falling():
    # mean 3.5; moving ranges 4,1,1,1,1,1,4 (mean 13/7): no limit or run rule applies
    out = spc([5, 1, 2, 3, 4, 5, 6, 2])
    assert out["trend"].to_list() == [False] + [True] * 6 + [False]
    assert out["signal"].to_list()[1:7] == ["rising trend"] * 6
    assert not out["run"].any() and not out["beyond_limits"].any() and not out["two_of_three"].any()
    falling = spc([9, 8, 7, 6, 5, 4, 6, 5, 6])
    assert falling["signal"].to_list()[:6] == ["falling trend"] * 6


def test_five_rising_or_a_repeated_value_is_not_a_trend():
    assert not spc([5, 1, 2, 3, 4, 5, 2, 3])["trend"].any()
    assert not spc([1, 2, 3, 3, 4, 5, 6, 3])["trend"].any()  # 3, 3 breaks it: 1-3 and 3-6 are short


def test_two_of_three_beyond_two_sigma_on_one_side():
    out = spc(BASE + [18, 10, 18], baseline=8)  # 18 > 17.09, inside the 20.64 limit
    assert out["two_of_three"].to_list() == [False] * 8 + [True, False, True]
    assert out["signal"].to_list()[8:] == ["two of three high", "", "two of three high"]
    low = spc(BASE + [2, 2, 10], baseline=8)  # 2 < 2.91
    assert low["signal"].to_list()[8:] == ["two of three low", "two of three low", ""]


def test_two_of_three_does_not_fire_apart_or_on_opposite_sides():
    assert not spc(BASE + [18, 10, 10, 18], baseline=8)["two_of_three"].any()  # never 2 in any 3
    assert not spc(BASE + [18, 2, 10], baseline=8)["two_of_three"].any()  # one high, one low
    assert not spc(BASE + [17, 17, 10], baseline=8)["two_of_three"].any()  # 17 < 17.09


def test_a_point_breaking_two_rules_names_the_first():
    out = spc(BASE + [18, 25], baseline=8)  # 25 is beyond the limit and one of two past two sigma
    assert out["signal"].to_list()[8:] == ["two of three high", "beyond limits"]
    assert out["two_of_three"][9] and out["beyond_limits"][9]
    assert set(out["signal"].to_list()) - {""} <= set(SPC_SIGNALS)


def test_lengths_are_configurable():
    assert spc([5, 1, 2, 3, 4, 5, 6, 7, 3], trend_length=7)["trend"].sum() == 7
    assert not spc([5, 1, 2, 3, 4, 5, 6, 2, 3], trend_length=7)["trend"].any()
    vals = BASE + [11, 11, 11, float("nan"), 11, 11, 11, 11]
    assert spc(vals, baseline=8, run_length=4)["run"].sum() == 4


def test_too_short_for_limits():
    out = spc([4.0])
    assert out["upper"][0] is None and out["signal"][0] == "" and not out["two_of_three"][0]
