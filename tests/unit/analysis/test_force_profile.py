"""The frames of /force without Streamlit: windows, the before/after test, the SPC frame and its
episodes, and the peers' plain average (analysis.force_profile)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from analysis import force_profile as fp
from metrics.registry import metric

CHARGE = metric("charge_rate")


def _forces() -> pl.DataFrame:
    """A pathfinder (A), two national roll-out forces (B, C) and a force without an area (T)."""
    return pl.DataFrame({
        "code": ["A", "B", "C", "T"], "name": ["Alpha", "Beta", "Gamma", "Transport"],
        "region": ["R1", "R1", "R2", "R2"], "territorial": [True, True, True, False],
        "nom_phase": ["pathfinder", "national_rollout", "national_rollout", "national_rollout"],
        "nom_start": [date(2021, 6, 1), date(2023, 7, 10), date(2023, 7, 10), date(2023, 7, 10)]})


def _table(rows: dict[str, tuple[float, float] | None]) -> pl.DataFrame:
    """A one-period metric table of shares; None is a hidden ([c]) row."""
    out = []
    for code, nd in rows.items():
        n, d = nd if nd else (None, None)
        out.append({"area_code": code, "area_name": code, "numerator": n, "denominator": d,
                    "value": 100 * n / d if nd else None, "lower": None, "upper": None,
                    "flag": "" if nd else "[c]"})
    return pl.DataFrame(out, schema={"area_code": pl.String, "area_name": pl.String, "numerator": pl.Float64,
                                     "denominator": pl.Float64, "value": pl.Float64, "lower": pl.Float64,
                                     "upper": pl.Float64, "flag": pl.String})


def test_windows_are_the_four_quarters_before_the_start_and_the_latest_four():
    # June 2021 is in 2021-22 Q1 (20211): before is 2020-21 Q1 to Q4
    assert fp.windows(date(2021, 6, 1), 20151, 20262) == ((20201, 20204), (20253, 20262), "")
    assert fp.windows(date(2021, 6, 1), 20211, 20262)[::2] == (None, "no_before")
    # a July 2023 start (20232) with the chosen period ending 2023-24 Q3: the latest four begin before it
    assert fp.windows(date(2023, 7, 10), 20151, 20233) == ((20222, 20231), (20224, 20233), "not_after")


def test_change_uses_newcombe_for_shares_and_the_rate_ratio_for_counts():
    share = fp.test_change({"numerator": 56, "denominator": 70}, {"numerator": 48, "denominator": 80}, CHARGE)
    # Newcombe (1998) method 10: 56/70 vs 48/80 is 0.0524 to 0.3339, in percentage points here
    assert share["difference"] == pytest.approx(20.0)
    assert (share["lower"], share["upper"]) == (pytest.approx(5.24, abs=0.01), pytest.approx(33.39, abs=0.01))
    assert share["significant"] and share["kind"] == "difference"
    counts = fp.test_change({"numerator": 11}, {"numerator": 21}, metric("recorded_offences"))
    assert counts["ratio"] == pytest.approx(11 / 21) and not counts["significant"]
    assert fp.test_change({"numerator": None, "denominator": 5}, {"numerator": 1, "denominator": 5}, CHARGE) is None
    assert fp.test_change({"numerator": 1, "denominator": 5}, {"numerator": 1, "denominator": 5},
                          metric("median_days_to_charge")) is None


def test_before_after_with_forces_that_had_not_started():
    wins = fp.windows(date(2021, 6, 1), 20151, 20224)  # after: 2022-23, before Beta and Gamma began
    before = _table({"A": (40, 100), "B": (30, 100), "C": (20, 100)})
    after = _table({"A": (60, 100), "B": (35, 100), "C": None})
    ba = fp.before_after("A", _forces(), CHARGE, before, after, wins)
    assert ba.reason == "" and ba.test["significant"] and ba.test["difference"] == pytest.approx(20.0)
    # Gamma is hidden after, so only Beta's plain values are averaged; Transport has no area
    assert ba.others == {"forces": 2, "shown": 1, "before": 30.0, "after": 35.0}
    rows = fp.before_after_rows(ba)
    assert rows["who"].to_list() == ["This force", fp.OTHERS, "This force", fp.OTHERS]
    assert rows["value"].to_list() == [40.0, 30.0, 60.0, 35.0]


def test_before_after_says_why_when_it_cannot_compare():
    no_before = fp.before_after("A", _forces(), CHARGE, None, _table({"A": (6, 10)}),
                                fp.windows(date(2021, 6, 1), 20211, 20262))
    assert no_before.reason == "no_before" and no_before.test is None and no_before.before is None
    hidden = fp.before_after("A", _forces(), CHARGE, _table({"A": None}), _table({"A": (6, 10)}),
                             fp.windows(date(2021, 6, 1), 20151, 20262))
    assert hidden.reason == "hidden" and hidden.test is None
    # everyone had started by 2026: no comparison group
    assert hidden.others is None


def _series(code: str, values: list[float | None]) -> pl.DataFrame:
    n = len(values)
    return pl.DataFrame({"period": [f"p{i}" for i in range(n)], "period_end": list(range(20201, 20201 + n)),
                         "area_code": [code] * n, "value": values, "lower": values, "upper": values,
                         "flag": ["" if v is not None else "[c]" for v in values]},
                        schema_overrides={"value": pl.Float64, "lower": pl.Float64, "upper": pl.Float64})


def test_spc_frame_has_limits_signals_and_reference_lines():
    mine = [10.0, 12.0, 10.0, 12.0, 30.0]
    every = pl.concat([_series("A", mine), _series("B", [1.0, 2, 3, 4, 5]), _series("C", [3.0, 4, None, 6, 7])])
    frame = fp.spc_frame(every.filter(pl.col("area_code") == "A"), _series("E", [5.0] * 5), every, ["B", "C"])
    assert frame["centre"][0] == pytest.approx(sum(mine) / 5)
    mr = (2 + 2 + 2 + 18) / 4
    assert frame["upper_limit"][0] == pytest.approx(sum(mine) / 5 + 2.66 * mr)
    assert frame["national"].to_list() == [5.0] * 5
    # the plain average of the peers' shown values; C hidden in the third period
    assert frame["peer_average"].to_list() == [2.0, 3.0, 3.0, 5.0, 6.0]
    assert frame["peers_shown"].to_list() == [2, 2, 1, 2, 2]


def test_episodes_read_each_rule_so_a_run_is_not_cut_by_a_point_beyond_the_limits():
    frame = pl.DataFrame({
        "period": ["a", "b", "c", "d", "e", "f"], "value": [1.0, 5.0, 9.0, 5.0, 1.0, 2.0], "centre": [3.0] * 6,
        "run": [False, True, True, True, False, False], "trend": [False] * 6,
        "beyond_limits": [False, False, True, False, False, False],
        "two_of_three": [False, False, False, False, True, False]})
    found = fp.episodes(frame)
    assert [(e.signal, e.first, e.last, e.at_end) for e in found] == [
        ("run above centre", 1, 3, False), ("beyond limits", 2, 2, False), ("two of three low", 4, 4, False)]
    assert found[0].periods == ("b", "c", "d")


def test_start_in_series():
    frame = pl.DataFrame({"period_end": [20181, 20182, 20183, 20184]})  # April 2018 to March 2019
    assert fp.start_in_series(frame, date(2018, 4, 1)) and fp.start_in_series(frame, date(2019, 3, 31))
    assert not fp.start_in_series(frame, date(2021, 6, 1))
    assert not fp.start_in_series(pl.DataFrame({"period_end": []}, schema={"period_end": pl.Int64}), date(2021, 6, 1))


def test_an_spc_chart_needs_most_of_its_periods_shown():
    """Disclosure hides the periods with small counts, not a random few: drawn from the zeros
    alone, a trend would put the centre line at 0% for a force whose figure is 3.7%."""
    from analysis.force_profile import MIN_SHOWN_SHARE, judgeable

    def frame(shown: int, total: int) -> pl.DataFrame:
        return pl.DataFrame({"value": [0.0] * shown + [None] * (total - shown)}, schema={"value": pl.Float64})

    assert MIN_SHOWN_SHARE == 0.6
    assert judgeable(frame(3, 4)) and judgeable(frame(24, 40))
    assert not judgeable(frame(10, 46))  # the case seen: 10 zero quarters of 46
    assert not judgeable(frame(23, 40))
    assert not judgeable(frame(1, 1))  # an XmR chart needs two points
