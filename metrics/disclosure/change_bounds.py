"""What an attacker holding two editions can bound about the changes of revised cells.

Why bounds, not only exact answers: subtracting the two editions of a line leaves an equation
over the changes (new less old value) of its revised cells, and an attacker knows more about
each change than whether it is shown. A count is never below zero, so a change is at least minus
the old value and at most the new one; and a cell that is not the same number in both editions
changed, so its change is not zero. At 1,500 cases two outcome-0 cells of Devon and Cornwall,
hidden at 1 in the first edition and shown as 0 in the next, were each given back at 1: the
year's outcome 0, shown in both editions (8, then 6), fell by 2, and each change is at most -1.
No line of changes had one unknown, so the exact rule of :mod:`metrics.disclosure.editions` did
not see it.

How: interval propagation (bounds consistency) over the lines of changes, the way a solver
presolves: each line ``sum(sign * change) = 0`` bounds each of its changes by the others' bounds,
each change is bounded by its cell's old and new values (known where shown, at least 0 where
hidden), whole numbers are rounded inwards, and a revised cell's change is not 0. Repeated until
nothing moves. It finds what these equations and bounds give, not everything a linear programme
over both editions would (that is ``RASSO_PROTECTION_CHECK=lp`` and the independent audit).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_ROUNDS = 200
"""Propagation stops here even if bounds still move (a cycle shaving one at a time)."""


@dataclass
class Terms:
    """The lines of changes: line ``i`` is ``sign[j] * change[var[j]]`` summed over
    ``ptr[i] <= j < ptr[i + 1]``, equal to zero."""

    ptr: np.ndarray
    var: np.ndarray
    sign: np.ndarray

    @property
    def line_of(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.ptr) - 1), np.diff(self.ptr))


@dataclass
class Bounds:
    """Per variable: its change's bounds and its old and new values' bounds (``inf`` unbounded),
    and the lines that first bounded its change below and above (-1: none, or its own values)."""

    lo: np.ndarray
    hi: np.ndarray
    old: tuple[np.ndarray, np.ndarray]
    new: tuple[np.ndarray, np.ndarray]
    via: tuple[np.ndarray, np.ndarray]


def propagate(terms: Terms, old: tuple[np.ndarray, np.ndarray], new: tuple[np.ndarray, np.ndarray],
              revised: np.ndarray) -> Bounds:
    """Bounds of every variable's change and values. ``old``/``new``: lower and upper bounds of
    each variable's values (equal where shown); ``revised``: variables whose change is not 0."""
    old_lo, old_hi = (np.asarray(a, dtype=float).copy() for a in old)
    new_lo, new_hi = (np.asarray(a, dtype=float).copy() for a in new)
    lo, hi = new_lo - old_hi, new_hi - old_lo
    via_lo, via_hi = np.full(len(lo), -1, dtype=np.int64), np.full(len(lo), -1, dtype=np.int64)
    line_of, n_lines = terms.line_of, len(terms.ptr) - 1
    var, sign = terms.var, terms.sign
    for _ in range(MAX_ROUNDS):
        before = (lo.copy(), hi.copy())
        # each term's own bounds, as sign * change
        t_lo = np.where(sign > 0, lo[var], -hi[var])
        t_hi = np.where(sign > 0, hi[var], -lo[var])
        others_lo = _others(t_lo, line_of, n_lines, -np.inf)
        others_hi = _others(t_hi, line_of, n_lines, np.inf)
        # sign * change = -(sum of the others)
        c_lo = np.where(sign > 0, -others_hi, others_lo)
        c_hi = np.where(sign > 0, -others_lo, others_hi)
        _first(via_lo, var, line_of, (c_lo > lo[var] + 1e-9) & ~np.isfinite(lo[var]))
        _first(via_hi, var, line_of, (c_hi < hi[var] - 1e-9) & ~np.isfinite(hi[var]))
        np.maximum.at(lo, var, c_lo)
        np.minimum.at(hi, var, c_hi)
        lo, hi = np.ceil(lo - 1e-9), np.floor(hi + 1e-9)
        lo = np.where(revised & (lo == 0), 1.0, lo)
        hi = np.where(revised & (hi == 0), -1.0, hi)
        # change = new - old, both at least what is known
        new_lo, new_hi = np.maximum(new_lo, old_lo + lo), np.minimum(new_hi, old_hi + hi)
        old_lo, old_hi = np.maximum(old_lo, new_lo - hi), np.minimum(old_hi, new_hi - lo)
        lo, hi = np.maximum(lo, new_lo - old_hi), np.minimum(hi, new_hi - old_lo)
        if np.array_equal(lo, before[0]) and np.array_equal(hi, before[1]):
            break
    return Bounds(lo, hi, (old_lo, old_hi), (new_lo, new_hi), (via_lo, via_hi))


def _first(via: np.ndarray, var: np.ndarray, line_of: np.ndarray, bounded: np.ndarray) -> None:
    """Record the line that first bounds a variable on one side (where none has yet)."""
    fresh = bounded & (via[var] < 0)
    via[var[fresh]] = line_of[fresh]


def _others(t: np.ndarray, line_of: np.ndarray, n_lines: int, inf: float) -> np.ndarray:
    """Per term, the sum of the other terms of its line (``inf`` where any other is unbounded)."""
    finite = np.isfinite(t)
    total = np.bincount(line_of, weights=np.where(finite, t, 0.0), minlength=n_lines)
    unbounded = np.bincount(line_of, weights=~finite, minlength=n_lines)
    rest = total[line_of] - np.where(finite, t, 0.0)
    return np.where(unbounded[line_of] - (~finite).astype(float) > 0, inf, rest)


def unsafe(lo: np.ndarray, hi: np.ndarray, threshold: int) -> np.ndarray:
    """A hidden count's bounds that pin it or hold it inside 1..threshold - 1."""
    return (hi - lo < 1) | ((lo >= 1) & (hi <= threshold - 1))
