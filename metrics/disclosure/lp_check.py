"""What an attacker can derive about each hidden cell: its feasible range by linear programming.

Why: the line rule of :mod:`metrics.disclosure.linked` only looks at one line at a time, and
patterns spread over several lines (the 'dumbbell') can still pin a cell. Here every hidden
cell's range is computed subject to every published equation (each line: parent = sum of its
children, shown cells as constants, hidden cells >= 0) and checked: it must not be a single
value and must reach 0 or the threshold.

Fast in three steps: hidden cells are split into connected components (cells sharing a line);
a line with one unknown pins it with no LP at all; and in each component a few LPs that push
every unchecked cell up or down at once certify most cells, so a cell gets LPs of its own only
when the batch leaves it in doubt.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import linprog
from scipy.sparse.csgraph import connected_components

EPS = 1e-6


@dataclass(frozen=True)
class Failure:
    """A hidden cell an attacker can pin (``lo == hi``) or place inside 1..threshold - 1."""

    cell: int
    lo: float
    hi: float


@dataclass(frozen=True)
class System:
    """The published equations: lines as offsets ``ptr`` into ``members`` (parent first),
    ``value`` of every cell and which cells are unknown to the attacker (``variable``)."""

    ptr: np.ndarray
    members: np.ndarray
    value: np.ndarray
    variable: np.ndarray

    def line_of(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.ptr) - 1), np.diff(self.ptr))

    def signs(self) -> np.ndarray:
        s = -np.ones(len(self.members))
        s[self.ptr[:-1][np.diff(self.ptr) > 0]] = 1.0
        return s


def acceptable(lo: np.ndarray, hi: np.ndarray, threshold: int) -> np.ndarray:
    """A range is safe when it is not one value and reaches 0 or the threshold.

    Counts are whole numbers, so a range narrower than 1 pins the cell as surely as a point."""
    return (hi - lo >= 1 - EPS) & ((lo <= EPS) | (hi >= threshold - EPS))


def components(system: System) -> tuple[np.ndarray, np.ndarray]:
    """(component label of every cell, -1 for known cells; lines holding one unknown only)."""
    n = len(system.value)
    line_of = system.line_of()
    var = system.variable[system.members]
    m_cells, m_lines = system.members[var], line_of[var]
    graph = sparse.coo_matrix((np.ones(len(m_cells)), (m_cells, n + m_lines)),
                              shape=(n + len(system.ptr) - 1,) * 2).tocsr()
    _, labels = connected_components(graph, directed=False)
    labels = np.where(system.variable, labels[:n], -1)
    per_line = np.bincount(m_lines, minlength=len(system.ptr) - 1)
    return labels, np.flatnonzero(per_line == 1)


def audit(system: System, threshold: int, only: np.ndarray | None = None) -> list[Failure]:
    """Every unknown cell whose range fails, in cell order (only the components holding a cell
    of ``only`` are solved, when given). Lines with one unknown pin it: reported at once."""
    labels, single = components(system)
    line_of, signs = system.line_of(), system.signs()
    var_member = system.variable[system.members]
    pinned = np.unique(system.members[var_member & np.isin(line_of, single)])
    failures = [Failure(int(c), float(system.value[c]), float(system.value[c])) for c in pinned]
    skip = set(labels[pinned].tolist())
    wanted = np.unique(labels[only if only is not None else system.variable])
    wanted = [int(w) for w in wanted if w >= 0 and w not in skip]
    if not wanted:
        return failures
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], [wanted, np.add(wanted, 1)])
    known = np.where(system.variable, 0.0, system.value)
    rhs = -np.bincount(line_of, weights=signs * known[system.members], minlength=len(system.ptr) - 1)
    cap = max(1e6, 10 * float(np.abs(system.value).sum()))
    vm = np.flatnonzero(var_member)
    vm = vm[np.argsort(labels[system.members[vm]], kind="stable")]
    vm_bounds = np.searchsorted(labels[system.members[vm]], [wanted, np.add(wanted, 1)])
    for k in range(len(wanted)):
        cells = order[bounds[0][k]:bounds[1][k]]
        sel = vm[vm_bounds[0][k]:vm_bounds[1][k]]
        failures += _component(cells, system.members[sel], line_of[sel], signs[sel], rhs,
                               system.value, threshold, cap)
    return sorted(failures, key=lambda f: f.cell)


def _component(cells: np.ndarray, m_cells: np.ndarray, m_lines: np.ndarray, signs: np.ndarray,
               rhs: np.ndarray, value: np.ndarray, threshold: int, cap: float) -> list[Failure]:
    """Certify every cell of one component, batch LPs first, then one cell at a time."""
    col = np.searchsorted(cells, m_cells)
    rows, row = np.unique(m_lines, return_inverse=True)
    a = sparse.csr_matrix((signs, (row, col)), shape=(len(rows), len(cells)))
    b = rhs[rows]
    v = value[cells].astype(float)
    lo, hi = v.copy(), v.copy()

    def solve(c: np.ndarray) -> np.ndarray | None:
        res = linprog(c, A_eq=a, b_eq=b, bounds=(0, cap), method="highs")
        return res.x if res.status == 0 else None

    todo = ~acceptable(lo, hi, threshold)
    for direction in (-1.0, 1.0, -1.0, 1.0):
        if not todo.any():
            return []
        x = solve(direction * todo.astype(float))
        if x is not None:
            lo, hi = np.minimum(lo, x), np.maximum(hi, x)
        left = ~acceptable(lo, hi, threshold)
        progress = left.sum() < todo.sum()
        todo = left
        if not progress and direction > 0:
            break
    failures = []
    for j in np.flatnonzero(todo):
        for direction in (1.0, -1.0):
            c = np.zeros(len(cells))
            c[j] = -direction
            x = solve(c)
            if x is not None:
                lo, hi = np.minimum(lo, x), np.maximum(hi, x)
            if acceptable(lo[j:j + 1], hi[j:j + 1], threshold)[0]:
                break
        else:
            failures.append(Failure(int(cells[j]), float(lo[j]), float(hi[j])))
    return failures
