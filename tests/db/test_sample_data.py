"""The synthetic generator: deterministic, internally consistent, calibrated, and loadable.

Consistency checks recount the case records with plain Python (Counter, dates) rather than the
generator's own Polars code, so a bug in the derivation cannot agree with itself. Calibration
checks compare a 300,000-case sample, scaled back up (and a full-scale one for the figures tested
against published national ones, each named with its source in sample_data.calibration), with
shared/domain.md section 6 and shared/data/PROVENANCE-outcomes.md. Carried-in cases (recorded
before the first quarter, still open on its first day) belong to the closed basis and the case
records, not to the recorded tables.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from datetime import date, timedelta

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import func, select

from db import reference as ref
from db.schema import case_record, indicator_value, outcomes, recorded_offences, release
from metrics.periods import add_quarters, quarter_end, quarter_of, quarters_between
from metrics.registry import INDICATOR_IDS
from sample_data import calibration as cal
from sample_data import measures
from sample_data.generator import FULL_SCALE_CASES, generate, national_volume
from sample_data.load import load_sample

LAST = 20262
FIRST = 20151
SMALL = 20_000
CALIB = 300_000
RAPE = pl.col("offence_code").is_in([o[0] for o in ref.OFFENCES if o[2] == "rape"])


@pytest.fixture(scope="module")
def small():
    return generate(SMALL, seed=11, last_quarter=LAST)


@pytest.fixture(scope="module")
def calib():
    return generate(CALIB, seed=2023, last_quarter=LAST)


@pytest.fixture(scope="module")
def large():
    """Full scale (about 2 million cases, a few seconds), for the figures compared with published
    national ones: at 300,000 cases a year's adult rape charges number about 170, too few."""
    return generate(FULL_SCALE_CASES, seed=2023, last_quarter=LAST)


def _scale() -> float:
    return national_volume(20151, LAST) / CALIB


# --- determinism -------------------------------------------------------------------------------


def test_same_seed_same_frames(small):
    again = generate(SMALL, seed=11, last_quarter=LAST)
    for name in ("cases", "recorded", "outcomes", "indicators"):
        assert_frame_equal(getattr(small, name), getattr(again, name))


def test_different_seed_different_data(small):
    other = generate(SMALL, seed=12, last_quarter=LAST)
    assert other.recorded["count"].sum() == small.recorded["count"].sum() == SMALL
    assert not other.cases.equals(small.cases)
    assert not other.recorded.equals(small.recorded)


def test_exact_case_count_and_columns(small):
    in_period = small.cases.filter(pl.col("recorded_quarter") >= FIRST)
    assert in_period.height == SMALL
    assert small.carried_in > 0
    assert small.cases.height == SMALL + small.carried_in
    assert small.cases["case_id"].n_unique() == small.cases.height
    expected = [c.name for c in case_record.columns if c.name != "release_id"]
    assert small.cases.columns == expected
    for frame, table in ((small.recorded, recorded_offences), (small.outcomes, outcomes),
                         (small.indicators, indicator_value)):
        assert frame.columns == [c.name for c in table.columns if c.name != "release_id"]


def test_full_scale_is_national_volume():
    # about 2 million cases from 2015-16 to the latest complete quarter
    assert 1_800_000 < FULL_SCALE_CASES < 2_300_000


def test_every_force_and_offence_code_appears(calib):
    assert set(calib.cases["force_code"].unique()) == {f.code for f in (*ref.FORCES, ref.BTP)}
    assert set(calib.cases["offence_code"].unique()) == {o[0] for o in ref.OFFENCES}


# --- consistency -------------------------------------------------------------------------------


def test_carried_in_cases_were_open_on_the_first_day(small):
    first_day = quarter_end(add_quarters(FIRST, -1)) + timedelta(days=1)
    carried = small.cases.filter(pl.col("recorded_quarter") < FIRST)
    assert carried.height == small.carried_in
    for r in carried.iter_rows(named=True):
        assert r["recorded_date"] < first_day
        assert r["outcome_date"] is None or r["outcome_date"] >= first_day, r
    # the bulk are recent offences, a few are years old (slow or stalled investigations)
    years = Counter(q // 10 for q in carried["recorded_quarter"])
    assert years[FIRST // 10 - 1] > carried.height / 2
    assert min(years) < FIRST // 10 - 3


def test_recorded_tables_start_in_the_first_quarter(small):
    assert small.recorded["quarter"].min() == FIRST
    recorded_basis = small.outcomes.filter(pl.col("basis") == "recorded")
    assert recorded_basis["quarter"].min() == FIRST
    assert small.outcomes.filter(pl.col("basis") == "closed")["quarter"].min() == FIRST


def test_recorded_table_counts_the_cases(small):
    counted = Counter((f, q, o) for f, q, o in zip(
        small.cases["force_code"], small.cases["recorded_quarter"], small.cases["offence_code"],
        strict=True) if q >= FIRST)
    table = {(r["force_code"], r["quarter"], r["offence_code"]): r["count"]
             for r in small.recorded.iter_rows(named=True)}
    assert table == dict(counted)
    assert small.recorded["count"].sum() == SMALL


def test_outcome_bases_count_the_cases(small):
    rows = list(zip(small.cases["force_code"], small.cases["recorded_quarter"],
                    small.cases["offence_code"], small.cases["outcome_type"],
                    small.cases["outcome_quarter"], strict=True))
    by_recorded = Counter((f, rq, o, t) for f, rq, o, t, _ in rows if rq >= FIRST)
    by_closed = Counter((f, oq, o, t) for f, _, o, t, oq in rows if t != 0)  # with carried-in
    assert any(rq < FIRST and t != 0 for _, rq, _, t, _ in rows)
    table = {b: {} for b in ("recorded", "closed")}
    for r in small.outcomes.iter_rows(named=True):
        table[r["basis"]][(r["force_code"], r["quarter"], r["offence_code"], r["outcome_type"])] = r["count"]
    assert table["recorded"] == dict(by_recorded)
    assert table["closed"] == dict(by_closed)
    assert small.outcomes.filter(pl.col("basis") == "recorded")["count"].sum() == SMALL
    assert small.outcomes.filter((pl.col("basis") == "closed") & (pl.col("outcome_type") == 0)).height == 0
    assert small.outcomes["count"].min() > 0


def test_outcome_dates_and_open_cases(small):
    extract = quarter_end(LAST)
    for r in small.cases.sample(3_000, seed=1).iter_rows(named=True):
        assert quarter_of(r["recorded_date"]) == r["recorded_quarter"]
        if r["outcome_type"] == 0:
            assert r["outcome_date"] is None and r["outcome_quarter"] is None
            assert r["days_to_outcome"] is None
        else:
            assert r["recorded_date"] <= r["outcome_date"] <= extract
            assert (r["outcome_date"] - r["recorded_date"]).days == r["days_to_outcome"] <= 2922
            assert quarter_of(r["outcome_date"]) == r["outcome_quarter"]


def test_suspect_rules(calib):
    c = calib.cases
    unidentified = c.filter(~pl.col("suspect_identified"))
    assert set(unidentified["outcome_type"].unique()) <= {0, 14, 18}
    identified = c.filter(pl.col("suspect_identified"))
    assert identified.filter(pl.col("outcome_type").is_in([14, 18])).height == 0
    assert c.filter(pl.col("repeat_suspect") & ~pl.col("suspect_identified")).height == 0
    repeat_share = identified["repeat_suspect"].mean()
    assert 0.18 < repeat_share < 0.32


def test_rasso_outcome_types(calib):
    types = set(calib.cases["outcome_type"].unique())
    assert not types & {4, 6, 7, 19}  # TIC, PND, cannabis warning, NFIB: not for RASSO
    assert {1, 14, 15, 16, 18} <= types


def test_every_charge_was_referred_to_the_cps(calib):
    c = calib.cases
    assert c.filter((pl.col("outcome_type") == 1) & ~pl.col("referred_cps")).height == 0
    closed = c.filter(pl.col("outcome_type") != 0)
    assert 0.07 < closed["referred_cps"].mean() < 0.16


def test_device_rules(small):
    c = small.cases
    assert c.filter(~pl.col("device_taken") & pl.col("device_days").is_not_null()).height == 0
    extract = quarter_end(LAST)
    returned = c.filter(pl.col("device_days").is_not_null())
    assert returned["device_days"].min() >= 1
    late = [r for r in returned.iter_rows(named=True)
            if r["recorded_date"] + timedelta(days=r["device_days"]) > extract]
    assert late == []
    # some devices taken recently are still with the police at the extract
    assert c.filter(pl.col("device_taken") & pl.col("device_days").is_null()).height > 0


def test_victim_attributes_match_the_offence_code(calib):
    c = calib.cases
    adult = ["16-17", "18-24", "25-39", "40-59", "60+"]
    assert c.filter(pl.col("offence_code").is_in(["19C", "19F"]) & ~pl.col("victim_age_band").is_in(adult)).height == 0
    assert set(c.filter(pl.col("offence_code").is_in(["19E", "19H", "20B", "17B", "21"]))["victim_age_band"].unique()) == {"0-12"}
    assert set(c.filter(pl.col("offence_code").is_in(["19C", "19D", "19E", "20A", "20B"]))["victim_sex"].unique()) == {"F"}
    assert set(c.filter(pl.col("offence_code").is_in(["19F", "19G", "19H", "17A", "17B"]))["victim_sex"].unique()) == {"M"}
    assert set(c["relationship"].unique()) == {"partner", "ex_partner", "family", "acquaintance",
                                               "stranger", "online", "other"}


def test_indicators_cover_every_force_quarter_and_id(small):
    ind = small.indicators
    quarters = quarters_between(20191, LAST)
    assert set(ind["indicator"].unique()) == set(INDICATOR_IDS)
    assert ind.height == len(INDICATOR_IDS) * 44 * len(quarters)
    assert set(ind["quarter"].unique()) == set(quarters)
    proportions = ind.filter(pl.col("indicator") != "investigator_caseload")
    assert proportions.filter(pl.col("numerator") > pl.col("denominator")).height == 0


def test_indicators_recomputed_from_cases(small):
    """Recount three indicators for one force and quarter straight from the case rows."""
    force, q = "E23000001", 20243
    rows = small.cases.filter(pl.col("force_code") == force).to_dicts()
    end = quarter_end(q)

    def value(name):
        row = small.indicators.filter((pl.col("indicator") == name) & (pl.col("force_code") == force)
                                      & (pl.col("quarter") == q)).row(0, named=True)
        return row["numerator"], row["denominator"]

    recorded = [r for r in rows if r["recorded_quarter"] == q]
    assert value("isva_referral_rate") == (sum(r["isva_referred"] for r in recorded), len(recorded))
    cohort = [r for r in rows if add_quarters(q, -7) <= r["recorded_quarter"] <= add_quarters(q, -4)]
    still_open = [r for r in cohort if r["outcome_date"] is None or r["outcome_date"] > end]
    assert value("outcome_not_assigned_after_year") == (len(still_open), len(cohort))
    open_at_end = [r for r in rows if r["recorded_date"] <= end
                   and (r["outcome_date"] is None or r["outcome_date"] > end)]
    assert value("investigator_caseload")[0] == len(open_at_end)


def test_open_caseload_counts_carried_in_investigations(small):
    """Investigations open at the end of 2019-20 Q1, all forces: carried-in ones are open too."""
    q = 20191
    end = quarter_end(q)
    open_at_end = [r for r in small.cases.iter_rows(named=True) if r["recorded_date"] <= end
                   and (r["outcome_date"] is None or r["outcome_date"] > end)]
    carried = sum(r["recorded_quarter"] < FIRST for r in open_at_end)
    assert carried > 0
    caseload = small.indicators.filter((pl.col("indicator") == "investigator_caseload")
                                       & (pl.col("quarter") == q))["numerator"].sum()
    assert caseload == len(open_at_end)


# --- calibration (300,000 cases scaled back to national volumes) ------------------------------


def _by_fy(frame: pl.DataFrame, quarter_col: str) -> pl.DataFrame:
    return frame.with_columns(fy=pl.col(quarter_col) // 10)


def test_national_volumes(calib):
    vol = _by_fy(calib.cases, "recorded_quarter").group_by("fy").agg(
        all=pl.len() * _scale(), rape=RAPE.sum() * _scale()).sort("fy")
    years = dict(zip(vol["fy"], zip(vol["all"], vol["rape"], strict=True), strict=True))
    for fy in range(2021, 2026):
        total, rape = years[fy]
        assert 60_000 <= rape <= 72_000, (fy, rape)
        assert 180_000 <= total <= 215_000, (fy, total)
    assert 32_000 <= years[2015][1] <= 40_000
    # the April-June 2020 lockdown dip
    q = _by_fy(calib.cases, "recorded_quarter").group_by("recorded_quarter").len()
    counts = dict(zip(q["recorded_quarter"], q["len"], strict=True))
    assert counts[20201] < 0.9 * counts[20194] and counts[20201] < 0.9 * counts[20202]


def _closed_rape(calib) -> pl.DataFrame:
    return _by_fy(calib.outcomes.filter((pl.col("basis") == "closed") & RAPE), "quarter")


def test_rape_charge_rate_and_victim_support(calib):
    shares = _closed_rape(calib).group_by("fy").agg(
        charge=pl.col("count").filter(pl.col("outcome_type") == 1).sum() / pl.col("count").sum(),
        vdns=pl.col("count").filter(pl.col("outcome_type").is_in([14, 16])).sum() / pl.col("count").sum(),
        no_suspect=pl.col("count").filter(pl.col("outcome_type") == 18).sum() / pl.col("count").sum(),
    )
    lo, hi = cal.TEST_CHARGE_RATE
    for row in shares.filter(pl.col("fy").is_between(2015, 2025)).iter_rows(named=True):
        assert lo <= row["charge"] <= hi, row
        assert 0.35 <= row["vdns"] <= 0.50, row
        assert 0.06 <= row["no_suspect"] <= 0.13, row
    charge = dict(zip(shares["fy"], shares["charge"], strict=True))
    lo, hi = cal.TEST_CHARGE_RATE_EARLY
    for fy in (2015, 2016):  # the first years include charges of offences recorded before 2015
        assert lo <= charge[fy] <= hi, (fy, charge[fy])
    lo, hi = cal.TEST_CHARGE_RATE_PRE_NOM
    assert lo <= charge[2019] <= hi, charge[2019]
    lo, hi = cal.TEST_CHARGE_RATE_LATEST
    assert lo <= charge[2025] <= hi, charge[2025]
    assert charge[2025] > charge[2019]  # the NOM years charge more than the year before it


def _wilson(k: int, n: int, z: float) -> tuple[float, float]:
    """Wilson score interval for k successes in n trials."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def test_wilson_interval():
    """Against the score intervals published by Newcombe (1998, Stat Med 17:857, table II)."""
    for k, n, expected in ((81, 263, (0.2553, 0.3662)), (15, 148, (0.0624, 0.1605)),
                           (0, 20, (0.0, 0.1611)), (1, 29, (0.0061, 0.1718))):
        lo, hi = _wilson(k, n, 1.959964)
        assert (round(lo, 4) + 0.0, round(hi, 4)) == expected, (k, n)


def test_every_quarter_of_the_first_year_charges(calib):
    """Closed basis, rape, 2015-16 by quarter: the charge rate is above 1% beyond sampling noise."""
    closed = calib.outcomes.filter((pl.col("basis") == "closed") & RAPE
                                   & (pl.col("quarter") // 10 == FIRST // 10))
    by_q = closed.group_by("quarter").agg(
        k=pl.col("count").filter(pl.col("outcome_type") == 1).sum(), n=pl.col("count").sum())
    assert by_q.height == 4
    for row in by_q.iter_rows(named=True):
        lower, _ = _wilson(row["k"], row["n"], 2.576)  # 99% interval
        assert lower > cal.TEST_QUARTER_CHARGE_RATE_FLOOR, row


def test_median_days_to_charge(large):
    charged = _by_fy(large.cases.filter(RAPE & (pl.col("outcome_type") == 1)), "outcome_quarter")
    medians = charged.group_by("fy").agg(pl.col("days_to_outcome").median()).sort("fy")
    by_year = dict(zip(medians["fy"], medians["days_to_outcome"], strict=True))
    lo, hi = cal.TEST_MEDIAN_DAYS_TO_CHARGE
    for fy in range(2023, 2026):
        assert lo <= by_year[fy] <= hi, (fy, by_year[fy])
    lo, hi = cal.TEST_MEDIAN_DAYS_EARLY
    for fy in range(2015, 2018):  # charges of carried-in offences close in these years
        assert lo <= by_year[fy] <= hi, (fy, by_year[fy])
    assert by_year[2020] == max(by_year[fy] for fy in range(2018, 2026))  # the pandemic backlog
    any_outcome = _by_fy(large.cases.filter(RAPE & (pl.col("outcome_type") != 0)), "outcome_quarter")
    assert any_outcome.filter(pl.col("fy") == 2024)["days_to_outcome"].median() < by_year[2024]


def test_median_days_to_charge_follows_the_published_series(large):
    """Each year against domain.md 6 (381, 395, 465, 467, 421), with the pandemic rise."""
    by_year = measures.median_days_to_charge(large.cases)
    for fy, published in cal.PUBLISHED_MEDIAN_DAYS_TO_CHARGE.items():
        assert abs(by_year[fy] - published) <= cal.TEST_MEDIAN_DAYS_TOLERANCE, (fy, by_year[fy], published)
    for fy in (2020, 2021):
        assert by_year[fy] >= by_year[2019] + cal.TEST_COVID_MEDIAN_RISE, (fy, by_year)


def test_charge_rate_as_published(large):
    """The published measure rebuilt from the cases (charges by the extract to the rapes recorded
    in the period, over those rapes), against each figure of cal.PUBLISHED_CHARGE_RATES."""
    for period, first, last, extract_days, published, source in cal.PUBLISHED_CHARGE_RATES:
        rate = measures.charge_rate_as_published(large.cases, date.fromisoformat(first),
                                                 date.fromisoformat(last), extract_days)
        assert abs(rate - published) <= cal.TEST_PUBLISHED_RATE_TOLERANCE, (period, rate, published, source)


def test_charge_rate_as_published_counts_by_hand():
    """measures.charge_rate_as_published on four hand-made cases: only charges by the extract to
    rapes recorded in the period count, over every rape recorded in it."""
    cases = pl.DataFrame({
        "offence_code": ["19C", "19C", "19D", "19C", "20A"],
        "recorded_date": [date(2020, 4, 1), date(2021, 3, 31), date(2020, 6, 1), date(2021, 4, 1), date(2020, 5, 1)],
        "outcome_type": [1, 1, 1, 1, 1],
        "outcome_date": [date(2020, 5, 1), date(2021, 8, 1), date(2021, 7, 29), date(2021, 5, 1), date(2020, 6, 1)],
    })
    # in the period: the first three rapes; charged by 2021-07-29: the first and third
    assert measures.charge_rate_as_published(cases, date(2020, 4, 1), date(2021, 3, 31), 120) == 2 / 3


def test_closed_basis_charge_rate_matches_the_real_2018_19_file(large):
    """Closed basis, 2018/19, all rape and adult rape (19C, 19F): PROVENANCE-outcomes.md 1.5."""
    for name, codes in (("all_rape", measures.RAPE_CODES), ("adult_rape", measures.ADULT_RAPE_CODES)):
        rate = measures.closed_charge_rates(large.cases, codes)[2018]
        value, tolerance = cal.CLOSED_CHARGE_2018[name]
        assert abs(rate - value) <= tolerance, (name, rate)


def test_some_charges_come_soon_after_the_report(calib):
    shares = measures.charged_within(calib.cases, 180)
    for fy in range(2018, 2026):
        assert shares[fy] >= cal.TEST_CHARGED_WITHIN_180_DAYS, (fy, shares[fy])


def test_adult_rape_charges_rise_in_the_nom_era(large):
    """Adult rape charges, calendar 2023 against 2022 (NPCC: +38%; domain.md 6)."""
    by_year = measures.charges_by_calendar_year(large.cases, measures.ADULT_RAPE_CODES)
    _, lo, hi = cal.NOM_ADULT_RAPE_CHARGE_RISE
    rise = by_year[2023] / by_year[2022] - 1
    assert lo <= rise <= hi, (rise, by_year[2022], by_year[2023])


def test_open_share(calib):
    rape = calib.cases.filter(RAPE).with_columns(open=pl.col("outcome_type") == 0)
    latest = rape.filter(pl.col("recorded_quarter") >= add_quarters(LAST, -3))["open"].mean()
    assert latest > 0.5
    assert rape.filter(pl.col("recorded_quarter") // 10 == 2016)["open"].mean() < 0.15
    assert rape.filter(pl.col("recorded_quarter") == LAST)["open"].mean() > 0.75


def test_pathfinders_charge_more_after_their_nom_start(large):
    """Pathfinders' charge rate after their NOM start against before, compared with the forces
    that had not started yet over the same quarters (so a national change, such as the pandemic
    backlog, does not count as a NOM effect): a rise beyond sampling noise."""
    closed = large.cases.filter(RAPE & (pl.col("outcome_type") != 0))
    q0 = quarter_of(min(start for phase, start, _ in ref.NOM_PHASES.values() if phase == ref.PATHFINDER))
    pathfinders = [c for c, (phase, _, _) in ref.NOM_PHASES.items() if phase == ref.PATHFINDER]
    later = closed.filter(~pl.col("force_code").is_in(pathfinders) & (pl.col("force_code") != "BTP")
                          & ~pl.col("force_code").is_in(list(ref.NOM_PHASES)))
    log_ratio, variance = [], 0.0
    for group in (closed.filter(pl.col("force_code").is_in(pathfinders)), later):
        rates = []
        for lo, hi in ((-8, -1), (0, 7)):
            part = group.filter(pl.col("outcome_quarter").is_between(add_quarters(q0, lo), add_quarters(q0, hi)))
            k = int((part["outcome_type"] == 1).sum())
            rates.append(k / part.height)
            variance += 1 / k - 1 / part.height
        log_ratio.append(math.log(rates[1] / rates[0]))
    z = (log_ratio[0] - log_ratio[1]) / math.sqrt(variance)
    assert z > 1.96, (log_ratio, z)  # a rise that is not sampling noise (one-sided 2.5%)


def test_funnel_shows_a_few_real_outliers(calib):
    """Rape charge rate 2023-24 to 2025-26 by force: a few forces outside the 99.8% limits."""
    closed = calib.cases.filter(RAPE & (pl.col("outcome_type") != 0) & (pl.col("force_code") != "BTP")
                                & (pl.col("outcome_quarter") // 10).is_between(2023, 2025))
    by_force = closed.group_by("force_code").agg(n=pl.len(), charged=(pl.col("outcome_type") == 1).sum())
    p = by_force["charged"].sum() / by_force["n"].sum()
    outside = 0
    for row in by_force.iter_rows(named=True):
        limit = 3.09 * math.sqrt(p * (1 - p) / row["n"])
        outside += abs(row["charged"] / row["n"] - p) > limit
    assert 2 <= outside <= 10


# --- loading -----------------------------------------------------------------------------------


def test_load_sample_writes_a_complete_synthetic_release(empty_db):
    seen = []
    release_id = load_sample(empty_db, cases=4_000, seed=5, last_quarter=LAST,
                             progress=lambda f, m: seen.append((f, m)))
    data = generate(4_000, seed=5, last_quarter=LAST)
    expected = {"case_record": data.cases.height, "recorded_offences": data.recorded.height,
                "outcomes": data.outcomes.height, "indicator_value": data.indicators.height}
    with empty_db.connect() as conn:
        for table in (case_record, recorded_offences, outcomes, indicator_value):
            n = conn.execute(select(func.count()).select_from(table)
                             .where(table.c.release_id == release_id)).scalar_one()
            assert n == expected[table.name], table.name
        row = conn.execute(select(release).where(release.c.id == release_id)).mappings().one()
        total = conn.execute(select(func.sum(recorded_offences.c.count))
                             .where(recorded_offences.c.release_id == release_id)).scalar_one()
    assert total == 4_000
    assert row["synthetic"] is True or row["synthetic"] == 1
    assert row["source"] == "synthetic"
    assert row["label"] == "Synthetic sample: 4,000 cases, seed 5"
    assert (row["first_quarter"], row["last_quarter"]) == (20151, LAST)
    assert json.loads(row["row_counts"]) == expected
    parameters = json.loads(row["parameters"])
    assert parameters["seed"] == 5 and parameters["cases"] == 4_000
    assert parameters["carried_in_cases"] == data.carried_in > 0
    assert seen[0][0] == 0.0 and seen[-1][0] == 1.0
    assert all(0.0 <= f <= 1.0 for f, _ in seen)
