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

from metrics.disclosure import trees
from metrics.disclosure.families import (
    ALL,
    BTP,
    FAMILIES,
    NATIONAL,
    OFFENCE_PARENTS,
    PART_DIGITS,
    TERRITORIAL,
    is_window_key,
    window_parts,
    window_quarters,
)
from metrics.disclosure.trees import Edge

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


def _family_edges(rows: pl.DataFrame, qs: list[int]) -> dict[str, dict[str, list[Edge]]]:
    """The edges of every family (:func:`~metrics.disclosure.trees.edges`), checked family by
    family in name order. One pass over the rows for all families: a filter per family cost
    more than the edges."""
    dup = set(rows.group_by(list(KEYS)).len().filter(pl.col("len") > 1)["family"].to_list())
    distinct = rows.group_by("family").agg(pl.col("area_code", "offence", "category").unique()).sort("family")
    periods: dict[bool, list[Edge]] = {}
    out = {}
    for values in distinct.iter_rows(named=True):
        family = values["family"]
        stock = FAMILIES[family].stock if family in FAMILIES else False
        if stock not in periods:
            periods[stock] = trees.period_edges(qs, stock=stock)
        out[family] = trees.edges(family, values, periods[stock])
        if family in dup:
            raise ValueError(f"{family}: more than one row for a leaf cell")
    return out


def _coded(edges: dict[str, dict[str, list[Edge]]]) -> dict[str, pl.DataType]:
    """The dtype of each key while the grid is built: for a text key an Enum of its names in
    sorted order. Why: joins and sorts then compare small integers, not strings, in the same
    order as the strings (the names are sorted), which made building the grid several times faster."""
    out = dict(_DTYPES)
    out["family"] = pl.Enum(sorted(edges))
    for d in ("area_code", "offence", "category"):
        out[d] = pl.Enum(sorted({n for dims in edges.values() for edge in dims[d] for n in edge if n is not None}))
    return out


def _dim_frames(edges: dict[str, dict[str, list[Edge]]], types: dict[str, pl.DataType]
                ) -> dict[str, tuple[pl.DataFrame, ...]]:
    """Per dimension, over all families at once: its leaves ``(family, d)``, each leaf's
    ancestors-or-self ``(family, d, _up)`` and each node's direct parents ``(family, d, _p)``.
    Why all families in one frame: a join per dimension instead of one per family and dimension."""
    out = {}
    for d in DIMS:
        leaves, ups, parents = [], [], []
        memo: dict[tuple, tuple[list[object], dict[object, list[object]]]] = {}
        for family, dims in edges.items():
            key = tuple(dims[d])
            if key not in memo:
                memo[key] = trees.tree(dims[d])
            tips, chains = memo[key]
            leaves += [(family, leaf) for leaf in tips]
            ups += [(family, leaf, a) for leaf, chain in chains.items() for a in chain]
            parents += [(family, c, p) for c, p in dims[d] if p is not None]
        schema = {"family": types["family"], d: types[d]}
        out[d] = (pl.DataFrame(leaves, schema=schema, orient="row"),
                  pl.DataFrame(ups, schema={**schema, "_up": types[d]}, orient="row"),
                  pl.DataFrame(parents, schema={**schema, "_p": types[d]}, orient="row"))
    return out


def _node_cells(rows: pl.DataFrame, frames: dict[str, tuple[pl.DataFrame, ...]]) -> pl.DataFrame:
    """Node cells with values: each family's leaves (its leaf coordinates crossed), then each
    dimension's ancestors summed (one lazy query: polars runs the joins and sums as one plan).
    A leaf with no row is a true zero; a leaf whose row has a null value was not provided
    (``is_null``) and counts as 0 in totals."""
    grid = rows.lazy().select("family").unique()
    for d in DIMS:
        grid = grid.join(frames[d][0].lazy(), on="family")
    leaves = grid.join(rows.lazy().with_columns(_row=pl.lit(True)), on=list(KEYS), how="left").select(
        *KEYS, value=pl.col("value").fill_null(0.0),
        is_null=pl.col("_row").fill_null(False) & pl.col("value").is_null(), leaf=pl.lit(True)).collect().lazy()
    cells = leaves.select(*KEYS, "value")
    for d in DIMS:
        cells = (cells.join(frames[d][1].lazy(), on=["family", d]).drop(d).rename({"_up": d})
                 .group_by(list(KEYS)).agg(pl.col("value").sum()))
    return (cells.join(leaves.select(*KEYS, "is_null", "leaf"), on=list(KEYS), how="left")
            .with_columns(pl.col("is_null", "leaf").fill_null(False))).collect()


def _sorted(cells: pl.DataFrame) -> pl.DataFrame:
    """``cells`` sorted by the keys. Sorted in numpy on the keys' codes (an Enum's code follows
    the sorted names, :func:`_coded`): the frame's own sort on five columns took three times as long."""
    return cells[np.lexsort([cells[k].to_physical().to_numpy() for k in reversed(KEYS)])]


def build_grid(leaves: pl.DataFrame, span: tuple[int, int]) -> Grid:
    """The node cells of every family in ``leaves`` over ``span`` and the lines between them."""
    qs = quarters(span)
    rows = leaves.select(
        *[pl.col(k).cast(_DTYPES[k]) for k in KEYS], pl.col("value").cast(pl.Float64)
    ).filter(pl.col("period_key").is_in(qs))
    if rows.is_empty():
        empty = pl.DataFrame(schema={**_DTYPES, "value": pl.Float64, "is_null": pl.Boolean, "leaf": pl.Boolean})
        return Grid(empty, np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64))
    edges = _family_edges(rows, qs)
    types = _coded(edges)
    frames = _dim_frames(edges, types)
    cells = _sorted(_node_cells(rows.cast(types), frames)).with_row_index("idx")
    ptr, members = _lines(cells, frames)
    return Grid(cells.cast(_DTYPES), ptr, members)


def _lines(cells: pl.DataFrame, frames: dict[str, tuple[pl.DataFrame, ...]]) -> tuple[np.ndarray, np.ndarray]:
    """Line offsets and members (parent first, then children in cell order)."""
    idx = cells.select("idx", *KEYS)
    pairs = []
    for i, d in enumerate(DIMS):
        child = idx.join(frames[d][2], on=["family", d]).with_columns(pl.col("_p").alias(d))
        joined = child.select("idx", *KEYS).join(idx, on=list(KEYS), suffix="_p")
        pairs.append(joined.select(parent=pl.col("idx_p"), child=pl.col("idx"), dim=pl.lit(i)))
    return _offsets(pl.concat(pairs))


def _offsets(pairs: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Parent-child pairs (``parent, child, dim`` as a dimension index) as line offsets and
    members: each line is a parent along one dimension, the parent first, then its children in
    cell order (sorted in numpy: a frame sort of a million pairs cost several times more)."""
    child = pairs["child"].to_numpy().astype(np.int64)
    key = pairs["parent"].to_numpy().astype(np.int64) * 4 + pairs["dim"].to_numpy().astype(np.int64)
    order = np.lexsort((child, key))
    key, child = key[order], child[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.zeros(0, dtype=np.int64)
    members = np.insert(child, starts, key[starts] // 4)
    return np.r_[starts + np.arange(len(starts)), len(members)].astype(np.int64), members


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
    idx, *kids = _shared_enums([idx, *(child for _, child in children)])
    pairs = [child.join(idx, on=list(KEYS), suffix="_p").select(parent=pl.col("idx_p"), child=pl.col("idx"),
                                                                 dim=pl.lit(i))
             for (i, _), child in zip(children, kids, strict=True)]
    return _offsets(pl.concat(pairs))


def _shared_enums(frames: list[pl.DataFrame]) -> list[pl.DataFrame]:
    """The frames with each text key as one Enum of the names in any of them: joins on the keys
    then compare small integers, not strings (several times faster)."""
    text = [k for k in KEYS if _DTYPES[k] == pl.String]
    names = {k: set().union(*(f[k].unique().to_list() for f in frames)) - {None} for k in text}
    return [f.cast({k: pl.Enum(sorted(names[k])) for k in text}) for f in frames]
