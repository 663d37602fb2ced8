"""Over-dispersion decides the funnel's default limits (issue 7, item 5; Spiegelhalter 2005).

When the test for over-dispersion is significant the limits are widened by default and the words
say so; otherwise they are not; the user's choice always wins (components.comparison,
metrics.stats). The pages' side is in tests/pages/test_compare_overdispersion.py.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from analysis import comparison as cmp
from db.reference import FORCES
from metrics import stats
from metrics.registry import metric
from words import comparison as say

REFERENCE = pl.DataFrame({"code": [f.code for f in FORCES], "name": [f.name for f in FORCES],
                          "region": [f.region for f in FORCES]})

CHARGE = metric("charge_rate")


def _table(numerators: list[float], denominator: float = 1000.0) -> tuple[pl.DataFrame, dict]:
    rows = [{"area_code": f.code, "area_name": f.name, "numerator": n, "denominator": denominator,
             "value": 100 * n / denominator, "lower": None, "upper": None, "flag": ""}
            for f, n in zip(FORCES, numerators, strict=True)]
    table = pl.DataFrame(rows)
    n, d = table["numerator"].sum(), table["denominator"].sum()
    return table, {"numerator": n, "denominator": d, "value": 100 * n / d}


def _spread() -> list[float]:
    return [30.0 + 3 * i for i in range(len(FORCES))]  # 3% to 15.6% of 1,000: far beyond chance


def _chance() -> list[float]:
    rng = np.random.default_rng(7)
    return [float(x) for x in rng.binomial(1000, 0.08, size=len(FORCES))]


def test_significant_overdispersion_widens_the_limits_by_default_and_says_so():
    table, national = _table(_spread())
    target = national["numerator"] / national["denominator"]
    phi = stats.estimate_overdispersion(table["numerator"], table["denominator"], target)
    assert stats.overdispersion_p_value(phi, len(FORCES)) < 0.05  # the premise, independently
    comp = cmp.compare_forces(table, national, REFERENCE, CHARGE)
    assert comp.od_significant and comp.adjusted and not comp.od_chosen
    assert comp.phi_used == phi > 1
    notice = say.overdispersion_notice(comp)
    assert notice and "more than chance alone explains" in notice and "widened" in notice
    assert f"{comp.outside_unadjusted} of {len(FORCES)} forces fall outside" in notice
    outside = sum(1 for r in comp.rows().values() if r["position"] != cmp.WITHIN)
    assert outside < comp.outside_unadjusted
    words = say.position_summary(comp, CHARGE, "Adult rape", "2024-25")
    assert "Limits widened for over-dispersion" in words and "vary more than chance" in words


def test_the_users_choice_of_unadjusted_limits_wins_and_is_explained():
    table, national = _table(_spread())
    comp = cmp.compare_forces(table, national, REFERENCE, CHARGE, overdispersion=False)
    assert comp.od_significant and not comp.adjusted and comp.phi_used == 1.0
    notice = say.overdispersion_notice(comp)
    assert notice and "unadjusted limits" in notice and "Switch on" in notice
    outside = sum(1 for r in comp.rows().values() if r["position"] != cmp.WITHIN)
    assert outside == comp.outside_unadjusted > len(FORCES) // 2


def test_without_significant_overdispersion_the_limits_are_not_adjusted():
    table, national = _table(_chance())
    target = national["numerator"] / national["denominator"]
    phi = stats.estimate_overdispersion(table["numerator"], table["denominator"], target)
    assert not stats.overdispersion_p_value(phi, len(FORCES)) < 0.05  # the premise
    comp = cmp.compare_forces(table, national, REFERENCE, CHARGE)
    assert not comp.od_significant and not comp.adjusted and comp.phi_used == 1.0
    assert say.overdispersion_notice(comp) is None
    chosen = cmp.compare_forces(table, national, REFERENCE, CHARGE, overdispersion=True)
    assert chosen.adjusted and chosen.od_chosen


def test_overdispersion_significant_rule():
    assert stats.overdispersion_significant(17.3, 43)
    assert not stats.overdispersion_significant(1.0, 43)
    assert not stats.overdispersion_significant(0.5, 43)  # under-dispersion is not widened for
    assert not stats.overdispersion_significant(float("nan"), 43)


def test_the_notice_says_far_more_only_when_the_spread_is_at_least_twice_chance():
    from words.comparison import _how_much

    assert _how_much(1.4) == "more" and _how_much(2.0) == "far more" and _how_much(3.1) == "far more"
