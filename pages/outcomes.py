"""Outcomes and timeliness (/outcomes): the outcome mix over time, the case journey, days taken.

Thin by design: read the context, call the cached queries (every public number comes through
the release's protection), hand frames to the components.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from analysis import outcomes as mixes
from charts.outcomes import (
    days_box_chart,
    force_medians_chart,
    journey_chart,
    share_bars,
    stacked_mix_chart,
)
from charts.trend import GRAIN_WORDS
from components import data, vega
from components.banners import caveat
from components.chart_block import chart_block
from components.context import get_context
from components.controls import basis_control, grain_control, sync_widget, widget_to_url
from components.page_registry import METHODOLOGY
from metrics.registry import BASIS_CLOSED, BASIS_LABELS, BASIS_RECORDED, metric
from words import outcomes as say

# 'by quarter', not 'by quarter ending (...)': the basis label has brackets of its own
GRAIN_TITLE = {"quarter": "quarter", "year": "financial year", "rolling": "rolling 12 months"}

ctx = get_context()
state, period, group = ctx.state, ctx.period, ctx.group
span = {"release_id": ctx.release_id, "offence_group": state.offence, "tier": ctx.tier}
whole = {"first_quarter": ctx.first_quarter, "last_quarter": ctx.last_quarter}
has_cases = not ctx.missing_reason(metric("median_days_to_charge"))

st.title(f"Outcomes and timeliness: {group.label.lower()}")
st.markdown(f"England and Wales, every quarter of release {ctx.release_id}. {group.definition} The period chosen "
            f"in the sidebar (**{period.label}**) sets only each force's median days at the end of the page.")
st.page_link(METHODOLOGY.path, label="How these figures are defined and protected",
             icon=":material/menu_book:", query_params=ctx.params(METHODOLOGY.url_path))

# --- Outcome mix over time -----------------------------------------------------------------
st.header("How investigations ended, over time")
bases = {BASIS_CLOSED: BASIS_LABELS[BASIS_CLOSED], BASIS_RECORDED: BASIS_LABELS[BASIS_RECORDED]}
basis = basis_control(state, bases, key="oc_basis")
grain = grain_control(state, key="oc_grain")
mix = data.outcome_mix(ctx.url, **span, area="national", **whole, basis=basis, grain=grain,
                       open_apart=True)
types = data.outcome_types(ctx.url)
open_group = mixes.open_group(types)
decisions = mixes.decision_rows(mix, open_group)
chart_block(
    title=f"Outcome groups as shares of decisions, by {GRAIN_TITLE[grain]}; basis: {bases[basis].lower()}",
    chart=vega.spec(stacked_mix_chart, mixes.stacked_mix(decisions), period_title=GRAIN_WORDS[grain]),
    summary=say.mix_over_time_summary(decisions, group.label, bases[basis]),
    table=decisions, unit="percent", basis=bases[basis], citation=ctx.citation(), release_id=ctx.release_id,
    key="mix-over-time", whole_release=True,
    caveat=(f"The five largest groups are drawn; the band '{mixes.OTHER}' is every other group together "
            "(each is in the table). Shares are of the outcomes assigned: 'not yet assigned' (outcome 0) "
            "is never in this denominator."),
)
if basis == BASIS_RECORDED:
    open_mix = mixes.open_rows(mix, open_group)
    chart_block(
        title=f"Offences with no outcome assigned yet, by {GRAIN_TITLE[grain]}; basis: {bases[basis].lower()}",
        chart=vega.spec(share_bars, open_mix, period_title=GRAIN_WORDS[grain], y_title="% of offences recorded"),
        summary=say.open_summary(open_mix),
        table=open_mix, unit="percent", basis=bases[basis], citation=ctx.citation(), release_id=ctx.release_id,
        key="mix-open", whole_release=True, caveat="Outcome 0, shown apart: a share of every offence recorded, not of decisions.",
    )
else:
    st.caption("On this basis every investigation counted has closed, so 'not yet assigned' (outcome 0) "
               "does not arise; choose the recorded basis to see how much is still open.")
with st.expander("Outcome types within each group"):
    st.markdown("Counts of single outcome types need the restricted tier: the public release is protected "
                "over outcome groups, and a table of types inside a group would give back a hidden type "
                "(the group less its shown types). These are the types each group holds:")
    st.dataframe(mixes.types_table(types), hide_index=True, width="stretch")

# --- Case journey --------------------------------------------------------------------------
st.header("Case journey")
if not has_cases:
    st.info("The case journey needs case-level data: this release holds published tables only, which "
            "count each stage for different cases and periods, so no cohort can be followed through them.")
else:
    journey = data.case_journey(ctx.url, **span)
    chart_block(
        title="Offences recorded each financial year, followed to charge (England and Wales)",
        chart=vega.spec(journey_chart, journey), summary=say.journey_summary(journey, group.label),
        table=journey, unit="percent", basis="Cohort: offences recorded in the financial year, as they stand "
        "at the end of the release", citation=ctx.citation(), release_id=ctx.release_id, key="journey", whole_release=True,
        caveat=("Each cohort is one set of offences followed through its stages. Stage counts published "
                "elsewhere (charges in a year, referrals in a year) are not one cohort: they count "
                "different offences, so they cannot be read as a journey."),
    )

# --- Timeliness ----------------------------------------------------------------------------
st.header("How long it takes")
days = {"median_days_to_charge": "charge", "median_days_to_outcome": "outcome"}
chosen = state.metric if state.metric in days else "median_days_to_charge"
m = metric(chosen)
if reason := ctx.missing_reason(m):
    caveat(reason)
else:
    sync_widget("oc_days", chosen)
    st.radio("Days from report to", options=list(days), key="oc_days", format_func=days.get, horizontal=True,
             on_change=widget_to_url, args=("metric", "oc_days"))
    what = days[chosen]
    forces = data.forces(ctx.url).filter(pl.col("territorial"))
    names = dict(zip(forces["code"], forces["name"], strict=True))
    yearly = {**span, "metric_id": chosen, **whole, "grain": "year"}
    national = data.day_percentiles(ctx.url, area="national", **yearly)
    chart_block(
        title=f"Days from report to {what}, by financial year (England and Wales)",
        chart=vega.spec(days_box_chart, national, period_title="Financial year", what=what),
        summary=say.days_summary(national, what=what, area_label="England and Wales"),
        table=national, unit="days", basis=BASIS_LABELS[m.basis], citation=ctx.citation(),
        release_id=ctx.release_id, key="days-national", metric=m, whole_release=True,
        caveat=("Boxes run from the 25th to the 75th percentile with the median marked; lines from the "
                "10th to the 90th. The fastest and slowest single cases are never shown."),
    )
    sync_widget("oc_force", state.force if state.force in names else None)
    st.selectbox("Force", options=sorted(names, key=names.get), key="oc_force", index=None,
                 placeholder="Choose a force to see its years", format_func=names.get,
                 on_change=widget_to_url, args=("force", "oc_force"))
    if state.force in names:
        own = data.day_percentiles(ctx.url, area=state.force, **yearly)
        chart_block(
            title=f"Days from report to {what}, by financial year ({names[state.force]})",
            chart=vega.spec(days_box_chart, own, period_title="Financial year", what=what),
            summary=say.days_summary(own, what=what, area_label=names[state.force]),
            table=own, unit="days", basis=BASIS_LABELS[m.basis], citation=ctx.citation(),
            release_id=ctx.release_id, key="days-force", metric=m, whole_release=True,
        )
    by_force = data.day_percentiles(ctx.url, area="all", **span, metric_id=chosen, first_quarter=period.first,
                                    last_quarter=period.last, grain="period")
    chart_block(
        title=f"Median days from report to {what} by force, {period.label}",
        chart=vega.spec(force_medians_chart, by_force, what=what, selected=state.force),
        summary=say.force_days_summary(by_force, what=what, period_label=period.label),
        table=by_force, unit="days", basis=BASIS_LABELS[m.basis], citation=ctx.citation(),
        release_id=ctx.release_id, key="days-by-force", metric=m,
    )
