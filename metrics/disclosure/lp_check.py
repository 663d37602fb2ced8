"""What an attacker can derive about each hidden cell: its feasible range by linear programming.

Why: the line rule of :mod:`metrics.disclosure.line_rule` looks at one line at a time, and
patterns spread over several lines (the 'dumbbell') can still pin a cell. Here every hidden
cell's range is checked against every published equation (each line: parent = sum of its
children; shown cells are constants, hidden cells >= 0): it must not be narrower than one
(counts are whole numbers) and must reach 0 or the threshold.

Fast because a range only needs to be shown wide enough, not computed: any solution of the
equations is a witness. A few LPs over each connected component (cells sharing lines) push every
cell in doubt down, up and at random at once, and certify most cells; a cell still in doubt gets
LPs of its own over a growing neighbourhood (fixing the hidden cells outside it at their true
values leaves a smaller system whose solutions still solve the whole one), and last over its
whole component, which gives its exact range. In a component too big for that, a cell the
neighbourhoods cannot clear fails with ``exact=False`` (it may be safe: one more complement is
cheaper than its exact range); it must never pass unproven. A line with one unknown pins it
without any LP. Hiding more cells only
widens ranges, so a cell once certified stays certified and the engine re-checks only what
failed or changed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import linprog
from scipy.sparse.csgraph import connected_components

EPS = 1e-6
BLOCK = 300
"""A quarter of the largest neighbourhood solved for one cell."""
RADII = (2, 4)
"""Line hops of the neighbourhoods tried before a cell's whole component."""
WHOLE = 2000
"""Largest component solved whole for one cell; beyond it a cell the neighbourhoods cannot
certify counts as failing with an inexact range (one more complement is cheaper than a slow
exact answer; :func:`exact_range` gives it when no complement is left)."""


@dataclass(frozen=True)
class Failure:
    """A hidden cell an attacker can pin (``hi - lo < 1``) or place inside 1..threshold - 1."""

    cell: int
    lo: float
    hi: float
    exact: bool = True
    """False when the range is only what the neighbourhoods reached (the cell may be safe)."""


@dataclass(frozen=True)
class System:
    """The published equations: lines as offsets ``ptr`` into ``members`` (parent first),
    ``value`` of every cell and which cells are unknown to the attacker (``variable``)."""

    ptr: np.ndarray
    members: np.ndarray
    value: np.ndarray
    variable: np.ndarray


def acceptable(lo: np.ndarray, hi: np.ndarray, threshold: int) -> np.ndarray:
    """A range is safe when it is at least one wide and reaches 0 or the threshold."""
    return (hi - lo >= 1 - EPS) & ((lo <= EPS) | (hi >= threshold - EPS))


class _Unknowns:
    """The equations restricted to the unknowns: per line its unknown members and the known
    rest moved to the right-hand side; per unknown its lines."""

    def __init__(self, s: System):
        n, n_lines = len(s.value), len(s.ptr) - 1
        sizes = np.diff(s.ptr)
        line_of = np.repeat(np.arange(n_lines), sizes)
        sign = -np.ones(len(s.members))
        sign[s.ptr[:-1][sizes > 0]] = 1.0
        var = s.variable[s.members]
        known = np.where(s.variable, 0.0, s.value)
        self.rhs = -np.bincount(line_of, weights=sign * known[s.members], minlength=n_lines)
        self.value = s.value.astype(float)
        self.m_cell, self.m_line, self.m_sign = s.members[var], line_of[var], sign[var]
        self.line_ptr = np.r_[0, np.cumsum(np.bincount(self.m_line, minlength=n_lines))]
        order = np.argsort(self.m_cell, kind="stable")
        self.cell_ptr = np.r_[0, np.cumsum(np.bincount(self.m_cell, minlength=n))]
        self.cell_entries = order
        graph = sparse.coo_matrix((np.ones(len(self.m_cell)), (self.m_cell, n + self.m_line)),
                                  shape=(n + n_lines,) * 2).tocsr()
        _, labels = connected_components(graph, directed=False)
        self.label = np.where(s.variable, labels[:n], -1)
        self.per_line = np.diff(self.line_ptr)
        self.by_label = np.argsort(self.label, kind="stable")
        self.label_ptr = np.searchsorted(self.label[self.by_label], np.arange(labels.max() + 2))
        self.cap = max(1e6, 10 * float(np.abs(s.value).sum()))
        self.n = n

    def component(self, cell: int) -> np.ndarray:
        """The unknowns sharing a component with ``cell``, in cell order."""
        k = self.label[cell]
        return self.by_label[self.label_ptr[k]:self.label_ptr[k + 1]]

    def lines_of(self, cells: np.ndarray) -> np.ndarray:
        return np.unique(self.m_line[self.cell_entries[_ranges(self.cell_ptr, cells)]])

    def entries_of(self, lines: np.ndarray) -> np.ndarray:
        return _ranges(self.line_ptr, lines)

    def grow(self, cells: np.ndarray, hops: int, limit: int) -> np.ndarray:
        """The unknowns within ``hops`` lines of ``cells`` (stopping before ``limit`` cells)."""
        for _ in range(hops):
            wider = np.unique(self.m_cell[self.entries_of(self.lines_of(cells))])
            if len(wider) > limit or len(wider) == len(cells):
                return cells if len(wider) > limit else wider
            cells = wider
        return cells


def _ranges(ptr: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """The concatenated index ranges ``ptr[i]:ptr[i + 1]`` for ``i`` in ``idx``."""
    starts, ends = ptr[idx], ptr[idx + 1]
    lens = ends - starts
    if lens.sum() == 0:
        return np.zeros(0, dtype=np.int64)
    offs = np.repeat(starts - np.r_[0, np.cumsum(lens)[:-1]], lens)
    return np.arange(lens.sum()) + offs


class _Solver:
    """LPs over a set of unknowns with every other unknown fixed at its true value."""

    def __init__(self, u: _Unknowns):
        self.u = u
        self.mask = np.zeros(u.n, dtype=bool)

    def points(self, cells: np.ndarray, objectives: list[np.ndarray]) -> list[np.ndarray]:
        """One solution per objective (over ``cells``, in their order); unsolved ones skipped."""
        u = self.u
        lines = u.lines_of(cells)
        entries = u.entries_of(lines)
        self.mask[cells] = True
        inside = self.mask[u.m_cell[entries]]
        self.mask[cells] = False
        row = np.searchsorted(lines, u.m_line[entries])
        out_e = entries[~inside]
        b = u.rhs[lines] - np.bincount(row[~inside], weights=u.m_sign[out_e] * u.value[u.m_cell[out_e]],
                                       minlength=len(lines))
        in_e = entries[inside]
        col = np.searchsorted(cells, u.m_cell[in_e])
        a = sparse.csr_matrix((u.m_sign[in_e], (row[inside], col)), shape=(len(lines), len(cells)))
        found = []
        for c in objectives:
            res = linprog(c, A_eq=a, b_eq=b, bounds=(0, u.cap), method="highs")
            if res.status == 0:
                found.append(res.x)
        return found


def audit(system: System, threshold: int, check: np.ndarray | None = None) -> list[Failure]:
    """The unknown cells (of ``check``, default all) whose range fails, in cell order."""
    u = _Unknowns(system)
    check = system.variable.copy() if check is None else check & system.variable
    lo, hi = u.value.copy(), u.value.copy()
    ok = ~check
    single = np.flatnonzero(u.per_line == 1)
    pinned = np.unique(u.m_cell[u.entries_of(single)])
    failures = {int(c): Failure(int(c), u.value[c], u.value[c]) for c in pinned if check[c]}
    ok[pinned] = True
    solver = _Solver(u)

    def witness(cells: np.ndarray, objectives: list[np.ndarray]) -> None:
        for x in solver.points(cells, objectives):
            lo[cells] = np.minimum(lo[cells], x)
            hi[cells] = np.maximum(hi[cells], x)
        ok[cells] |= acceptable(lo[cells], hi[cells], threshold)

    rng = np.random.default_rng(0)
    for block in _batches(u, np.flatnonzero(~ok)):
        for _ in range(3):
            todo = ~ok[block]
            if not todo.any():
                break
            down = np.where(u.value[block] > 0, 1.0, -1.0) * todo
            witness(block, [down, -down, rng.uniform(-1, 1, len(block)) * todo])
    for cell in np.flatnonzero(~ok).tolist():
        if ok[cell]:
            continue
        whole = u.component(cell)
        for hops in (*RADII, None):
            if hops is None and len(whole) > WHOLE:
                failures[cell] = Failure(cell, float(lo[cell]), float(hi[cell]), exact=False)
                break
            cells = whole if hops is None else u.grow(np.array([cell]), hops, 4 * BLOCK)
            j = int(np.searchsorted(cells, cell))
            unit = np.zeros(len(cells))
            unit[j] = 1.0
            witness(cells, [-unit, unit])
            if ok[cell]:
                break
        else:
            failures[cell] = Failure(cell, float(lo[cell]), float(hi[cell]))
    return [failures[c] for c in sorted(failures)]


def exact_range(system: System, cell: int) -> Failure:
    """The exact range of one unknown cell: its two extremes over its whole component."""
    u = _Unknowns(system)
    cells = u.component(cell)
    unit = np.zeros(len(cells))
    unit[int(np.searchsorted(cells, cell))] = 1.0
    xs = [x[int(np.searchsorted(cells, cell))] for x in _Solver(u).points(cells, [unit, -unit])]
    return Failure(cell, float(min(xs, default=u.value[cell])), float(max(xs, default=u.value[cell])))


def _batches(u: _Unknowns, cells: np.ndarray) -> list[np.ndarray]:
    """The whole components holding ``cells``, in cell order, one array each."""
    labels = np.unique(u.label[cells])
    return [u.component(int(u.by_label[u.label_ptr[k]])) for k in labels]
