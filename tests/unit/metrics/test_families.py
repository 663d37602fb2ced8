"""The count families: every metric a public output shows maps onto them, and their names agree
with the rest of the product (the national code, the outcome groups, the force MI indicators)."""

from __future__ import annotations

import pytest

from db.reference import NATIONAL_CODE, OUTCOME_TYPES
from metrics import registry as reg
from metrics.disclosure import families as fam
from metrics.disclosure.grid import quarters

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


def test_a_window_key_is_its_last_quarter_plus_five_and_never_a_quarter_or_a_year():
    assert fam.ye_key(20262) == 20267 and fam.window_last(20267) == 20262
    assert [fam.ye_key(q) % 10 for q in (20261, 20262, 20263)] == [6, 7, 8]
    with pytest.raises(ValueError, match="financial year"):
        fam.ye_key(20264)
    assert [k for k in range(20240, 20250) if fam.is_window_key(k)] == [20246, 20247, 20248]
    assert not any(fam.is_window_key(q) or fam.is_year_key(q) for q in quarters((20231, 20264)))


@pytest.mark.parametrize("last", [20261, 20262, 20263])
def test_a_window_holds_the_four_quarters_ending_at_its_last(last):
    assert fam.window_quarters(fam.ye_key(last)) == quarters((20201, last))[-4:]


def test_window_keys_are_the_latest_two_aligned_12_months_inside_the_span():
    span = (20151, 20262)
    qs = quarters(span)
    expected = [fam.ye_key(q) for q in reversed(qs) if q % 10 == 2 and qs.index(q) >= 3][:fam.WINDOWS_KEPT]
    assert fam.window_keys(span) == expected
    assert expected[0] == 20267 and fam.window_quarters(expected[-1])[0] >= span[0]
    assert all(fam.window_quarters(w)[0] >= span[0] for w in fam.window_keys(span))
    # one quarter short of the oldest aligned window: it is left out
    assert fam.window_keys((20232, 20262)) == fam.window_keys((20231, 20262))
    assert fam.window_keys((20234, 20262)) == [20267, 20257]


@pytest.mark.parametrize("span", [(20151, 20264), (20231, 20244), (20253, 20263), (20261, 20263)])
def test_spans_ending_in_q4_or_shorter_than_a_window_have_no_window_or_one(span):
    expected = [] if span[1] % 10 == 4 or len(quarters(span)) < 4 else [fam.ye_key(span[1])]
    assert fam.window_keys(span) == expected


def test_window_of_gives_the_window_holding_a_quarter_or_none():
    span = (20152, 20262)
    for q in quarters(span):
        w = fam.window_of(q, span)
        holding = [k for k in fam.window_keys(span) if q in fam.window_quarters(k)]
        assert w == (holding[0] if holding else None)
        assert len(holding) <= 1
    assert fam.window_of(20152, span) is None and fam.window_of(20262, span) == 20267
    assert fam.window_of(20243, span) == 20257 and fam.window_of(20242, span) is None
