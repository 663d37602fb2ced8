"""Golden answers: the query layer on a tiny hand-built release, on SQLite and PostgreSQL.

Every expected number below is worked out by hand from the rows inserted here.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from db.bulk import bulk_insert
from db.releases import create_release, finish_release
from db.schema import case_record, indicator_value, outcomes, recorded_offences
from metrics.offence_groups import OFFENCE_GROUPS
from metrics.registry import METRICS
from queries import QueryError, metric_table, outcome_mix

AVON, DURHAM, BTP = "E23000036", "E23000008", "BTP"
Q1, Q2 = 20241, 20242

RECORDED = [
    (AVON, Q1, "19C", 100), (AVON, Q1, "19F", 10), (AVON, Q1, "19D", 7), (AVON, Q1, "20A", 50),
    (AVON, Q2, "19C", 120),
    (DURHAM, Q1, "19C", 30), (DURHAM, Q1, "19F", 3),
    (BTP, Q1, "19C", 4),
    (DURHAM, Q2, "19C", None),  # 'N/A - data not provided' in the source: understates the total
    (DURHAM, Q1, "20A", None),  # 'N/A - offence code expired': not a gap in the data
]
MISSING_REASON = {(DURHAM, Q2, "19C"): "data not provided", (DURHAM, Q1, "20A"): "not applicable"}
CLOSED = [  # force, quarter, code, outcome type, count
    (AVON, Q1, "19C", 1, 6), (AVON, Q1, "19C", 14, 20), (AVON, Q1, "19C", 16, 30),
    (AVON, Q1, "19C", 15, 24), (AVON, Q1, "19C", 18, 10),
    (AVON, Q1, "19F", 1, 1), (AVON, Q1, "19F", 16, 9),
    (DURHAM, Q1, "19C", 1, 2), (DURHAM, Q1, "19C", 16, 18),
    (AVON, Q1, "20A", 1, 5),
]
RECORDED_BASIS = [(AVON, Q1, "19C", 0, 60), (AVON, Q1, "19C", 1, 2), (AVON, Q1, "19C", 16, 38)]
CHARGE_DAYS = [100, 200, 300, 400, 500]


@pytest.fixture
def golden(empty_db):
    with empty_db.begin() as conn:
        rid = create_release(conn, source="published", label="golden answers", synthetic=False)
        recorded = [(*r, MISSING_REASON.get(r[:3])) for r in RECORDED]
        bulk_insert(conn, recorded_offences, pl.DataFrame(
            recorded, schema=["force_code", "quarter", "offence_code", "count", "missing_reason"], orient="row"
        ).with_columns(release_id=pl.lit(rid)))
        rows = [(*r, "closed") for r in CLOSED] + [(*r, "recorded") for r in RECORDED_BASIS]
        bulk_insert(conn, outcomes, pl.DataFrame(
            rows, schema=["force_code", "quarter", "offence_code", "outcome_type", "count", "basis"], orient="row"
        ).with_columns(release_id=pl.lit(rid)))
        cases = pl.DataFrame({
            "case_id": list(range(5)), "days_to_outcome": CHARGE_DAYS,
        }).with_columns(
            release_id=pl.lit(rid), force_code=pl.lit(AVON), offence_code=pl.lit("19C"),
            recorded_date=pl.lit(date(2023, 1, 1)), recorded_quarter=pl.lit(20224),
            victim_age_band=pl.lit("25-39"), victim_sex=pl.lit("F"), relationship=pl.lit("partner"),
            suspect_identified=pl.lit(True), repeat_suspect=pl.lit(False), isva_referred=pl.lit(True),
            referred_cps=pl.lit(True), device_taken=pl.lit(False), device_days=pl.lit(None, pl.Int64),
            outcome_type=pl.lit(1), outcome_date=pl.lit(date(2024, 5, 1)), outcome_quarter=pl.lit(Q1),
        )
        bulk_insert(conn, case_record, cases)
        bulk_insert(conn, indicator_value, pl.DataFrame({
            "force_code": [AVON, DURHAM], "quarter": [Q1, Q1], "indicator": ["isva_referral_rate"] * 2,
            "numerator": [60.0, 10.0], "denominator": [117.0, 33.0],
        }).with_columns(release_id=pl.lit(rid)))
        finish_release(conn, rid, first_quarter=Q1, last_quarter=Q2, row_counts={})
    return empty_db, rid


def _table(golden, metric_id, **kw):
    engine, rid = golden
    kw = {"first_quarter": Q1, "last_quarter": Q1, "offence_group": "adult_rape", **kw}
    return metric_table(engine, release_id=rid, metric_id=metric_id, **kw)


def test_recorded_national_includes_btp_and_flags_understated_totals(golden):
    t = _table(golden, "recorded_offences", last_quarter=Q2, tier="restricted")
    assert_frame_equal(
        t.select("period", "period_end", "area_code", "numerator", "flag"),
        pl.DataFrame({"period": ["2024-25 Q1", "2024-25 Q2"], "period_end": [Q1, Q2],
                      "area_code": ["K04000001"] * 2, "numerator": [147.0, 120.0], "flag": ["", "[u]"]}),
    )


def test_charge_rate_national_excludes_outcome_zero(golden):
    t = _table(golden, "charge_rate")
    assert t["numerator"].to_list() == [9.0]
    assert t["denominator"].to_list() == [120.0]
    assert t["value"][0] == pytest.approx(7.5)
    assert t["lower"][0] < 7.5 < t["upper"][0]


def test_force_rows_and_primary_suppression(golden):
    t = _table(golden, "charge_rate", area="all").filter(pl.col("area_code").is_in([AVON, DURHAM]))
    by_code = {r["area_code"]: r for r in t.iter_rows(named=True)}
    assert by_code[DURHAM]["flag"] == "[c]" and by_code[DURHAM]["value"] is None  # 2 charges < 5
    # every other force has no outcomes, so England and Wales minus Avon would give Durham back:
    # the release's protection hides Avon too
    assert by_code[AVON]["flag"] == "[c]" and by_code[AVON]["numerator"] is None
    # ... in every view that shows Avon, or Avon's own view minus England and Wales gives it back
    assert _table(golden, "charge_rate", area=AVON)["flag"].to_list() == ["[c]"]
    national = _table(golden, "charge_rate").row(0, named=True)
    assert national["numerator"] == 9.0 and national["flag"] == ""
    avon = _table(golden, "charge_rate", area=AVON, tier="restricted").row(0, named=True)
    assert avon["numerator"] == 7.0 and avon["denominator"] == 100.0 and avon["flag"] == ""
    restricted = _table(golden, "charge_rate", area=DURHAM, tier="restricted")
    assert restricted["numerator"].to_list() == [2.0] and restricted["value"][0] == pytest.approx(10.0)


def test_a_hidden_quarter_cannot_be_recovered_from_its_year(empty_db):
    """Quarters of a force's year: one small quarter hides a second, whatever span is asked for."""
    with empty_db.begin() as conn:
        rid = create_release(conn, source="published", label="quarters", synthetic=False)
        counts = {20231: 3, 20232: 40, 20233: 50, 20234: 60}  # Q1 is small
        rows = [(AVON, q, "19C", n) for q, n in counts.items()] + [(DURHAM, q, "19C", 100) for q in counts]
        bulk_insert(conn, recorded_offences, pl.DataFrame(
            rows, schema=["force_code", "quarter", "offence_code", "count"], orient="row"
        ).with_columns(release_id=pl.lit(rid)))
    grid = metric_table(empty_db, release_id=rid, metric_id="recorded_offences", area="all",
                        first_quarter=20231, last_quarter=20234)
    hidden = grid.filter(pl.col("flag") == "[c]")
    assert hidden.filter(pl.col("area_code") == AVON).height >= 2  # Q1 and a second quarter
    for key in ("area_code", "period"):  # no year of a force, no quarter, hides exactly one cell
        assert (hidden.group_by(key).len()["len"] >= 2).all()
    full = metric_table(empty_db, release_id=rid, metric_id="recorded_offences", area=AVON,
                        first_quarter=20231, last_quarter=20234)
    assert full["flag"].to_list() == grid.filter(pl.col("area_code") == AVON)["flag"].to_list()
    part = metric_table(empty_db, release_id=rid, metric_id="recorded_offences", area=AVON,
                        first_quarter=20232, last_quarter=20233)
    assert part["flag"].to_list() == full["flag"].to_list()[1:3]  # same pattern for part of the year
    year = metric_table(empty_db, release_id=rid, metric_id="recorded_offences", area=AVON,
                        first_quarter=20231, last_quarter=20234, grain="year")
    assert year["numerator"].to_list() == [153.0]


def test_periods_without_data_are_left_out_not_zero(golden):
    engine, rid = golden
    t = metric_table(engine, release_id=rid, metric_id="recorded_offences",
                     first_quarter=20231, last_quarter=20254)
    assert t["period_end"].to_list() == [Q1, Q2]  # the release holds 2024-25 Q1 and Q2 only


def test_rate_per_1000_uses_quarter_of_a_year_and_excludes_btp(golden):
    t = _table(golden, "recorded_per_1000", area=AVON)
    assert t["value"][0] == pytest.approx(110 / (1_784_500 / 4) * 1000)
    national = _table(golden, "recorded_per_1000", tier="restricted")
    assert national["numerator"][0] == 143.0  # BTP's 4 left out of a per-head rate
    btp = _table(golden, "recorded_per_1000", area=BTP)
    assert btp["flag"].to_list() == ["[z]"]
    # a period with an empty quarter still counts that quarter's exposure
    two = _table(golden, "recorded_per_1000", area=DURHAM, last_quarter=Q2, grain="period", tier="restricted")
    assert two["value"][0] == pytest.approx(33 / (642_700 * 2 / 4) * 1000)


def test_not_applicable_cells_are_not_flagged_understated(golden):
    t = _table(golden, "recorded_offences", area="all", offence_group="other_sexual", tier="restricted")
    assert t.filter(pl.col("area_code") == DURHAM)["flag"].to_list() == [""]


def test_offence_groups_select_by_attributes(golden):
    for group, n in (("child_rape", 7.0), ("rape", 117.0), ("all_sexual", 167.0)):
        t = _table(golden, "recorded_offences", area=AVON, offence_group=group, tier="restricted")
        assert t["numerator"].to_list() == [n]


def test_median_days_to_charge(golden):
    t = _table(golden, "median_days_to_charge", area=AVON, tier="restricted")
    assert t["value"].to_list() == [300.0]
    assert t["denominator"].to_list() == [5.0]


def test_median_days_for_england_and_wales_from_one_national_histogram(golden):
    t = _table(golden, "median_days_to_charge", tier="restricted")
    assert t.select("area_code", "area_name", "value", "denominator").rows() == [
        ("K04000001", "England and Wales", 300.0, 5.0)]


def test_open_rate_on_recorded_basis(golden):
    t = _table(golden, "open_rate", area=AVON)
    assert t["numerator"][0] == 60.0 and t["denominator"][0] == 100.0


def test_indicator_sums_forces_for_national(golden):
    t = _table(golden, "isva_referral_rate", tier="restricted")
    assert t["numerator"][0] == 70.0 and t["denominator"][0] == 150.0


def test_outcome_mix_groups_and_shares(golden):
    engine, rid = golden
    mix = outcome_mix(engine, release_id=rid, offence_group="adult_rape", area=AVON,
                      first_quarter=Q1, last_quarter=Q1, tier="restricted")
    shares = dict(zip(mix["ho_group"], mix["count"], strict=True))
    assert shares["Charged/Summonsed"] == 7.0
    assert shares["Evidential difficulties (victim does not support action)"] == 59.0
    assert mix["share"].sum() == pytest.approx(100.0)


def test_year_grain_keeps_complete_years_only(golden):
    t = _table(golden, "recorded_offences", last_quarter=Q2, grain="year")
    assert t.height == 0


def test_bad_requests_are_user_errors(golden):
    with pytest.raises(QueryError, match="Unknown force"):
        _table(golden, "charge_rate", area="E99999999")
    with pytest.raises(KeyError, match="Unknown metric"):
        _table(golden, "no_such_metric")


@pytest.mark.parametrize("metric_id", [m.id for m in METRICS])
@pytest.mark.parametrize("group", list(OFFENCE_GROUPS))
def test_every_metric_and_group_runs_on_the_small_release(small_db, metric_id, group):
    from db.releases import latest_release

    rel = latest_release(small_db, "synthetic")
    t = metric_table(small_db, release_id=rel.id, metric_id=metric_id, offence_group=group,
                     area="all", first_quarter=20231, last_quarter=20244, grain="year")
    assert t.height > 0
    shown = t.filter(pl.col("value").is_not_null())
    assert (shown["lower"].is_null() | (shown["lower"] <= shown["value"] + 1e-9)).all()


def test_release_coverage_and_what_a_source_lacks(golden, empty_db):
    from metrics.registry import metric, missing_from_source
    from queries import release_info

    engine, rid = golden
    info = release_info(engine, rid)
    assert list(info.coverage) == ["case_level", "force_mi", "outcomes", "recorded"]
    assert missing_from_source(metric("median_days_to_charge"), info.coverage, "X") is None
    reason = missing_from_source(metric("median_days_to_charge"), ["outcomes", "recorded"], "Release 2")
    assert reason.startswith("Median days from recording to charge: not in this source. Release 2 has no case-level")


@pytest.mark.parametrize(("first", "last", "label"), [
    (20241, 20244, "2024-25"), (20253, 20262, "12 months to Sep 2026"), (20241, 20241, "2024-25 Q1"),
    (20241, 20242, "2024-25 Q1 to 2024-25 Q2"),
])
def test_period_labels_match_the_pages(first, last, label):
    from queries.framing import span_label

    assert span_label(first, last) == label


def test_snapshot_indicators_average_quarters_and_national_counts_forces(empty_db):
    """Officers at the end of each quarter are a position, not a flow: a year is their average.
    England and Wales from force MI is flagged understated only when a territorial force is missing."""
    codes = ["E23000036", "E23000008"]
    rows = [(c, q, "trained_investigator_share", 30.0, 60.0) for c in codes for q in (20241, 20242, 20243, 20244)]
    rows += [("BTP", q, "trained_investigator_share", 1.0, 2.0) for q in (20241, 20242, 20243, 20244)]
    with empty_db.begin() as conn:
        rid = create_release(conn, source="published", label="mi", synthetic=False)
        bulk_insert(conn, indicator_value, pl.DataFrame(
            rows, schema=["force_code", "quarter", "indicator", "numerator", "denominator"], orient="row"
        ).with_columns(release_id=pl.lit(rid)))
    t = metric_table(empty_db, release_id=rid, metric_id="trained_investigator_share", area=AVON,
                     first_quarter=20241, last_quarter=20244, grain="year", tier="restricted")
    assert t["numerator"].to_list() == [30.0] and t["denominator"].to_list() == [60.0]
    national = metric_table(empty_db, release_id=rid, metric_id="trained_investigator_share",
                            first_quarter=20241, last_quarter=20244, grain="year", tier="restricted")
    assert national["flag"].to_list() == ["[u]"]  # 41 territorial forces sent nothing


@pytest.mark.parametrize("grain", ["quarter", "year"])
def test_public_counts_are_hidden_exactly_where_the_release_protection_hides_them(small_db, grain):
    """Across offence groups and tables: a count the stored protection hides is null in every
    public table that shows it (so no table gives back what another hides), and a count it shows
    is shown unless a display rule ([c] on a rate of too few cases) hides more."""
    from db.protection import release_cells
    from db.releases import latest_release

    rel = latest_release(small_db, "synthetic")
    with small_db.connect() as conn:
        cells = release_cells(conn, rel.id, 5).filter(pl.col("family") == "outcomes_closed")
    hidden = {(r["area_code"], r["period_key"], r["offence"], r["category"]): r["reason"] != ""
              for r in cells.iter_rows(named=True)}
    seen = {True: 0, False: 0}
    for g in OFFENCE_GROUPS:
        t = metric_table(small_db, release_id=rel.id, metric_id="charge_rate", offence_group=g, area="all",
                         first_quarter=20231, last_quarter=20244, grain=grain)
        for r in t.iter_rows(named=True):
            key = r["period_end"] if grain == "quarter" else r["period_end"] // 10 * 10
            for category, column in (("Charged/Summonsed", "numerator"), ("all", "denominator")):
                is_hidden = hidden[(r["area_code"], key, g, category)]
                seen[is_hidden] += 1
                if is_hidden:
                    assert r[column] is None and r["flag"] == "[c]", (g, r)
                elif r["flag"] != "[c]":
                    assert r[column] is not None, (g, r)
    assert seen[True] > 0 and seen[False] > 0  # the small release has hidden and shown counts
