"""The narrative of /force and the SPC words equal the numbers in the frames they are built from:
no significant change, a suppressed value, no before period, a sustained shift."""

from __future__ import annotations

from datetime import date

import polars as pl

from analysis import force_profile as fp
from metrics.format import fmt_value
from metrics.registry import metric
from words import narrative as say
from words.spc import spc_summary
from words.summaries import HIDDEN_WHY

CHARGE = metric("charge_rate")


def _head(value=12.0, flag="", position="within", words="within the limits: not distinguishable") -> dict:
    return {"metric": CHARGE.id, "label": CHARGE.label, "unit": "percent", "name": "Alpha",
            "value": value, "lower": None if value is None else value - 1.5,
            "upper": None if value is None else value + 1.5, "flag": flag, "numerator": None, "denominator": None,
            "value_text": fmt_value(value, "percent") if value is not None else flag,
            "interval_text": "" if value is None else f"95% CI {value - 1.5:.1f}–{value + 1.5:.1f}%",
            "national": 10.0, "peer_average": 11.0, "peers_shown": 3, "peers": 4,
            "position": None if value is None else position, "position_words": words}


def _series(values: list[float | None]) -> pl.DataFrame:
    n = len(values)
    rows = pl.DataFrame({"period": [f"Q{i + 1}" for i in range(n)], "period_end": list(range(n)),
                         "area_code": ["A"] * n, "value": values, "lower": values, "upper": values,
                         "flag": [""] * n}, schema_overrides={"value": pl.Float64, "lower": pl.Float64,
                                                               "upper": pl.Float64})
    return fp.spc_frame(rows, rows.select("period_end", "value"), rows, [])


def _ba(before: tuple[float, float] | None, after: tuple[float, float] | None, first: int = 20151) -> fp.BeforeAfter:
    forces = pl.DataFrame({"code": ["A"], "territorial": [True], "nom_phase": ["pathfinder"],
                           "nom_start": [date(2021, 6, 1)]})

    def table(nd):
        n, d = nd if nd else (None, None)
        return pl.DataFrame([{"area_code": "A", "numerator": n, "denominator": d,
                              "value": 100 * n / d if nd else None, "flag": "" if nd else "[c]"}],
                            schema={"area_code": pl.String, "numerator": pl.Float64, "denominator": pl.Float64,
                                    "value": pl.Float64, "flag": pl.String})

    wins = fp.windows(date(2021, 6, 1), first, 20262)
    return fp.before_after("A", forces, CHARGE, table(before) if wins[0] else None, table(after), wins)


def test_no_significant_change_is_said_as_chance_and_not_causal():
    ba = _ba((10, 100), (12, 100))  # 10.0% to 12.0%: Newcombe interval includes zero
    assert not ba.test["significant"]
    text = say.before_after_sentence(ba, CHARGE)
    assert "10.0% in the four quarters before (2020-21 Q1 to 2020-21 Q4)" in text
    assert "12.0% in the four quarters to 2026-27 Q2" in text
    assert "higher after than before" in text and "within the range expected by chance" in text
    assert f"{ba.test['difference']:+.1f} percentage points" in text
    assert say.NOT_CAUSAL in text and "improvement" not in text


def test_a_significant_change_gives_its_interval():
    ba = _ba((100, 1000), (200, 1000))
    text = say.before_after_sentence(ba, CHARGE)
    assert ba.test["significant"] and "larger than chance would explain" in text
    assert f"95% CI {ba.test['lower']:+.1f} to {ba.test['upper']:+.1f}" in text and "lower after" not in text


def test_a_suppressed_value_is_said_to_be_hidden():
    h = _head(value=None, flag="[c]")
    sentence = say.figure_sentence(h, CHARGE, "Adult rape", "the year to Sep 2026")
    assert "is not shown ([c]" in sentence and HIDDEN_WHY in sentence and "10.0%" in sentence
    assert say.position_sentence(h) == ""
    hidden_after = say.before_after_sentence(_ba((10, 100), None), CHARGE)
    assert "after its start is not shown" in hidden_after and HIDDEN_WHY in hidden_after


def test_no_before_period():
    ba = _ba(None, (12, 100), first=20211)  # the release starts with the start quarter
    sentences = say.narrative(_head(), _series([10.0, 12.0] * 4), ba, CHARGE, group_label="Adult rape",
                              period_label="the year to Sep 2026", peer_noun="region peer")
    text = " ".join(sentences)
    assert "no before period" in text and "began the National Operating Model in June 2021" in text
    assert 5 <= len(sentences) <= 6


def test_narrative_numbers_equal_the_frames():
    h = _head()
    sentences = say.narrative(h, _series([10.0, 12.0] * 4), _ba((10, 100), (12, 100)), CHARGE,
                              group_label="Adult rape", period_label="the year to Sep 2026", peer_noun="region peer")
    first = sentences[0]
    assert "12.0% (95% CI 10.5–13.5%)" in first and "England and Wales 10.0%" in first
    assert sentences[1] == "Against England and Wales it is within the limits: not distinguishable."
    assert sentences[2] == "The average of the 3 of its 4 region peers with a figure shown is 11.0%."
    assert "no special-cause signal" in sentences[3]
    assert 5 <= len(sentences) <= 6


def test_a_sustained_shift_is_named_in_the_summary_and_the_narrative():
    values = [10.0, 12.0, 10.0, 12.0, 10.0, 12.0] + [14.0] * 8  # mean 12.57: the last 8 above it
    frame = _series(values)
    assert frame["signal"].to_list()[-8:] == ["run above centre"] * 8
    summary = spc_summary(frame, CHARGE.label, "percent")
    assert "The last 8 quarters (Q7 to Q14) are all above the centre line: a sustained shift." in summary
    assert f"centre line (mean) {sum(values) / len(values):.1f}%" in summary
    assert "the last 8 quarters" in say.spc_sentence(frame, "quarter")


def test_no_signal_is_said():
    summary = spc_summary(_series([10.0, 12.0] * 4), CHARGE.label, "percent")
    assert "No special-cause signal" in summary


def test_points_beyond_the_limits_are_one_sentence():
    values = [10.0, 12.0] * 5 + [40.0]  # mean 13.6, mean moving range 4.6: 40 is above 25.9
    frame = _series(values)
    summary = spc_summary(frame, CHARGE.label, "percent")
    assert "1 point is above the upper process limit (Q11): unusual variation" in summary
    assert frame["upper_limit"][0] < 40 < frame["upper_limit"][0] + 20


def test_two_of_three_names_its_points():
    # by hand: mean (200 + 49.6) / 23 = 10.85; mean moving range (19 x 4 + 11.8 + 9.8 + 9.8) / 22 = 4.88;
    # two sigma above the mean 19.51 < 19.8 < the upper limit 23.83
    frame = _series([12.0, 8.0] * 10 + [19.8, 10.0, 19.8])
    flagged = [p for p, f in zip(frame["period"], frame["two_of_three"], strict=True) if f]
    assert flagged == ["Q21", "Q23"] and not frame["beyond_limits"].any()
    assert "close to the upper process limit (Q21, Q23)" in spc_summary(frame, CHARGE.label, "percent")


def test_a_chosen_period_before_the_start_has_no_after_period():
    forces = pl.DataFrame({"code": ["A"], "territorial": [True], "nom_phase": ["pathfinder"],
                           "nom_start": [date(2021, 6, 1)]})
    wins = fp.windows(date(2021, 6, 1), 20181, 20184)  # a release of 2018-19 only
    ba = fp.before_after("A", forces, CHARGE, None, pl.DataFrame({"area_code": ["A"], "value": [1.0]}), wins)
    text = say.start_sentence(ba, "Alpha", CHARGE)
    assert text == ("Alpha began the National Operating Model in June 2021 (the pathfinder phase); the chosen "
                    "period (2018-19 Q1 to 2018-19 Q4) ends before that start, so there is no after period to compare.")


def test_rolling_years_not_offered_are_counted_and_explained():
    """A rolling year that is [x] is twelve months over a hidden quarter, which the public view does
    not offer; the SPC words say so, on rolling years only."""
    values = [10.0, 12.0, None, 11.0, 12.0, 10.0, None, 11.0]
    frame = _series(values).with_columns(flag=pl.Series([("[x]" if v is None else "") for v in values]))
    rolling = spc_summary(frame, CHARGE.label, "percent", "rolling")
    assert "2 rolling years are [x]: twelve months over a hidden quarter are not offered in the public view" in rolling
    assert "not offered" not in spc_summary(frame, CHARGE.label, "percent", "quarter")
