"""The disclosure plan: which margins a metric table is protected across, and the columns naming them."""

from __future__ import annotations

import polars as pl
import pytest

from metrics import registry as reg
from metrics.disclosure import apply_disclosure
from metrics.disclosure.planning import links_offence_groups, mark_margins, plan_margins

BY_FORCE_LINKED = [["offence_group", "period"], ["area_code", "period", "_b1"], ["area_code", "period", "_b2"]]
YEAR_OF_QUARTERS = ["offence_group", "area_code", "_fy"]


@pytest.mark.parametrize(("kind", "tier", "by_force", "linked"), [
    (reg.RECORDED_COUNT, "public", True, True),
    (reg.RECORDED_RATE, "public", True, True),
    (reg.OUTCOME_SHARE, "public", True, True),
    (reg.OUTCOME_SHARE, "restricted", True, False),  # nothing is suppressed in the restricted tier
    (reg.OUTCOME_SHARE, "public", False, False),  # England and Wales alone has no small cells
    (reg.INDICATOR, "public", True, False),  # force MI does not split by offence group
    (reg.MEDIAN_DAYS, "public", True, False),  # medians do not add up
])
def test_which_requests_link_offence_groups(kind, tier, by_force, linked):
    assert links_offence_groups(kind, tier=tier, by_force=by_force) is linked


def test_plan_for_each_kind_of_table():
    linked = plan_margins(reg.OUTCOME_SHARE, tier="public", by_force=True, quarterly=True)
    assert linked.group_by == [*BY_FORCE_LINKED, YEAR_OF_QUARTERS] and linked.hide_first == "_total"
    assert plan_margins(reg.OUTCOME_SHARE, tier="public", by_force=True, quarterly=False).group_by == BY_FORCE_LINKED
    forces = plan_margins(reg.INDICATOR, tier="public", by_force=True, quarterly=False)
    assert forces.group_by == [["period"]] and forces.hide_first is None
    assert plan_margins(reg.INDICATOR, tier="public", by_force=True, quarterly=True).group_by == [
        ["period"], YEAR_OF_QUARTERS]
    for kind, by_force in ((reg.MEDIAN_DAYS, True), (reg.OUTCOME_SHARE, False)):
        plan = plan_margins(kind, tier="public", by_force=by_force, quarterly=True)
        assert plan.group_by is None and not plan.quarterly  # no margin to protect


def test_mark_margins_puts_each_total_beside_its_parts():
    cells = pl.DataFrame({"offence_group": ["adult_rape", "child_rape", "rape", "other_sexual", "all_sexual"],
                          "period_end": [20243] * 5})
    marked = mark_margins(cells, plan_margins(reg.RECORDED_COUNT, tier="public", by_force=True, quarterly=True))
    rows = {r["offence_group"]: (r["_b1"], r["_b2"], r["_total"]) for r in marked.iter_rows(named=True)}
    assert rows["adult_rape"][0] == rows["child_rape"][0] == rows["rape"][0]  # adult + child = all rape
    assert rows["rape"][1] == rows["other_sexual"][1] == rows["all_sexual"][1]  # rape + other = all sexual
    assert len({rows["adult_rape"][1], rows["rape"][1], rows["child_rape"][1]}) == 3  # parts are not summed twice
    assert [g for g, r in rows.items() if r[2]] == ["rape", "all_sexual"]
    assert marked["_fy"].to_list() == [2024] * 5
    plain = mark_margins(cells, plan_margins(reg.INDICATOR, tier="public", by_force=True, quarterly=False))
    assert plain.columns == cells.columns


def test_a_plan_protects_a_hidden_part_against_its_total():
    """Adult rape 3 (hidden) + child rape 40 = all rape 43: the plan makes child rape hidden too."""
    cells = pl.DataFrame({"offence_group": ["adult_rape", "child_rape", "rape"], "period": ["2024-25"] * 3,
                          "period_end": [20244] * 3, "area_code": ["E23000036"] * 3, "numerator": [3.0, 40.0, 43.0]})
    plan = plan_margins(reg.RECORDED_COUNT, tier="public", by_force=True, quarterly=False)
    out = apply_disclosure(mark_margins(cells, plan), group_by=plan.group_by, unit="count",
                           hide_first=plan.hide_first)
    flags = dict(zip(out["offence_group"], out["flag"], strict=True))
    assert flags["adult_rape"] == "[c]"
    assert flags["rape"] == "[c]"  # the total is taken first, being the measure most people read
