"""Each named step of the metric-table pipeline on small hand-made frames (no database).

The whole pipeline is checked end to end against golden answers in test_queries.py; here each
step is checked alone, so a failure names the step that broke.
"""

from __future__ import annotations

import polars as pl
import pytest

from db.reference import NATIONAL_CODE, NATIONAL_NAME
from metrics import registry as reg
from metrics.errors import QueryError
from queries import cells
from queries.arguments import check_area
from queries.framing import Framing, select_areas
from queries.metric_table import (
    COLUMNS,
    PARTIAL_KEYS,
    Inputs,
    Request,
    cut_view,
    empty_table,
    flag_partial,
    frame_span,
    protect,
    read_window,
)

AVON, DURHAM, BTP = "E23000036", "E23000008", "BTP"
Q1, Q2, Q3, Q4 = 20241, 20242, 20243, 20244
FORCES = pl.DataFrame({"code": [AVON, DURHAM, BTP], "name": ["Avon and Somerset", "Durham", "British Transport Police"],
                       "territorial": [True, True, False]})


def _request(metric_id="charge_rate", area="national", first=Q1, last=Q1, grain="quarter", tier="public",
             group="adult_rape"):
    return Request.of(metric_id, group, area, first, last, grain, tier)


def _framing(grain="quarter", span=(Q1, Q1), include_btp=True):
    return Framing(FORCES, include_btp, grain, span)


# --------------------------------------------------------------------------- request


@pytest.mark.parametrize(("kw", "words"), [
    ({"tier": "secret"}, "Unknown tier 'secret'"),
    ({"grain": "month"}, "Unknown grain 'month'"),
    ({"first": Q2, "last": Q1}, "start of the period is after its end"),
])
def test_request_refuses_bad_input_with_one_line(kw, words):
    with pytest.raises(QueryError, match=words):
        _request(**kw)


def test_request_decides_scope_and_btp():
    national = _request()
    assert national.scope == "national" and national.include_btp
    assert _request(area=AVON).scope == "all"
    assert not _request("recorded_per_1000").include_btp


def test_request_names_the_counts_it_shows_with_their_outcome_group():
    groups = {0: "Not yet assigned", 1: "Charged/Summonsed", 14: "Evidential difficulties", 16: "Evidential difficulties"}
    for t in range(2, 23):
        groups.setdefault(t, f"group {t}")
    num, den = _request("charge_rate").counts(groups)
    assert (num.family, num.category) == ("outcomes_closed", "Charged/Summonsed")
    assert (den.family, den.category) == ("outcomes_closed", "all")
    assert _request("median_days_to_charge").counts(groups) == (None, None)


def test_check_area_knows_forces_and_refuses_others():
    for area in ("national", "all", AVON, BTP):
        check_area(area, FORCES["code"])
    with pytest.raises(QueryError, match="Unknown force 'E99999999'"):
        check_area("E99999999", FORCES["code"])


# --------------------------------------------------------------------------- reading window


def test_read_window_cuts_the_request_to_what_is_held():
    assert read_window(_request(first=Q2, last=Q3), (20231, 20254)) == (Q2, Q3)
    assert read_window(_request(area=AVON, first=Q2, last=Q3), (Q3, Q4)) == (Q3, Q3)


def test_read_window_is_none_when_the_release_holds_nothing_inside():
    assert read_window(_request(), (None, None)) is None
    assert read_window(_request(first=Q1, last=Q2), (20251, 20254)) is None


def test_frame_span_keeps_the_window_except_for_one_whole_period():
    assert frame_span(_request(area=AVON, first=Q2, last=Q3), (Q1, Q4)) == (Q1, Q4)
    assert frame_span(_request(first=Q2, last=20251, grain="period"), (Q1, Q4)) == (Q2, Q4)


# --------------------------------------------------------------------------- framing and cells


def test_national_rows_summed_by_the_database_are_labelled_without_a_force_code():
    hist = pl.DataFrame({"quarter": [Q1, Q1], "days": [10, 20], "n": [1, 2]})
    national = select_areas(hist, "national", FORCES, include_btp=True)
    assert national["area_code"].to_list() == [NATIONAL_CODE] * 2
    assert national["area_name"].to_list() == [NATIONAL_NAME] * 2
    assert "force_code" not in national.columns
    with pytest.raises(ValueError, match="cannot be cut to area 'all'"):
        select_areas(hist, "all", FORCES, include_btp=True)


def test_medians_read_a_histogram_of_days():
    hist = pl.DataFrame({"quarter": [Q1, Q1, Q1], "days": [100, 300, 500], "n": [2, 1, 2]})
    out = cells.medians(_framing().frame(hist, "national"))
    row = out.row(0, named=True)
    assert row["area_code"] == NATIONAL_CODE and row["value"] == 300.0 and row["denominator"] == 5.0


def test_grid_has_every_period_and_area_of_the_span():
    grid = _framing(span=(Q1, Q2)).grid("all")
    assert sorted(zip(grid["period_end"], grid["area_code"], strict=True)) == [
        (Q1, BTP), (Q1, DURHAM), (Q1, AVON), (Q2, BTP), (Q2, DURHAM), (Q2, AVON)]
    assert grid["nq"].to_list() == [1] * 6


def test_sum_cells_adds_forces_and_averages_snapshots():
    rows = pl.DataFrame({"force_code": [AVON, AVON, DURHAM], "quarter": [Q1, Q2, Q1],
                         "numerator": [4.0, 6.0, 1.0], "denominator": [10.0, 20.0, 5.0]})
    framing = _framing("period", (Q1, Q2))
    summed = cells.sum_cells(framing.frame(rows, "national"), reg.metric("charge_rate"), FORCES, "national")
    assert summed.select("numerator", "denominator").row(0) == (11.0, 35.0)
    snapshot = cells.sum_cells(framing.frame(rows, "all"), reg.metric("trained_investigator_share"), FORCES, "all")
    avon = snapshot.filter(pl.col("area_code") == AVON)
    assert avon.select("numerator", "denominator").row(0) == (5.0, 15.0)  # the average of two quarters


def test_sum_cells_counts_forces_missing_from_national_force_mi():
    rows = pl.DataFrame({"force_code": [AVON], "quarter": [Q1], "numerator": [4.0], "denominator": [10.0]})
    framed = _framing().frame(rows, "national")
    summed = cells.sum_cells(framed, reg.metric("isva_referral_rate"), FORCES, "national")
    assert summed["missing"].to_list() == [1]  # Durham did not report


def test_zero_fill_makes_empty_cells_true_zeros():
    framing = _framing(span=(Q1, Q1))
    table = pl.DataFrame({"period": ["2024-25 Q1"], "period_end": [Q1], "area_code": [AVON],
                          "area_name": ["Avon and Somerset"], "numerator": [3.0], "denominator": [9.0], "nq": [1]})
    filled = cells.zero_fill(table, framing.grid("all")).sort("area_code")
    assert dict(zip(filled["area_code"], filled["numerator"], strict=True)) == {AVON: 3.0, BTP: 0.0, DURHAM: 0.0}
    assert dict(zip(filled["area_code"], filled["denominator"], strict=True)) == {AVON: 9.0, BTP: 0.0, DURHAM: 0.0}


def test_add_denominator_by_kind():
    table = pl.DataFrame({"area_code": [AVON], "numerator": [30.0], "denominator": [1.0], "nq": [1]})
    count = cells.add_denominator(table, reg.metric("recorded_offences"), FORCES, "all", None)
    assert count["denominator"].to_list() == [None]
    population = pl.DataFrame({"force_code": [AVON, DURHAM], "population": [1_000_000.0, 600_000.0]})
    rate = cells.add_denominator(table, reg.metric("recorded_per_1000"), FORCES, "all", population)
    assert rate["denominator"].to_list() == [250_000.0]  # a quarter is a quarter of a year's exposure
    share = cells.add_denominator(table, reg.metric("charge_rate"), FORCES, "all", None)
    assert share["denominator"].to_list() == [1.0]


def _cells_for(numerators, group="adult_rape"):
    codes = list(numerators)
    return pl.DataFrame({"period": ["2024-25 Q1"] * len(codes), "period_end": [Q1] * len(codes),
                         "area_code": codes, "area_name": codes, "numerator": list(numerators.values()),
                         "denominator": [None] * len(codes), "value": list(numerators.values()),
                         "lower": [None] * len(codes), "upper": [None] * len(codes), "flag": [""] * len(codes),
                         "offence_group": [group] * len(codes)},
                        schema_overrides={"denominator": pl.Float64, "lower": pl.Float64, "upper": pl.Float64})


def test_protect_applies_the_display_rules_and_public_medians_lose_their_case_counts():
    table = _cells_for({AVON: 2.0, DURHAM: 40.0, NATIONAL_CODE: 42.0})
    inputs = Inputs(table, None, _framing())
    out = protect(table, _request("recorded_offences", area="all", tier="restricted"), inputs, threshold=None)
    assert out["flag"].to_list() == ["", "", ""]  # restricted: nothing hidden
    medians = table.with_columns(denominator=pl.Series([0.0, 40.0, 3.0]), value=pl.Series([None, 80.0, 9.0]))
    req = _request("median_days_to_charge", area="all")
    out = protect(medians.with_columns(numerator=pl.lit(None, pl.Float64)), req, inputs, threshold=None)
    assert out["denominator"].null_count() == out.height  # never published in the public tier
    # no cases is [c] like too few: a [z] would tell a hidden count is zero
    assert out["flag"].to_list() == ["[c]", "", "[c]"]


def test_flag_partial_marks_shown_values_that_sum_missing_source_cells():
    table = _cells_for({AVON: 20.0, DURHAM: 30.0}).with_columns(flag=pl.Series(["", "[c]"]))
    partial = table.select(*PARTIAL_KEYS).with_columns(missing=pl.Series([1, 1]))
    out = flag_partial(table, partial)
    assert out["flag"].to_list() == ["[u]", "[c]"]  # a hidden cell keeps its own marker
    assert flag_partial(table, None)["flag"].to_list() == ["", "[c]"]


def test_cut_view_keeps_the_area_and_quarters_asked_for():
    table = pl.concat([_cells_for({AVON: 20.0, DURHAM: 30.0, BTP: 5.0}),
                       _cells_for({AVON: 25.0}).with_columns(period=pl.lit("2024-25 Q2"), period_end=pl.lit(Q2, pl.Int64))])
    view = cut_view(table, _request("recorded_offences", area=AVON, first=Q2, last=Q2), _framing(), 7)
    assert view.columns == COLUMNS
    assert view.select("area_code", "period_end", "numerator", "release").rows() == [(AVON, Q2, 25.0, 7)]
    every = cut_view(table, _request("recorded_offences", area="all", first=Q1, last=Q1), _framing(), 7)
    assert sorted(every["area_code"]) == sorted([AVON, DURHAM])  # territorial forces only


def test_cut_view_gives_btp_a_not_applicable_rate_per_head():
    view = cut_view(_cells_for({AVON: 20.0}), _request("recorded_per_1000", area=BTP),
                       _framing(include_btp=False), 7)
    assert view.select("area_code", "value", "flag").rows() == [(BTP, None, "[z]")]


def test_empty_table_has_the_columns_of_every_table():
    assert empty_table().columns == COLUMNS and empty_table().is_empty()
