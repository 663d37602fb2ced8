"""What a range tells the attacker about a hidden number: the one place the audit judges it.

Part of the independent disclosure audit (:mod:`benchmarks.disclosure_audit`). Every hidden
number is a count, so the attacker knows it is one of the whole numbers inside the range a
linear programme gives: [1, 4.5] tells them 1 to 4, a small count, though 4.5 is not below the
threshold. The ranges are judged on those whole numbers.
"""

from __future__ import annotations

import numpy as np

TOLERANCE = 1e-6


def whole(lo, hi) -> tuple[np.ndarray, np.ndarray]:
    """The least and greatest whole numbers in [lo, hi]."""
    return np.ceil(np.asarray(lo) - TOLERANCE), np.floor(np.asarray(hi) + TOLERANCE)


def pinned(lo, hi):
    a, b = whole(lo, hi)
    return b - a < 1


def inside(lo, hi, t: int):
    """Every whole number the range allows is within 1..t-1."""
    a, b = whole(lo, hi)
    return (a >= 1) & (b <= t - 1)


def safe(lo, hi, t: int):
    """At least two whole numbers, reaching 0 or t."""
    a, b = whole(lo, hi)
    return (b - a >= 1) & ((b >= t) | (a <= 0))
