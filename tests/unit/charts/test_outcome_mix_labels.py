"""The outcome mix's bar labels: one decimal and a per cent sign, as the tooltip's format."""

from __future__ import annotations

import polars as pl

from charts.outcome_mix import outcome_mix_chart, share_labels


def test_each_share_is_labelled_with_one_decimal():
    shares = pl.Series("share", [12.0, 3.25, 0.04, 99.96])
    assert share_labels(shares).to_list() == [f"{s:.1f}%" for s in shares.to_list()]
    assert share_labels(shares).to_list()[0] == "12.0%"


def test_the_chart_carries_the_labels():
    frame = pl.DataFrame({"ho_group": ["Charged", "No further action"], "count": [10, 30],
                          "share": [25.0, 75.0], "flag": [None, None]})
    spec = outcome_mix_chart(frame).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert sorted(r["label"] for r in rows) == ["25.0%", "75.0%"]
