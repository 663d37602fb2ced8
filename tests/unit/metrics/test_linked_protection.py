"""The release-wide protection holds its guarantee: no hidden cell can be pinned or placed inside
1..threshold - 1 by an attacker solving every published equation (checked by an LP written in
``helpers.cell_ranges``, apart from the engine's own)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from helpers.cell_ranges import KEYS, equations, leaves_frame, ranges, unsafe, window_lines
from metrics.disclosure import linked, lp_check
from metrics.disclosure.families import ALL, BTP, NATIONAL, NO_OFFENCE, OFFENCE_LEAVES, TERRITORIAL
from metrics.disclosure.grid import build_grid, published, quarters
from metrics.disclosure.line_rule import PRIMARY, SECONDARY, LineRule
from metrics.disclosure.linked import protect_cells

DATA = Path(__file__).parent / "data"
SMALL = (0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 8, 12, 30)


@st.composite
def releases(draw, mid_year: bool = False):
    """A small random release: one or two families over 2-6 forces (BTP among them) and 4-9
    quarters, with and without offence and category splits, mostly small counts, a few nulls
    and negative corrections. ``mid_year``: the span ends in a Q1-Q3, so it has 12-month window nodes."""
    n_forces = draw(st.integers(2, 6))
    areas = [f"F{i}" for i in range(n_forces - 1)] + [BTP]
    first = draw(st.sampled_from([20231, 20232, 20234]))
    lengths = [n for n in range(4, 10) if not mid_year or quarters((first, 20294))[n - 1] % 10 != 4]
    qs = quarters((first, 20294))[:draw(st.sampled_from(lengths))]
    rows = []
    for f in range(draw(st.integers(1, 2))):
        offences = OFFENCE_LEAVES if draw(st.booleans()) else (NO_OFFENCE,)
        cats = [ALL] if draw(st.booleans()) else [f"g{i}" for i in range(draw(st.integers(2, 3)))]
        for a in areas:
            for q in qs:
                for o in offences:
                    for c in cats:
                        v = draw(st.sampled_from(SMALL))
                        kind = draw(st.sampled_from(["v"] * 30 + ["null", "neg"]))
                        value = None if kind == "null" else (-1.0 if kind == "neg" else float(v))
                        rows.append((f"fam{f}", a, q, o, c, value))
    return leaves_frame(rows), (qs[0], qs[-1]), draw(st.sampled_from([3, 5]))


@pytest.mark.slow
def test_a_failure_is_decided_on_the_ranges_of_what_is_hidden_now():
    """Found by Hypothesis: the LP check's first failure in a round (England and Wales' 2025-26 Q1
    child rape, group 0) was mended, which hid the last shown cells around the next ones; those
    were then judged on ranges audited before the mend, shown again as 'pinned anyway' (7, 32, 7,
    30), and the protection stopped with "no cell left to hide" (a range of 2..2). A failure after
    a mend in the same round is audited again in the next."""
    leaves = pl.read_csv(DATA / "stale_ranges_release.csv", schema_overrides={"value": pl.Float64})
    out = protect_cells(leaves.with_columns(family=pl.lit("fam0")), span=(20234, 20251), threshold=3)
    assert unsafe(ranges(out), 3) == {}
    _check_sums(out)


def _hidden(out: pl.DataFrame) -> pl.DataFrame:
    return out.filter(pl.col("reason") != "")


def _check_sums(out: pl.DataFrame) -> None:
    values = {r[:5]: (r[5] or 0.0) for r in out.select(*KEYS, "value").iter_rows()}
    for total, parts in equations(out):
        assert values[total] == pytest.approx(sum(values[p] for p in parts)), total


@pytest.mark.slow
# derandomize: the same examples on every run, so CI passes or fails on the code alone. A random
# run on 2026-12-06 (--hypothesis-seed=84949549491904127924672828640544102796) found the release of
# test_a_failure_is_decided_on_the_ranges_of_what_is_hidden_now; 150 examples of that seed pass now.
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(releases())
def test_no_hidden_cell_is_recoverable_in_a_random_release(release):
    leaves, span, t = release
    # a total below zero cannot be hidden (the attacker knows counts are >= 0 except corrections)
    nodes = build_grid(leaves.rename({"quarter": "period_key"}), span).cells
    assume(nodes.filter(pl.col("value") < 0).height == leaves.filter(pl.col("value") < 0).height)
    out = protect_cells(leaves, span=span, threshold=t)
    assert unsafe(ranges(out), t) == {}
    shown = out.filter((pl.col("reason") == "") & pl.col("value").is_not_null())
    assert shown.filter((pl.col("value") >= 1) & (pl.col("value") < t)).is_empty()
    assert _hidden(out).filter(pl.col("value").is_null() | (pl.col("value") < 0)).is_empty()
    _check_sums(out)
    again = protect_cells(leaves.sample(fraction=1.0, shuffle=True, seed=3), span=span, threshold=t)
    assert again.equals(out)


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
          derandomize=True)
@given(releases(mid_year=True))
def test_no_hidden_cell_is_recoverable_through_the_12_month_windows(release):
    """Releases ending mid-year have window nodes, a quarter's second parent: the attacker's LP
    (which knows the window equations on its own) still finds nothing, and no window line has
    exactly one hidden cell. (Part-years, never published, are left out of the negative-total
    check; releases with a negative published total are still filtered out, hence the health check.)"""
    leaves, span, t = release
    nodes = published(build_grid(leaves.rename({"quarter": "period_key"}), span).cells)
    assume(nodes.filter(pl.col("value") < 0).height == leaves.filter(pl.col("value") < 0).height)
    out = protect_cells(leaves, span=span, threshold=t)
    lines = window_lines(out)
    assert lines
    hidden = set(_hidden(out).select(KEYS).iter_rows())
    assert [line for line in lines if sum(k in hidden for k in line) == 1] == []
    assert unsafe(ranges(out), t) == {}
    _check_sums(out)


def test_every_node_cell_is_returned_once():
    leaves = leaves_frame([("recorded", "F1", 20231, "adult_rape", ALL, 3.0),
                      ("recorded", BTP, 20244, "other_sexual", ALL, 9.0),
                      ("fam", "F2", 20232, NO_OFFENCE, "g1", 7.0),
                      ("fam", "F2", 20232, NO_OFFENCE, "g2", 1.0)])
    out = protect_cells(leaves, span=(20231, 20251), threshold=5)
    assert out.select(KEYS).is_duplicated().sum() == 0
    # recorded: F1, BTP, TERRITORIAL, NATIONAL x (9 quarters + 2 complete years + the 2 complete
    # 12 months ending a Q1, 2024-25 Q1 and 2025-26 Q1) x 5 offence nodes
    assert out.filter(pl.col("family") == "recorded").height == 4 * 13 * 5
    # fam: F2, TERRITORIAL, NATIONAL x 13 periods x 1 offence node x 3 category nodes
    assert out.filter(pl.col("family") == "fam").height == 3 * 13 * 3
    assert set(out["area_code"]) == {"F1", "F2", BTP, TERRITORIAL, NATIONAL}
    assert out.filter(pl.col("period_key") == 20250).is_empty()  # 2025-26 is not complete
    assert out.columns == [*KEYS, "value", "reason"]
    assert out.equals(out.sort(list(KEYS)))


def test_a_stock_family_has_no_year_nodes():
    leaves = leaves_frame([("mi:investigators", "F1", 20231, NO_OFFENCE, ALL, 40.0)])
    out = protect_cells(leaves, span=(20231, 20234), threshold=5)
    assert sorted(set(out["period_key"])) == [20231, 20232, 20233, 20234]


def test_nulls_and_negative_corrections_are_shown_and_never_complements():
    rows = [("recorded", a, q, o, ALL, 20.0) for a in ("F1", "F2", BTP) for q in quarters((20231, 20234))
            for o in OFFENCE_LEAVES]
    rows[0] = ("recorded", "F1", 20231, "adult_rape", ALL, 2.0)
    rows[1] = ("recorded", "F1", 20231, "child_rape", ALL, -1.0)
    rows[2] = ("recorded", "F1", 20231, "other_sexual", ALL, None)
    out = protect_cells(leaves_frame(rows), span=(20231, 20234), threshold=5)
    cell = out.filter((pl.col("area_code") == "F1") & (pl.col("period_key") == 20231))
    by = {r["offence"]: r for r in cell.iter_rows(named=True)}
    assert by["adult_rape"]["reason"] == "primary"
    assert by["child_rape"]["reason"] == "" and by["child_rape"]["value"] == -1.0
    assert by["other_sexual"]["reason"] == "" and by["other_sexual"]["value"] is None
    assert by["rape"]["value"] == 1.0
    assert unsafe(ranges(out), 5) == {}


def test_linked_families_share_their_status_cell_for_cell():
    rows = [("recorded", a, q, o, ALL, 30.0) for a in ("F1", "F2", "F3", BTP)
            for q in quarters((20231, 20234)) for o in OFFENCE_LEAVES]
    rows += [("mi:recorded", a, q, NO_OFFENCE, ALL, 90.0) for a in ("F1", "F2", "F3", BTP)
             for q in quarters((20231, 20234))]
    rows.append(("mi:recorded", "F2", 20233, NO_OFFENCE, ALL, 3.0))
    rows = [r for r in rows if r[:4] != ("mi:recorded", "F2", 20233, NO_OFFENCE) or r[5] == 3.0]
    out = protect_cells(leaves_frame(rows), span=(20231, 20234), threshold=5)
    mi = out.filter(pl.col("family") == "mi:recorded").select("area_code", "period_key", "reason")
    ho = out.filter((pl.col("family") == "recorded") & (pl.col("offence") == NO_OFFENCE)).select(
        "area_code", "period_key", "reason")
    both = mi.join(ho, on=["area_code", "period_key"], suffix="_ho")
    assert both.height == 6 * 5  # 3 forces, BTP and the two totals x 4 quarters and the year
    assert ((both["reason"] == "") == (both["reason_ho"] == "")).all()
    assert both.filter(pl.col("reason_ho") == "linked").height >= 1
    assert unsafe(ranges(out), 5) == {}


def test_no_links_leaves_the_families_apart():
    rows = [("recorded", a, 20231, o, ALL, 30.0) for a in ("F1", "F2") for o in OFFENCE_LEAVES]
    rows += [("mi:recorded", a, 20231, NO_OFFENCE, ALL, 2.0 if a == "F1" else 40.0) for a in ("F1", "F2")]
    out = protect_cells(leaves_frame(rows), span=(20231, 20231), threshold=5, links=())
    assert _hidden(out.filter(pl.col("family") == "recorded")).is_empty()


def _edition(values: dict[tuple[str, int, str], float]) -> pl.DataFrame:
    return leaves_frame([("recorded", a, q, o, ALL, v) for (a, q, o), v in values.items()])


def test_a_second_edition_carries_hidden_cells_and_leaks_nothing_with_the_first():
    areas, qs = ("F1", "F2", "F3", BTP), quarters((20231, 20244))
    first = {(a, q, o): float((i * 7 + j * 3 + k * 5) % 13) for i, a in enumerate(areas)
             for j, q in enumerate(qs) for k, o in enumerate(OFFENCE_LEAVES)}
    second = dict(first)
    for key in list(first)[::9]:
        second[key] = first[key] + 2.0
    out1 = protect_cells(_edition(first), span=(20231, 20244), threshold=5)
    out2 = protect_cells(_edition(second), span=(20231, 20244), threshold=5, prior=out1)
    both = out2.join(out1, on=list(KEYS), suffix="_1")
    same = both.filter(pl.col("value") == pl.col("value_1"))
    assert same.filter((pl.col("reason_1") != "") & (pl.col("reason") == "")).is_empty()
    assert same.filter((pl.col("reason_1") == "") & (pl.col("reason") == "secondary")).is_empty()
    assert (out2["reason"] == "carried").any()
    assert unsafe(ranges(out2), 5) == {}
    assert unsafe(ranges(out2, prior=out1), 5) == {}


def test_the_audit_catches_a_dumbbell_the_line_rule_misses():
    """Two forces by two outcome groups, every leaf hidden, every line with two hidden cells (so
    the line rule is content) and yet the zeros pin the 3: b = 3 - a >= 0 and d = a - 3 >= 0."""
    leaves = leaves_frame([("f", "F1", 20231, NO_OFFENCE, "g1", 3.0), ("f", "F1", 20231, NO_OFFENCE, "g2", 0.0),
                      ("f", "F2", 20231, NO_OFFENCE, "g1", 0.0), ("f", "F2", 20231, NO_OFFENCE, "g2", 0.0)])
    grid = build_grid(leaves.rename({"quarter": "period_key"}), (20231, 20231))
    value = grid.cells["value"].to_numpy()
    corners = grid.cells["leaf"].to_numpy()
    failures = lp_check.audit(lp_check.System(grid.ptr, grid.members, value, corners), 5)
    a = grid.cells.filter(pl.col("value") == 3.0).filter(pl.col("leaf"))["idx"].item()
    assert a in [f.cell for f in failures]
    rule = LineRule(grid.ptr, grid.members, value, fixed=value < 0, known=value < 0, threshold=5,
                    partners={})
    for c in corners.nonzero()[0].tolist():
        rule.hide(c, PRIMARY if c == a else SECONDARY)
    linked._repair(grid, rule, value, 5, None)
    out = linked._output(grid.cells.with_columns(is_null=pl.lit(False)), rule.reason)
    assert unsafe(ranges(out), 5) == {}
    assert out.filter(pl.col("reason") != "").height > 4



def _charged(revised: bool) -> pl.DataFrame:
    """Four outcome groups of three forces and BTP in one quarter; F1 charged nobody at first,
    the next edition one case (and F3 one more in g1 and in g4: complements the line rule picks
    before F1's total)."""
    rows = []
    for a in ("F1", "F2", "F3", BTP):
        small = a == "F1"
        values = {"g1": float(revised) if small else 9.0 + (revised and a == "F3"),
                  "g2": 2.0 if small else 8.0, "g3": 1.0 if small else 7.0, "g4": 20.0 + (revised and a == "F3")}
        rows += [("f", a, 20231, NO_OFFENCE, g, v) for g, v in values.items()]
    return leaves_frame(rows)


def test_a_revised_cell_is_not_left_alone_on_a_line_the_two_editions_subtract(monkeypatch):
    """The next edition charges one more case in F1: its total rises by one, its other hidden
    groups are carried unchanged, so the total of both editions less each other is the new count
    of 1, although every line of either edition has three hidden cells."""
    _safe_only_with_the_revision_rule(monkeypatch, _charged, (20231, 20231), ("f", "F1", 20231, NO_OFFENCE, "g1"))


def test_a_cell_the_neighbourhoods_cannot_clear_in_a_big_component_fails(monkeypatch):
    """The 6,000-case release's Surrey cell (child rape, recorded-basis outcomes, 2015-16 Q1, 2)
    sat in a component of 9,825 hidden cells, beyond the whole-component solve, and its
    neighbourhoods could not show it safe: the audit passed it silently, so loads with
    ``RASSO_PROTECTION_CHECK=lp`` published it pinned. Here the dumbbell's component is made
    'big' the same way; the pinned 3 must still fail, and the range given must not claim to be exact."""
    leaves = leaves_frame([("f", "F1", 20231, NO_OFFENCE, "g1", 3.0), ("f", "F1", 20231, NO_OFFENCE, "g2", 0.0),
                           ("f", "F2", 20231, NO_OFFENCE, "g1", 0.0), ("f", "F2", 20231, NO_OFFENCE, "g2", 0.0)])
    grid = build_grid(leaves.rename({"quarter": "period_key"}), (20231, 20231))
    value = grid.cells["value"].to_numpy()
    system = lp_check.System(grid.ptr, grid.members, value, grid.cells["leaf"].to_numpy())
    a = grid.cells.filter((pl.col("value") == 3.0) & pl.col("leaf"))["idx"].item()
    monkeypatch.setattr(lp_check, "WHOLE", 2)
    monkeypatch.setattr(lp_check, "RADII", ())
    failure = {f.cell: f for f in lp_check.audit(system, 5)}.get(a)
    assert failure is not None and not failure.exact
    assert lp_check.exact_range(system, a) == lp_check.Failure(a, 3.0, 3.0)


def test_a_next_edition_never_stops_on_a_cell_nothing_is_left_to_mend(monkeypatch):
    """The 30,000-case next edition stopped its load: a linked cell (mi:closed, 3) that both
    editions pin, with every cell beside it shown before (known, never a complement). Nothing
    this edition hides can widen it, so it stays hidden and the load goes on; a first edition in
    the same state still raises (its protection is wrong, not the earlier edition's)."""
    first = protect_cells(_charged(False), span=(20231, 20231), threshold=5, verify=False)
    key = ("f", "F1", 20231, NO_OFFENCE, "g2")
    real_audit = lp_check.audit

    def audit(system, threshold, check=None):
        grid = build_grid(_charged(True).rename({"quarter": "period_key"}), (20231, 20231))
        cell = grid.cells.with_row_index("_i").filter(
            pl.all_horizontal([pl.col(k) == v for k, v in zip(KEYS, key, strict=True)]))["_i"].item()
        found = real_audit(system, threshold, check)
        pinned = lp_check.Failure(cell, 2.0, 2.0)
        return found + [pinned] if check is None or check[cell] else found

    monkeypatch.setattr(lp_check, "audit", audit)
    monkeypatch.setattr(LineRule, "mend", lambda self, cell: False)
    second = protect_cells(_charged(True), span=(20231, 20231), threshold=5, prior=first)
    assert second.filter(pl.all_horizontal([pl.col(k) == v for k, v in zip(KEYS, key, strict=True)]))[
        "reason"].item() == "primary"
    with pytest.raises(linked.ProtectionError, match="no cell left to hide"):
        protect_cells(_charged(True), span=(20231, 20231), threshold=5)


def _late(revised: bool) -> pl.DataFrame:
    """Three forces and BTP, three outcome groups, 2022-23 Q1 to 2023-24 Q2 (the last 12 months a
    window node). F1 and F2 close 3 or 4 cases a quarter (every quarter small, hidden), 10 to 13
    in the window (shown). The next edition records a late outcome in g1 of the last quarter in
    each: F1's g1 goes from 0 (shown) to 1, F2's from 1 to 2 (hidden in both)."""
    rows = []
    for a in ("F1", "F2", "F3", BTP):
        for q in quarters((20221, 20232)):
            if a in ("F1", "F2"):
                values = {"g1": float(q == 20224 or (a == "F2" and q == 20232)), "g2": 1.0,
                          "g3": 2.0 if a == "F1" else 1.0}
            else:
                values = {"g1": 30.0, "g2": 30.0, "g3": 30.0}
            if revised and q == 20232 and a in ("F1", "F2"):
                values["g1"] += 1.0
            rows += [("f", a, q, NO_OFFENCE, g, v) for g, v in values.items()]
    return leaves_frame(rows)


def test_a_late_outcome_is_not_given_back_by_its_change_followed_across_lines(monkeypatch):
    """The 1,500-case audit's pinned cells: F1's window total, shown in both editions, rose by
    one, so did its last quarter's total (hidden in both) and, the other groups of that quarter
    unchanged, its g1 (0 shown before, 1 now). No line of either edition, nor one line less its
    previous edition, has a single unknown (the per-line rule before this one hid nothing more),
    but the change followed from the window's line to the quarter's gives the 1 back."""
    _safe_only_with_the_revision_rule(monkeypatch, _late, (20221, 20232), ("f", "F1", 20232, NO_OFFENCE, "g1"))


def _safe_only_with_the_revision_rule(monkeypatch, leaves, span: tuple[int, int], leaked: tuple) -> None:
    """The next edition (``leaves(True)``, protected with ``leaves(False)`` as its prior) leaves
    nothing recoverable across both editions, and without the rule for revised cells
    (``linked._mend_revisions``) the cell ``leaked`` is recoverable."""
    first = protect_cells(leaves(False), span=span, threshold=5, verify=False)
    second = protect_cells(leaves(True), span=span, threshold=5, prior=first, verify=False)
    assert unsafe(ranges(second, prior=first), 5) == {}

    monkeypatch.setattr(linked, "_mend_revisions", lambda rule, earlier: None)
    alone = protect_cells(leaves(True), span=span, threshold=5, prior=first, verify=False)
    assert leaked in unsafe(ranges(alone, prior=first), 5)
