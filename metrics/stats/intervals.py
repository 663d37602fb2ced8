"""Confidence intervals: Wilson for proportions, exact Poisson for counts, order statistics for medians."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import polars as pl

from metrics.stats._arrays import _arr, _is_scalar, _out, _z, scipy_stats


def wilson(successes: Any, n: Any, confidence: float = 0.95) -> tuple:
    """Wilson score interval for a proportion, as (lower, upper) in [0, 1].

    Newcombe (1998) method 3; unlike the simple Wald interval it behaves well for the small
    numerators and proportions near 0 that charge rates produce (e.g. 81/263 gives 0.2553 to
    0.3662). n <= 0, missing or infinite values and successes outside [0, n] give NaN (an
    infinite n is no sample at all, not a certain one).
    """
    scalar = _is_scalar(successes, n)
    x, m = np.broadcast_arrays(_arr(successes), _arr(n))
    z = _z(confidence)
    valid = np.isfinite(x) & np.isfinite(m) & (m > 0) & (x >= 0) & (x <= m)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x / m
        denom = 1 + z * z / m
        centre = (p + z * z / (2 * m)) / denom
        half = z * np.sqrt(p * (1 - p) / m + z * z / (4 * m * m)) / denom
        lower = np.where(valid, np.clip(centre - half, 0.0, 1.0), np.nan)
        upper = np.where(valid, np.clip(centre + half, 0.0, 1.0), np.nan)
    # exact ends: 0 successes has lower 0, n successes has upper 1 (avoid -1e-17 rounding)
    lower = np.where(valid & (x == 0), 0.0, lower)
    upper = np.where(valid & (x == m), 1.0, upper)
    return _out(scalar, lower, upper)


def poisson_exact(count: Any, confidence: float = 0.95) -> tuple:
    """Exact (Garwood) interval for a Poisson count, as (lower, upper) on the count scale.

    lower = chi2(alpha/2, 2x) / 2 and upper = chi2(1 - alpha/2, 2x + 2) / 2; a count of 0 has
    lower 0 (and upper 3.689 at 95%). Divide both by the exposure for a rate. Negative or
    missing counts give NaN.
    """
    st = scipy_stats()
    scalar = _is_scalar(count)
    x = _arr(count)
    alpha = 1 - confidence
    _z(confidence)  # validates confidence
    valid = np.isfinite(x) & (x >= 0)
    xs = np.where(valid, x, 0.0)
    with np.errstate(invalid="ignore"):
        lower = np.where(xs > 0, st.chi2.ppf(alpha / 2, 2 * np.maximum(xs, 1e-300)) / 2, 0.0)
        upper = st.chi2.ppf(1 - alpha / 2, 2 * xs + 2) / 2
    lower = np.where(valid, lower, np.nan)
    upper = np.where(valid, upper, np.nan)
    return _out(scalar, lower, upper)


def median_interval(values: Any, confidence: float = 0.95) -> tuple[float, float, float]:
    """Median with a distribution-free confidence interval, as (median, lower, upper).

    The interval runs from the r-th to the (n + 1 - r)-th smallest value, where r is the
    largest rank with P(B <= r - 1) <= alpha / 2 for B ~ Binomial(n, 1/2); its coverage is at
    least the requested confidence (Altman et al., *Statistics with Confidence*: n = 10 uses
    the 2nd and 9th values, n = 20 the 6th and 15th). Missing values are dropped. With too few
    values for any interval (n <= 5 at 95%) the limits are NaN; with none, everything is NaN.
    """
    st = scipy_stats()
    v = _arr(values).ravel()
    v = np.sort(v[np.isfinite(v)])
    n = v.size
    if n == 0:
        return (math.nan, math.nan, math.nan)
    med = float(np.median(v))
    alpha = 1 - confidence
    _z(confidence)
    ranks = np.arange(0, n + 1)
    cdf = st.binom.cdf(ranks - 1, n, 0.5)  # P(B <= r - 1) for r = 0..n
    ok = np.nonzero(cdf <= alpha / 2 + 1e-12)[0]
    r = int(ok.max()) if ok.size else 0
    if r < 1:
        return (med, math.nan, math.nan)
    return (med, float(v[r - 1]), float(v[n - r]))


def add_intervals(frame: pl.DataFrame, unit: str, confidence: float = 0.95) -> pl.DataFrame:
    """Add ``value``, ``lower`` and ``upper`` to a frame of ``numerator`` and ``denominator``.

    The unit (from the metric registry) decides the scale and method:

    * ``count``: value = numerator, exact Poisson interval on the count;
    * ``per_1000``: numerator / denominator * 1000, exact Poisson interval scaled the same way;
    * ``percent``: 100 * numerator / denominator, Wilson interval * 100;
    * ``per_investigator``: numerator / denominator, exact Poisson on the numerator / denominator;
    * ``days``: medians arrive pre-computed from case-level data, so the frame is returned as
      it is; it must already have value, lower and upper.

    A null numerator, or (except for counts) a null or zero denominator, gives null value and
    limits. Existing value/lower/upper columns are replaced.
    """
    if unit == "days":
        missing = {"value", "lower", "upper"} - set(frame.columns)
        if missing:
            raise ValueError(
                "unit 'days' needs pre-computed value/lower/upper (see median_interval); "
                f"missing {sorted(missing)}"
            )
        return frame
    if unit not in {"count", "per_1000", "percent", "per_investigator"}:
        raise ValueError(f"unknown unit {unit!r}")
    if "numerator" not in frame.columns:
        raise ValueError("frame needs a 'numerator' column")
    num = _arr(frame["numerator"])
    if unit == "count":
        value = num
        lower, upper = poisson_exact(num, confidence)
    else:
        if "denominator" not in frame.columns:
            raise ValueError(f"unit {unit!r} needs a 'denominator' column")
        den = _arr(frame["denominator"])
        with np.errstate(invalid="ignore", divide="ignore"):
            ok = np.isfinite(den) & (den > 0) & np.isfinite(num)
            if unit == "percent":
                value = 100 * num / den
                lo, hi = wilson(num, den, confidence)
                lower, upper = 100 * lo, 100 * hi
            else:
                scale = 1000.0 if unit == "per_1000" else 1.0
                value = scale * num / den
                lo, hi = poisson_exact(num, confidence)
                lower, upper = scale * lo / den, scale * hi / den
        value, lower, upper = (np.where(ok, a, np.nan) for a in (value, lower, upper))
    cols = {
        "value": np.asarray(value, dtype=float),
        "lower": np.asarray(lower, dtype=float),
        "upper": np.asarray(upper, dtype=float),
    }
    return frame.with_columns(
        pl.Series(name, arr, dtype=pl.Float64).fill_nan(None) for name, arr in cols.items()
    )
