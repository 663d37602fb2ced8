"""What an attacker can work out from published equalities: elimination, then linear programming.

Part of the independent disclosure audit (:mod:`benchmarks.disclosure_audit`). The unknowns are
non-negative (atoms are counts; auxiliary keys are sums of them; negative published corrections
are known constants). Steps: substitute what is known; repeatedly solve every equation left with a
single unknown; split what remains into connected components; then each hidden number's minimum
and maximum by linear programming (scipy ``linprog``, HiGHS) over its components only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from benchmarks.audit_local import Local
from benchmarks.audit_programme import BIG, Programme
from benchmarks.audit_ranges import TOLERANCE, safe, whole


@dataclass
class System:
    """Equations A x = b over ``n`` unknowns, and which unknowns are known constants."""

    n: int
    rows: list[tuple[list[int], list[float]]] = field(default_factory=list)
    rhs: list[float] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)

    def add(self, terms: dict[int, float], rhs: float, label: str = "") -> None:
        cols = [c for c, v in terms.items() if v != 0.0]
        self.rows.append((cols, [terms[c] for c in cols]))
        self.rhs.append(float(rhs))
        self.labels.append(label)

    def matrix(self) -> sparse.csr_matrix:
        indptr = np.cumsum([0] + [len(r[0]) for r in self.rows])
        cols = np.fromiter((c for r in self.rows for c in r[0]), dtype=np.int64, count=int(indptr[-1]))
        data = np.fromiter((v for r in self.rows for v in r[1]), dtype=float, count=int(indptr[-1]))
        return sparse.csr_matrix((data, cols, indptr), shape=(len(self.rows), self.n))


@dataclass
class Reduced:
    """The system after elimination: known values, and the components of what is left."""

    known: np.ndarray
    x: np.ndarray
    a: sparse.csr_matrix  # remaining rows x every unknown (columns of known unknowns are zero)
    b: np.ndarray
    component: np.ndarray  # per unknown: its component, -1 for known ones
    rows_of: dict[int, np.ndarray]  # component -> its rows in ``a``
    eliminated: int = 0
    inconsistent: int = 0


def eliminate(a: sparse.csr_matrix, b: np.ndarray, known: np.ndarray, x: np.ndarray) -> Reduced:
    """Solve every equation with one unknown left, again and again; then components."""
    known, x = known.copy(), x.copy()
    pattern = a.copy()
    pattern.data = np.ones_like(pattern.data)
    active = np.ones(a.shape[0], dtype=bool)
    eliminated = 0
    inconsistent = 0
    while True:
        unknown = (~known).astype(float)
        count = pattern @ unknown
        residual = b - a @ np.where(known, x, 0.0)
        done = active & (count == 0)
        inconsistent += int(np.sum(np.abs(residual[done]) > 1e-4 * np.maximum(1.0, np.abs(b[done]))))
        active &= count > 0
        single = np.flatnonzero(active & (count == 1))
        if single.size == 0:
            break
        sub = a[single].multiply(unknown[None, :]).tocsr()
        sub.eliminate_zeros()
        rows = np.repeat(np.arange(single.size), np.diff(sub.indptr))
        cols, coefs = sub.indices, sub.data
        values = residual[single][rows] / coefs
        cols_u, first = np.unique(cols, return_index=True)
        x[cols_u] = values[first]
        known[cols_u] = True
        eliminated += cols_u.size
        active[single] = False
    rest = np.flatnonzero(active)
    residual = b - a @ np.where(known, x, 0.0)
    left = a[rest].multiply((~known).astype(float)[None, :]).tocsr()
    left.eliminate_zeros()
    component, rows_of = _components(left, known)
    return Reduced(known, x, left, residual[rest], component, rows_of, eliminated, inconsistent)


def _components(left: sparse.csr_matrix, known: np.ndarray) -> tuple[np.ndarray, dict[int, np.ndarray]]:
    m, n = left.shape
    pattern = left.copy()
    pattern.data = np.ones_like(pattern.data)
    graph = sparse.bmat([[None, pattern], [pattern.T, None]], format="csr")
    _, labels = connected_components(graph, directed=False)
    var_label = labels[m:]
    var_label = np.where(known, -1, var_label)
    row_label = labels[:m]
    if m == 0:
        return var_label, {}
    order = np.argsort(row_label, kind="stable")
    labels_used = np.unique(row_label)
    bounds = np.searchsorted(row_label[order], labels_used, side="left")
    rows_of = {int(lab): part for lab, part in zip(labels_used, np.split(order, bounds[1:]), strict=True)}
    return var_label, rows_of




class Solver:
    """Minimum and maximum of linear forms over the reduced system.

    Components are independent, so the programme that maximises the sum of one form per
    component maximises each of them: forms are solved in rounds, one form of every component
    per round, two solves a round of one programme over every component that holds a form.
    """

    def __init__(self, reduced: Reduced):
        self.r = reduced
        self.lps = 0
        self.failures = 0
        self.exact = 0
        self.threshold = 0
        self.point: np.ndarray | None = None
        self.local = {"safe": 0, "leak": 0}
        """Numbers decided by small programmes around them (:mod:`benchmarks.audit_local`)."""
        self.progress = lambda message: None
        """Told where a long solve is (the command line prints it; a whole release takes minutes)."""
        """Forms whose exact minimum and maximum were solved (the rest were proven safe by points)."""

    def split(self, terms: dict[int, float]) -> tuple[float, bool, dict[int, dict[int, float]]]:
        """(known part, whether an unknown is in no equation, the rest by component)."""
        r = self.r
        const, free = 0.0, False
        parts: dict[int, dict[int, float]] = {}
        for i, c in terms.items():
            if r.known[i]:
                const += c * r.x[i]
            elif int(r.component[i]) not in r.rows_of:
                free = free or c > 0  # in no equation: anything from 0 up
            else:
                parts.setdefault(int(r.component[i]), {})[i] = c
        return const, free, parts

    def ranges(self, forms: list[dict[int, float]], truth: np.ndarray, t: int) -> list[tuple[float, float, bool]]:
        """(low, high, exact) of each form (sum of coefficient x unknown).

        First, proofs by feasible points: maximise and minimise the sum of the forms not yet
        proven safe; every solution is a point the attacker cannot rule out, so a form whose
        values seen so far span two whole numbers and reach 0 or t is safe (low and high are
        then bounds seen, not the extremes: ``exact`` False). Every form left gets its exact
        minimum and maximum, in rounds of one form per component.
        """
        self.threshold = t
        split = [self.split(f) for f in forms]
        n = len(forms)
        const = np.array([s[0] for s in split])
        free = np.array([s[1] for s in split], dtype=bool)
        labels = sorted({label for s in split for label in s[2]})
        hi = np.where(free, np.inf, np.asarray(truth, dtype=float))
        lo = np.asarray(truth, dtype=float).copy()
        exact = np.zeros(n, dtype=bool)
        if not labels:
            return [(float(c), float(np.inf if f else c), True) for c, f in zip(const, free, strict=True)]
        model, cols = self._model(labels)
        f_rows, f_cols, f_vals = [], [], []
        for k, (_, _, parts) in enumerate(split):
            for part in parts.values():
                f_rows += [k] * len(part)
                f_cols += list(np.searchsorted(cols, list(part)))
                f_vals += list(part.values())
        forms_matrix = sparse.csr_matrix((f_vals, (f_rows, f_cols)), shape=(n, cols.size))
        has_parts = np.diff(forms_matrix.indptr) > 0
        exact[~has_parts] = True
        lo[~has_parts], hi[~has_parts] = const[~has_parts], np.where(free, np.inf, const)[~has_parts]

        def seen(x: np.ndarray) -> None:
            self.point = x
            v = const + forms_matrix @ x
            v = np.where(v >= BIG / 2, np.inf, v)
            hi[:] = np.maximum(hi, v)
            lo[:] = np.minimum(lo, v)

        def open_() -> np.ndarray:
            return has_parts & ~safe(lo, hi, t) & ~exact

        left = open_()
        while left.any():
            cost = forms_matrix.T @ left.astype(float)
            for maximise in (True, False):
                x = self._solve(model, cost, maximise)
                if x is not None:
                    seen(x)
            now = open_()
            self.progress(f"feasible points: {int(now.sum()):,} of {n:,} hidden numbers open, {self.lps} programmes")
            if left.sum() - now.sum() < max(1, 0.02 * left.sum()):
                break
            left = now
        todo = self._local(split, np.flatnonzero(open_()), model, cols, lo, hi)
        self.progress(f"small programmes: {self.local} decided, {todo.size:,} left for whole programmes")
        self._exact(split, todo, model, cols, lo, hi, exact, seen, open_)
        return list(zip(lo.tolist(), hi.tolist(), exact.tolist(), strict=True))

    def _local(self, split, todo, model, cols, lo, hi) -> np.ndarray:
        """``todo`` less the numbers that small programmes around them decide (their range then
        an inner one of feasible points, or an outer bound: ``exact`` stays False)."""
        if self.point is None:
            return todo
        local = Local(model.a, model.b, self.point, self.threshold)
        rest = []
        for k in todo:
            const, free, parts = split[k]
            found = None
            if not free and len(parts) == 1:
                (part,) = parts.values()
                found = local.decide(np.searchsorted(cols, list(part)), np.array(list(part.values())))
            if found is None:
                rest.append(k)
                continue
            verdict, low, high = found
            self.local[verdict] += 1
            if verdict == "safe":
                lo[k], hi[k] = min(lo[k], const + low), max(hi[k], const + high)
            else:
                lo[k], hi[k] = const + low, const + high
        return np.asarray(rest, dtype=np.int64)

    def _solve(self, model: Programme, cost: np.ndarray, maximise: bool) -> np.ndarray | None:
        x = model.solve(cost, maximise=maximise)
        self.lps += 1
        if x is None:
            self.failures += 1
        return x

    def _exact(self, split, todo, model, cols, lo, hi, exact, seen, open_) -> None:
        """Exact minimum and maximum of the forms ``todo``, one part per component per round.

        Each solution is also a feasible point (``seen``): a form proven safe by one is dropped
        and keeps the span seen (``exact`` False). A form in one component is first solved in
        the direction that can prove it safe alone (up when its range already reaches below 1
        or stays under ``t``, else down), and in the other only when that did not."""
        t = self.threshold
        queue: dict[int, list[tuple[int, dict[int, float]]]] = {}
        low = {int(k): split[k][0] for k in todo}
        high = {int(k): (np.inf if split[k][1] else split[k][0]) for k in todo}
        for k in todo:
            for label, part in split[k][2].items():
                queue.setdefault(label, []).append((int(k), part))
        dropped: set[int] = set()
        depth = max((len(v) for v in queue.values()), default=0)
        for round_ in range(depth):
            self.progress(f"exact ranges: round {round_ + 1:,} of {depth:,}, {self.lps} programmes")
            still = open_()
            dropped |= {int(k) for k in low if not still[k]}
            work = [items[round_] for items in queue.values() if len(items) > round_ and items[round_][0] not in dropped]
            single = {k for k, _ in work if len(split[k][2]) == 1}
            up = {k: bool(k not in single or lo[k] < 1 - TOLERANCE or whole(lo[k], hi[k])[1] <= t - 1) for k, _ in work}
            self._solve_parts(model, cols, [(k, part, up[k]) for k, part in work], seen, (low, high))
            still = open_()
            dropped |= {k for k, _ in work if k in single and not still[k]}
            rest = [(k, part, not up[k]) for k, part in work if k not in dropped]
            self._solve_parts(model, cols, rest, seen, (low, high))
        for k in set(low) - dropped:
            lo[k], hi[k], exact[k] = low[k], high[k], True
        self.exact += len(set(low) - dropped)

    def _solve_parts(self, model, cols, work, seen, bounds) -> None:
        """Add the maximum (``up``) or minimum of each part in ``work`` (``(form, part, up)``, one
        part per component) to its form's (low, high) in ``bounds``: one programme, since the
        components share no unknown, maximising the parts going up less those going down."""
        if not work:
            return
        placed = [(k, np.searchsorted(cols, list(part)), np.array(list(part.values())), up) for k, part, up in work]
        cost = np.zeros(cols.size)
        for _, where, coefs, up in placed:
            cost[where] += coefs if up else -coefs
        x = self._solve(model, cost, True)
        if x is not None:
            seen(x)
        for k, where, coefs, up in placed:
            v = np.nan if x is None else float(coefs @ x[where])
            bounds[up][k] += np.inf if up and v >= BIG / 2 else v

    def _model(self, labels: list[int]) -> tuple[Programme, np.ndarray]:
        rows = np.concatenate([self.r.rows_of[label] for label in labels])
        sub = self.r.a[rows]
        cols = np.unique(sub.indices)
        return Programme(sub[:, cols].tocsc(), self.r.b[rows]), cols
