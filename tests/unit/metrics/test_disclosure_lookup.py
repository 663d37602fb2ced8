"""The look-up of a public table's rows in the release's protection (metrics.disclosure.lookup)."""

from __future__ import annotations

import polars as pl

from metrics.disclosure import families as fam
from metrics.disclosure.lookup import (
    area_node,
    derivable,
    hidden_rows,
    hide,
    open_span,
    span_keys,
)

SPAN = (20151, 20262)  # a release ending in Q2: its twelve-month windows end in September
AVON = "E23000036"


def test_spans_that_are_nodes_are_looked_up_as_themselves():
    assert span_keys(20253, 20253, release_span=SPAN, stock=False) == [20253]
    assert span_keys(20251, 20254, release_span=SPAN, stock=False) == [fam.fy_key(20251)]
    assert span_keys(20253, 20262, release_span=SPAN, stock=False) == [fam.ye_key(20262)]
    assert span_keys(20243, 20252, release_span=SPAN, stock=False) == [fam.ye_key(20252)]


def test_other_spans_are_every_quarter_inside():
    # twelve months ending in June are not nodes of a release ending in September
    assert span_keys(20252, 20261, release_span=SPAN, stock=False) == [20252, 20253, 20254, 20261]
    # a release ending in Q4 has no windows but its financial years
    assert span_keys(20243, 20252, release_span=(20151, 20254), stock=False) == [20243, 20244, 20251, 20252]
    # end-of-quarter positions are averaged, never summed: no yearly node
    assert span_keys(20251, 20254, release_span=SPAN, stock=True) == [20251, 20252, 20253, 20254]
    # offences recorded four to seven quarters before each quarter of the row
    assert span_keys(20253, 20253, release_span=SPAN, stock=False, lag=(-7, -4)) == [20234, 20241, 20242, 20243]


def _rows(*spans, area=AVON):
    return pl.DataFrame({"_area": [area] * len(spans), "_first": [a for a, _ in spans], "_last": [b for _, b in spans],
                         "_offence": ["adult_rape"] * len(spans), "_category": ["all"] * len(spans)})


def _hidden(*keys, family=fam.RECORDED, area=AVON):
    return pl.DataFrame({"family": [family] * len(keys), "area_code": [area] * len(keys), "period_key": list(keys),
                         "offence": ["adult_rape"] * len(keys), "category": ["all"] * len(keys),
                         "reason": ["primary"] * len(keys)})


def test_a_row_is_hidden_when_its_node_or_any_quarter_of_a_non_node_span_is():
    rows = _rows((20253, 20253), (20254, 20254), (20251, 20254), (20252, 20261), (20241, 20244))
    out = hidden_rows(rows, fam.CountRef(fam.RECORDED), _hidden(20253, 20251, 20262), release_span=SPAN)
    # the quarter itself; not the financial year (a node the protection showed); the June window
    # holds it (and hides neither all the year hides nor all the headline window does)
    assert out.to_list() == [True, False, False, True, False]
    # another family's hidden cell, or another area's, hides nothing here
    assert not hidden_rows(rows, fam.CountRef(fam.CLOSED), _hidden(20253), release_span=SPAN).any()
    assert not hidden_rows(rows, fam.CountRef(fam.RECORDED), _hidden(20253, area="BTP"), release_span=SPAN).any()
    assert not hidden_rows(rows, None, _hidden(20253), release_span=SPAN).any()


def test_a_span_is_shown_where_what_it_hides_is_what_shown_nodes_hide():
    june = (20252, 20261)  # 12 months to June 2026: not a node of a release ending in September
    # the two quarters it hides are all that the (shown) year 2025-26 hides: the window is the
    # year less its first quarter plus the next one, all shown
    assert derivable(*june, {20252, 20253}, release_span=SPAN)
    # the year hides a quarter outside the window too, or is hidden itself: the window is not a sum of shown numbers
    assert not derivable(*june, {20251, 20252, 20253}, release_span=SPAN)
    assert not derivable(*june, {20252, 20253, fam.fy_key(20252)}, release_span=SPAN)
    # what it hides is what the shown headline window (12 months to September 2026) hides
    assert derivable(*june, {20253, 20261}, release_span=SPAN)
    assert not derivable(*june, {20253, 20261, fam.ye_key(20262)}, release_span=SPAN)
    # a year not wholly inside the release is no node
    assert not derivable(20261, 20262, {20254, 20261, 20262}, release_span=SPAN)
    rows = _rows(june, june)
    rows = rows.with_columns(_offence=pl.Series(["adult_rape", "rape"]))
    out = hidden_rows(rows, fam.CountRef(fam.RECORDED), _hidden(20252, 20253), release_span=SPAN)
    assert out.to_list() == [False, False]
    out = hidden_rows(rows, fam.CountRef(fam.RECORDED), _hidden(20251, 20252, 20253), release_span=SPAN)
    assert out.to_list() == [True, False]


def test_england_and_wales_is_the_node_with_or_without_btp():
    frame = pl.DataFrame({"a": [fam.NATIONAL, AVON]})
    assert frame.select(area_node(pl.col("a"), territorial=True).alias("a"))["a"].to_list() == [fam.TERRITORIAL, AVON]
    assert frame.select(area_node(pl.col("a"), territorial=False).alias("a"))["a"].to_list() == [fam.NATIONAL, AVON]


def test_hide_nulls_what_goes_with_a_hidden_count_and_keeps_not_available():
    table = pl.DataFrame({"numerator": [3.0, 30.0, 40.0, None], "denominator": [60.0, 8.0, 90.0, 50.0],
                          "value": [5.0, 375.0, 44.4, None], "lower": [1.0, 1.0, 1.0, None],
                          "upper": [9.0, 9.0, 9.0, None], "flag": ["", "", "", "[x]"]})
    out = hide(table, numerator=pl.Series([True, False, False, True]), denominator=pl.Series([False, True, False, False]))
    assert out["flag"].to_list() == ["[c]", "[c]", "", "[x]"]
    assert out["numerator"].to_list() == [None, 30.0, 40.0, None]  # a shown count stays beside a hidden total
    assert out["denominator"].to_list() == [60.0, None, 90.0, 50.0]
    assert out["value"].to_list() == [None, None, 44.4, None]
    assert out["upper"].to_list() == [None, None, 9.0, None]


def test_spans_that_are_not_a_node_are_not_offered_where_they_would_be_hidden():
    """[x], not [c]: such a span (other twelve months, a span a user picks) is not a cell of the
    protection (channel 6 across offence groups; spans narrowed by the whole-release audit); the
    headline windows, years and quarters are cells and stay [c]."""
    rows = pl.DataFrame({"_first": [20252, 20253, 20251, 20253, 20252, 20253],
                         "_last": [20261, 20262, 20254, 20253, 20261, 20254]})
    window = open_span(rows, fam.CountRef(fam.RECORDED), release_span=SPAN)
    assert window.to_list() == [True, False, False, False, True, True]  # the last: two quarters a user picks
    assert open_span(rows, None, release_span=SPAN).all()  # without a count it never decides a row alone
    table = pl.DataFrame({"value": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "flag": ["", "", "", "", "[c]", ""]})
    hit = pl.Series([True, True, True, True, False, True])
    out = hide(table, numerator=hit, denominator=pl.Series([False] * 6), window=window)
    assert out["flag"].to_list() == ["[x]", "[c]", "[c]", "[c]", "[x]", "[x]"]  # the fifth: [c] by the cell rules
    assert out["value"].null_count() == 5 and out["value"][4] == 5.0
