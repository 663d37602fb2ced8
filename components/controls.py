"""Global sidebar controls bound to the address: offence group, period and release.

Widgets start from the validated URL state (their session value is set from it before they
are drawn) and a change writes the new value straight into ``st.query_params`` in the widget's
callback, which runs before the next script run, so the address and the screen never disagree
and the browser's back button and bookmarks work.
"""

from __future__ import annotations

import streamlit as st

from analysis.url_state import State
from db.releases import Release
from metrics.markup import plain
from metrics.offence_groups import OFFENCE_GROUPS
from metrics.periods import Period, add_quarters, financial_year, fy_of, quarter_end, year_ending
from words.summaries import GRAIN_LABELS

WIDGET_KEYS = {"offence": "ctl_offence", "period": "ctl_period", "release": "ctl_release"}


def period_options(first_quarter: int, last_quarter: int, *, rolling: int = 8) -> list[Period]:
    """Rolling 12 months ending each of the last ``rolling`` quarters (newest first), then every
    complete financial year (newest first)."""
    out: list[Period] = []
    for back in range(rolling):
        p = year_ending(add_quarters(last_quarter, -back))
        if p.first < first_quarter:
            break
        out.append(p)
    for fy in range(fy_of(last_quarter), fy_of(first_quarter) - 1, -1):
        p = financial_year(fy)
        if p.first >= first_quarter and p.last <= last_quarter:
            out.append(p)
    return out


def short_period_label(p: Period) -> str:
    """'2015-16' for a financial year, 'Year to Sep 2026' for a rolling year: fits the sidebar."""
    if p.kind == "fy":
        return p.token
    return f"Year to {quarter_end(p.last):%b %Y}"


def _compact(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.2f}M"
    if n >= 10_000:
        return f"{n / 1_000:.0f}k"
    return f"{n:,}"


def short_release_label(rel: Release) -> str:
    """'#1 synthetic, 1.97M cases' (the full label is in the help and the release caption)."""
    cases = rel.cases  # a synthetic release's own cases, not those carried in still open
    kind = "synthetic" if rel.synthetic else str(rel.source or "release")
    return f"#{rel.id} {kind}" + (f", {_compact(int(cases))} cases" if cases else "")


def widget_to_url(param: str, widget_key: str) -> None:
    """on_change callback: write a widget's value into the address (a switch as 1; empty removes it)."""
    value = st.session_state.get(widget_key)
    if value is True:
        st.query_params[param] = "1"
    elif value is not None and value is not False and value != "":
        st.query_params[param] = str(value)
    elif param in st.query_params:
        del st.query_params[param]


def sync_widget(widget_key: str, value) -> None:
    """Start a widget from the validated address state (before the widget is drawn)."""
    if st.session_state.get(widget_key) != value:
        st.session_state[widget_key] = value


def sidebar_controls(state: State, *, periods: list[Period], releases: list[Release],
                     shown_release: int) -> None:
    st.sidebar.header("Show")
    sync_widget(WIDGET_KEYS["offence"], state.offence)
    st.sidebar.selectbox(
        "Offence group", options=list(OFFENCE_GROUPS), key=WIDGET_KEYS["offence"],
        format_func=lambda g: OFFENCE_GROUPS[g].label,
        on_change=widget_to_url, args=("offence", WIDGET_KEYS["offence"]),
        help="Groups are defined by offence attributes; see the methodology page for the codes.",
    )

    tokens = [p.token for p in periods]
    labels = {p.token: short_period_label(p) for p in periods}
    if state.period not in labels:  # a valid period outside the list (e.g. an older rolling year)
        tokens.append(state.period)
        labels[state.period] = short_period_label(state.period_obj)
    sync_widget(WIDGET_KEYS["period"], state.period)
    st.sidebar.selectbox(
        "Period", options=tokens, key=WIDGET_KEYS["period"], format_func=labels.get,
        on_change=widget_to_url, args=("period", WIDGET_KEYS["period"]),
        help=f"Showing {state.period_obj.label}. Financial years (2024-25) run April to March; "
             "'Year to' periods are the 12 months ending that month and smooth out small numbers.",
    )

    ids = [r.id for r in releases if r.status == "complete"]
    if shown_release not in ids:
        ids.append(shown_release)
    rows = {r.id: r for r in releases}
    names = {i: short_release_label(r) for i, r in rows.items()}
    full = plain(rows[shown_release].label) if shown_release in rows else ""  # the help is Markdown
    sync_widget(WIDGET_KEYS["release"], shown_release)
    st.sidebar.selectbox(
        "Data release", options=ids, key=WIDGET_KEYS["release"],
        format_func=lambda i: names.get(i, f"#{i}"),
        on_change=widget_to_url, args=("release", WIDGET_KEYS["release"]),
        help=f"Showing release {shown_release}: {full}. Every load is a release. Pick an older one "
             "to reproduce a figure you cited.",
    )


BASIS_KEY = "ctl_basis"


def basis_control(state: State, labels: dict[str, str], *, key: str = BASIS_KEY) -> str:
    """Radio for the outcome basis, bound to the ``basis`` URL parameter.

    Each page gives its own ``key``: a widget key another page's widget used is still in the
    session when the page switches, and the new widget would then start from its default, not
    from the address."""
    sync_widget(key, state.basis)
    return st.radio("Outcome basis", options=list(labels), key=key, format_func=labels.get,
                    on_change=widget_to_url, args=("basis", key), horizontal=True,
                    help="Closed: investigations finalised in the period (any recording date). "
                         "Recorded: offences recorded in the period and their outcome so far, "
                         "including those not yet assigned one.")


GRAIN_KEY = "ctl_grain"


def grain_control(state: State, *, key: str = GRAIN_KEY) -> str:
    """Radio for what a point on the trends is, bound to the ``grain`` URL parameter (a key of
    the page's own, as for ``basis_control``)."""
    sync_widget(key, state.grain or "quarter")
    return st.radio("Show the trends by", options=list(GRAIN_LABELS), key=key,
                    format_func=GRAIN_LABELS.get, on_change=widget_to_url, args=("grain", key),
                    horizontal=True,
                    help="Quarters show the most detail; financial years (April to March) and "
                         "rolling 12 months (the year ending each quarter) smooth out small "
                         "numbers and seasonal swings.")
