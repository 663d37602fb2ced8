"""Funnel limits and positions at degenerate targets and bad inputs (issue 7, item 13).

The reference is scipy's exact binomial test (``scipy.stats.binomtest``), an independent
implementation of the one-sided tail probabilities, and its Wilson interval.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import binomtest, poisson

from metrics import stats

LEVELS = {"99.8%": 0.001, "95%": 0.025}


def _reference(r: int, n: int, target: float) -> str:
    """The position from scipy's exact one-sided binomial tests."""
    above = binomtest(r, n, target, alternative="greater").pvalue
    below = binomtest(r, n, target, alternative="less").pvalue
    for name, tail in LEVELS.items():
        if above < tail:
            return f"above {name}"
    for name, tail in LEVELS.items():
        if below < tail:
            return f"below {name}"
    return "within"


def test_a_force_at_the_target_of_100_percent_is_within():
    # England and Wales at 100%: every force at 100% is exactly on it
    pos = stats.funnel_position([100, 50, 10], [100, 50, 10], 1.0).to_list()
    assert pos == ["within"] * 3


def test_ten_of_ten_at_a_target_of_99_9_percent_is_not_flagged():
    assert binomtest(10, 10, 0.999, alternative="greater").pvalue > 0.98  # the premise
    assert stats.funnel_position([10], [10], 0.999).to_list() == ["within"]
    # and the drawn limit agrees: 10/10 is not above it
    lim = stats.funnel_limits(0.999, [10]).to_dicts()[0]
    assert lim["upper_998"] >= 1.0 and lim["upper_95"] >= 1.0


@pytest.mark.parametrize("target", [0.0, 1e-4, 0.001, 0.02, 0.3, 0.5, 0.97, 0.999, 0.9999, 1.0])
@pytest.mark.parametrize("n", [1, 3, 10, 57, 400])
def test_positions_match_the_exact_binomial_test(target, n):
    counts = np.arange(n + 1)
    got = stats.funnel_position(counts, np.full(n + 1, n), target).to_list()
    assert got == [_reference(int(r), n, target) for r in counts]


@pytest.mark.parametrize("target", [1e-4, 0.001, 0.02, 0.3, 0.5, 0.97, 0.999, 0.9999])
@pytest.mark.parametrize("n", [1, 3, 10, 57, 400])
def test_the_drawn_limits_agree_with_the_positions(target, n):
    """A point lies outside a drawn limit exactly when it is called outside it."""
    counts = np.arange(n + 1)
    pos = stats.funnel_position(counts, np.full(n + 1, n), target).to_list()
    lim = stats.funnel_limits(target, [n]).to_dicts()[0]
    y = counts / n
    for i, p in enumerate(pos):
        assert (y[i] > lim["upper_998"]) == (p == "above 99.8%"), (i, p, lim)
        assert (y[i] > lim["upper_95"]) == (p in ("above 99.8%", "above 95%")), (i, p, lim)
        assert (y[i] < lim["lower_998"]) == (p == "below 99.8%"), (i, p, lim)
        assert (y[i] < lim["lower_95"]) == (p in ("below 99.8%", "below 95%")), (i, p, lim)


@pytest.mark.parametrize("target", [0.0, 1e-3, 0.5, 0.999, 1.0])
def test_a_value_equal_to_the_target_is_never_an_outlier(target):
    ns = np.array([1, 2, 10, 1000, 100_000])
    nums = np.round(ns * target)
    exact = nums / ns == target
    pos = stats.funnel_position(nums[exact], ns[exact], target).to_list()
    assert pos and set(pos) == {"within"}


def test_poisson_positions_match_exact_tails():
    rate, exposure = 2e-4, 10_000.0  # expected 2
    counts = np.arange(0, 15)
    pos = stats.funnel_position(counts, np.full(counts.size, exposure), rate, kind="poisson").to_list()
    for r, p in zip(counts, pos, strict=True):
        above = poisson.sf(r - 1, 2.0)
        below = poisson.cdf(r, 2.0)
        expected = ("above 99.8%" if above < 0.001 else "above 95%" if above < 0.025 else
                    "below 99.8%" if below < 0.001 else "below 95%" if below < 0.025 else "within")
        assert p == expected
    # a rate of zero: no count but zero is possible, and zero is on the target
    assert stats.funnel_position([0, 1], [100, 100], 0.0, kind="poisson").to_list() == ["within", "above 99.8%"]


def test_bad_inputs_give_no_position_and_a_bad_target_is_refused():
    pos = stats.funnel_position([11, -1, math.nan, 3, 3, math.inf],
                                [10, 10, 10, math.inf, 0, 10], 0.3).to_list()
    assert pos == [None] * 6  # more successes than trials, negative, missing, no sample, ...
    for bad in (math.nan, math.inf, -math.inf):
        with pytest.raises(ValueError, match="finite"):
            stats.funnel_limits(bad, [10], kind="poisson")
        with pytest.raises(ValueError, match="finite"):
            stats.funnel_position([1], [10], bad)
    with pytest.raises(ValueError, match="between 0 and 1"):
        stats.funnel_limits(1.2, [10])
    assert math.isnan(stats.estimate_overdispersion([1, 2], [10, 10], math.nan))


def test_wilson_rejects_non_finite_inputs():
    for x, n in ((math.inf, math.inf), (5, math.inf), (math.inf, 10), (math.nan, 10)):
        lo, hi = stats.wilson(x, n)
        assert math.isnan(lo) and math.isnan(hi), (x, n)


@pytest.mark.parametrize(("x", "n"), [(0, 1), (1, 1), (0, 10), (10, 10), (1, 1000), (81, 263), (999, 1000)])
def test_wilson_matches_scipy(x, n):
    ref = binomtest(x, n).proportion_ci(confidence_level=0.95, method="wilson")
    lo, hi = stats.wilson(x, n)
    assert lo == pytest.approx(ref.low, abs=1e-12) and hi == pytest.approx(ref.high, abs=1e-12)


def test_overdispersion_never_flags_what_the_exact_test_does_not():
    # widened limits can only take flags away
    counts = np.arange(0, 11)
    plain = stats.funnel_position(counts, np.full(11, 10), 0.999).to_list()
    wide = stats.funnel_position(counts, np.full(11, 10), 0.999, phi=4.0).to_list()
    severity = {"within": 0, "above 95%": 1, "above 99.8%": 2, "below 95%": -1, "below 99.8%": -2}
    for a, b in zip(plain, wide, strict=True):
        assert abs(severity[b]) <= abs(severity[a]) and severity[a] * severity[b] >= 0
    assert wide[-1] == "within" and wide[0] != "within"
