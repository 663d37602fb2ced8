"""The charts of /force as specs: the SPC chart marks each signal by shape (not only colour),
draws the reference lines with their own dashes and the force's NOM start; the before/after and
paired outcome-mix charts carry their labels."""

from __future__ import annotations

from datetime import date

import polars as pl

from analysis import force_profile as fp
from charts.before_after import before_after_chart
from charts.outcome_mix import outcome_mix_pair_chart
from charts.spc import LINES, MARKERS, spc_chart
from metrics.registry import metric
from words.spc import SIGNAL_LABELS

CHARGE = metric("charge_rate")


def _frame(values: list[float]) -> pl.DataFrame:
    n = len(values)
    ends = [20201 + (i // 4) * 10 + i % 4 for i in range(n)]  # quarters from 2020-21 Q1
    rows = pl.DataFrame({"period": [f"Q{i}" for i in range(n)], "period_end": ends, "area_code": ["A"] * n,
                         "value": values, "lower": values, "upper": values, "flag": [""] * n},
                        schema_overrides={"value": pl.Float64, "lower": pl.Float64, "upper": pl.Float64})
    return fp.spc_frame(rows, rows.select("period_end", pl.col("value") - 1), rows, ["A"])


def _layers(chart) -> list[dict]:
    return chart.to_dict()["layer"]


def test_spc_marks_signals_by_shape_and_draws_the_start():
    values = [10.0, 12.0] * 3 + [14.0] * 8  # the last 8 above the centre: a run
    chart = spc_chart(_frame(values), CHARGE, start=date(2021, 6, 1), start_label="Alpha's NOM start")
    layers = _layers(chart)
    points = layers[2]["encoding"]["shape"]["scale"]
    assert SIGNAL_LABELS["run above centre"] in points["domain"]
    shapes = dict(zip(points["domain"], points["range"], strict=True))
    assert shapes[SIGNAL_LABELS["run above centre"]] == MARKERS[SIGNAL_LABELS["run above centre"]][0]
    assert len(set(shapes.values())) == len(shapes)  # each kind of point its own shape
    dashes = layers[0]["encoding"]["strokeDash"]["scale"]
    assert set(dashes["domain"]) == set(LINES)  # centre, limits, England and Wales, peers
    assert any(layer.get("mark", {}).get("type") == "rule" for layer in layers[3:])


def test_spc_leaves_out_a_start_outside_the_series():
    chart = spc_chart(_frame([10.0, 12.0] * 4), CHARGE, start=date(2030, 1, 1), start_label="later")
    assert len(_layers(chart)) == 3


def test_before_after_and_outcome_mix_pair():
    rows = pl.DataFrame({"window": ["Before: a", "After: b"], "who": ["This force"] * 2, "numerator": [1.0, 2.0],
                         "denominator": [10.0, 10.0], "value": [10.0, 20.0], "lower": [5.0, 15.0],
                         "upper": [15.0, 25.0], "flag": ["", ""]})
    spec = before_after_chart(rows, CHARGE).to_dict()
    assert spec["layer"][1]["encoding"]["shape"]["scale"]["domain"] == ["This force"]
    mix = pl.DataFrame({"area_name": ["Alpha", "England and Wales"], "ho_group": ["Charged", "Charged"],
                        "count": [5.0, 50.0], "share": [5.0, 6.0], "flag": ["", ""]})
    pair = outcome_mix_pair_chart(mix, order=["Alpha", "England and Wales"]).to_dict()
    assert pair["layer"][0]["encoding"]["color"]["scale"]["domain"] == ["Alpha", "England and Wales"]
    assert pair["layer"][1]["encoding"]["text"]["field"] == "label"


def test_a_count_leaves_out_england_and_wales_and_the_peers():
    chart = spc_chart(_frame([10.0, 12.0] * 4), metric("recorded_offences"), start=None)
    assert set(_layers(chart)[0]["encoding"]["strokeDash"]["scale"]["domain"]) == {
        "Centre line (mean)", "Process limits"}
