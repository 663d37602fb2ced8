"""Trend and outcome-mix charts as Vega-Lite specs (components.charts)."""

from __future__ import annotations

from datetime import date

import polars as pl

from charts import palette
from charts.outcome_mix import outcome_mix_chart
from charts.trend import milestones_in, trend_chart
from helpers.frames import quarters_frame as _quarters_frame
from metrics.registry import metric

CHARGE = metric("charge_rate")


def test_trend_chart_marks_the_nom_milestones_in_range():
    frame = pl.DataFrame({"period": ["q"] * 8, "period_end": [20201, 20202, 20203, 20204, 20211, 20212,
                                                              20213, 20214],
                          "value": [1.0] * 8, "lower": [0.5] * 8, "upper": [1.5] * 8, "flag": [""] * 8,
                          "area_name": ["E&W"] * 8})
    spec = trend_chart(frame, CHARGE).to_dict()
    labels = [v["label"] for d in spec["datasets"].values() for v in d if "label" in v]
    # the series ends March 2022: pathfinders (June 2021) are in, the Oct 2022 wave is not
    assert labels == ["Pathfinders (2021)"]
    assert len(milestones_in(date(2015, 1, 1), date(2026, 1, 1))) == 4


def test_outcome_mix_chart_leaves_out_hidden_groups():
    mix = pl.DataFrame({"ho_group": ["A", "B", "C"], "count": [50.0, 40.0, None],
                        "share": [55.6, 44.4, None], "flag": ["", "", "[c]"]})
    spec = outcome_mix_chart(mix).to_dict()
    groups = [v["ho_group"] for d in spec["datasets"].values() for v in d]
    assert groups == ["A", "B"]


def _point_layer(spec):
    return next(layer for layer in spec["layer"] if layer["mark"]["type"] == "point")


def test_low_reliability_points_have_their_own_shape_and_legend():
    spec = trend_chart(_quarters_frame(["", "[u]", ""], [3.0, 4.0, 5.0]), CHARGE).to_dict()
    enc = _point_layer(spec)["encoding"]
    domain = enc["shape"]["scale"]["domain"]
    assert len(domain) == 2 and domain[1].startswith("[u]")
    assert enc["shape"]["scale"]["range"] == ["circle", "diamond"]
    assert enc["fill"]["scale"]["range"][1] == "#FFFFFF"  # hollow
    assert enc["shape"]["legend"] is not None
    assert enc["shape"]["legend"]["labelColor"] == palette.TEXT  # not the theme's pale grey
    data = [v for d in spec["datasets"].values() for v in d if "reliability" in v]
    assert [v["reliability"].startswith("[u]") for v in data] == [False, True, False]
    plain = _point_layer(trend_chart(_quarters_frame(["", ""], [3.0, 4.0]), CHARGE).to_dict())
    assert plain["encoding"]["shape"]["legend"] is None


def test_a_short_span_labels_each_quarter_and_a_long_one_each_year():
    short = trend_chart(_quarters_frame([""] * 4, [1.0, 2, 3, 4]), CHARGE).to_dict()
    axis = short["layer"][0]["encoding"]["x"]["axis"]
    assert len(axis["values"]) == 4 and axis["format"] == "%b %Y"
    assert axis["values"][0] == {"year": 2023, "month": 6, "date": 30}
    n = 12
    long_frame = pl.DataFrame({"period": ["q"] * n, "period_end": [20201 + 10 * (i // 4) + i % 4 for i in range(n)],
                               "value": [1.0] * n, "lower": [0.5] * n, "upper": [1.5] * n, "flag": [""] * n,
                               "area_name": ["E&W"] * n})
    axis = trend_chart(long_frame, CHARGE).to_dict()["layer"][0]["encoding"]["x"]["axis"]
    assert axis["format"] == "%Y" and "values" not in axis
