"""Small programmes around one hidden number, tried before the whole programme.

Part of the independent disclosure audit (:mod:`benchmarks.audit_solve`). A whole programme over
a release's largest component (tens of thousands of equations) takes seconds to a minute a
solve, and every hidden number the feasible points seen did not prove safe needs one or two.
Around a number (the unknowns within a few equations of it), two small programmes bound its
range from both sides, and each is sound on its own:

- a **restriction**: those unknowns move, every other stays at a feasible point of the whole
  system, and every equation that touches them is kept; each solution is a feasible point of the
  whole system, so the range it reaches is inside the attacker's (it can prove a number safe);
- a **relaxation**: the same equations, with every unknown in them free (non-negative) and the
  rest of the system dropped; the attacker's range is inside its range (it can prove a number
  pinned or inside 1..t-1, and that range, an outer bound, is the one reported).

A number that neither decides goes on to the whole programme. Nothing here trusts the
protection: the equations are the audit's own, from the published numbers.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from benchmarks.audit_programme import BIG
from benchmarks.audit_ranges import inside, pinned, safe

LIMIT = 3000
"""Most unknowns a neighbourhood grows to (a national total touches every force)."""
DEPTH = 4


class Local:
    """The equations of one programme (rows x its columns) and a feasible point of it."""

    def __init__(self, a: sparse.csc_matrix, b: np.ndarray, point: np.ndarray, t: int):
        self.csc, self.csr, self.b, self.point = a, a.tocsr(), b, point
        self.t = t

    def _rows(self, cols: np.ndarray) -> np.ndarray:
        ptr = self.csc.indptr
        return np.unique(np.concatenate([self.csc.indices[ptr[c]:ptr[c + 1]] for c in cols]))

    def _cols(self, rows: np.ndarray) -> np.ndarray:
        return np.unique(self.csr[rows].indices)

    def around(self, cols: np.ndarray) -> np.ndarray:
        """The unknowns within ``DEPTH`` equations of ``cols``, while fewer than ``LIMIT``."""
        for _ in range(DEPTH):
            rows = self._rows(cols)
            wider = self._cols(rows) if rows.size else cols
            if wider.size > LIMIT or wider.size == cols.size:
                break
            cols = wider
        return cols

    def _range(self, a, b, where: np.ndarray, coefs: np.ndarray) -> tuple[float, float] | None:
        cost = np.zeros(a.shape[1])
        cost[where] = coefs
        found = []
        for sign in (-1.0, 1.0):  # maximum, then minimum
            res = linprog(sign * cost, A_eq=a, b_eq=b, bounds=(0, BIG), method="highs")
            if res.status != 0:
                return None
            found.append(float(cost @ res.x))
        return found[1], found[0]

    def decide(self, cols: np.ndarray, coefs: np.ndarray) -> tuple[str, float, float] | None:
        """('safe', low, high) with a range of feasible values that proves the number safe,
        ('leak', low, high) with an outer range that proves it pinned or inside 1..t-1, or None."""
        inner = self.around(cols)
        rows = self._rows(inner)
        sub = self.csr[rows]
        outside = np.setdiff1d(self._cols(rows), inner)
        rhs = self.b[rows] - sub[:, outside] @ self.point[outside]
        within = self._range(sub[:, inner], rhs, np.searchsorted(inner, cols), coefs)
        if within is not None:
            low, high = within
            if safe(low, high, self.t):
                return "safe", low, high
        free = self._cols(rows)
        outer = self._range(sub[:, free], self.b[rows], np.searchsorted(free, cols), coefs)
        if outer is not None:
            low, high = outer
            if pinned(low, high) or inside(low, high, self.t):
                return "leak", low, high
        return None
