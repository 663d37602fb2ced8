"""Statistics layer against published reference values and independent calculations.

Reference values are quoted from the literature (Newcombe 1998 tables, exact Poisson tables,
Altman's *Statistics with Confidence*, R's poisson.test example); funnel limits are checked
against a brute-force calculation written separately below in plain Python.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from metrics.stats import (
    add_intervals,
    compare_counts,
    compare_proportions,
    estimate_overdispersion,
    funnel_curve,
    funnel_limits,
    funnel_position,
    median_interval,
    poisson_exact,
    wilson,
)

# --------------------------------------------------------------------------- Wilson


@pytest.mark.parametrize(
    ("x", "n", "lower", "upper"),
    [
        # Newcombe (1998) Stat Med 17:857, Table I, method 3 (Wilson score)
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_newcombe_1998(x, n, lower, upper):
    lo, hi = wilson(x, n)
    assert lo == pytest.approx(lower, abs=5e-5)
    assert hi == pytest.approx(upper, abs=5e-5)


def test_wilson_is_vectorised_and_handles_bad_inputs():
    lo, hi = wilson(pl.Series([81, 0, 5, None, 3]), np.array([263, 0, 4, 10, 10]))
    assert lo[0] == pytest.approx(0.2553, abs=5e-5)
    assert all(math.isnan(v) for v in (lo[1], hi[1], lo[2], hi[2], lo[3], hi[3]))
    assert 0 < lo[4] < 0.3 < hi[4] < 1
    all_hit = wilson(20, 20)
    assert all_hit[1] == 1.0 and all_hit[0] < 1


def test_wilson_higher_confidence_is_wider():
    lo95, hi95 = wilson(30, 100)
    lo99, hi99 = wilson(30, 100, confidence=0.99)
    assert lo99 < lo95 < 0.3 < hi95 < hi99


# --------------------------------------------------------------------------- Poisson


@pytest.mark.parametrize(
    ("count", "lower", "upper"),
    [
        # exact 95% limits for a Poisson count, as in published tables
        (0, 0.0, 3.689),
        (1, 0.0253, 5.572),
        (5, 1.623, 11.668),
        (10, 4.795, 18.390),
    ],
)
def test_poisson_exact_matches_tables(count, lower, upper):
    lo, hi = poisson_exact(count)
    assert lo == pytest.approx(lower, abs=6e-4)
    assert hi == pytest.approx(upper, abs=6e-4)


def test_poisson_exact_vector_and_missing():
    lo, hi = poisson_exact([0, 5, float("nan"), -1])
    assert lo[0] == 0 and hi[1] == pytest.approx(11.668, abs=1e-3)
    assert math.isnan(lo[2]) and math.isnan(hi[3])


# --------------------------------------------------------------------------- medians


def test_median_interval_uses_binomial_order_statistics():
    # Altman et al., Statistics with Confidence, table for the median: n = 10 -> 2nd and 9th
    values = [7, 1, 9, 3, 5, 8, 2, 6, 4, 10]
    assert median_interval(values) == (5.5, 2.0, 9.0)
    # n = 20 -> 6th and 15th smallest
    twenty = [v * 10 for v in range(20, 0, -1)]
    med, lo, hi = median_interval(twenty)
    assert (med, lo, hi) == (105.0, 60.0, 150.0)


def test_median_interval_small_samples():
    # n = 6: P(B <= 0) = 1/64 < 0.025, so the interval is min to max
    assert median_interval([3, 9, 1, 4, 100, 2]) == (3.5, 1.0, 100.0)
    med, lo, hi = median_interval([1, 2, 3, 4, 5])  # too few for a 95% interval
    assert med == 3 and math.isnan(lo) and math.isnan(hi)
    assert all(math.isnan(v) for v in median_interval([]))
    assert median_interval([np.nan, 5, 1, 3, 2, 4, 6])[0] == 3.5


def test_median_interval_coverage_is_at_least_nominal():
    rng = np.random.default_rng(7)
    hits = 0
    trials = 2000
    for _ in range(trials):
        _, lo, hi = median_interval(rng.exponential(size=25))  # true median ln 2
        hits += lo <= math.log(2) <= hi
    assert hits / trials > 0.94


# --------------------------------------------------------------------------- add_intervals


def _frame():
    return pl.DataFrame(
        {
            "numerator": [10.0, None, 3.0, 0.0, 50.0],
            "denominator": [100.0, 50.0, 0.0, 20.0, None],
        }
    )


def test_add_intervals_percent_is_wilson_times_100():
    out = add_intervals(_frame(), "percent")
    assert out["value"].to_list()[0] == pytest.approx(10.0)
    lo, hi = wilson(10, 100)
    assert out["lower"][0] == pytest.approx(100 * lo)
    assert out["upper"][0] == pytest.approx(100 * hi)
    # null numerator, zero denominator, null denominator -> null
    for i in (1, 2, 4):
        assert out["value"][i] is None and out["lower"][i] is None and out["upper"][i] is None
    assert out["value"][3] == 0 and out["lower"][3] == 0


def test_add_intervals_rates_scale_the_poisson_interval():
    out = add_intervals(_frame(), "per_1000")
    assert out["value"][0] == pytest.approx(100.0)  # 10 / 100 * 1000
    assert out["lower"][0] == pytest.approx(4.795389 / 100 * 1000, rel=1e-5)
    assert out["upper"][0] == pytest.approx(18.390356 / 100 * 1000, rel=1e-5)
    per_inv = add_intervals(_frame(), "per_investigator")
    assert per_inv["value"][0] == pytest.approx(0.1)
    assert per_inv["upper"][3] == pytest.approx(3.688879 / 20, rel=1e-5)


def test_add_intervals_counts_ignore_denominators():
    out = add_intervals(_frame(), "count")
    assert out["value"].to_list() == [10.0, None, 3.0, 0.0, 50.0]
    assert out["upper"][3] == pytest.approx(3.689, abs=1e-3)


def test_add_intervals_days_passes_through_or_refuses():
    medians = pl.DataFrame({"numerator": [None], "denominator": [40.0], "value": [420.0],
                            "lower": [380.0], "upper": [460.0]})
    assert add_intervals(medians, "days").equals(medians)
    with pytest.raises(ValueError, match="pre-computed"):
        add_intervals(_frame(), "days")
    with pytest.raises(ValueError):
        add_intervals(_frame(), "furlongs")


# --------------------------------------------------------------------------- funnels


def _brute_binomial_limit(p: float, target: float, n: int) -> float:
    """Spiegelhalter's interpolated quantile, by summing the pmf term by term."""
    cdf_prev = 0.0
    for r in range(n + 1):
        cdf = cdf_prev + math.comb(n, r) * target**r * (1 - target) ** (n - r)
        if cdf >= p:
            alpha = (cdf - p) / (cdf - cdf_prev)
            return min(max((r - alpha) / n, 0.0), 1.0)
        cdf_prev = cdf
    return 1.0


def _brute_binomial_upper(q: float, target: float, n: int) -> float:
    """The upper limit: the same interpolation for the failures, mirrored (1 - their lower limit),
    so that a count lies above it exactly when P(X >= r) < q."""
    return 1.0 - _brute_binomial_limit(q, 1.0 - target, n)


def _brute_poisson_upper(q: float, rate: float, exposure: float) -> float:
    """r = the largest count with G(r) = P(X >= r) >= q; limit (r + (G(r) - q) / (G(r) - G(r + 1))) / e."""
    mu = rate * exposure
    g, r = 1.0, 0  # G(0) = 1
    while True:
        g_next = g - math.exp(-mu + r * math.log(mu) - math.lgamma(r + 1))
        if g_next < q:
            return (r + (g - q) / (g - g_next)) / exposure
        g, r = g_next, r + 1


def _brute_poisson_limit(p: float, rate: float, exposure: float) -> float:
    mu = rate * exposure
    cdf_prev = 0.0
    for r in range(int(mu * 3 + 100)):
        cdf = cdf_prev + math.exp(-mu + r * math.log(mu) - math.lgamma(r + 1))
        if cdf >= p:
            alpha = (cdf - p) / (cdf - cdf_prev)
            return max((r - alpha) / exposure, 0.0)
        cdf_prev = cdf
    raise AssertionError("quantile not reached")


@pytest.mark.parametrize("target", [0.03, 0.25])
def test_binomial_funnel_matches_brute_force(target):
    ns = [5, 20, 57, 100, 333, 1000]
    lim = funnel_limits(target, ns)
    for i, n in enumerate(ns):
        assert lim["lower_95"][i] == pytest.approx(_brute_binomial_limit(0.025, target, n), abs=1e-9)
        assert lim["upper_95"][i] == pytest.approx(_brute_binomial_upper(0.025, target, n), abs=1e-9)
        assert lim["lower_998"][i] == pytest.approx(_brute_binomial_limit(0.001, target, n), abs=1e-9)
        assert lim["upper_998"][i] == pytest.approx(_brute_binomial_upper(0.001, target, n), abs=1e-9)
    assert lim.columns == ["denominator", "target", "lower_95", "upper_95", "lower_998", "upper_998"]


def test_poisson_funnel_matches_brute_force():
    rate = 1.1 / 1000  # offences per resident
    exposures = [2_000.0, 50_000.0, 750_000.0]
    lim = funnel_limits(rate, exposures, kind="poisson")
    for i, e in enumerate(exposures):
        assert lim["lower_95"][i] == pytest.approx(_brute_poisson_limit(0.025, rate, e), rel=1e-7)
        assert lim["upper_998"][i] == pytest.approx(_brute_poisson_upper(0.001, rate, e), rel=1e-7)


def test_funnel_approaches_normal_limits_for_large_denominators():
    target, n = 0.3, 40_000
    lim = funnel_limits(target, [n])
    half = 1.959964 * math.sqrt(target * (1 - target) / n)
    assert lim["upper_95"][0] == pytest.approx(target + half, abs=2 / n)
    assert lim["lower_95"][0] == pytest.approx(target - half, abs=2 / n)


def test_funnel_narrows_and_nests():
    lim = funnel_curve(0.05, 5000, min_denominator=10)
    up95, up998 = lim["upper_95"].to_numpy(), lim["upper_998"].to_numpy()
    n = lim["denominator"].to_numpy()
    # exact limits wiggle a little for small n (discreteness survives the interpolation),
    # but the funnel narrows overall and is monotone once n is moderate
    assert up998[-1] < up998[np.abs(n - 100).argmin()] < up998[0]
    assert np.all(np.diff(up998[n >= 200]) <= 1e-12)
    assert np.all(up998 >= up95) and np.all(lim["lower_998"].to_numpy() <= lim["lower_95"].to_numpy())


def test_funnel_handles_empty_denominators():
    lim = funnel_limits(0.03, [0, None, 10])
    assert lim["lower_95"][0] is None and lim["upper_998"][1] is None
    assert lim["upper_95"][2] is not None


def test_overdispersed_limits_use_sqrt_phi_on_normal_half_width():
    # large n: the widened exact limits agree with the paper's target +/- z sqrt(phi V / n)
    target, n = 0.2, 4000
    wide = funnel_limits(target, [n], phi=4.0)
    half = 1.959964 * math.sqrt(4.0 * target * (1 - target) / n)
    assert wide["upper_95"][0] == pytest.approx(target + half, rel=5e-3)
    assert wide["lower_95"][0] == pytest.approx(target - half, rel=5e-3)
    exact = funnel_limits(target, [n])
    assert wide["upper_998"][0] > exact["upper_998"][0]


@pytest.mark.parametrize("n", [20, 50, 200])
def test_allowing_for_overdispersion_never_narrows_a_limit(n):
    """At a small denominator the normal approximation is narrower than the exact limit."""
    exact = funnel_limits(0.066, [n])
    wide = funnel_limits(0.066, [n], phi=1.05)
    for col in ("upper_95", "upper_998"):
        assert wide[col][0] >= exact[col][0]
    for col in ("lower_95", "lower_998"):
        assert wide[col][0] <= exact[col][0]


def test_estimate_overdispersion_winsorises_z_scores():
    # target 0.5, n = 100: sd = 0.05, so numerator = 50 + 5 z
    z = np.array([-4, -2, -1, -0.5, 0, 0.5, 1, 1.5, 2, 5])
    # by hand: 10th percentile -2.2, 90th 2.3 (linear interpolation); squares sum to 22.88
    phi = estimate_overdispersion(50 + 5 * z, np.full(10, 100.0), 0.5)
    assert phi == pytest.approx(2.288)
    unwinsorised = estimate_overdispersion(50 + 5 * z, np.full(10, 100.0), 0.5, winsorize=0)
    assert unwinsorised == pytest.approx(float(np.mean(z**2)))


def test_estimate_overdispersion_detects_extra_variation():
    rng = np.random.default_rng(11)
    n = rng.integers(200, 3000, size=300)
    plain = estimate_overdispersion(rng.binomial(n, 0.05), n, 0.05)
    assert 0.6 < plain < 1.3
    rates = rng.beta(10, 190, size=300)  # mean 0.05 with between-unit spread
    extra = estimate_overdispersion(rng.binomial(n, rates), n, 0.05)
    assert extra > 2


def test_funnel_position_labels():
    # n = 1000, target 3%: limits are about 1.94-4.05% (95%) and 1.42-4.75% (99.8%)
    nums = [30, 44, 50, 18, 10, 5]
    dens = [1000, 1000, 1000, 1000, 1000, 0]
    pos = funnel_position(nums, dens, 0.03).to_list()
    assert pos == ["within", "above 95%", "above 99.8%", "below 95%", "below 99.8%", None]
    # check the test's own premise against the brute force
    assert _brute_binomial_upper(0.025, 0.03, 1000) < 0.044 < _brute_binomial_upper(0.001, 0.03, 1000)
    assert _brute_binomial_limit(0.001, 0.03, 1000) < 0.018 < _brute_binomial_limit(0.025, 0.03, 1000)
    # over-dispersion pulls the 95% outlier back inside
    assert funnel_position([44], [1000], 0.03, phi=3.0).to_list() == ["within"]


# --------------------------------------------------------------------------- comparisons


@pytest.mark.parametrize(
    ("a", "b", "c", "d", "lower", "upper"),
    [
        # Newcombe (1998) Stat Med 17:873, Table II, method 10 (hybrid score)
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (6, 7, 2, 7, 0.0582, 0.8062),
        (5, 56, 0, 29, -0.0381, 0.1926),
        (0, 10, 0, 20, -0.1611, 0.2775),
        (10, 10, 0, 20, 0.6791, 1.0000),
    ],
)
def test_newcombe_difference(a, b, c, d, lower, upper):
    r = compare_proportions(a, b, c, d)
    assert r["difference"] == pytest.approx(a / b - c / d)
    assert r["lower"] == pytest.approx(lower, abs=5e-5)
    assert r["upper"] == pytest.approx(upper, abs=5e-5)
    assert r["significant"] == (lower > 0 or upper < 0)


def test_compare_proportions_not_significant_and_bad_input():
    r = compare_proportions(26, 1000, 31, 1000)
    assert not r["significant"] and r["lower"] < 0 < r["upper"]
    assert math.isnan(compare_proportions(1, 0, 2, 10)["difference"])


def test_compare_counts_matches_r_poisson_test():
    # R documentation, ?poisson.test: poisson.test(c(11, 6 + 8 + 7), c(800, 1083 + 1050 + 878))
    # rate ratio 1.971488, 95% CI 0.8584264 to 4.2772659
    r = compare_counts(11, 21, 800, 3011)
    assert r["ratio"] == pytest.approx(1.971488, abs=1e-6)
    assert r["lower"] == pytest.approx(0.8584264, abs=1e-6)
    assert r["upper"] == pytest.approx(4.2772659, abs=1e-6)
    assert r["significant"] is False


def test_compare_counts_significant_and_zeros():
    assert compare_counts(200, 100)["significant"] is True
    r = compare_counts(0, 12)
    assert r["lower"] == 0 and r["upper"] < 1 and r["significant"]
    assert compare_counts(5, 0)["upper"] == math.inf
    assert math.isnan(compare_counts(0, 0)["ratio"])
