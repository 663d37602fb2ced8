"""NOM pillars (/pillars?pillar=N[&metric=ID][&sort=ID]): each pillar's indicators, a force x
indicator grid against England and Wales, and a drill-down into one indicator.

Thin by design: read the context, let ``analysis.pillar_grid`` decide which indicator and order
the address asks for, hand the frames to ``components.pillars``.
"""

from __future__ import annotations

import streamlit as st

from analysis.pillar_grid import NAME_ORDER, force_order, held, resolve_metric, resolve_sort
from components import pillars as block
from components.banners import caveat, url_notices
from components.context import get_context
from components.controls import sync_widget, widget_to_url
from components.page_registry import METHODOLOGY
from components.reference import PILLARS
from metrics.registry import metric, metrics_for_pillar
from words import pillars as say

ctx = get_context()
state, period, group = ctx.state, ctx.period, ctx.group
coverage = ctx.release.coverage or ()
pillar_names = {i: name for i, name, *_ in PILLARS}

st.title("National Operating Model pillars")
st.markdown(
    f"Operation Soteria's National Operating Model has six pillars. Each measure of this dashboard "
    f"belongs to one. Choose a pillar to see its indicators and every force against England and Wales "
    f"on each, {group.label.lower()}, **{period.label}**. A force is called higher or lower only when "
    "it lies outside the funnel limits.")
st.page_link(METHODOLOGY.path, label="How each measure is defined", icon=":material/menu_book:",
             query_params=ctx.params(METHODOLOGY.url_path))
st.table([{"Pillar": str(i), "Name": name, "Purpose": purpose,
           "Indicators": str(len(metrics_for_pillar(i))),
           "In this release": f"{len(held(metrics_for_pillar(i), coverage))} of {len(metrics_for_pillar(i))}"}
          for i, name, purpose, _note in PILLARS], hide_index=True)


sync_widget("pil_pillar", state.pillar)
st.selectbox("Pillar", options=list(pillar_names), key="pil_pillar", index=None, placeholder="Choose a pillar",
             format_func=lambda i: f"Pillar {i}: {pillar_names[i]}", on_change=block.pillar_to_url)
if state.pillar is None:
    st.info("Choose a pillar above (or add `?pillar=1` to `6` to the address) to see its indicators, "
            "the grid of forces and a drill-down into one indicator.", icon=":material/view_column:")
    st.stop()

pillar = state.pillar
metrics = metrics_for_pillar(pillar)
chosen, metric_notice = resolve_metric(pillar, state.metric, coverage)
sort, sort_notice = resolve_sort(pillar, state.sort)
url_notices([n for n in (metric_notice, sort_notice) if n])
ctx = block.settle_state(ctx, chosen.id, sort)

st.header(f"Pillar {pillar}: {pillar_names[pillar]}")
st.caption(next(purpose for i, _n, purpose, _note in PILLARS if i == pillar))
st.markdown(say.sources_sentence(metrics, pillar))
st.subheader("Indicators")
st.table(say.indicator_table(metrics, coverage), hide_index=True)
shown = held(metrics, coverage)
missing = [m for m in metrics if m not in shown]
for m in missing:
    caveat(say.not_available(m))

# --- The grid ------------------------------------------------------------------------------
st.header("Forces against England and Wales")
figures = block.pillar_figures(ctx, shown)
grid = block.pillar_grid(ctx, shown, figures)
if not shown:
    caveat(say.no_grid(pillar, ctx.release_id, missing))
    st.stop()  # nothing to drill into: each indicator's notice above names its file
sync_widget("pil_sort", sort if sort in {m.id for m in shown} else NAME_ORDER)
st.selectbox("Sort forces by", options=[NAME_ORDER, *(m.id for m in shown)], key="pil_sort",
             format_func=lambda i: say.sort_label(None if i == NAME_ORDER else metric(i)),
             on_change=block.sort_to_url)
block.grid_block(ctx, pillar=pillar, pillar_name=pillar_names[pillar], grid=grid,
                 order=force_order(grid, sort), metrics=shown, missing=missing)

# --- One indicator -------------------------------------------------------------------------
st.header(f"One indicator: {chosen.label}")
sync_widget("pil_metric", chosen.id)
st.selectbox("Indicator", options=[m.id for m in metrics], key="pil_metric",
             format_func=lambda i: metric(i).label + ("" if metric(i) in shown else f" ({say.NOT_AVAILABLE})"),
             on_change=widget_to_url, args=("metric", "pil_metric"))
block.drill_down(ctx, chosen, figures, grid)
