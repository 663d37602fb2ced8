"""Headline figure tiles: value, 95% interval, change on the previous 12 months in words.

The change is worded by its statistical test and the metric's direction of good is written
out, so nothing depends on the colour of an arrow (the delta is drawn in neutral grey).
"""

from __future__ import annotations

import streamlit as st

from metrics.format import fmt_interval, fmt_value
from metrics.registry import DIRECTION_WORDS, Metric
from words.summaries import RECORDING_CAVEAT, compare, value_phrase


def _delta(metric: Metric, change) -> str | None:
    if change.difference is None:
        return None
    d = change.difference
    if metric.unit == "percent":
        return f"{d:+.1f} points"
    if metric.unit == "count":
        return f"{d:+,.0f}"
    if metric.unit == "days":
        return f"{d:+,.0f} days"
    return f"{d:+.2f}"


def unavailable_tile(metric: Metric, reason: str) -> None:
    """A tile for a measure the release shown cannot give: '[x]' and the reason in words."""
    with st.container(border=True):
        st.metric(metric.label, "[x]", help=metric.definition)
        st.caption(reason)


def kpi_tile(metric: Metric, current: dict, previous: dict | None, *, previous_label: str,
             extra: str | None = None, basis: str | None = None) -> None:
    """One tile in a bordered container; ``extra`` is a second line (e.g. a rate per 1,000).

    The arrow shows the change on the previous 12 months; the words under it say whether the
    change is statistically meaningful and which direction is better.
    """
    change = compare(current, previous, metric)
    with st.container(border=True):
        st.metric(
            metric.label,
            fmt_value(current.get("value"), metric.unit) if current.get("value") is not None
            else (current.get("flag") or "[x]"),
            delta=_delta(metric, change),
            delta_color="off",
            help=metric.definition,
        )
        interval = fmt_interval(current.get("lower"), current.get("upper"), metric.unit)
        lines = []
        if interval:
            lines.append(interval)
        if extra:
            lines.append(extra)
        prev = (f"{fmt_value(previous['value'], metric.unit)} in {previous_label}"
                if previous and previous.get("value") is not None else previous_label)
        words = change.words(metric, prev)
        lines.append(words[:1].upper() + words[1:] + ".")
        if metric.unit == "count" and RECORDING_CAVEAT.lower() not in words:
            lines.append(RECORDING_CAVEAT + ".")
        lines.append(DIRECTION_WORDS[metric.direction] + ".")
        if basis:
            lines.append(f"Basis: {basis.lower()}.")
        if current.get("value") is None:
            lines.insert(0, value_phrase(current, metric.unit))
        st.caption("  \n".join(lines))
