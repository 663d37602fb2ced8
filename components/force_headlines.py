"""The headline figures of /force: for each headline metric, the force's value with its
interval, England and Wales, its peers' average and its funnel position in words.

The position words are those of /compare (``analysis.comparison``), so a force reads the same
on both pages; no colour carries the position.
"""

from __future__ import annotations

import streamlit as st

from metrics.format import fmt_value, has_value
from metrics.registry import DIRECTION_WORDS, Metric
from words.summaries import HIDDEN_WHY


def headline_tile(h: dict, metric: Metric, peer_noun: str) -> None:
    """One bordered tile: value, interval, England and Wales, peers, position."""
    unit = metric.unit
    with st.container(border=True):
        value = h["value_text"] if has_value(h["value"]) else (h["flag"] or "[x]")
        st.metric(metric.label, value, help=metric.definition)
        lines = []
        if h["interval_text"]:
            lines.append(h["interval_text"])
        if not has_value(h["value"]):
            lines.append(f"Not shown: {HIDDEN_WHY}." if (h["flag"] or "[c]") == "[c]" else "Not available.")
        lines.append(f"England and Wales: {fmt_value(h['national'], unit)}")
        if h["peers"]:
            avg = fmt_value(h["peer_average"], unit) if h["peer_average"] is not None else "[c]"
            lines.append(f"Average of {h['peers_shown']} of {h['peers']} {peer_noun}s: {avg}")
        position = ("not compared (a count depends on a force's size)" if h["position"] is None
                    and has_value(h["value"]) else h["position_words"])
        lines.append(f"Against England and Wales: {position}")
        lines.append(f"{DIRECTION_WORDS[metric.direction]}.")
        st.caption("  \n".join(lines))


def unavailable(metric: Metric, reason: str) -> None:
    """A tile for a measure the release cannot give: one line saying why."""
    with st.container(border=True):
        st.metric(metric.label, "[x]", help=metric.definition)
        st.caption(reason)

