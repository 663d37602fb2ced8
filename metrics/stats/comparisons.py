"""Two-sample comparisons: a difference of proportions, a ratio of rates."""

from __future__ import annotations

import math

import numpy as np

from metrics.stats._arrays import _z, scipy_stats
from metrics.stats.intervals import wilson


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
    st = scipy_stats()
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
