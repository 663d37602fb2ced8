"""An attacker's view of protected cells, written apart from the engine so the tests check it.

From a protection's output alone (the node cells with ``value`` and ``reason``) this rebuilds the
published equations (a total = the sum of its parts along each dimension, from the names in
:mod:`metrics.disclosure.families`: a quarter adds up into its financial year and into any
12-month window key present that holds it) and solves, for every hidden cell, its least and greatest
value by linear programming (shown cells as constants, hidden cells >= 0). With a previous
edition, both editions' equations are solved together; a cell hidden in both with the same
value is one unknown.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import polars as pl
from scipy import sparse
from scipy.optimize import linprog

from metrics.disclosure.families import (
    ALL,
    BTP,
    NATIONAL,
    NO_OFFENCE,
    TERRITORIAL,
)

KEYS = ("family", "area_code", "period_key", "offence", "category")
_OFFENCE_UP = {"adult_rape": "rape", "child_rape": "rape", "rape": NO_OFFENCE, "other_sexual": NO_OFFENCE}


def leaves_frame(rows: list[tuple]) -> pl.DataFrame:
    """Leaf rows ``(family, area_code, quarter, offence, category, value)`` as the engine takes them."""
    return pl.DataFrame(rows, schema={"family": pl.String, "area_code": pl.String, "quarter": pl.Int64,
                                      "offence": pl.String, "category": pl.String, "value": pl.Float64},
                        orient="row")


def window_lines(out: pl.DataFrame) -> list[list[tuple]]:
    """Every 12-month window line of a protection's output: the window cell, then its four quarters."""
    keys = set(out.select(KEYS).iter_rows())
    lines = []
    for key in sorted(keys):
        family, area, period, offence, category = key
        if period % 10 in (6, 7, 8):
            lines.append([key] + [(family, area, q, offence, category) for q in keys_by_window(period)])
    return lines


def keys_by_window(window: int) -> list[int]:
    """The four quarters of a window key (its last quarter is the key - 5)."""
    year, q = divmod(window - 5, 10)
    out = []
    for _ in range(4):
        out.append(year * 10 + q)
        year, q = (year, q - 1) if q > 1 else (year - 1, 4)
    return out[::-1]


def _windows_holding(quarter: int) -> list[int]:
    """The keys of the three 12-month windows holding ``quarter`` that are not financial years:
    those ending at the first Q1, Q2 and Q3 from ``quarter`` on, keyed by their last quarter + 5
    (written here from that naming rule, not taken from the engine)."""
    year, q = divmod(quarter, 10)
    return [(year if r >= q else year + 1) * 10 + r + 5 for r in (1, 2, 3)]


def parents(key: tuple) -> list[tuple]:
    """The keys one step up from ``key`` along each dimension (whether or not they exist)."""
    family, area, period, offence, category = key
    ups = []
    if area in (TERRITORIAL, BTP):
        ups.append((family, NATIONAL, period, offence, category))
    elif area != NATIONAL:
        ups.append((family, TERRITORIAL, period, offence, category))
    if period % 10 in (1, 2, 3, 4):
        ups.append((family, area, period // 10 * 10, offence, category))
        ups += [(family, area, w, offence, category) for w in _windows_holding(period)]
    if offence in _OFFENCE_UP:
        ups.append((family, area, period, _OFFENCE_UP[offence], category))
    if category != ALL:
        ups.append((family, area, period, offence, ALL))
    return ups


def equations(frame: pl.DataFrame) -> list[tuple[tuple, list[tuple]]]:
    """(total, parts) for every total in ``frame`` that has parts in it."""
    keys = set(frame.select(KEYS).iter_rows())
    parts: dict[tuple, list[tuple]] = defaultdict(list)
    for key in sorted(keys):
        for up in parents(key):
            if up in keys:
                dim = next(i for i in range(5) if up[i] != key[i])
                parts[(up, dim)].append(key)
    return [(total, kids) for (total, _), kids in sorted(parts.items())]


def ranges(out: pl.DataFrame, prior: pl.DataFrame | None = None) -> dict[tuple, tuple[float, float]]:
    """{key: (least, greatest)} of every hidden cell of ``out``, solving both editions together
    with ``prior``. A cell with the same value in both is one number: known if either edition
    shows it, else one unknown of both."""
    editions = {"now": _cells(out)}
    if prior is not None:
        editions["prior"] = _cells(prior)
    var: dict[tuple, int] = {}
    rows, cols, signs, rhs = [], [], [], []
    for tag, frame in (("now", out), ("prior", prior)):
        if frame is None:
            continue
        for total, kids in equations(frame):
            const, line = 0.0, len(rhs)
            for key, sign in [(total, 1.0)] + [(k, -1.0) for k in kids]:
                name = _unknown(tag, key, editions)
                if name is None:
                    const += sign * editions[tag][key][0]
                else:
                    rows.append(line)
                    cols.append(var.setdefault(name, len(var)))
                    signs.append(sign)
            rhs.append(-const)
    a = sparse.csr_matrix((signs, (rows, cols)), shape=(len(rhs), max(len(var), 1)))
    found = {}
    for key, (_, hidden) in sorted(editions["now"].items()):
        name = _unknown("now", key, editions)
        if not hidden:
            continue
        if name is None or name not in var:
            found[key] = (editions["now"][key][0],) * 2 if name is None else (0.0, np.inf)
            continue
        c = np.zeros(len(var))
        c[var[name]] = 1.0
        bounds = []
        for sign in (1.0, -1.0):
            res = linprog(sign * c, A_eq=a, b_eq=rhs, bounds=(0, None), method="highs")
            # the least is always found (cells are >= 0); no greatest means unbounded
            bounds.append(sign * res.fun if res.status == 0 else np.inf)
        found[key] = (bounds[0], bounds[1])
    return found


def _cells(frame: pl.DataFrame) -> dict[tuple, tuple[float, bool]]:
    """{key: (value, hidden)}; a null value (not provided) is a known 0."""
    return {r[:5]: (r[5] or 0.0, bool(r[6])) for r in frame.select(*KEYS, "value", "reason").iter_rows()}


def _unknown(tag: str, key: tuple, editions: dict[str, dict[tuple, tuple[float, bool]]]) -> tuple | None:
    """The unknown a cell of one edition is, or None when the attacker knows its value."""
    value, hidden = editions[tag][key]
    other = editions.get("prior" if tag == "now" else "now", {}).get(key)
    if other is not None and other[0] == value:
        return None if not (hidden and other[1]) else ("both", key)
    return (tag, key) if hidden else None


def unsafe(found: dict[tuple, tuple[float, float]], threshold: int, tol: float = 1e-6) -> dict[tuple, tuple]:
    """The hidden cells an attacker pins or places inside 1..threshold - 1."""
    bad = {}
    for key, (lo, hi) in found.items():
        if hi - lo <= tol or (lo > tol and hi < threshold - tol):
            bad[key] = (lo, hi)
    return bad
