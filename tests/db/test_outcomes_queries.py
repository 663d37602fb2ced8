"""Golden answers for the outcomes page's queries, computed here from the case rows in plain
Python: the case journey by cohort, the percentiles of days, the outcome mix with outcome 0 apart.
And the journey's public rules: no shown middle stage, or difference of shown stages, is small;
no sum of offence groups leaves exactly one hidden cell; recorded and charged are hidden exactly
where the other public tables hide them."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from itertools import combinations

import polars as pl
import pytest
from sqlalchemy import select

from db.schema import case_record, offence, outcome_type, recorded_offences
from metrics.disclosure import CONFIDENTIAL, DEFAULT_THRESHOLD
from metrics.disclosure.families import OFFENCE_PARENTS
from metrics.offence_groups import OFFENCE_GROUPS
from queries import case_journey, day_percentiles, metric_table, outcome_mix

STAGE_NAMES = ("Recorded", "Suspect identified", "Referred to the CPS", "Charged or summonsed")
MIDDLE_NAMES = ("Suspect identified", "Referred to the CPS")


def _groups_of(engine) -> dict[str, set[str]]:
    """Offence codes of each offence group, from the offence table's attributes."""
    with engine.connect() as conn:
        rows = conn.execute(select(offence.c.code, offence.c.subgroup, offence.c.age_band)).all()
    return {g.id: {code for code, sub, age in rows
                   if g.subgroup in (None, sub) and g.age_band in (None, age)} for g in OFFENCE_GROUPS.values()}


@pytest.fixture(scope="module")
def cases(small_db):
    cols = case_record.c
    with small_db.connect() as conn:
        rows = conn.execute(select(cols.recorded_quarter, cols.offence_code, cols.suspect_identified,
                                   cols.referred_cps, cols.outcome_type, cols.outcome_quarter,
                                   cols.days_to_outcome)).all()
        quarters = conn.execute(select(recorded_offences.c.quarter)).scalars().all()
        groups = dict(conn.execute(select(outcome_type.c.type, outcome_type.c.ho_group)).all())
    lo, hi = min(quarters), max(quarters)
    return {"rows": rows, "span": (lo, hi), "groups": groups, "codes": _groups_of(small_db)}


def _cohorts(span):
    lo, hi = span
    return [fy for fy in range(lo // 10, hi // 10 + 1) if fy * 10 + 1 >= lo and fy * 10 + 4 <= hi]


def _journey_golden(cases, group: str) -> dict[tuple[int, str], int]:
    out: Counter = Counter()
    years = set(_cohorts(cases["span"]))
    for rq, code, suspect, referred, otype, *_ in cases["rows"]:
        if code not in cases["codes"][group] or rq // 10 not in years:
            continue
        fy = rq // 10
        out[(fy, "Recorded")] += 1
        out[(fy, "Suspect identified")] += bool(suspect)
        out[(fy, "Referred to the CPS")] += bool(referred)
        out[(fy, "Charged or summonsed")] += otype == 1
    return {(fy, s): out[(fy, s)] for fy in years for s in STAGE_NAMES}


@pytest.mark.parametrize("group", ["adult_rape", "all_sexual"])
def test_journey_counts_are_the_case_rows(small_db, cases, group):
    frame = case_journey(small_db, release_id=1, offence_group=group, tier="restricted")
    golden = _journey_golden(cases, group)
    got = {(int(r["period_end"]) // 10, r["stage"]): r["count"] for r in frame.to_dicts()}
    assert got == pytest.approx(golden)
    for r in frame.to_dicts():
        cohort = golden[(r["period_end"] // 10, "Recorded")]
        assert r["share"] == pytest.approx(100 * golden[(r["period_end"] // 10, r["stage"])] / cohort)


def test_public_journey_hides_small_and_linked_middle_stages(small_db, cases):
    t = DEFAULT_THRESHOLD
    shown: dict[tuple[str, int, str], float | None] = {}
    for group in OFFENCE_GROUPS:
        frame = case_journey(small_db, release_id=1, offence_group=group)
        golden = _journey_golden(cases, group)
        for r in frame.to_dicts():
            key = (r["period_end"] // 10, r["stage"])
            if r["count"] is not None:
                assert r["count"] == golden[key]  # a shown count is the true count
            shown[(group, *key)] = r["count"]
    for (_group, _fy, stage), n in shown.items():
        if stage in MIDDLE_NAMES and n is not None:
            assert not 0 < n < t
    lines = {(g, fy) for g, fy, _ in shown}
    for g, fy in lines:
        for a, b in combinations(STAGE_NAMES, 2):
            na, nb = shown[(g, fy, a)], shown[(g, fy, b)]
            if na is not None and nb is not None and (a in MIDDLE_NAMES or b in MIDDLE_NAMES):
                assert not 0 < abs(na - nb) < t, (g, fy, a, b)
    for fy in {fy for _, fy in lines}:
        for stage in STAGE_NAMES:
            for parent, children in OFFENCE_PARENTS.items():
                hidden = [shown[(node, fy, stage)] is None for node in (parent, *children)]
                assert sum(hidden) != 1, (fy, stage, parent)


def test_public_journey_hides_recorded_and_charged_as_the_other_tables_do(small_db, cases):
    lo, hi = cases["span"]
    recorded = metric_table(small_db, release_id=1, metric_id="recorded_offences", offence_group="rape",
                            first_quarter=lo, last_quarter=hi, grain="year")
    mix = outcome_mix(small_db, release_id=1, offence_group="rape", first_quarter=lo, last_quarter=hi,
                      basis="recorded", grain="year")
    journey = case_journey(small_db, release_id=1, offence_group="rape")
    rec_hidden = {r["period_end"]: r["flag"] == CONFIDENTIAL for r in recorded.to_dicts()}
    charged = mix.filter(pl.col("ho_group") == cases["groups"][1])
    chg_hidden = {r["period_end"]: r["count"] is None for r in charged.to_dicts()}
    for r in journey.to_dicts():
        if r["stage"] == "Recorded":
            assert (r["count"] is None) == rec_hidden[r["period_end"]]
        if r["stage"] == "Charged or summonsed":
            assert (r["count"] is None) == chg_hidden.get(r["period_end"], False)


def _days_golden(cases, group: str, charge_only: bool) -> dict[int, list[int]]:
    out = defaultdict(list)
    for _rq, code, _s, _r, otype, oq, days in cases["rows"]:
        if code in cases["codes"][group] and oq is not None and otype != 0 and (otype == 1 or not charge_only):
            out[oq // 10].append(days)
    return out


@pytest.mark.parametrize(("metric_id", "charge_only"), [("median_days_to_charge", True),
                                                         ("median_days_to_outcome", False)])
def test_day_percentiles_are_those_of_the_case_rows(small_db, cases, metric_id, charge_only):
    lo, hi = cases["span"]
    golden = _days_golden(cases, "rape", charge_only)
    frame = day_percentiles(small_db, release_id=1, metric_id=metric_id, offence_group="rape",
                            first_quarter=lo, last_quarter=hi, tier="restricted")
    assert frame.height == len(_cohorts(cases["span"]))
    for r in frame.to_dicts():
        values = sorted(golden[r["period_end"] // 10])
        assert r["cases"] == len(values)
        cuts = statistics.quantiles(values, n=20, method="inclusive")  # 5%, 10%, ... 95%
        expected = (cuts[1], cuts[4], statistics.median(values), cuts[14], cuts[17])
        assert (r["p10"], r["p25"], r["p50"], r["p75"], r["p90"]) == pytest.approx(expected)
        assert r["lower"] <= r["p50"] <= r["upper"]


def test_public_percentiles_hide_cells_on_too_few_cases_and_match_the_median(small_db, cases):
    lo, hi = cases["span"]
    kw = {"release_id": 1, "metric_id": "median_days_to_charge", "offence_group": "child_rape",
          "first_quarter": lo, "last_quarter": hi, "grain": "quarter"}
    public = day_percentiles(small_db, **kw)
    restricted = day_percentiles(small_db, **kw, tier="restricted")
    medians = metric_table(small_db, **kw)
    assert "cases" not in public.columns
    few = dict(zip(restricted["period_end"], restricted["cases"].fill_null(0) < 10, strict=True))
    assert any(few.values()) and not all(few.values())
    by_end = {r["period_end"]: r["value"] for r in medians.to_dicts()}
    for r in public.to_dicts():
        if few[r["period_end"]]:
            assert r["flag"] == CONFIDENTIAL and r["p10"] is None and r["p90"] is None
        else:
            assert r["p50"] == by_end[r["period_end"]]


def test_mix_shows_outcome_zero_apart_from_decisions(small_db, cases):
    lo, hi = cases["span"]
    year = _cohorts(cases["span"])[-1]
    mix = outcome_mix(small_db, release_id=1, offence_group="all_sexual", first_quarter=year * 10 + 1,
                      last_quarter=year * 10 + 4, basis="recorded", grain="period", tier="restricted",
                      open_apart=True)
    by_group = Counter(cases["groups"][otype] for rq, code, _s, _r, otype, *_ in cases["rows"]
                       if rq // 10 == year and code in cases["codes"]["all_sexual"])
    open_group = cases["groups"][0]
    decided = sum(n for g, n in by_group.items() if g != open_group)
    rows = {r["ho_group"]: r for r in mix.to_dicts()}
    assert rows[open_group]["denominator"] == sum(by_group.values())
    assert rows[open_group]["share"] == pytest.approx(100 * by_group[open_group] / sum(by_group.values()))
    for g, r in rows.items():
        assert r["count"] == by_group[g]
        if g != open_group:
            assert r["denominator"] == decided
    assert sum(r["share"] for g, r in rows.items() if g != open_group) == pytest.approx(100)
