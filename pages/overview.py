"""National overview (/): headline figures, trends with NOM milestones, outcome mix.

Thin by design: read the context, call the cached queries, hand frames to components.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from charts.outcome_mix import outcome_mix_chart
from charts.trend import trend_chart
from components import data, vega
from components.banners import caveat
from components.chart_block import chart_block
from components.context import get_context
from components.controls import GRAIN_LABELS, basis_control, grain_control
from components.kpi import kpi_tile, unavailable_tile
from components.page_registry import METHODOLOGY
from metrics.disclosure import CONFIDENTIAL
from metrics.format import fmt_interval, fmt_value
from metrics.periods import quarter_label
from metrics.registry import BASIS_CLOSED, BASIS_LABELS, BASIS_RECORDED, metric
from words.summaries import TREND_STEPS, outcome_mix_summary, trend_summary, window_summary

ctx = get_context()
state, period, group = ctx.state, ctx.period, ctx.group
previous = period.previous()
has_previous = previous.first >= ctx.first_quarter


def table(metric_id: str, first: int, last: int, grain: str):
    return data.metric_table(ctx.url, tier=ctx.tier, release_id=ctx.release_id, metric_id=metric_id,
                             offence_group=state.offence, area="national",
                             first_quarter=first, last_quarter=last, grain=grain)


def headline_row(metric_id: str, p) -> dict | None:
    frame = table(metric_id, p.first, p.last, "period")
    return frame.to_dicts()[0] if len(frame) else None


def rate_line() -> str:
    """The second line of the recorded-offences tile: the rate per 1,000 residents, with how many
    forces' populations it covers (counted from the force list, not assumed), or why it is
    missing."""
    rate = headline_row("recorded_per_1000", period) or {}
    rm = metric("recorded_per_1000")
    forces = data.forces(ctx.url).filter(pl.col("territorial"))
    with_population = forces.filter(pl.col("population").is_not_null()).height
    if rate.get("flag") == CONFIDENTIAL:
        return (f"Rate per 1,000 residents not shown ({CONFIDENTIAL}): its count (England and Wales "
                "without British Transport Police) is hidden this period, so that a small count "
                "cannot be worked out from it.")
    if rate.get("value") is None or not with_population:
        return ("Rate per 1,000 residents not available: no resident population estimates are "
                "loaded (load the ONS police force area tables).")
    interval = fmt_interval(rate.get("lower"), rate.get("upper"), rm.unit)
    covered = (f"all {with_population} territorial forces" if with_population == forces.height else
               f"{with_population} of {forces.height} territorial forces (the others have no "
               "population estimate loaded)")
    return f"{fmt_value(rate['value'], rm.unit)} residents{f' ({interval})' if interval else ''}, {covered}"


st.title(f"National overview: {group.label.lower()}")
st.markdown(
    f"England and Wales, **{period.label}**. Changes are against "
    f"{previous.label if has_previous else 'the previous 12 months (not in this release)'}. "
    f"{group.definition}"
)
st.page_link(METHODOLOGY.path, label="How these figures are defined and protected",
             icon=":material/menu_book:", query_params=ctx.params(METHODOLOGY.url_path))

# --- Headline figures ----------------------------------------------------------------------
st.header("Headline figures")
caveat("These figures use different bases: recorded offences count offences recorded in the "
       "period, while outcomes and days to charge count investigations closed in it. They are "
       "different groups of cases, so one cannot be divided by the other.")
tiles = ["recorded_offences", "charge_rate", "victim_does_not_support_rate", "median_days_to_charge"]
columns = [c for _ in range(2) for c in st.columns(2)]  # 2 x 2: labels and words fit
for col, metric_id in zip(columns, tiles, strict=True):
    m = metric(metric_id)
    if reason := ctx.missing_reason(m):
        with col:
            unavailable_tile(m, reason)
        continue
    current = headline_row(metric_id, period) or {}
    before = headline_row(metric_id, previous) if has_previous else None
    extra = None
    if metric_id == "recorded_offences":
        extra = rate_line()
    with col:
        kpi_tile(m, current, before, previous_label=previous.label if has_previous else "no earlier data",
                 extra=extra, basis=BASIS_LABELS[m.basis])

# --- Trends --------------------------------------------------------------------------------
# The period chooses the headline window; the trends always show the whole release with that
# window marked, so choosing an early year never shrinks them.
st.header("Trends")
grain = grain_control(state)
st.markdown(
    f"{GRAIN_LABELS[grain]} from the start of release {ctx.release_id} ({quarter_label(ctx.first_quarter)}) to "
    f"its end ({quarter_label(ctx.last_quarter)})"
    f"{', whole years only' if grain == 'year' else ''}; each point sits at the end of its period. "
    f"The grey band marks **{period.label}**, the period of the headline figures. 95% intervals "
    "are shaded (for counts of recorded offences, the range expected from chance variation) and "
    "the National Operating Model milestones are dashed lines. Hollow diamonds mark [u] figures "
    "of low reliability. Trends are descriptive: a change after a milestone is not proof that "
    "the milestone caused it."
)
trend_metrics = ["charge_rate", "victim_does_not_support_rate", "recorded_offences", "median_days_to_charge"]
for metric_id in trend_metrics:
    m = metric(metric_id)
    title = f"{m.label}, by {TREND_STEPS[grain][1]}"
    if reason := ctx.missing_reason(m):
        st.subheader(title)
        caveat(reason)
        continue
    frame = table(metric_id, ctx.first_quarter, ctx.last_quarter, grain)
    chart_block(
        title=title,
        chart=vega.spec(trend_chart, frame, m, grain=grain, window=period),
        summary=(f"{trend_summary(frame, m, group.label, grain)} "
                 f"{window_summary(frame, period, grain, m.unit)}"),
        table=frame,
        unit=m.unit,
        basis=BASIS_LABELS[m.basis],
        citation=ctx.citation(),
        release_id=ctx.release_id,
        key=f"trend-{metric_id}",
        caveat=m.caveat or None,
        metric=m,
    )

# --- Outcome mix ---------------------------------------------------------------------------
st.header("How investigations ended")
bases = {BASIS_CLOSED: BASIS_LABELS[BASIS_CLOSED], BASIS_RECORDED: BASIS_LABELS[BASIS_RECORDED]}
basis = basis_control(state, bases)
mix = data.outcome_mix(ctx.url, tier=ctx.tier, release_id=ctx.release_id, offence_group=state.offence,
                       area="national", first_quarter=period.first, last_quarter=period.last,
                       basis=basis, grain="period")
chart_block(
    title=f"Outcomes by Home Office outcome group, {period.label}",
    chart=vega.spec(outcome_mix_chart, mix),
    summary=outcome_mix_summary(mix, group.label, period.label, bases[basis]),
    table=mix,
    unit="percent",
    basis=bases[basis],
    citation=ctx.citation(),
    release_id=ctx.release_id,
    key="outcome-mix",
    caveat=("Outcome 0 (not yet assigned) is never in the denominator of decisions."
            if basis == BASIS_CLOSED else
            "Recent offences are often still under investigation, so 'not yet assigned' is large "
            "for recent periods and shrinks as time passes."),
)
