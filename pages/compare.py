"""Force comparison (/compare): two maps, a funnel plot, a ranked dot plot and peers (the same
region or the same NOM phase, chosen with ``peer=``).

Every force is compared with England and Wales through one frame (analysis.comparison), so
maps, plots, words and tables agree. Thin by design: read the context, query, hand frames to
components.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from analysis import comparison as cmp
from charts import positions
from charts.funnel import dot_plot, funnel_chart
from components import data, vega
from components.banners import caveat
from components.chart_block import chart_block
from components.context import get_context
from components.controls import sync_widget, widget_to_url
from components.force_links import profile_links
from components.maps import ATTRIBUTION, boundary_release, boundary_shapes, map_block
from components.page_registry import COMPARE, FORCE
from components.peers import peer_control, peer_set_for
from geo.maps import boundary_map, tile_map
from geo.tiles import LAYOUT_NOTE
from metrics.markup import plain
from metrics.registry import BASIS_LABELS, METRICS, metric
from metrics.stats import OVERDISPERSION_ALPHA
from words import comparison as say
from words import peers as peer_words

ctx = get_context()
state, period, group = ctx.state, ctx.period, ctx.group
forces = data.forces(ctx.url)
territorial = forces.filter(pl.col("territorial"))
names = dict(zip(territorial["code"], territorial["name"], strict=True))
links = profile_links(ctx, names)  # a force on a map or the ranked plot is a link to its profile


st.title(f"Force comparison: {group.label.lower()}")
st.markdown(
    f"Each of the {len(names)} territorial forces against England and Wales, **{period.label}**. A force is "
    "called higher or lower only when it lies outside the funnel's control limits; forces inside "
    "the limits are not ranked, and the order of the ranked plot is mostly chance."
)

m = metric(state.metric)
left, right = st.columns([3, 2])
with left:
    sync_widget("cmp_metric", m.id)
    st.selectbox("Metric", options=[x.id for x in METRICS], key="cmp_metric",
                 format_func=lambda i: metric(i).label + (" (not in this release)"
                                                          if ctx.missing_reason(metric(i)) else ""),
                 on_change=widget_to_url, args=("metric", "cmp_metric"))
with right:
    sync_widget("cmp_force", state.force if state.force in names else None)
    st.selectbox("Force (clicking one on a map opens its profile)", options=sorted(names, key=names.get), key="cmp_force",
                 index=None, placeholder="Choose a force", format_func=names.get,
                 on_change=widget_to_url, args=("force", "cmp_force"))

peer_key = state.peer or cmp.DEFAULT_PEER_SET
peer_control(ctx.url, peer_key, widget="cmp_peer", label="Peers of the selected force",
             help_prefix="Peers are ringed on every chart and compared in the peer section. ")

if reason := ctx.missing_reason(m):
    caveat(reason)
    st.stop()

window = {"release_id": ctx.release_id, "metric_id": m.id, "offence_group": state.offence,
          "first_quarter": period.first, "last_quarter": period.last, "grain": "period", "tier": ctx.tier}
by_force = data.metric_table(ctx.url, area="all", **window)
national_rows = data.metric_table(ctx.url, area="national", **window).to_dicts()
national = national_rows[0] if national_rows else {}
if by_force.height == 0 or national.get("value") is None:
    caveat(f"No figures for {m.phrase} ({group.label.lower()}) in {period.label} can be shown "
           f"from release {ctx.release_id}: choose another period, a broader offence group or another measure.")
    st.stop()
comp = cmp.compare_forces(by_force, national, forces, m, overdispersion={"1": True, "0": False}.get(state.od))
basis = BASIS_LABELS[m.basis]
unit = m.unit
table = cmp.table(comp)
selected = state.force if state.force in comp.rows() else None
peer_set, _peer_label = peer_set_for(ctx.url, ctx.release_id, selected, peer_key)
peer_codes = cmp.peer_codes(comp, selected, peer_set)
where = say.selected_summary(comp, selected, m, peer_set)  # where the selected force sits, beside each chart
if state.force and not selected:
    name = dict(zip(forces["code"], forces["name"], strict=True)).get(state.force, state.force)
    st.info(f"{name} has no police force area, so it is not on these maps or in the "
            "comparison.", icon=":material/info:")
if m.caveat:
    caveat(m.caveat)


def _od_to_url() -> None:
    """The switch writes an explicit 1 or 0: the default depends on the data, so a citable view
    must say which limits it showed."""
    st.query_params["od"] = "1" if st.session_state.get("cmp_overdispersion") else "0"


if comp.kind is not None:
    if notice := say.overdispersion_notice(comp):
        st.warning(notice, icon=":material/warning:")
    sync_widget("cmp_overdispersion", comp.adjusted)
    st.toggle(
        "Allow for over-dispersion", key="cmp_overdispersion", on_change=_od_to_url,
        help="Forces differ for many reasons besides chance (case mix, recording practice). This widens "
             "the limits by the extra variation estimated from all forces (Spiegelhalter 2005), so only "
             "forces that stand out from that wider spread are flagged. On by default when the test for "
             f"over-dispersion is significant (p < {OVERDISPERSION_ALPHA:g}), off otherwise.")

# --- Maps ----------------------------------------------------------------------------------
st.header("Maps")
rows = positions.map_rows(comp)
keys = [k for k in comp.categories if any(r["category"] == comp.categories[k] for r in rows.values())]
style = {"field": "category", "domain": [comp.categories[k] for k in keys],
         "colors": [positions.CATEGORY_COLORS[k] for k in keys], "legend_title": "Against England and Wales",
         "tooltip": [("name", "Force"), ("value_text", m.label), ("interval_text", "95% interval"),
                     ("position_words", "Against England and Wales")], "selected": selected}
words = say.position_summary(comp, m, group.label, period.label)
geo_col, tile_col = st.columns(2)
with geo_col:
    rel = boundary_release(ctx.url)
    if rel is None:
        st.subheader("Police force areas")
        st.info("No police force area boundaries are loaded, so the real map cannot be drawn. Load "
                "the ONS boundaries (GeoJSON, zipped shapefile or GeoPackage) with "
                "`rasso ingest boundaries FILE`; the tile map beside this needs nothing.",
                icon=":material/map:")
    else:
        shapes = boundary_shapes(ctx.url, rel.id)
        map_block(title="Police force areas", chart=vega.spec(boundary_map, shapes, positions.geography_rows(rows),
                                                                   symbol_field="symbol", links=links, **style),
                  summary=f"Map of the police force areas coloured by position against England and "
                          f"Wales; symbols on the map repeat the colour (the City of London's is "
                          f"left off, as it would cover the Metropolitan Police's). {words}",
                  table=table, unit=unit, basis=basis, citation=ctx.citation(), release_id=ctx.release_id,
                  key="geo-map", metric=m, note=f"{ATTRIBUTION} Boundaries: release {rel.id} ({plain(rel.label)}).")
with tile_col:
    map_block(title="Equal-area tile map", chart=vega.spec(tile_map, rows, label_field="label", links=links, **style),
              summary=f"Tile map, one equal hexagon per force, labelled with its abbreviation and "
                      f"position symbol. {words}",
              table=table, unit=unit, basis=basis, citation=ctx.citation(), release_id=ctx.release_id,
              key="tile-map", metric=m, note=LAYOUT_NOTE)

if selected:
    panel = say.force_panel(comp, selected, m)
    with st.container(border=True, key="force-panel"):
        st.subheader(f"Selected: {panel['name']}")
        interval = f" ({panel['interval']})" if panel["interval"] else ""
        st.markdown(f"**{m.label}:** {panel['value']}{interval}  \n"
                    f"**England and Wales:** {panel['national']}  \n"
                    f"**Against England and Wales:** {panel['position']}  \n"
                    f"**Region:** {panel['region']}  \n"
                    f"**NOM phase:** {panel['phase']}")
        st.page_link(FORCE.path, label=f"Open the force profile of {panel['name']}", icon=":material/local_police:",
                     query_params=ctx.params(FORCE.url_path))
        st.page_link(COMPARE.path, label="Clear the selection", icon=":material/close:",
                     query_params=ctx.params(state=state.with_(force=None)))

with st.expander("All forces as a list (choose a force without the map)"):
    st.caption("Each link selects that force on this page. The same figures are in every data table.")
    cols = st.columns(3)
    for i, r in enumerate(comp.frame.sort("name").to_dicts()):
        label = f"{r['name']}: {r['value_text']}{' ' + r['symbol'] if r['symbol'] else ''}"
        with cols[i % 3]:
            st.page_link(COMPARE.path, label=label, query_params=ctx.params(state=state.with_(force=r["code"])))

# --- Funnel plot ---------------------------------------------------------------------------
st.header("Funnel plot")
if comp.kind is None:
    caveat(say.not_compared_reason(m) or
           "A median has no funnel plot: the maps mark a force above or below England and Wales "
           "only when its 95% interval excludes the England and Wales median. See the ranked plot.")
else:
    phi_note = ("" if comp.phi != comp.phi else
                f" Estimated over-dispersion phi = {comp.phi:.2f} "
                f"({'limits widened' if comp.phi_used > 1 else 'not applied' if comp.phi > 1 else 'no extra variation, limits unchanged'}).")
    chart_block(
        title=f"{m.label} against its denominator, with 95% and 99.8% limits",
        chart=vega.spec(funnel_chart, comp, m, selected=selected, peers=peer_codes),
        summary=f"{words} {where}".strip(),
        table=table.filter(pl.col("value").is_not_null()),
        unit=unit, basis=basis, citation=ctx.citation(), release_id=ctx.release_id, key="funnel", metric=m,
        caveat="Limits are drawn around the England and Wales value (solid horizontal line) from the "
               f"{'binomial' if comp.kind == 'binomial' else 'Poisson'} distribution (Spiegelhalter "
               f"2005). Forces not shown ([c]) are left out.{phi_note}",
    )

# --- Ranked dot plot -----------------------------------------------------------------------
st.header("Forces in order, with intervals")
chart_block(
    title=f"{m.label} by force, with 95% intervals",
    chart=vega.spec(dot_plot, comp.frame, m, None if unit == "count" else national.get("value"), highlight=selected,
                   peers=peer_codes, labels=comp.categories, links=links),
    summary=f"{say.ranked_summary(comp, m)} {where}".strip(),
    table=table.sort("value", descending=True, nulls_last=True),
    unit=unit, basis=basis, citation=ctx.citation(), release_id=ctx.release_id, key="ranked", metric=m,
    caveat="Not a league table: forces whose intervals overlap cannot be told apart. Click a force's "
           "point to open its profile.",
)

# --- Peers ---------------------------------------------------------------------------------
st.header(peer_words.heading(peer_set))
peers = pl.DataFrame(cmp.peer_rows(comp, selected, peer_set) if selected else [], schema=comp.frame.schema)
if not selected:
    st.info(peer_words.choose_force_hint(peer_set), icon=":material/group:")
elif peers["value"].is_null().all():
    st.subheader(peer_words.peer_title(comp.rows()[selected], peer_set))
    caveat("No force of this peer group has a figure that can be shown for this selection (too few "
           "cases): choose a longer period or a broader offence group. "
           + say.peer_summary(comp, selected, m, peer_set))
else:
    chart_block(
        title=peer_words.peer_title(comp.rows()[selected], peer_set),
        chart=vega.spec(dot_plot, peers, m, national.get("value"), highlight=selected, peers=peer_codes, row_height=28,
                       labels=comp.categories),
        summary=say.peer_summary(comp, selected, m, peer_set),
        table=table.filter(pl.col("code").is_in(peers["code"].to_list())),
        unit=unit, basis=basis, citation=ctx.citation(), release_id=ctx.release_id, key="peers", metric=m,
        caveat=peer_words.peer_caveat(peer_set),
    )
