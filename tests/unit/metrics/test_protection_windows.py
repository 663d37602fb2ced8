"""The 12 months ending at the release's quarter of the year are period nodes of the protection:
they exist exactly where such a window lies wholly inside a flow family's span, each adds up its
four quarters (once each, beside the financial year), and the protection keeps every window line
safe, with a previous edition whose windows end at another quarter of the year too."""

from __future__ import annotations

import polars as pl
import pytest

from helpers.cell_ranges import KEYS, keys_by_window, leaves_frame, ranges, unsafe, window_lines
from metrics.disclosure.families import (
    ALL,
    BTP,
    NATIONAL,
    NO_OFFENCE,
    OFFENCE_LEAVES,
    window_keys,
    window_parts,
)
from metrics.disclosure.grid import build_grid, lines_of_keys, quarters
from metrics.disclosure.linked import protect_cells
from metrics.disclosure.loss import information_loss

AREAS = ("F1", "F2", "F3", BTP)


def _release(span: tuple[int, int], family: str = "recorded", offences=OFFENCE_LEAVES) -> pl.DataFrame:
    """Every leaf of a family over ``span``, with values varied by position (none of them small)."""
    rows = [(family, a, q, o, ALL, float(10 + (i * 7 + j * 3 + k * 5) % 23))
            for i, a in enumerate(AREAS) for j, q in enumerate(quarters(span)) for k, o in enumerate(offences)]
    return leaves_frame(rows)


def _grid(leaves: pl.DataFrame, span: tuple[int, int]):
    return build_grid(leaves.rename({"quarter": "period_key"}), span)


def _aligned(span: tuple[int, int]) -> set[int]:
    """The window keys a span should have, from the rule: the latest two quarters with the last
    quarter's quarter of the year, at least four quarters into the span, not a Q4; keyed by it + 5."""
    qs = quarters(span)
    if span[1] % 10 == 4:
        return set()
    return set(sorted(q + 5 for i, q in enumerate(qs) if i >= 3 and q % 10 == span[1] % 10)[-2:])


@pytest.mark.parametrize("span", [(20232, 20262), (20231, 20251), (20234, 20263), (20231, 20244),
                                  (20241, 20243), (20242, 20253)])
def test_window_nodes_exist_exactly_for_the_aligned_complete_windows(span):
    leaves = pl.concat([_release(span), _release(span, "mi:investigators", (NO_OFFENCE,)),
                        _release(span, "mi:closed", (NO_OFFENCE,))])
    cells = _grid(leaves, span).cells
    periods = {f: set(cells.filter(pl.col("family") == f)["period_key"]) for f in ("recorded", "mi:closed",
                                                                                   "mi:investigators")}
    for family in ("recorded", "mi:closed"):
        assert {p for p in periods[family] if p % 10 in (6, 7, 8)} == _aligned(span)
    assert periods["mi:investigators"] == set(quarters(span))  # a stock: no year, no window
    if span[1] % 10 == 4:
        assert not _aligned(span) and 20240 in periods["recorded"]


def test_a_window_is_the_sum_of_its_four_quarters_counted_once():
    span = (20232, 20262)
    leaves = _release(span)
    cells = _grid(leaves, span).cells
    value = {r[:5]: r[5] for r in cells.select(*KEYS, "value").iter_rows()}
    windows = [k for k in value if k[2] % 10 in (6, 7, 8)]
    assert {k[2] for k in windows} == {20267, 20257}  # the latest two; 20247 is not a node
    for key in windows:
        parts = [value[(key[0], key[1], q, key[3], key[4])] for q in keys_by_window(key[2])]
        assert value[key] == pytest.approx(sum(parts)), key
    for period in (20267, 20240):
        qs = keys_by_window(period) if period % 10 else quarters((20241, 20244))
        raw = leaves.filter(pl.col("quarter").is_in(qs))["value"].sum()
        assert value[("recorded", NATIONAL, period, NO_OFFENCE, ALL)] == pytest.approx(raw)


def test_each_window_heads_one_line_of_its_parts_and_the_names_give_true_equations():
    """A window's line holds its part-years (two or more quarters it shares with a financial
    year) and its other quarters: expanded, exactly its four quarters. The lines read off the
    names alone (a previous edition's) are all true sums of the grid's values."""
    span = (20231, 20253)
    grid = _grid(_release(span), span)
    keys = [tuple(r) for r in grid.cells.select(KEYS).iter_rows()]
    lines = [[keys[m] for m in grid.members[grid.ptr[i]:grid.ptr[i + 1]]] for i in range(grid.n_lines)]
    parts = {key: members for w in window_keys(span) for key, members in window_parts(w)}
    assert parts  # a release ending in Q3: each window shares Q1-Q3 with a year
    headed = {}
    for line in lines:
        if line[0][2] % 10 in (6, 7, 8) and line[1][2] != line[0][2]:  # a line along the period
            assert line[0] not in headed
            headed[line[0]] = sorted(q for k in line[1:] for q in parts.get(k[2], [k[2]]))
    assert sorted(headed) == sorted(line[0] for line in window_lines(grid.cells))
    for line in window_lines(grid.cells):
        assert headed[line[0]] == sorted(k[2] for k in line[1:])
    value = grid.cells["value"].to_list()
    ptr, members = lines_of_keys(grid.cells.drop("idx"))
    assert len(ptr) > grid.n_lines // 2
    for i in range(len(ptr) - 1):
        head, *kids = members[ptr[i]:ptr[i + 1]].tolist()
        assert value[head] == pytest.approx(sum(value[k] for k in kids)), keys[head]


def test_a_force_window_can_be_shown_beside_its_hidden_quarter():
    span = (20232, 20262)
    leaves = _release(span).with_columns(
        value=pl.when((pl.col("area_code") == "F1") & (pl.col("quarter") == 20262)
                      & (pl.col("offence") == "adult_rape")).then(2.0).otherwise(pl.col("value")))
    out = protect_cells(leaves, span=span, threshold=5)
    reason = {r[:5]: r[5] for r in out.select(*KEYS, "reason").iter_rows()}
    assert reason[("recorded", "F1", 20262, "adult_rape", ALL)] == "primary"
    assert reason[("recorded", "F1", 20267, "adult_rape", ALL)] == ""
    hidden = {k for k, r in reason.items() if r}
    assert all(sum(k in hidden for k in line) != 1 for line in window_lines(out))
    assert unsafe(ranges(out), 5) == {}


def test_a_prior_edition_whose_windows_end_at_another_quarter_leaks_nothing_with_this_one():
    first, second = (20231, 20251), (20231, 20252)
    small = (pl.col("area_code") == "F2") & pl.col("quarter").is_in([20233, 20242, 20252])

    def edition(span):
        return _release(span).with_columns(value=pl.when(small).then(pl.col("value") % 4).otherwise(pl.col("value")))

    out1 = protect_cells(edition(first), span=first, threshold=5)
    out2 = protect_cells(edition(second), span=second, threshold=5, prior=out1)
    assert {p for p in out1["period_key"] if p % 10 in (6, 7, 8)} == {20246, 20256}
    assert {p for p in out2["period_key"] if p % 10 in (6, 7, 8)} == {20247, 20257}
    assert (out1["reason"] != "").any() and (out2["reason"] == "carried").any()
    assert unsafe(ranges(out2, prior=out1), 5) == {}
    # a window of old quarters all published before is known: hiding it would protect nothing
    before = {r[:5]: r[6] for r in out1.iter_rows()}
    old = [line for line in window_lines(out2) if line[0][2] == 20247 and all(before[k] == "" for k in line[1:])]
    reason = {r[:5]: r[6] for r in out2.iter_rows()}
    assert old and all(reason[line[0]] == "" for line in old)
    ptr, members = lines_of_keys(out1)
    heads = {tuple(out1.row(int(members[p]))[:5]) for p in ptr[:-1]}
    assert {line[0] for line in window_lines(out1)} <= heads


@pytest.mark.slow
def test_a_force_of_small_counts_in_two_editions_is_protected_without_dead_ends():
    """Most of one force's cells are small: the new windows (of quarters the first edition hid
    or showed) leave complements an attacker pins with nothing beside them to hide; they are
    shown again instead of failing the release (they were a ProtectionError)."""
    first, second = (20231, 20251), (20231, 20252)

    def edition(span):
        return _release(span).with_columns(
            value=pl.when(pl.col("area_code") == "F2").then(pl.col("value") % 6).otherwise(pl.col("value")))

    out1 = protect_cells(edition(first), span=first, threshold=5)
    out2 = protect_cells(edition(second), span=second, threshold=5, prior=out1)
    assert (out2["reason"] == "carried").any()
    assert unsafe(ranges(out2, prior=out1), 5) == {}


def test_the_loss_report_names_the_window_tables_year_ending():
    span = (20232, 20262)
    out = protect_cells(_release(span), span=span, threshold=5)
    table = information_loss(out).filter(pl.col("scope") == "table")
    levels = dict(table.group_by("period_level").agg(pl.col("cells").sum()).iter_rows())
    assert set(levels) == {"quarter", "financial year", "year ending"}
    assert levels["year ending"] == out.filter(pl.col("period_key") % 10 > 5).height
    assert levels["year ending"] == 2 * 6 * 5  # two windows x six areas x five offence nodes
