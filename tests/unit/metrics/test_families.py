"""The count families: every metric a public output shows maps onto them, and their names agree
with the rest of the product (the national code, the outcome groups, the force MI indicators)."""

from __future__ import annotations

import pytest

from db.reference import NATIONAL_CODE, OUTCOME_TYPES
from metrics import registry as reg
from metrics.disclosure import families as fam

GROUPS = {t: g for t, _label, g in OUTCOME_TYPES}


def test_national_node_is_the_national_row_code():
    assert fam.NATIONAL == NATIONAL_CODE
    assert fam.TERRITORIAL != fam.NATIONAL


@pytest.mark.parametrize("metric", reg.METRICS, ids=lambda m: m.id)
def test_every_count_a_metric_shows_is_a_family_cell(metric):
    numerator, denominator = fam.counts_of(metric)
    if metric.kind == reg.MEDIAN_DAYS:
        assert (numerator, denominator) == (None, None)
        return
    assert numerator is not None and numerator.family in fam.FAMILIES
    for ref in (numerator, denominator):
        if ref is None:
            continue
        assert ref.family in fam.FAMILIES
        if not metric.by_offence:
            assert not ref.by_offence
        if not ref.types:
            assert ref.category == fam.ALL
        elif fam.FAMILIES[ref.family].by_category:
            # the outcome types a share counts are exactly one Home Office group, or all of them
            node = fam.group_of_types(ref.types, GROUPS, family=ref.family)
            assert node == fam.ALL or node in set(GROUPS.values())


def test_outcome_shares_name_their_group():
    assert fam.group_of_types((1,), GROUPS, family=fam.CLOSED) == GROUPS[1]
    assert fam.group_of_types((14, 16), GROUPS, family=fam.CLOSED) == GROUPS[14]
    assert fam.group_of_types(tuple(range(1, 23)), GROUPS, family=fam.CLOSED) == fam.ALL
    assert fam.group_of_types(tuple(range(0, 23)), GROUPS, family=fam.RECORDED_BASIS) == fam.ALL
    assert fam.group_of_types((0,), GROUPS, family=fam.RECORDED_BASIS) == GROUPS[0]


@pytest.mark.parametrize("types", [(14,), (1, 2), (0, 1)])
def test_types_that_are_not_one_group_cannot_be_published(types):
    with pytest.raises(ValueError, match="not one Home Office outcome group"):
        fam.group_of_types(types, GROUPS, family=fam.CLOSED)


def test_force_mi_families_name_real_indicator_columns():
    for family in fam.FAMILIES.values():
        if family.source == "indicator_value":
            assert family.indicator in reg.INDICATOR_IDS
            assert family.column in ("numerator", "denominator")
    for link in fam.LINKS:
        assert link.family in fam.FAMILIES and link.other in fam.FAMILIES
