"""How a figure is written, by its metric's unit: 61,234 · 3.1% · 1.03 per 1,000 · 412 days.

One rule for every sentence, tooltip, tile and comparison frame, so a figure reads the same
wherever it appears. It sits with the metric registry (which defines the units) and below
everything that writes figures: the words (``words/``) and the force comparison
(``analysis/``) both use it. No Streamlit, no Altair.
"""

from __future__ import annotations

import math


def has_value(x) -> bool:
    """A number that can be shown: not missing and not NaN."""
    return x is not None and not (isinstance(x, float) and math.isnan(x))


def fmt_value(value: float | None, unit: str, *, with_unit: bool = True) -> str:
    """One number as people read it: 61,234 · 3.1% · 1.03 per 1,000 · 412 days."""
    if not has_value(value):
        return "—"
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "percent":
        return f"{value:.1f}%" if with_unit else f"{value:.1f}"
    if unit == "per_1000":
        return f"{value:.2f} per 1,000" if with_unit else f"{value:.2f}"
    if unit == "days":
        return f"{value:,.0f} days" if with_unit else f"{value:,.0f}"
    return f"{value:,.1f}"


COUNT_RANGE = "Range expected from year-to-year chance variation (Poisson)"


def fmt_interval(lower: float | None, upper: float | None, unit: str) -> str:
    """'95% CI 2.9–3.3%' (the unit once, at the end).

    A count of recorded offences is a full count, not a sample, so "confidence interval" would be
    misread as doubt about the count: its Poisson interval is worded as the range that chance
    variation from year to year would give.
    """
    if not (has_value(lower) and has_value(upper)):
        return ""
    if unit == "count":
        return f"{COUNT_RANGE}: {fmt_value(lower, unit)}–{fmt_value(upper, unit)}"
    return f"95% CI {fmt_value(lower, unit, with_unit=False)}–{fmt_value(upper, unit)}"
