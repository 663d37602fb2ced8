"""The pillar profile frame (analysis.pillar_profile) and its words (words.pillar_profile), on
hand-made metric tables: availability per indicator, funnel positions as on /compare, [c] kept."""

from __future__ import annotations

import polars as pl
import pytest

from analysis import comparison as cmp
from analysis import pillar_profile as pp
from db.reference import FORCES, nom_phase
from metrics.registry import METRICS, metric
from words import pillar_profile as say

AVON, CITY = "E23000036", "E23000034"
REFERENCE = pl.DataFrame({"code": [f.code for f in FORCES], "name": [f.name for f in FORCES],
                          "region": [f.region for f in FORCES],
                          "nom_phase": [nom_phase(f.code)[0] for f in FORCES]})
ALL_HELD = ("recorded", "outcomes", "case_level", "force_mi")


def _table(value_of, den=2000.0, flags=None, skip=()):
    """A metric table for every force: 10% everywhere unless ``value_of`` says otherwise."""
    rows = []
    for f in FORCES:
        if f.code in skip:
            continue
        num = value_of.get(f.code, 0.10) * den
        flag = (flags or {}).get(f.code, "")
        rows.append({"area_code": f.code, "area_name": f.name, "numerator": None if flag else num,
                     "denominator": None if flag else den, "value": None if flag else num / den * 100,
                     "lower": None, "upper": None, "flag": flag})
    return pl.DataFrame(rows, schema={"area_code": pl.String, "area_name": pl.String, "numerator": pl.Float64,
                                      "denominator": pl.Float64, "value": pl.Float64, "lower": pl.Float64,
                                      "upper": pl.Float64, "flag": pl.String})


def _national(table):
    n, d = table["numerator"].sum(), table["denominator"].sum()
    return {"numerator": n, "denominator": d, "value": n / d * 100, "flag": ""}


def _figures(**tables):
    return {mid: pp.MetricFigures(t, _national(t)) for mid, t in tables.items()}


def test_every_indicator_has_a_row_in_pillar_order_and_says_what_is_missing():
    charge = _table({AVON: 0.16})
    frame = pp.profile_frame(AVON, _figures(charge_rate=charge), ("outcomes",), REFERENCE)
    assert frame.height == len(METRICS)
    assert frame["pillar"].to_list() == sorted(frame["pillar"].to_list())
    rows = {r["metric"]: r for r in frame.to_dicts()}
    # held, and outside the limits: the position is the one /compare computes
    comp = cmp.compare_forces(charge, _national(charge), REFERENCE, metric("charge_rate"))
    assert rows["charge_rate"]["position"] == comp.rows()[AVON]["position"] == cmp.ABOVE_OUTER
    assert rows["charge_rate"]["marker"] == "▲▲" and rows["charge_rate"]["availability"] == pp.SHOWN
    assert rows["charge_rate"]["direction"] == "Higher is better"
    # not held by the release: public and case-level measures are "not in this release",
    # force MI indicators "force MI not supplied"
    assert rows["recorded_offences"]["availability"] == pp.NOT_IN_RELEASE
    assert rows["median_days_to_charge"]["availability"] == pp.NOT_IN_RELEASE
    assert rows["isva_referral_rate"]["availability"] == pp.MI_NOT_SUPPLIED
    assert all(r["marker"] == "–" and r["value_text"] == "[x]" for r in rows.values() if r["metric"] != "charge_rate")


def test_within_the_limits_gets_a_mark_and_never_a_direction_word():
    charge = _table({})
    frame = pp.profile_frame(AVON, _figures(charge_rate=charge), ("outcomes",), REFERENCE, pillar=1)
    row = frame.filter(pl.col("metric") == "charge_rate").row(0, named=True)
    assert row["position"] == cmp.WITHIN and row["marker"] == pp.COMPARED_MARK
    assert "higher" not in row["position_words"] and "lower" not in row["position_words"]
    assert set(frame["pillar"]) == {1}


def test_a_hidden_figure_stays_c_and_a_force_without_mi_rows_says_not_supplied():
    charge = _table({}, flags={AVON: "[c]"})
    isva = _table({}, skip={AVON})
    frame = pp.profile_frame(AVON, _figures(charge_rate=charge, isva_referral_rate=isva),
                             ("outcomes", "force_mi"), REFERENCE)
    rows = {r["metric"]: r for r in frame.to_dicts()}
    assert (rows["charge_rate"]["availability"], rows["charge_rate"]["value_text"],
            rows["charge_rate"]["marker"]) == (pp.HIDDEN, "[c]", "[c]")
    assert rows["charge_rate"]["national_text"] == "10.0%"
    assert rows["isva_referral_rate"]["availability"] == pp.MI_NOT_SUPPLIED
    assert rows["cps_referral_rate"]["availability"] == pp.MI_NOT_SUPPLIED  # held kind, not read


def test_a_count_is_shown_but_not_compared_and_a_hidden_national_stays_c():
    recorded = _table({}).with_columns(pl.col("numerator").alias("value"), pl.lit(None, pl.Float64).alias("denominator"))
    figures = {"recorded_offences": pp.MetricFigures(recorded, {"value": None, "flag": "[c]"})}
    row = pp.profile_frame(AVON, figures, ("recorded",), REFERENCE).filter(
        pl.col("metric") == "recorded_offences").row(0, named=True)
    assert row["availability"] == pp.SHOWN and row["position"] is None and row["marker"] == "–"
    assert row["position_words"].startswith("not compared: a count")
    assert row["national_text"] == "[c]"


def test_wanted_reads_only_what_the_release_holds():
    assert {m.kind for m in pp.wanted(("outcomes",))} == {"outcome_share"}
    assert len(pp.wanted(ALL_HELD)) == len(METRICS)


def test_the_summary_counts_the_table_and_names_forces_outside_the_limits_with_their_direction():
    charge = _table({AVON: 0.16})
    nsr = _table({AVON: 0.04})
    frame = pp.profile_frame(AVON, _figures(charge_rate=charge, no_suspect_rate=nsr, open_rate=_table({})),
                             ("outcomes",), REFERENCE)
    text = say.summary(frame, "Avon and Somerset")
    n = pp.counts(frame)
    assert text.startswith(f"Of the {frame.height} indicators of the National Operating Model pillars, "
                           f"{n[pp.SHOWN]} can be shown for Avon and Somerset and 3 compared")
    assert "Above the 99.8% limit: charge/summons rate (higher is better)." in text
    assert "Below the 99.8% limit: no suspect identified (lower is better)." in text
    assert "1 is within the limits" in text
    assert f"{n[pp.NOT_IN_RELEASE]} not in this release" in text and f"{n[pp.MI_NOT_SUPPLIED]} force MI not supplied" in text
    assert "Pillars 2, 3, 4, 6 have no indicator that can be shown" in text


@pytest.mark.parametrize("code", [AVON, CITY])
def test_the_screen_table_has_a_mark_and_words_in_every_row(code):
    frame = pp.profile_frame(code, _figures(charge_rate=_table({}, flags={CITY: "[z]"})), ("outcomes",), REFERENCE)
    screen = say.screen_table(frame)
    assert screen.columns[:3] == ["Pillar", "Indicator", "Mark"]
    assert screen["Mark"].null_count() == 0 and screen["Against England and Wales"].null_count() == 0
    if code == CITY:
        row = frame.filter(pl.col("metric") == "charge_rate").row(0, named=True)
        assert (row["availability"], row["value_text"]) == (pp.NO_FIGURE, "[z]")
