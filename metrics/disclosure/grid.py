"""Every node cell of a release and the equations between them: what the protection works on.

Why a module of its own: the engine (:mod:`metrics.disclosure.linked`) and the audit by linear
programming (:mod:`metrics.disclosure.lp_check`) must agree on exactly which cells exist and which
add up to which, so both read one :class:`Grid`.

A **line** is a parent node and its direct children along one dimension, the other three
coordinates fixed: ``parent - sum(children) = 0``. The period dimension is not a tree: a quarter
is a child of its financial year and of its 12-month window, so it sits on two period lines (and
its leaf value is counted once in each, never twice in one). Lines are held as one flat array of members
(parent first) with offsets, which the engine's loops index as Python lists (fast to slice).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from metrics.disclosure.families import (
    ALL,
    BTP,
    FAMILIES,
    NATIONAL,
    NO_OFFENCE,
    OFFENCE_LEAVES,
    OFFENCE_PARENTS,
    PART_DIGITS,
    TERRITORIAL,
    fy_key,
    is_window_key,
    window_keys,
    window_parts,
    window_quarters,
)

KEYS = ("family", "area_code", "period_key", "offence", "category")
DIMS = KEYS[1:]
_DTYPES = {"family": pl.String, "area_code": pl.String, "period_key": pl.Int64,
           "offence": pl.String, "category": pl.String}


@dataclass(frozen=True)
class Grid:
    """The node cells (``cells``: the keys, ``value``, ``is_null``, ``leaf``), sorted by the keys,
    and the lines: ``members[ptr[i]:ptr[i + 1]]`` is line ``i``, its parent first."""

    cells: pl.DataFrame
    ptr: np.ndarray
    members: np.ndarray

    @property
    def n_lines(self) -> int:
        return len(self.ptr) - 1


def published(cells: pl.DataFrame) -> pl.DataFrame:
    """The cells an output can show: all but the part-years, working nodes protected as if
    published (an attacker can work their totals out) but never shown or stored."""
    return cells.filter(~is_part())


def is_part() -> pl.Expr:
    """True on the part-year cells of a frame with ``period_key``."""
    return (pl.col("period_key") % 10).is_in(list(PART_DIGITS))


def quarters(span: tuple[int, int]) -> list[int]:
    """The quarter keys from ``span[0]`` to ``span[1]`` inclusive (``YYYYQ``, Q in 1..4)."""
    first, last = span
    if first % 10 not in (1, 2, 3, 4) or last % 10 not in (1, 2, 3, 4) or first > last:
        raise ValueError(f"span must be two quarter keys YYYYQ, first <= last; got {span}")
    out, q = [], first
    while q <= last:
        out.append(q)
        q = q + 1 if q % 10 < 4 else (q // 10 + 1) * 10 + 1
    return out


def _edges(family: str, rows: pl.DataFrame, qs: list[int]) -> dict[str, list[tuple[object, object]]]:
    """Per dimension, the (child, parent) edges of the family's nodes, ``(node, None)`` for a node
    without a parent; a period node can have two parents. Leaves are the nodes that are never parents.
    These edges are the lines, as given (not read back off the leaves' ancestors)."""
    areas = sorted(rows["area_code"].unique().to_list())
    bad = {NATIONAL, TERRITORIAL} & set(areas)
    if bad:
        raise ValueError(f"{family}: leaves must be forces, not the totals {sorted(bad)}")
    area = [(a, TERRITORIAL) for a in areas if a != BTP] + [(TERRITORIAL, NATIONAL)]
    area += [(BTP, NATIONAL)] if BTP in areas else []
    period = _period_edges(qs, stock=FAMILIES[family].stock if family in FAMILIES else False)
    offences = set(rows["offence"].unique().to_list())
    if offences == {NO_OFFENCE}:
        offence = [(NO_OFFENCE, None)]
    elif offences <= set(OFFENCE_LEAVES):
        offence = [(c, p) for p, kids in OFFENCE_PARENTS.items() for c in kids] + [(NO_OFFENCE, None)]
    else:
        raise ValueError(f"{family}: offences must be {OFFENCE_LEAVES} or only {NO_OFFENCE!r}, got {sorted(offences)}")
    cats = sorted(rows["category"].unique().to_list())
    if cats == [ALL]:
        category = [(ALL, None)]
    elif ALL in cats:
        raise ValueError(f"{family}: category {ALL!r} is the total of the others; give only one of them")
    else:
        category = [(c, ALL) for c in cats] + [(ALL, None)]
    return {"area_code": area + [(NATIONAL, None)], "period_key": period, "offence": offence, "category": category}


def _period_edges(qs: list[int], *, stock: bool) -> list[tuple[object, object]]:
    """Quarters -> their complete financial year, and quarters -> their complete window ending
    at the release's quarter of the year (:func:`~metrics.disclosure.families.window_keys`): a
    quarter can have both. Where a window and a year share two or more quarters, those quarters
    add up into a part-year node first, the child of both
    (:func:`~metrics.disclosure.families.window_parts`). Stock families have none of these
    (positions are never summed)."""
    if stock:
        return [(q, None) for q in qs]
    complete = {fy_key(q) for q in qs if sum(fy_key(x) == fy_key(q) for x in qs) == 4}
    windows = window_keys((qs[0], qs[-1]))
    part_of = {q: key for w in windows for key, members in window_parts(w) for q in members}
    edges = [(q, part_of[q]) for q in qs if q in part_of]
    edges += [(part, up) for w in windows for part, members in window_parts(w)
              for up in ([w] + ([fy_key(members[0])] if fy_key(members[0]) in complete else []))]
    edges += [(q, fy_key(q)) for q in qs if fy_key(q) in complete and q not in part_of]
    edges += [(q, w) for w in windows for q in window_quarters(w) if q not in part_of]
    roots = sorted(complete) + sorted(windows)
    return list(dict.fromkeys(edges + [(q, None) for q in qs if all(c != q for c, _ in edges)]
                              + [(r, None) for r in roots]))


def _tree(edges: list[tuple[object, object]]) -> tuple[list[object], dict[object, list[object]]]:
    """(leaves, ancestors-or-self of each leaf) of one dimension, whose nodes may have several
    parents (a quarter: its financial year and its window). Each ancestor is listed once per
    leaf, so a node's value summed over its leaves counts every leaf once."""
    up: dict[object, list[object]] = {}
    for c, p in edges:
        up.setdefault(c, [])
        if p is not None:
            up[c].append(p)
            up.setdefault(p, [])
    parents = {p for _, p in edges if p is not None}
    leaves = [n for n in up if n not in parents]
    ups: dict[object, list[object]] = {}
    for leaf in leaves:
        seen, stack = [leaf], [leaf]
        while stack:
            for p in up[stack.pop()]:
                if p not in seen:
                    seen.append(p)
                    stack.append(p)
        ups[leaf] = seen
    return leaves, ups


def _frame(col: str, values: list[object]) -> pl.DataFrame:
    return pl.DataFrame({col: values}, schema={col: _DTYPES[col]})


def _family_cells(family: str, rows: pl.DataFrame, qs: list[int]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(node cells with values, direct edges) of one family. A leaf with no row is a true zero;
    a leaf whose row has a null value was not provided (``is_null``) and counts as 0 in totals."""
    dims = _edges(family, rows, qs)
    trees = {d: _tree(e) for d, e in dims.items()}
    if rows.group_by(list(KEYS)).len()["len"].max() > 1:
        raise ValueError(f"{family}: more than one row for a leaf cell")
    grid = _frame("family", [family])
    for d in DIMS:
        grid = grid.join(_frame(d, trees[d][0]), how="cross")
    leaves = grid.join(rows.with_columns(_row=pl.lit(True)), on=list(KEYS), how="left").select(
        *KEYS, value=pl.col("value").fill_null(0.0),
        is_null=pl.col("_row").fill_null(False) & pl.col("value").is_null(), leaf=pl.lit(True))
    cells = leaves.select(*KEYS, "value")
    for d in DIMS:
        ups = pl.DataFrame([(leaf, a) for leaf, chain in trees[d][1].items() for a in chain],
                           schema={d: _DTYPES[d], "_up": _DTYPES[d]}, orient="row")
        cells = (cells.join(ups, on=d).drop(d).rename({"_up": d})
                 .group_by(list(KEYS)).agg(pl.col("value").sum()))
    cells = (cells.join(leaves.select(*KEYS, "is_null", "leaf"), on=list(KEYS), how="left")
             .with_columns(pl.col("is_null", "leaf").fill_null(False)))
    edges = []
    for d in DIMS:
        e = [(c, p) for c, p in dims[d] if p is not None]
        edges.append(pl.DataFrame({"dim": [d] * len(e), "child": [str(c) for c, _ in e],
                                   "parent": [str(p) for _, p in e]},
                                  schema={"dim": pl.String, "child": pl.String, "parent": pl.String}))
    return cells, pl.concat(edges).with_columns(family=pl.lit(family))


def build_grid(leaves: pl.DataFrame, span: tuple[int, int]) -> Grid:
    """The node cells of every family in ``leaves`` over ``span`` and the lines between them."""
    qs = quarters(span)
    rows = leaves.select(
        *[pl.col(k).cast(_DTYPES[k]) for k in KEYS], pl.col("value").cast(pl.Float64)
    ).filter(pl.col("period_key").is_in(qs))
    parts, edges = [], []
    for family in sorted(rows["family"].unique().to_list()):
        cells, e = _family_cells(family, rows.filter(pl.col("family") == family), qs)
        parts.append(cells)
        edges.append(e)
    if not parts:
        empty = pl.DataFrame(schema={**_DTYPES, "value": pl.Float64, "is_null": pl.Boolean, "leaf": pl.Boolean})
        return Grid(empty, np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64))
    cells = pl.concat(parts).sort(list(KEYS)).with_row_index("idx")
    return Grid(cells, *_lines(cells, pl.concat(edges)))


def _lines(cells: pl.DataFrame, edges: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Line offsets and members (parent first, then children in cell order)."""
    idx = cells.select("idx", *KEYS)
    pairs = []
    for i, d in enumerate(DIMS):
        e = edges.filter(pl.col("dim") == d).select("family", "child", "parent")
        child = idx.with_columns(_c=pl.col(d).cast(pl.String)).join(
            e, left_on=["family", "_c"], right_on=["family", "child"])
        child = child.with_columns(pl.col("parent").cast(_DTYPES[d]).alias(d))
        joined = child.select("idx", *KEYS).join(idx, on=list(KEYS), suffix="_p")
        pairs.append(joined.select(parent=pl.col("idx_p"), child=pl.col("idx"), dim=pl.lit(i)))
    return _offsets(pl.concat(pairs))


def _offsets(pairs: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Parent-child pairs (``parent, child, dim`` as a dimension index) as line offsets and
    members: each line is a parent along one dimension, the parent first, then its children."""
    heads = pairs.select("parent", "dim").unique().with_columns(child=pl.col("parent"), head=pl.lit(0))
    lines = pl.concat([heads.select("parent", "dim", "child", "head"),
                       pairs.with_columns(head=pl.lit(1)).select("parent", "dim", "child", "head")])
    lines = lines.sort(["parent", "dim", "head", "child"])
    key = (lines["parent"].cast(pl.Int64) * 4 + lines["dim"].cast(pl.Int64)).to_numpy()
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.zeros(0, dtype=np.int64)
    return np.r_[starts, len(key)].astype(np.int64), lines["child"].to_numpy().astype(np.int64)


_OFFENCE_UP = {c: p for p, kids in OFFENCE_PARENTS.items() for c in kids}


def lines_of_keys(cells: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The lines between the node cells of a frame (keys, in row order), read off the node names
    alone: how a previous edition's output is turned back into its equations. A window key in
    the frame is the parent of its four quarters (a previous edition's windows may end at
    another quarter of the year than this one's), and its part-years of theirs."""
    idx = cells.select(*KEYS).with_row_index("idx")
    area, period = pl.col("area_code"), pl.col("period_key")
    ups = {
        "area_code": pl.when(area.is_in([TERRITORIAL, BTP])).then(pl.lit(NATIONAL))
        .when(area == NATIONAL).then(None).otherwise(pl.lit(TERRITORIAL)),
        "period_key": pl.when((period % 10).is_between(1, 4)).then(period // 10 * 10),
        "offence": pl.col("offence").replace_strict(_OFFENCE_UP, default=None),
        "category": pl.when(pl.col("category") != ALL).then(pl.lit(ALL)),
    }
    children = [(i, idx.with_columns(ups[d].alias(d)).filter(pl.col(d).is_not_null())) for i, d in enumerate(DIMS)]
    windows = [w for w in idx["period_key"].unique().to_list() if is_window_key(w)]
    up = pl.DataFrame([(q, w) for w in windows for q in window_quarters(w)]
                      + [(q, part) for w in windows for part, members in window_parts(w) for q in members],
                      schema={"period_key": pl.Int64, "_w": pl.Int64}, orient="row")
    children.append((DIMS.index("period_key"),
                     idx.join(up, on="period_key").with_columns(period_key=pl.col("_w")).drop("_w")))
    pairs = [child.join(idx, on=list(KEYS), suffix="_p").select(parent=pl.col("idx_p"), child=pl.col("idx"),
                                                                 dim=pl.lit(i))
             for i, child in children]
    return _offsets(pl.concat(pairs))
