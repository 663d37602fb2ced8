"""Release-wide cell suppression over the linked hierarchical tables of
:mod:`metrics.disclosure.families`: the one decision every public output looks its cells up in.

Why one decision: an attacker holding every output of a release (and of the one before) can add
and subtract any of them, so a cell is hidden or shown once, for all of them, and the hidden set
is checked against every equation at once.

How: primary cells (1 to threshold - 1) and the cells the previous edition hid with the same
value ('carried') are hidden; the line rule (:mod:`metrics.disclosure.line_rule`) adds
complements until no line gives a hidden cell back; then the audit by linear programming
(:mod:`metrics.disclosure.lp_check`) finds any cell still pinned or placed inside
1..threshold - 1 by several lines together, and each gets one more complement, until none is left.

With a previous edition, a cell its published cells pin through a line is known too (a new
12-month window of quarters published before), and a complement the attacker pins anyway with
nothing left to hide beside it is shown again: showing it adds nothing to what can be derived.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import polars as pl

from metrics.disclosure import lp_check
from metrics.disclosure.editions import Prior, mend_revisions
from metrics.disclosure.families import LINKS, NATIONAL, TERRITORIAL, Link
from metrics.disclosure.grid import KEYS, Grid, build_grid, is_part, published
from metrics.disclosure.line_rule import (
    CARRIED,
    PRIMARY,
    REASONS,
    SECONDARY,
    SHOWN,
    LineRule,
    ProtectionError,
)

OUTPUT_COLUMNS = (*KEYS, "value", "reason")
_log = logging.getLogger(__name__)
MAX_REPAIR_ROUNDS = 200

__all__ = ["OUTPUT_COLUMNS", "ProtectionError", "protect_cells"]


def protect_cells(leaves: pl.DataFrame, *, span: tuple[int, int], threshold: int,
                  prior: pl.DataFrame | None = None, links: Sequence[Link] = LINKS,
                  verify: bool = True) -> pl.DataFrame:
    """Every node cell of the release with its ``value`` and ``reason`` ("" when shown,
    "primary", "secondary", "carried" or "linked"), sorted by family, area, period, offence and
    category.

    ``leaves``: ``family, area_code, quarter, offence, category, value`` (see
    :mod:`metrics.disclosure.families`; a null value was not provided and counts as a known 0; a
    negative value is a published correction, never hidden). ``prior``: the previous edition's
    output: its hidden cells with unchanged values stay hidden, its shown ones with unchanged
    values are known and never used as complements. ``verify``: run the audit by linear
    programming and mend what it finds (raises :class:`ProtectionError` if it cannot).
    """
    if threshold < 1:
        raise ValueError(f"threshold must be at least 1, got {threshold}")
    frame = leaves.rename({"quarter": "period_key"}) if "quarter" in leaves.columns else leaves
    grid = build_grid(frame, span)
    cells = _with_prior(grid.cells, prior)
    value = cells["value"].to_numpy().astype(float)
    fixed = cells["is_null"].to_numpy() | (value < 0)
    # a part-year is never published, so never small on its own account: its lines hide what it would give away
    working = cells.select(is_part())["period_key"].to_numpy()
    primary = ~fixed & ~working & (value > 0) & (value < threshold)
    earlier = Prior.of(cells, prior)
    known = cells["_known"].to_numpy()
    if earlier is not None:
        known = earlier.implied(grid.ptr, grid.members, known)
    rule = LineRule(grid.ptr, grid.members, value, fixed=fixed, known=known & ~primary, threshold=threshold,
                    partners=_partners(cells, links))
    for c in np.flatnonzero(primary).tolist():
        rule.hide(c, PRIMARY)
    for c in np.flatnonzero(cells["_carried"].to_numpy() & ~fixed).tolist():
        rule.hide(c, CARRIED)
    rule.run()
    if earlier is not None:
        _mend_revisions(rule, (earlier, cells["area_code"].is_in([NATIONAL, TERRITORIAL]).to_list()))
    if verify:
        _repair(grid, rule, value, threshold, earlier)
    return _output(cells, rule.reason)


def _with_prior(cells: pl.DataFrame, prior: pl.DataFrame | None) -> pl.DataFrame:
    """Add ``_carried`` (hidden in prior, same value) and ``_known`` (shown in prior, same value)."""
    if prior is None or prior.is_empty():
        return cells.with_columns(_carried=pl.lit(False), _known=pl.lit(False))
    p = prior.select(*[pl.col(k).cast(cells.schema[k]) for k in KEYS],
                     _pv=pl.col("value").cast(pl.Float64), _pr=pl.col("reason"))
    out = cells.join(p, on=list(KEYS), how="left")
    now = pl.when(pl.col("is_null")).then(None).otherwise(pl.col("value"))
    same = ((now == pl.col("_pv")) | (now.is_null() & pl.col("_pv").is_null() & pl.col("_pr").is_not_null()))
    same = same.fill_null(False)
    return out.with_columns(_carried=same & (pl.col("_pr").fill_null("") != ""),
                            _known=same & (pl.col("_pr").fill_null("") == "")).drop("_pv", "_pr")


def _partners(cells: pl.DataFrame, links: Sequence[Link]) -> dict[int, list[int]]:
    """For each cell in a link, the cells of the other family it must share its status with."""
    out: dict[int, list[int]] = {}
    for link in links:
        ends = []
        for family in (link.family, link.other):
            ends.append(cells.filter((pl.col("family") == family) & (pl.col("offence") == link.offence)
                                     & (pl.col("category") == link.category))
                        .select("idx", "area_code", "period_key"))
        pairs = ends[0].join(ends[1], on=["area_code", "period_key"], suffix="_o")
        for a, b in zip(pairs["idx"].to_list(), pairs["idx_o"].to_list(), strict=True):
            out.setdefault(a, []).append(b)
            out.setdefault(b, []).append(a)
    return out


def _repair(grid: Grid, rule: LineRule, value: np.ndarray, threshold: int, prior: Prior | None) -> None:
    """Audit by LP (with the previous edition's equations too) and add a complement beside each
    failing cell, until the audit is clean.

    Hiding more only widens ranges, so after the first round only the failing and the newly
    hidden cells are checked again (not those settled: shown safe by their exact range, or given
    away by the two editions together). A failure after a mend in the same round waits for the
    next: its range was audited before the mend, and judging it on that range once showed
    complements again as 'pinned anyway' that the mend had just surrounded, until nothing was
    left to hide beside a primary cell.

    A next edition never stops: a cell that both editions' published numbers pin (or place inside
    1..threshold - 1) with no cell left to hide beside it is given away by what was published
    before whatever this edition hides; it stays hidden and is logged."""
    rule.changed.clear()
    n = len(value)
    check = np.ones(n, dtype=bool)
    settled: set[int] = set()
    for _ in range(MAX_REPAIR_ROUNDS):
        variable = (np.asarray(rule.reason) != SHOWN) & ~np.asarray(rule.known)
        system = lp_check.System(grid.ptr, grid.members, value, variable)
        if prior is not None:
            system = prior.system(grid.ptr, grid.members, value, variable)
        mask = np.r_[check, np.zeros(len(system.value) - n, dtype=bool)]
        failures = lp_check.audit(system, threshold, mask)
        if not failures:
            return
        stale = False  # the failures' ranges no longer hold once a cell is hidden this round
        for f in failures:
            if rule.mend(f.cell) or (prior is not None and prior.mend(rule, f.cell, n)):
                stale = True
                continue
            if stale:
                continue  # audited again next round, against what is hidden now
            f = f if f.exact else lp_check.exact_range(system, f.cell)
            if lp_check.acceptable(np.array([f.lo]), np.array([f.hi]), threshold)[0]:
                settled.add(f.cell)  # safe after all: the neighbourhoods were too small to show it
            elif _pinned_complement(rule, f):
                rule.reveal(f.cell)
            elif prior is not None:
                settled.add(f.cell)
                _log.warning("hidden cell %s has range %g..%g with the previous edition and no cell left "
                             "to hide beside it: kept hidden", _describe(grid, f.cell), f.lo, f.hi)
            else:
                raise ProtectionError(
                    f"hidden cell {_describe(grid, f.cell)} has range {f.lo:g}..{f.hi:g} and no "
                    "cell left to hide beside it")
        rule.run()
        check = np.zeros(n, dtype=bool)
        check[[f.cell for f in failures if f.cell not in settled] + rule.changed] = True
        rule.changed.clear()
    raise ProtectionError(f"the audit still finds cells to protect after {MAX_REPAIR_ROUNDS} rounds")


def _mend_revisions(rule: LineRule, earlier: tuple[Prior, list[bool]]) -> None:
    """Hide what keeps the two editions' lines, subtracted, from giving a revised cell back
    (:func:`metrics.disclosure.editions.mend_revisions`), complements in England and Wales last."""
    prior, national = earlier
    mend_revisions(rule, prior.changes(), national)


def _pinned_complement(rule: LineRule, f: lp_check.Failure) -> bool:
    """A complement (not linked to another family's cell) the attacker pins exactly and nothing is
    left to hide beside: typically a new 12-month window made of cells the previous edition
    published. Showing it adds nothing to what can be derived (a failure's range is exact)."""
    return f.hi - f.lo < 1 - lp_check.EPS and rule.reason[f.cell] == SECONDARY and not rule.partners.get(f.cell)


def _describe(grid: Grid, cell: int) -> str:
    row = grid.cells.row(cell, named=True)
    return "/".join(str(row[k]) for k in KEYS)


def _output(cells: pl.DataFrame, reason: list[int]) -> pl.DataFrame:
    """The published node cells (not the part-years)."""
    return published(cells.select(
        *KEYS,
        value=pl.when(pl.col("is_null")).then(None).otherwise(pl.col("value")),
        reason=pl.Series(reason, dtype=pl.Int64).replace_strict(
            dict(enumerate(REASONS)), return_dtype=pl.String),
    )).sort(list(KEYS))
