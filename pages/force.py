"""Force profile (/force?force=CODE): one force against England and Wales, its peers and its own
past: headline figures with funnel positions, an SPC trend with its NOM start, a before/after
panel, the outcome mix and a short narrative built from the same frames.

Thin by design: read the context, have ``reports.force_profile`` build the view's figures
through the cached reader, once per view (``components.force_view``; `rasso brief` builds the
same through an engine, so the briefing pack is the same file), and draw them with the components. Without a force it asks for one (a
list by region).
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from analysis.comparison import DEFAULT_PEER_SET
from analysis.force_profile import HEADLINE_METRICS
from components import data
from components.banners import caveat
from components.briefing import briefing_download
from components.context import get_context
from components.controls import basis_control, grain_control, sync_widget, widget_to_url
from components.force_headlines import headline_tile, unavailable
from components.force_picker import force_list, force_selector
from components.force_view import draw_figure, shown_profile
from components.page_registry import COMPARE
from components.peers import peer_control
from components.pillar_profile import draw_pillar_profile
from metrics.markup import plain
from metrics.registry import METRICS, metric
from reports.force_profile import MIX_BASES, ProfileView
from words import narrative as say
from words.peers import phase_words

ctx = get_context()
state, period, group = ctx.state, ctx.period, ctx.group
forces = data.forces(ctx.url)
territorial = forces.filter(pl.col("territorial"))
names = dict(zip(territorial["code"], territorial["name"], strict=True))

if state.force not in names:
    st.title("Force profile")
    if state.force:  # a valid code without a police force area (British Transport Police)
        st.info("British Transport Police has no police force area, so it has no profile here. "
                "Choose a territorial force.", icon=":material/info:")
    st.markdown("Choose a force to see it against England and Wales and its peers, its trend with "
                "statistical process control signals, its National Operating Model start and a short "
                "summary in words. The same list is on the maps of the force comparison page.")
    force_list(ctx, territorial)
    st.stop()

code = state.force
peer_key = state.peer or DEFAULT_PEER_SET
view = ProfileView(release=ctx.release, force_code=code, offence=state.offence, period=period,
                   metric_id=state.metric, peer=state.peer, grain=state.grain or "quarter", basis=state.basis)
shown = shown_profile(ctx.url, ctx.tier, view)
profile = shown.profile
name, ref, noun = profile.name, profile.ref, profile.noun

st.title(f"{name}: force profile")
st.markdown(f"{name} against England and Wales and its {noun}s, **{group.label.lower()}**, **{period.label}**. "
            f"Region: {ref['region']}. National Operating Model: {phase_words(ref['nom_phase'])}, "
            f"started {ref['nom_start']:%B %Y}. A force inside the funnel limits is not called better "
            "or worse.")
st.page_link(COMPARE.path, label=f"Compare {name} with every force", icon=":material/compare_arrows:",
             query_params=ctx.params(COMPARE.url_path))
left, mid, right = st.columns([2, 3, 2])
with left:
    force_selector(code, names)
with mid:
    sync_widget("force_metric", state.metric)
    st.selectbox("Measure for the trend and the before/after panel", options=[x.id for x in METRICS],
                 key="force_metric", on_change=widget_to_url, args=("metric", "force_metric"),
                 format_func=lambda i: metric(i).label + (" (not in this release)"
                                                          if ctx.missing_reason(metric(i)) else ""))
with right:
    peer_control(ctx.url, peer_key, widget="force_peer", label="Peers")
    st.caption(plain(profile.peer_label))

st.header("In brief")
if profile.sentences:
    st.markdown(say.paragraph(profile.sentences))
else:
    caveat(profile.intro)

st.header("Headline figures")
st.caption(f"{period.label}. Each measure names its basis in its definition (the ⓘ beside it); "
           "recorded offences and outcomes count different cases.")
cols = [c for _ in range(2) for c in st.columns(2)]
for col, metric_id in zip(cols, HEADLINE_METRICS, strict=True):
    with col:
        h = profile.heads[metric_id]
        if isinstance(h, dict):
            headline_tile(h, metric(metric_id), noun)
        else:
            unavailable(metric(metric_id), h)

st.header("Every pillar of the National Operating Model")
draw_pillar_profile(ctx, profile.pillars, name)

st.header("Trend, with statistical process control")
if profile.missing:
    caveat(profile.missing)
else:
    grain_control(state, key="force_grain")
    draw_figure(ctx, shown, "spc")

st.header("Before and after its National Operating Model start")
if "before-after" in profile.figures:
    draw_figure(ctx, shown, "before-after")

st.header("How investigations ended")
basis_control(state, MIX_BASES, key="force_basis")
draw_figure(ctx, shown, "outcome-mix")

st.header("Briefing pack")
briefing_download(ctx.url, release=ctx.release, force_code=code, offence=state.offence, period=period,
                  extra_sections=shown.sections, narrative=profile.sentences or None, citation=ctx.citation())
