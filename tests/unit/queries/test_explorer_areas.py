"""A region or NOM phase of the explorer's public tier: a sum of forces, shown where every force in
it is shown, and where it is the only hidden group of its partition with England and Wales shown
(then anyone can work it out as England and Wales less the other groups, so a [c] would promise
what it cannot keep). British Transport Police is a group of its own ("National (non-territorial)")
and in England and Wales, so a hidden BTP cell is a second hidden group.
"""

from __future__ import annotations

import polars as pl
import pytest

from metrics.disclosure import CONFIDENTIAL
from metrics.disclosure import families as fam
from metrics.explorer_spec import TableSpec
from queries.explorer import _areas, _disclose

SPEC = TableSpec(by=("region", "quarter"), offence="all_sexual")
Q1, Q2 = 20151, 20152
FORCES = pl.DataFrame({"code": ["A", "B", "C", "BTP"], "name": ["A", "B", "C", "British Transport Police"],
                       "region": ["North", "North", "South", "National (non-territorial)"],
                       "nom_phase": ["pathfinder", "national_rollout", "national_rollout", "national_rollout"]})
COUNTS = {"A": 7, "B": 3, "C": 20, "BTP": 6}


class Protection:
    """Hides the (area node, quarter) cells it is given; no span is a window not offered."""

    def __init__(self, hidden: set[tuple[str, int]]):
        self.hidden = hidden

    def hidden_rows(self, look: pl.DataFrame, ref) -> pl.Series:
        return pl.Series([(a, q) in self.hidden for a, q in zip(look["_area"], look["_last"], strict=True)])

    def span_rows(self, look: pl.DataFrame, ref) -> pl.Series:
        return pl.Series([False] * look.height)


def _forces_rows() -> pl.DataFrame:
    rows = [{"period": f"Q{q % 10}", "period_end": q, "area_code": code, "count": n, "missing": 0}
            for q in (Q1, Q2) for code, n in COUNTS.items()]
    return pl.DataFrame(rows).join(FORCES.select(area_code="code", area_name="name", region="region",
                                                 nom_phase="nom_phase"), on="area_code")


def _table(hidden: set[tuple[str, int]], spec: TableSpec = SPEC) -> dict[tuple[int, str], tuple[int | None, str]]:
    areas = _areas(_forces_rows(), spec, FORCES, Protection(hidden), (Q1, Q2), 5)
    out = _disclose(areas, spec, 5)
    return {(r["period_end"], r[spec.area]): (r["count"], r["flag"]) for r in out.iter_rows(named=True)}


def test_the_one_hidden_region_of_a_quarter_is_england_and_wales_less_the_others_and_shown():
    got = _table({("B", Q1)})
    assert got[(Q1, "North")] == (10, "")
    assert got[(Q1, "South")] == (20, "") and got[(Q1, "National (non-territorial)")] == (6, "")
    assert got[(Q2, "North")] == (10, "")


@pytest.mark.parametrize("second", ["BTP", "C"])
def test_two_hidden_regions_show_neither(second):
    """BTP hidden too: England and Wales less South gives North + BTP, not North."""
    group = {"BTP": "National (non-territorial)", "C": "South"}[second]
    got = _table({("B", Q1), (second, Q1)})
    assert got[(Q1, "North")] == (None, CONFIDENTIAL) and got[(Q1, group)] == (None, CONFIDENTIAL)
    assert got[(Q2, "North")] == (10, "")


def test_a_hidden_region_stays_hidden_where_england_and_wales_is():
    got = _table({("B", Q1), (fam.NATIONAL, Q1)})
    assert got[(Q1, "North")] == (None, CONFIDENTIAL)


def test_nom_phases_are_completed_the_same_way_with_btp_in_the_national_roll_out():
    spec = TableSpec(by=("nom_phase", "quarter"), offence="all_sexual")
    assert _table({("A", Q1)}, spec)[(Q1, "pathfinder")] == (7, "")
    assert _table({("A", Q1), ("BTP", Q1)}, spec)[(Q1, "pathfinder")] == (None, CONFIDENTIAL)


def test_a_completed_region_of_1_to_4_is_still_hidden_by_the_cell_rule():
    """North is 0 + 3 here: its one hidden force, B, is the only one with a count."""
    rows = _forces_rows().with_columns(count=pl.when(pl.col("area_code") == "A").then(0).otherwise(pl.col("count")))
    areas = _areas(rows, SPEC, FORCES, Protection({("B", Q1)}), (Q1, Q2), 5)
    out = _disclose(areas, SPEC, 5).filter(pl.col("region") == "North").sort("period_end")
    assert out["flag"].to_list() == [CONFIDENTIAL, CONFIDENTIAL] and out["count"].null_count() == 2
