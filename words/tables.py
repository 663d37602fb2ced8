"""A data table as people read it: numbers formatted, hidden cells as their symbol, plain headers.

Here, below the components, so the table under a chart on screen (``components.chart_block``)
and the table in a printed briefing pack (``reports``) are one table with one set of headers.
No Streamlit, no Altair.
"""

from __future__ import annotations

import polars as pl

from metrics.disclosure import NOT_APPLICABLE_COLUMNS, format_for_display
from metrics.registry import Metric

# Machine columns the CSV keeps but the screen leaves out: the caption names the release, the
# period column says the quarter in words, and the chart title names the metric.
HIDDEN_ON_SCREEN = ("period_end", "metric", "release", "area_code", "code")
SCREEN_NAMES = {
    "period": "Period", "area_name": "Area", "code": "Force code", "name": "Force",
    "region": "Region", "numerator": "Numerator", "denominator": "Denominator", "value": "Value",
    "lower": "95% interval lower", "upper": "95% interval upper", "flag": "Symbol",
    "ho_group": "Outcome group", "count": "Outcomes", "share": "Share (%)",
    "position": "Against England and Wales",
    "cases": "Cases", "p10": "10th percentile", "p25": "25th percentile", "p50": "Median",
    "p75": "75th percentile", "p90": "90th percentile", "cohort": "Cohort (recorded in)", "stage": "Stage",
}
_SHORT = 32  # a registry wording longer than this would crowd the table: keep the plain header


def screen_frame(shown: pl.DataFrame, unit: str, metric: Metric | None = None) -> pl.DataFrame:
    """The formatted rows with plain-English headers, without the machine-only columns.

    Numerator and denominator take the metric's own wording where it is short; columns the unit
    never fills ([z] throughout, e.g. a count's denominator) are left out on screen.
    """
    names = dict(SCREEN_NAMES)
    if metric is not None:
        for col in ("numerator", "denominator"):
            wording = getattr(metric, col)
            if wording and wording != "—" and len(wording) <= _SHORT:
                names[col] = wording
    if unit == "count":
        names["lower"], names["upper"] = "Chance range lower", "Chance range upper"
    drop = [c for c in (*HIDDEN_ON_SCREEN, *NOT_APPLICABLE_COLUMNS.get(unit, ())) if c in shown.columns]
    kept = shown.drop(drop)
    if "position" in kept.columns and "name" in kept.columns:
        # the force's position against England and Wales is what the table is for: keep it in
        # view next to the name instead of past the right edge at 1400 px
        order = [c for c in kept.columns if c != "position"]
        order.insert(order.index("name") + 1, "position")
        kept = kept.select(order)
    return kept.rename({c: names[c] for c in kept.columns if c in names})


def display_frame(table: pl.DataFrame, unit: str, *, thousands: bool = True) -> pl.DataFrame:
    """The rows as shown: numbers formatted, hidden cells as their UK statistical symbol."""
    columns = ("numerator", "denominator", "value", "lower", "upper", "count", "share", "cases",
               "p10", "p25", "p50", "p75", "p90")
    return format_for_display(table, columns, unit=unit, thousands=thousands)


def reading_table(table: pl.DataFrame, unit: str, metric: Metric | None = None) -> pl.DataFrame:
    """Both steps: the table a person reads, from the tidy frame a chart draws."""
    return screen_frame(display_frame(table, unit), unit, metric)
