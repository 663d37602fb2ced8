"""The line rule: hide complements until no line gives a hidden cell back by subtraction.

A line (a parent and its children along one dimension) with exactly one hidden cell gives it
back; one whose hidden children add up to less than the threshold tells the attacker they are
all small. Either gets a complement, chosen to lose little: a shown cell the attacker does not
already know (from the previous edition), not a null or a negative correction, non-zero if
possible, a child before the parent, one that also mends another line of its own, then the
smallest value that lifts the hidden sum to the threshold (else the largest), a part before a
published total. Hiding a cell hides its linked cells too (:data:`~metrics.disclosure.families.LINKS`).
A complement left alone on a line with nothing else to hide is pinned by it: it is shown again
(and never picked again) rather than failing the release.

Plain Python lists, not frames: the rule walks a queue of lines and each step touches a handful
of cells, where list indexing is faster than any vectorised call.
"""

from __future__ import annotations

from collections import deque

import numpy as np

SHOWN, PRIMARY, SECONDARY, CARRIED, LINKED = range(5)
REASONS = ("", "primary", "secondary", "carried", "linked")


class ProtectionError(RuntimeError):
    """The release cannot be protected as asked (the message says which cell and why)."""


class LineRule:
    """Hidden state of every node cell and the queue of lines still to check.

    Why the lines of each cell are one flat list with offsets (``lines_of``), not a list per
    cell: a release has hundreds of thousands of cells and the rule touches only those near a
    hidden one, so building a list for each cost more than the whole walk."""

    def __init__(self, ptr: np.ndarray, members: np.ndarray, value: np.ndarray, *,
                 fixed: np.ndarray, known: np.ndarray, threshold: int,
                 partners: dict[int, list[int]]):
        n = len(value)
        self.t = threshold
        self.ptr = ptr.tolist()
        self.members = members.tolist()
        self.value = value.tolist()
        self.fixed = fixed.tolist()
        self.known = known.tolist()
        self.partners = partners
        self.reason = [SHOWN] * n
        self.hcount = [0] * (len(ptr) - 1)
        line_of = np.repeat(np.arange(len(ptr) - 1), np.diff(ptr))
        self._lines = line_of[np.argsort(members, kind="stable")].tolist()
        self._lptr = np.r_[0, np.cumsum(np.bincount(members, minlength=n))].tolist()
        self.rank = np.bincount(members[ptr[:-1]], minlength=n).tolist()
        """How many lines a cell heads: 0 for a leaf, more for the totals people read."""
        self.queue: deque[int] = deque()
        self.queued = [False] * (len(ptr) - 1)
        self.changed: list[int] = []

    def lines_of(self, cell: int) -> list[int]:
        """The lines ``cell`` is on, in line order."""
        return self._lines[self._lptr[cell]:self._lptr[cell + 1]]

    def hide(self, cell: int, reason: int) -> None:
        """Hide ``cell`` and, with reason 'linked', the cells linked to it."""
        stack = [(cell, reason)]
        hcount, queued, queue = self.hcount, self.queued, self.queue
        while stack:
            c, why = stack.pop()
            if self.reason[c] != SHOWN or self.fixed[c]:
                continue
            self.reason[c] = why
            self.changed.append(c)
            for line in self._lines[self._lptr[c]:self._lptr[c + 1]]:  # self.lines_of(c), inlined
                hcount[line] += 1
                if not queued[line]:
                    queued[line] = True
                    queue.append(line)
            linked = self.partners.get(c)
            if linked:
                stack.extend([(p, LINKED) for p in linked])

    def reveal(self, cell: int) -> None:
        """Show a complement again and never pick it again: for a hidden cell the attacker can
        pin anyway (showing it tells nothing more), so its lines are checked again."""
        self.reason[cell] = SHOWN
        self.known[cell] = True
        for line in self.lines_of(cell):
            self.hcount[line] -= 1
            if not self.queued[line]:
                self.queued[line] = True
                self.queue.append(line)

    def run(self) -> None:
        """Work the queue until every line with hidden cells is protected by the rule: one with
        a single hidden cell, or whose hidden children add up to less than the threshold."""
        queue, queued, hcount, reason = self.queue, self.queued, self.hcount, self.reason
        while queue:
            line = queue.popleft()
            queued[line] = False
            if hcount[line] == 0:
                continue
            cells = self.members[self.ptr[line]:self.ptr[line + 1]]
            s = self._hidden_sum(cells)
            if hcount[line] != 1 and (reason[cells[0]] != SHOWN or s >= self.t):
                continue
            pick = self._best(line, cells, s)
            if pick is not None:
                self.hide(pick[-1], SECONDARY)
            elif hcount[line] == 1:
                cell = next(c for c in cells if reason[c] != SHOWN)
                if reason[cell] != SECONDARY or self.partners.get(cell):
                    raise ProtectionError(f"cell {cell} is the only cell of its line that can be hidden")
                self.reveal(cell)  # a complement its line pins: hiding it protects nothing

    def _cells(self, line: int) -> list[int]:
        return self.members[self.ptr[line]:self.ptr[line + 1]]

    def _hidden_sum(self, cells: list[int]) -> float:
        """The known sum of a line's hidden children (0 when its parent is hidden too)."""
        reason = self.reason
        if reason[cells[0]] != SHOWN:
            return 0.0
        return sum([self.value[c] for c in cells[1:] if reason[c] != SHOWN])

    def best(self, line: int) -> tuple | None:
        """The sort key of the complement to hide on ``line`` (its cell last), None if none."""
        cells = self._cells(line)
        return self._best(line, cells, self._hidden_sum(cells))

    def _best(self, line: int, cells: list[int], s: float) -> tuple | None:
        """:meth:`best` given the line's cells and hidden sum ``s``. The key's first two parts
        (zero, parent) are compared before its third (how many other lines of the cell it
        mends, the dear part): a cell they already rank behind the best so far cannot win."""
        reason, fixed, known, value, hcount = self.reason, self.fixed, self.known, self.value, self.hcount
        lines_at, lptr, single = self._lines, self._lptr, hcount[line] == 1
        best = None
        for c in cells:
            if reason[c] != SHOWN or fixed[c] or known[c]:
                continue
            v = value[c]
            zero, parent = v <= 0, c == cells[0]
            if best is not None and (zero > best[0] or (zero == best[0] and parent > best[1])):
                continue
            lines = lines_at[lptr[c]:lptr[c + 1]]  # self.lines_of(c), inlined: the rule's hottest loop
            mends = [hcount[other] for other in lines].count(1) - (lines.count(line) if single else 0)
            enough = s + v >= self.t
            key = (zero, parent, -mends, not enough, self.rank[c], v if enough else -v, c)
            if best is None or key < best:
                best = key
        return best

    def mend(self, cell: int) -> bool:
        """Hide one more complement as near ``cell`` as possible: the best on its own lines, else
        on the lines of the hidden cells sharing a line with it, and so on; False if none."""
        seen, frontier = {cell}, [cell]
        while frontier:
            lines = sorted({line for c in frontier for line in self.lines_of(c)})
            keys = [k for k in (self.best(line) for line in lines) if k is not None]
            if keys:
                self.hide(min(keys)[-1], SECONDARY)
                return True
            frontier = sorted({c for line in lines for c in self._cells(line)
                               if self.reason[c] != SHOWN and c not in seen})
            seen.update(frontier)
        return False
