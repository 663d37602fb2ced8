"""Small frames shaped like the query layer's answers, for the pure chart and summary tests."""

from __future__ import annotations

import polars as pl


def quarters_frame(flags, values):
    """Quarterly rows of a metric table, one per flag, from 2023-24 Q1 on."""
    n = len(flags)
    ends = [20231, 20232, 20233, 20234, 20241, 20242, 20243, 20244][:n]
    return pl.DataFrame({
        "period": [f"q{i}" for i in range(n)], "period_end": ends, "area_name": ["E&W"] * n,
        "numerator": [None if v is None else 10.0 for v in values], "denominator": [100.0] * n,
        "value": values, "lower": [None if v is None else v - 1 for v in values],
        "upper": [None if v is None else v + 1 for v in values], "flag": flags,
    })
