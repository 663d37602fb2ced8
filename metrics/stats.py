"""Intervals, funnel limits, SPC rules and comparisons: the one statistics layer.

Every chart, table, download and the command line calls these functions, so a rate shown
anywhere carries the same interval and a force is called an outlier by one rule only. They are
pure functions of numbers (numpy / polars in, numpy / polars out): no database, no Streamlit.

Conventions, kept throughout so callers need no special cases:

* inputs may be scalars, lists, numpy arrays or polars Series (nulls become NaN);
* an impossible input (a zero, missing or infinite denominator, a negative count, more
  successes than trials) gives NaN rather than an exception, because one bad cell must not
  blank a whole chart; a funnel's target is a parameter, not a cell, so a non-finite one raises
  ValueError;
* functions that return intervals return numpy arrays, or plain floats when every input was a
  scalar.

Methods and sources (cited in the docstrings below as well):

* proportions: Wilson score interval (Newcombe 1998, Stat Med 17:857-872, method 3);
* counts and rates: exact (Garwood 1936) Poisson interval from chi-square quantiles;
* medians: distribution-free interval from binomial order statistics (Altman et al.,
  *Statistics with Confidence*, 2nd ed., ch. 5);
* funnel plots: Spiegelhalter (2005) "Funnel plots for comparing institutional performance",
  Stat Med 24:1185-1202 (exact limits with interpolation, multiplicative over-dispersion);
* SPC: XmR chart with the NHS England "Making Data Count" rules as implemented in the NHS-R
  package NHSRplotthedots (R/ptd_calculate_point_type.R);
* differences: Newcombe (1998, Stat Med 17:873-890) hybrid score interval (method 10);
  rate ratios: exact conditional (binomial) interval.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import polars as pl
from scipy import stats as st

__all__ = [
    "add_intervals",
    "compare_counts",
    "compare_proportions",
    "estimate_overdispersion",
    "overdispersion_significant",
    "funnel_curve",
    "funnel_limits",
    "funnel_position",
    "funnel_tails",
    "median_interval",
    "poisson_exact",
    "spc",
    "wilson",
]

# constant for XmR process limits: 3 / d2 with d2 = 1.128 for moving ranges of two points
XMR_CONSTANT = 2.66

FUNNEL_ABOVE_OUTER = "above 99.8%"
FUNNEL_ABOVE_INNER = "above 95%"
FUNNEL_WITHIN = "within"
FUNNEL_BELOW_INNER = "below 95%"
FUNNEL_BELOW_OUTER = "below 99.8%"


# --------------------------------------------------------------------------- helpers


def _arr(x: Any) -> np.ndarray:
    """Float numpy array from a scalar, sequence or polars Series (nulls -> NaN)."""
    if isinstance(x, pl.Series):
        return x.cast(pl.Float64).fill_null(float("nan")).to_numpy().astype(float)
    return np.asarray(x, dtype=float)


def _is_scalar(*xs: Any) -> bool:
    return all(np.ndim(x) == 0 and not isinstance(x, pl.Series) for x in xs)


def _out(scalar: bool, *arrays: np.ndarray) -> tuple:
    if scalar:
        return tuple(float(a) for a in arrays)
    return tuple(np.asarray(a, dtype=float) for a in arrays)


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    return float(st.norm.ppf(1 - (1 - confidence) / 2))


def _level_suffix(level: float) -> str:
    """0.95 -> '95', 0.998 -> '998' (column names of funnel limits)."""
    return f"{level * 100:g}".replace(".", "")


# --------------------------------------------------------------------------- intervals


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


# --------------------------------------------------------------------------- funnel plots


def _check_target(target: float, kind: str) -> None:
    """A funnel needs a finite target; an infinite or missing one is a caller's bug, said plainly."""
    if kind not in {"binomial", "poisson"}:
        raise ValueError("kind must be 'binomial' or 'poisson'")
    if target is None or not math.isfinite(target):
        raise ValueError(f"the funnel's target must be a finite number, got {target!r}")


def _dist(target: float, den: np.ndarray, kind: str):
    if kind == "binomial":
        return st.binom(np.round(den).astype(np.int64), target), np.round(den)
    return st.poisson(target * den), den


def _exact_limit(p: float, target: float, den: np.ndarray, kind: str) -> np.ndarray:
    """Spiegelhalter (2005) appendix: the p-quantile r_p of the count, interpolated.

    r_p is the smallest r with F(r) >= p; alpha = (F(r_p) - p) / (F(r_p) - F(r_p - 1)) and the
    limit on the proportion (or rate) scale is (r_p - alpha) / n, which makes the limits smooth
    in n instead of a staircase. Used for lower limits: a count lies below it exactly when
    P(X <= r) < p, the exact test of :func:`funnel_position`.
    """
    dist, size = _dist(target, den, kind)
    r = dist.ppf(p)
    f_r = dist.cdf(r)
    f_prev = dist.cdf(r - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = np.where(f_r > f_prev, (f_r - p) / (f_r - f_prev), 0.0)
        limit = (r - alpha) / size
    return limit


def _exact_upper(q: float, target: float, den: np.ndarray, kind: str) -> np.ndarray:
    """The same interpolation from the upper tail G(r) = P(X >= r), for upper limits.

    The appendix's (r_p - alpha) / n with p = 1 - q sits up to one count below the counts the
    exact test calls improbable (P(X >= r) < q), so a point could be drawn above the limit yet be
    within it: at a target of 99.9% and n = 10 the 99.8% limit was 99%, under 10/10, whose P is
    0.99. Mirrored instead (for a binomial, the appendix's lower limit for the failures): r is
    the largest count with G(r) >= q, alpha = (G(r) - q) / (G(r) - G(r + 1)) and the limit is
    (r + alpha) / n, so a count lies above it exactly when P(X >= r) < q. For large n the two
    differ by under one count, so the normal-approximation limits are unchanged.
    """
    dist, size = _dist(target, den, kind)
    r = dist.isf(q)  # smallest r with P(X > r) <= q
    g_r = dist.sf(r - 1)  # P(X >= r)
    g_next = dist.sf(r)  # P(X >= r + 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = np.where(g_r > g_next, (g_r - q) / (g_r - g_next), 0.0)
        limit = (r + alpha) / size
    return limit


def funnel_limits(
    target: float,
    denominators: Any,
    *,
    kind: str = "binomial",
    levels: Sequence[float] = (0.95, 0.998),
    phi: float = 1.0,
) -> pl.DataFrame:
    """Funnel-plot control limits around ``target`` at each denominator (Spiegelhalter 2005).

    ``kind="binomial"``: target and limits are proportions (0-1) and denominators are numbers
    of trials (rounded to whole numbers). ``kind="poisson"``: target and limits are rates per
    unit of exposure (e.g. per resident; multiply by 1000 for per 1,000).

    With ``phi`` <= 1 (or NaN) the limits are the exact binomial/Poisson quantiles with the
    paper's interpolation (the upper one taken from the upper tail, see :func:`_exact_upper`),
    so a point is drawn outside a limit exactly when :func:`funnel_position` calls it outside;
    where even the most extreme count is not improbable (targets near 0% or 100%, small n) the
    limit is the end of the scale. A missing or infinite target raises ValueError.

    With ``phi`` > 1 (over-dispersion, see :func:`estimate_overdispersion`) the distance of each exact limit from the target is
    multiplied by sqrt(phi) (the paper's multiplicative model; for large denominators this is
    its target +/- z * sqrt(phi * V / n)), so allowing for over-dispersion never narrows a
    limit; limits are clipped to the possible range.

    Columns: denominator, target, then lower_<L>, upper_<L> per level (lower_95, upper_95,
    lower_998, upper_998 by default). Zero or missing denominators give null limits.
    """
    _check_target(target, kind)
    if kind == "binomial" and not 0 <= target <= 1:
        raise ValueError("a binomial target is a proportion between 0 and 1")
    if target < 0:
        raise ValueError("target must not be negative")
    den = np.atleast_1d(_arr(denominators))
    ok = np.isfinite(den) & (den > 0)
    if kind == "binomial":
        ok &= np.round(np.where(ok, den, 0)) >= 1
    safe = np.where(ok, den, 1.0)
    out: dict[str, Any] = {
        "denominator": pl.Series("denominator", den, dtype=pl.Float64).fill_nan(None),
        "target": pl.Series("target", np.full(den.shape, float(target)), dtype=pl.Float64),
    }
    overdispersed = phi is not None and phi > 1
    for level in levels:
        tail = (1 - level) / 2
        suffix = _level_suffix(level)
        lower = np.maximum(_exact_limit(tail, target, safe, kind), 0.0)
        upper = np.maximum(_exact_upper(tail, target, safe, kind), 0.0)
        if overdispersed:
            # Widen the exact limits by sqrt(phi) about the target: the paper's multiplicative
            # model, without its normal approximation, which for small denominators is
            # narrower than the exact limits and would make allowing for over-dispersion
            # call a force *more* extreme.
            widen = np.sqrt(phi)
            lower = np.maximum(target - widen * (target - lower), 0.0)
            upper = target + widen * (upper - target)
        if kind == "binomial":
            upper = np.minimum(upper, 1.0)
        out[f"lower_{suffix}"] = np.where(ok, lower, np.nan)
        out[f"upper_{suffix}"] = np.where(ok, upper, np.nan)
    frame = pl.DataFrame(out)
    return frame.with_columns(pl.col(pl.Float64).fill_nan(None))


def funnel_curve(
    target: float,
    max_denominator: float,
    *,
    min_denominator: float = 1.0,
    points: int = 200,
    kind: str = "binomial",
    levels: Sequence[float] = (0.95, 0.998),
    phi: float = 1.0,
) -> pl.DataFrame:
    """Funnel limits on a log-spaced grid of denominators, for drawing the funnel's lines."""
    lo = max(float(min_denominator), 1e-9)
    hi = max(float(max_denominator), lo)
    grid = np.geomspace(lo, hi, max(points, 2))
    if kind == "binomial":
        grid = np.unique(np.maximum(np.round(grid), 1.0))
    return funnel_limits(target, grid, kind=kind, levels=levels, phi=phi)


def _z_scores(num: np.ndarray, den: np.ndarray, target: float, kind: str) -> np.ndarray:
    var = target * (1 - target) if kind == "binomial" else target
    with np.errstate(invalid="ignore", divide="ignore"):
        return (num / den - target) / np.sqrt(var / den)


def estimate_overdispersion(
    numerators: Any,
    denominators: Any,
    target: float,
    *,
    kind: str = "binomial",
    winsorize: float = 0.10,
) -> float:
    """Over-dispersion factor phi from standardised z-scores (Spiegelhalter 2005, section 6).

    z_i = (y_i - target) / sqrt(V(target) / n_i); the z-scores are Winsorised (those below the
    10th percentile set to it, those above the 90th set to it) so a few genuine outliers do not
    inflate phi; phi is the mean of the squared z-scores. Under no over-dispersion I * phi is
    roughly chi-square on I - 1 degrees of freedom, so phi near 1 means "no extra variation".
    Units with zero or missing denominators are ignored; with no usable unit, NaN.
    """
    num = np.atleast_1d(_arr(numerators))
    den = np.atleast_1d(_arr(denominators))
    if not math.isfinite(target) or target <= 0 or (kind == "binomial" and target >= 1):
        return math.nan
    z = _z_scores(num, den, target, kind)
    z = z[np.isfinite(z)]
    if z.size == 0:
        return math.nan
    if winsorize:
        lo, hi = np.percentile(z, [100 * winsorize, 100 * (1 - winsorize)])
        z = np.clip(z, lo, hi)
    return float(np.mean(z**2))


def overdispersion_p_value(phi: float, units: int) -> float:
    """P-value of 'no over-dispersion': units x phi against chi-squared on units - 1 df.

    Spiegelhalter (2005) section 3.4: under the null the sum of squared z-scores is
    chi-squared; a small p-value means the units vary more than chance alone explains.
    """
    if not (units > 1 and math.isfinite(phi)):
        return math.nan
    return float(st.chi2.sf(units * phi, units - 1))


OVERDISPERSION_ALPHA = 0.05


def overdispersion_significant(phi: float, units: int, alpha: float = OVERDISPERSION_ALPHA) -> bool:
    """True when the units vary more than chance explains: phi > 1 and its p-value < alpha.

    The rule for the funnel's default (Spiegelhalter 2005, sections 3.4 and 6): when the test of
    'no over-dispersion' is significant, limits from the binomial or Poisson distribution alone
    flag a large share of units for reasons that are not special to them (case mix, recording),
    so the adjusted limits are the ones to judge by; otherwise the unadjusted ones are.
    """
    p = overdispersion_p_value(phi, units)
    return bool(math.isfinite(p) and phi > 1 and p < alpha)


def funnel_tails(numerators: Any, denominators: Any, target: float, *, kind: str = "binomial") -> tuple:
    """Exact one-sided tail probabilities of each count under the target: (P(X >= r), P(X <= r)).

    X is Binomial(n, target) (n rounded to a whole number) or Poisson(target * exposure). These
    decide whether a unit is outside a funnel limit (see :func:`funnel_position`); twice the
    smaller of the two is the exact two-sided p-value. Invalid units (missing, non-finite or
    non-positive denominators, negative counts, more successes than trials) give NaN.
    """
    _check_target(target, kind)
    num = np.atleast_1d(_arr(numerators)).astype(float)
    den = np.atleast_1d(_arr(denominators)).astype(float)
    num, den = np.broadcast_arrays(num, den)
    valid = np.isfinite(num) & np.isfinite(den) & (den > 0) & (num >= 0)
    if kind == "binomial":
        valid &= np.round(np.where(valid, den, 0)) >= 1
        valid &= num <= np.round(np.where(valid, den, 0)) + 1e-9
    r = np.where(valid, num, 0.0)
    size = np.where(valid, den, 1.0)
    hi, lo = np.ceil(r - 1e-9), np.floor(r + 1e-9)
    if kind == "binomial":
        trials = np.round(size)
        upper = st.binom.sf(hi - 1, trials, target)
        lower = st.binom.cdf(lo, trials, target)
    else:
        upper = st.poisson.sf(hi - 1, target * size)
        lower = st.poisson.cdf(lo, target * size)
    return (np.where(valid, upper, np.nan), np.where(valid, lower, np.nan))


def funnel_position(
    numerators: Any,
    denominators: Any,
    target: float,
    *,
    kind: str = "binomial",
    phi: float = 1.0,
    levels: tuple[float, float] = (0.95, 0.998),
) -> pl.Series:
    """Where each unit sits on the funnel: "above 99.8%", "above 95%", "within", ...

    A unit is above a limit at level L only when its count is improbable under the target: the
    exact tail P(X >= r) is below (1 - L) / 2 (and below for P(X <= r)). So a unit whose value
    equals the target, or whose exact two-sided p-value exceeds 1 - L, is never flagged, even
    where the interpolated limits of :func:`funnel_limits` fall within one count of the end of
    the scale (targets at or near 0% and 100%). With ``phi`` > 1 the unit must also lie beyond
    the widened limit (a point exactly on a limit counts as within it).

    A unit with no usable denominator, a negative or non-finite count, or (binomial) more
    successes than trials gets null rather than a position. The wording deliberately never
    says better or worse: the metric registry's direction decides that, and a unit within the
    limits is never ranked.
    """
    _check_target(target, kind)
    num = np.atleast_1d(_arr(numerators))
    den = np.atleast_1d(_arr(denominators))
    up_tail, low_tail = funnel_tails(num, den, target, kind=kind)
    # a tail equal to alpha is on the limit, so within it (with room for rounding in the cdf)
    (a_in, a_out) = ((1 - level) / 2 * (1 - 1e-9) for level in levels)
    with np.errstate(invalid="ignore", divide="ignore"):
        y = num / den
        above_out, above_in = up_tail < a_out, up_tail < a_in
        below_out, below_in = low_tail < a_out, low_tail < a_in
        if phi is not None and phi > 1:
            inner, outer = (_level_suffix(level) for level in levels)
            lim = funnel_limits(target, den, kind=kind, levels=levels, phi=phi)
            lo_in, hi_in, lo_out, hi_out = (
                _arr(lim[f"{side}_{suffix}"])
                for side, suffix in (("lower", inner), ("upper", inner), ("lower", outer), ("upper", outer))
            )
            above_out, above_in = above_out & (y > hi_out), above_in & (y > hi_in)
            below_out, below_in = below_out & (y < lo_out), below_in & (y < lo_in)
        labels = np.select(
            [above_out, above_in, below_out, below_in],
            [FUNNEL_ABOVE_OUTER, FUNNEL_ABOVE_INNER, FUNNEL_BELOW_OUTER, FUNNEL_BELOW_INNER],
            default=FUNNEL_WITHIN,
        ).astype(object)
    labels[~np.isfinite(up_tail)] = None
    return pl.Series("position", labels.tolist(), dtype=pl.String)


# --------------------------------------------------------------------------- SPC


def _runs(keys: np.ndarray) -> list[tuple[int, int, int]]:
    """Maximal runs of equal non-zero keys as (start, stop, key); zero keys break runs."""
    runs = []
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            if keys[start] != 0:
                runs.append((start, i, int(keys[start])))
            start = i
    return runs


def spc(
    values: Any,
    *,
    run_length: int = 7,
    trend_length: int = 7,
    baseline: int | Sequence[bool] | None = None,
) -> pl.DataFrame:
    """XmR (individuals) chart with the Making Data Count special-cause rules.

    Centre line = mean of the baseline points; process limits = mean +/- 2.66 * mean moving
    range (moving ranges of consecutive non-missing baseline points). ``baseline`` is None
    (all points), the number of leading points, or a boolean mask; limits are then projected
    over the whole series.

    Rules, with the defaults used by NHS England's Making Data Count programme as implemented
    in the NHS-R package NHSRplotthedots (R/ptd_calculate_point_type.R, functions
    ``ptd_seven_point_one_side_mean`` and ``ptd_seven_point_trend``, CRAN,
    https://rdrr.io/cran/NHSRplotthedots/src/R/ptd_calculate_point_type.R):

    * ``beyond_limits``: a point above the upper or below the lower process limit;
    * ``run`` (a "shift"): every point of a run of >= ``run_length`` (7) consecutive points on
      the same side of the mean; a point exactly on the mean (or missing) breaks the run;
    * ``trend``: every point of >= ``trend_length`` (7) consecutive points each higher (or
      each lower) than the one before; a repeated value or a missing point breaks it.

    Making Data Count also uses "two of three points close to a limit"; it is not applied
    here. ``signal`` names one rule per point, the first that applies in this order: "beyond
    limits", "run above centre" / "run below centre", "rising trend" / "falling trend", else "".
    Limits are not clipped at zero. Fewer than two baseline points give null limits.
    """
    y = np.atleast_1d(_arr(values)).ravel()
    n = y.size
    if baseline is None:
        mask = np.ones(n, dtype=bool)
    elif isinstance(baseline, int | np.integer):
        mask = np.arange(n) < int(baseline)
    else:
        mask = np.asarray(baseline, dtype=bool)
        if mask.shape != (n,):
            raise ValueError("baseline mask must have one entry per value")
    base = y[mask & np.isfinite(y)]
    mean = float(np.mean(base)) if base.size else math.nan
    if base.size >= 2:
        mr_bar = float(np.mean(np.abs(np.diff(base))))
        lower, upper = mean - XMR_CONSTANT * mr_bar, mean + XMR_CONSTANT * mr_bar
    else:
        lower = upper = math.nan
    finite = np.isfinite(y)
    with np.errstate(invalid="ignore"):
        beyond = finite & ((y > upper) | (y < lower)) if np.isfinite(upper) else np.zeros(n, bool)

    side = np.zeros(n, dtype=int)
    if np.isfinite(mean):
        side = np.where(finite, np.sign(y - mean), 0).astype(int)
    run = np.zeros(n, dtype=bool)
    run_side = np.zeros(n, dtype=int)
    for start, stop, key in _runs(side):
        if stop - start >= run_length:
            run[start:stop] = True
            run_side[start:stop] = key

    # step[i] = +1 if y[i] > y[i-1], -1 if lower, 0 otherwise; a trend of k points is a run
    # of k - 1 equal non-zero steps
    step = np.zeros(n, dtype=int)
    if n > 1:
        with np.errstate(invalid="ignore"):
            d = np.diff(y)
        step[1:] = np.where(np.isfinite(d), np.sign(d), 0).astype(int)
    trend = np.zeros(n, dtype=bool)
    trend_dir = np.zeros(n, dtype=int)
    for start, stop, key in _runs(step):
        if stop - start + 1 >= trend_length:
            first = start - 1
            trend[first:stop] = True
            # a point can end one trend and start the opposite one; the earlier trend wins
            trend_dir[first:stop] = np.where(trend_dir[first:stop] == 0, key, trend_dir[first:stop])

    signal = []
    for i in range(n):
        if beyond[i]:
            signal.append("beyond limits")
        elif run[i]:
            signal.append("run above centre" if run_side[i] > 0 else "run below centre")
        elif trend[i]:
            signal.append("rising trend" if trend_dir[i] > 0 else "falling trend")
        else:
            signal.append("")
    return pl.DataFrame(
        {
            "value": pl.Series(y, dtype=pl.Float64).fill_nan(None),
            "mean": pl.Series(np.full(n, mean), dtype=pl.Float64).fill_nan(None),
            "lower": pl.Series(np.full(n, lower), dtype=pl.Float64).fill_nan(None),
            "upper": pl.Series(np.full(n, upper), dtype=pl.Float64).fill_nan(None),
            "beyond_limits": pl.Series(beyond, dtype=pl.Boolean),
            "run": pl.Series(run, dtype=pl.Boolean),
            "trend": pl.Series(trend, dtype=pl.Boolean),
            "signal": pl.Series(signal, dtype=pl.String),
            "in_baseline": pl.Series(mask, dtype=pl.Boolean),
        }
    )


# --------------------------------------------------------------------------- comparisons


def compare_proportions(n1: float, d1: float, n2: float, d2: float, confidence: float = 0.95) -> dict:
    """Difference of two proportions (first minus second) with Newcombe's hybrid score interval.

    Newcombe (1998) method 10: from the Wilson limits (l_i, u_i) of each proportion,
    lower = d - sqrt((p1 - l1)^2 + (u2 - p2)^2), upper = d + sqrt((u1 - p1)^2 + (p2 - l2)^2).
    For 56/70 vs 48/80 that is 0.0524 to 0.3339. ``significant`` is True when the interval
    excludes zero. Proportions are on the 0-1 scale.
    """
    l1, u1 = wilson(n1, d1, confidence)
    l2, u2 = wilson(n2, d2, confidence)
    if not all(np.isfinite([l1, u1, l2, u2])):
        nan = math.nan
        return {"p1": nan, "p2": nan, "difference": nan, "lower": nan, "upper": nan,
                "significant": False, "confidence": confidence}
    p1, p2 = n1 / d1, n2 / d2
    diff = p1 - p2
    lower = diff - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    upper = diff + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return {
        "p1": p1,
        "p2": p2,
        "difference": diff,
        "lower": lower,
        "upper": upper,
        "significant": bool(lower > 0 or upper < 0),
        "confidence": confidence,
    }


def compare_counts(
    c1: float, c2: float, exposure1: float = 1, exposure2: float = 1, confidence: float = 0.95
) -> dict:
    """Ratio of two Poisson rates (first over second) with an exact conditional interval.

    Given the total c1 + c2, c1 is binomial with p = e1 R / (e1 R + e2); a Clopper-Pearson
    interval (p_L, p_U) for p maps to R = p / (1 - p) * e2 / e1. This is the interval R's
    ``poisson.test`` reports for two samples (e.g. 11 events in 800 vs 21 in 3011:
    ratio 1.971, 95% interval 0.858 to 4.277). ``significant`` is True when the interval
    excludes one. A zero second count gives an infinite upper limit; two zeros give NaN.
    """
    _z(confidence)
    bad = {"ratio": math.nan, "lower": math.nan, "upper": math.nan, "significant": False,
           "confidence": confidence}
    if not all(np.isfinite([c1, c2, exposure1, exposure2])) or exposure1 <= 0 or exposure2 <= 0:
        return bad
    if c1 < 0 or c2 < 0 or c1 + c2 == 0:
        return bad
    total = c1 + c2
    alpha = 1 - confidence
    p_lo = 0.0 if c1 == 0 else float(st.beta.ppf(alpha / 2, c1, c2 + 1))
    p_hi = 1.0 if c2 == 0 else float(st.beta.ppf(1 - alpha / 2, c1 + 1, c2))
    scale = exposure2 / exposure1
    lower = p_lo / (1 - p_lo) * scale
    upper = math.inf if p_hi >= 1 else p_hi / (1 - p_hi) * scale
    ratio = math.inf if c2 == 0 else (c1 / exposure1) / (c2 / exposure2)
    return {
        "ratio": ratio,
        "lower": lower,
        "upper": upper,
        "significant": bool(lower > 1 or upper < 1),
        "confidence": confidence,
        "total": total,
    }
