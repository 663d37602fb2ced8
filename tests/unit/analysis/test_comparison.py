"""The comparison frame behind the compare page's maps, plots and words, without Streamlit (components.comparison)."""

from __future__ import annotations

import polars as pl
import pytest

from analysis import comparison as cmp
from charts import positions
from db.reference import FORCES
from metrics import stats
from metrics.registry import metric
from words import comparison as say

REFERENCE = pl.DataFrame({"code": [f.code for f in FORCES], "name": [f.name for f in FORCES],
                          "region": [f.region for f in FORCES]})


def _table(numerators: dict[str, float | None], denominator: float = 1000.0) -> pl.DataFrame:
    rows = []
    for f in FORCES:
        n = numerators.get(f.code, 50.0)
        hidden = n is None
        rows.append({"area_code": f.code, "area_name": f.name, "numerator": None if hidden else n,
                     "denominator": None if hidden else denominator,
                     "value": None if hidden else 100 * n / denominator,
                     "lower": None if hidden else 100 * n / denominator - 1,
                     "upper": None if hidden else 100 * n / denominator + 1,
                     "flag": "[c]" if hidden else ""})
    return pl.DataFrame(rows)


def _national(table: pl.DataFrame) -> dict:
    n, d = table["numerator"].sum(), table["denominator"].sum()
    return {"numerator": n, "denominator": d, "value": 100 * n / d}


def test_outliers_are_named_and_the_rest_are_not_ranked():
    table = _table({"E23000036": 150.0, "E23000032": 5.0, "E23000031": None})  # A&S high, Kent low, Surrey [c]
    national = _national(table)
    comp = cmp.compare_forces(table, national, REFERENCE, metric("charge_rate"))
    rows = comp.rows()
    # independently: Avon and Somerset's 15% on 1,000 against the target is far outside 99.8%
    target = national["numerator"] / national["denominator"]
    limits = stats.funnel_limits(target, [1000.0]).to_dicts()[0]
    assert limits["upper_998"] < 0.15 and limits["lower_998"] > 0.005
    assert rows["E23000036"]["position"] == cmp.ABOVE_OUTER
    assert rows["E23000032"]["position"] == cmp.BELOW_OUTER
    assert rows["E23000031"]["position"] is None and rows["E23000031"]["symbol"] == "[c]"
    assert "not shown" in rows["E23000031"]["position_words"]
    within = [r for r in rows.values() if r["position"] == cmp.WITHIN]
    assert len(within) == 40
    words = say.position_summary(comp, metric("charge_rate"), "Adult rape", "2024-25")
    assert "above the upper 99.8% limit (Avon and Somerset)" in words
    assert "below the lower 99.8% limit (Kent)" in words
    assert "40 forces are within the limits" in words and "not called better or worse" in words
    assert "Surrey" in words and "left out" in words
    ranked = say.ranked_summary(comp, metric("charge_rate"))
    assert ranked.startswith("This is not a league table")
    assert "of the 41 steps" in ranked and "1 force not shown" in ranked  # 42 shown, 1 hidden


def test_overdispersion_widens_the_limits_only_when_chosen_or_significant():
    # forces spread far more than binomial chance allows: phi > 1
    spread = {f.code: 30.0 + 3 * i for i, f in enumerate(FORCES)}
    table = _table(spread)
    national = _national(table)
    plain = cmp.compare_forces(table, national, REFERENCE, metric("charge_rate"), overdispersion=False)
    wide = cmp.compare_forces(table, national, REFERENCE, metric("charge_rate"), overdispersion=True)
    assert plain.phi > 1 and plain.phi_used == 1.0 and wide.phi_used == pytest.approx(plain.phi)
    outside = lambda c: sum(1 for r in c.rows().values() if r["position"] != cmp.WITHIN)  # noqa: E731
    assert outside(wide) < outside(plain)


def test_counts_are_not_compared_and_medians_use_their_interval():
    table = _table({})
    comp = cmp.compare_forces(table, _national(table), REFERENCE, metric("recorded_offences"))
    assert comp.kind is None and all(r["position"] is None for r in comp.rows().values())
    assert "per 1,000" in say.position_summary(comp, metric("recorded_offences"), "Rape", "2024-25")
    days = table.with_columns(value=pl.lit(400.0), lower=pl.lit(380.0), upper=pl.lit(420.0))
    days = days.with_columns(
        lower=pl.when(pl.col("area_code") == "E23000001").then(pl.lit(450.0)).otherwise(pl.col("lower")),
        upper=pl.when(pl.col("area_code") == "E23000001").then(pl.lit(480.0)).otherwise(pl.col("upper")))
    comp = cmp.compare_forces(days, {"value": 400.0}, REFERENCE, metric("median_days_to_charge"))
    rows = comp.rows()
    assert rows["E23000001"]["position"] == cmp.ABOVE_INNER
    assert rows["E23000002"]["position"] == cmp.WITHIN


def test_region_peers_and_map_labels():
    table = _table({"E23000036": 150.0})
    comp = cmp.compare_forces(table, _national(table), REFERENCE, metric("charge_rate"))
    peers = cmp.peer_rows(comp, "E23000036")
    south_west = {f.code for f in FORCES if f.region == "South West"}
    assert {r["code"] for r in peers} == south_west
    words = say.peer_summary(comp, "E23000036", metric("charge_rate"))
    assert "not a verified 'most similar' group" in words and "more than chance" in words
    labels = positions.map_rows(comp)
    assert labels["E23000036"]["label"] == "A&S\n▲▲"  # symbol, not colour alone
    assert labels["E23000036"]["label_color"] == "#FFFFFF"


def test_summary_words_match_one_sided_chance_and_flag_overdispersion():
    assert "1 time in 1,000" in cmp.WORDS[cmp.ABOVE_OUTER] and "1 time in 40" in cmp.WORDS[cmp.ABOVE_INNER]
    assert stats.overdispersion_p_value(1.0, 43) > 0.3
    assert stats.overdispersion_p_value(17.3, 43) < 1e-6


def test_city_of_london_symbol_is_left_off_the_real_map_only():
    from charts.positions import CITY_OF_LONDON, geography_rows

    rows = {CITY_OF_LONDON: {"symbol": "▲", "name": "City of London"},
            "E23000001": {"symbol": "▼", "name": "Metropolitan Police"}}
    geo = geography_rows(rows)
    assert geo[CITY_OF_LONDON]["symbol"] == "" and geo[CITY_OF_LONDON]["name"] == "City of London"
    assert geo["E23000001"]["symbol"] == "▼"
    assert rows[CITY_OF_LONDON]["symbol"] == "▲"  # the tile map's rows are untouched
