"""Funnel plots (Spiegelhalter 2005): exact limits, over-dispersion, each force's position."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import polars as pl

from metrics.stats._arrays import _arr, _level_suffix, scipy_stats

FUNNEL_ABOVE_OUTER = "above 99.8%"
FUNNEL_ABOVE_INNER = "above 95%"
FUNNEL_WITHIN = "within"
FUNNEL_BELOW_INNER = "below 95%"
FUNNEL_BELOW_OUTER = "below 99.8%"




def _check_target(target: float, kind: str) -> None:
    """A funnel needs a finite target; an infinite or missing one is a caller's bug, said plainly."""
    if kind not in {"binomial", "poisson"}:
        raise ValueError("kind must be 'binomial' or 'poisson'")
    if target is None or not math.isfinite(target):
        raise ValueError(f"the funnel's target must be a finite number, got {target!r}")


def _dist(target: float, den: np.ndarray, kind: str):
    st = scipy_stats()
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
    return float(scipy_stats().chi2.sf(units * phi, units - 1))


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
    st = scipy_stats()
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
