"""Force profile (/force?force=CODE): one force against England and Wales, its peers and its own
past: headline figures with funnel positions, an SPC trend with its NOM start, a before/after
panel, the outcome mix and a short narrative built from the same frames.

Thin by design: read the context, query, hand frames to ``analysis.force_profile``, the words
and the components. Without a force it asks for one (a list by region).
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from analysis import comparison as cmp
from analysis import force_profile as fp
from charts.before_after import before_after_chart
from charts.outcome_mix import outcome_mix_pair_chart
from charts.spc import spc_chart
from components import data
from components.banners import caveat
from components.briefing import block, briefing_download
from components.context import get_context
from components.controls import (
    GRAIN_LABELS,
    basis_control,
    grain_control,
    sync_widget,
    widget_to_url,
)
from components.force_headlines import headline_tile, unavailable
from components.force_picker import force_list, force_selector
from components.page_registry import COMPARE
from components.peers import peer_control, peer_set_for
from components.pillar_profile import pillar_profile_block, pillar_section
from metrics.periods import quarter_label
from metrics.registry import BASIS_CLOSED, BASIS_LABELS, BASIS_RECORDED, METRICS, metric
from reports import Section
from words import narrative as say
from words.peers import peer_noun, phase_words
from words.spc import spc_summary
from words.summaries import outcome_mix_summary

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
name = names[code]
peer_key = state.peer or cmp.DEFAULT_PEER_SET
peer_set, peer_label = peer_set_for(ctx.url, ctx.release_id, code, peer_key)
noun = peer_noun(peer_set)
ref = territorial.filter(pl.col("code") == code).row(0, named=True)

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
    st.caption(peer_label)


def comparison(m, first: int, last: int) -> cmp.Comparison | None:
    """Every force and England and Wales for one whole window: the frame of /compare."""
    window = {"release_id": ctx.release_id, "metric_id": m.id, "offence_group": state.offence,
              "first_quarter": first, "last_quarter": last, "grain": "period"}
    by_force = data.metric_table(ctx.url, area="all", **window)
    national = data.metric_table(ctx.url, area="national", **window).to_dicts()
    if by_force.height == 0 or code not in set(by_force["area_code"].to_list()):
        return None
    return cmp.compare_forces(by_force, national[0] if national else {}, forces, m)


# --- Figures (computed first: the narrative at the top is built from them) -------------------
heads: dict[str, dict | str] = {}
comps: dict[str, cmp.Comparison | None] = {}
for metric_id in dict.fromkeys((*fp.HEADLINE_METRICS, state.metric)):
    hm = metric(metric_id)
    comps[metric_id] = None if ctx.missing_reason(hm) else comparison(hm, period.first, period.last)
    heads[metric_id] = (fp.headline(comps[metric_id], code, hm, peer_set) if comps[metric_id] else
                        ctx.missing_reason(hm) or f"No figures for {hm.phrase} in {period.label}.")

m = metric(state.metric)
grain = state.grain or "quarter"
missing = ctx.missing_reason(m)
series = ba = None
if not missing:
    span = {"release_id": ctx.release_id, "metric_id": m.id, "offence_group": state.offence,
            "first_quarter": ctx.first_quarter, "last_quarter": period.last, "grain": grain}
    every = data.metric_table(ctx.url, area="all", **span)
    peers = cmp.peer_codes(comps[m.id], code, peer_set) if comps[m.id] else []
    series = fp.spc_frame(every.filter(pl.col("area_code") == code),
                          data.metric_table(ctx.url, area="national", **span), every, peers)
    wins = fp.windows(ref["nom_start"], ctx.first_quarter, period.last)
    tables = [data.metric_table(ctx.url, area="all", release_id=ctx.release_id, metric_id=m.id,
                                offence_group=state.offence, first_quarter=w[0], last_quarter=w[1],
                                grain="period") if w else None for w in wins[:2]]
    ba = fp.before_after(code, forces, m, tables[0], tables[1], wins)

# --- In brief --------------------------------------------------------------------------------
st.header("In brief")
head = heads[m.id]
sentences: list[str] = []
pack: list[Section] = []  # what the page draws, as the briefing pack prints it
if missing or not isinstance(head, dict) or series is None or ba is None:
    caveat(missing or str(head))
else:
    sentences = say.narrative(head, series, ba, m, group_label=group.label, period_label=period.label,
                              peer_noun=noun, step=grain)
    st.markdown(say.paragraph(sentences))

# --- Headline figures ------------------------------------------------------------------------
st.header("Headline figures")
st.caption(f"{period.label}. Each measure names its basis in its definition (the ⓘ beside it); "
           "recorded offences and outcomes count different cases.")
cols = [c for _ in range(2) for c in st.columns(2)]
for col, metric_id in zip(cols, fp.HEADLINE_METRICS, strict=True):
    with col:
        h = heads[metric_id]
        if isinstance(h, dict):
            headline_tile(h, metric(metric_id), noun)
        else:
            unavailable(metric(metric_id), h)

# --- Pillar profile ----------------------------------------------------------------------------
st.header("Every pillar of the National Operating Model")
pillars = pillar_profile_block(ctx, code, name)

# --- Trend with SPC signals -------------------------------------------------------------------
st.header("Trend, with statistical process control")
if missing:
    caveat(missing)
else:
    grain = grain_control(state, key="force_grain")
    step = {"quarter": "quarter", "year": "financial year", "rolling": "rolling year"}[grain]
    start_label = f"{name}'s NOM start ({ref['nom_start']:%b %Y})"
    marked = fp.start_in_series(series, ref["nom_start"])
    if fp.shown_points(series) < 2:
        caveat(spc_summary(series, m.label, m.unit, grain)
               + ("" if grain == "rolling" else " Rolling 12 months add up more cases per point."))
    else:
        spc = Section(
            title=f"{m.label}, {name}, by {step}",
            chart=spc_chart(series, m, start=ref["nom_start"] if marked else None, start_label=start_label,
                            grain=grain),
            summary=f"{spc_summary(series, m.label, m.unit, grain)} " + (
                f"The dashed vertical rule marks {start_label}." if marked else
                f"{start_label} is outside the periods shown."),
            table=series.select("period", "period_end", "value", "lower", "upper", "flag", "centre",
                                "lower_limit", "upper_limit", "signal", "national", "peer_average"),
            notes=[f"{GRAIN_LABELS[grain]}. Centre line and process limits (mean ± 2.66 × mean moving range) "
                   "from every point shown; signals follow NHS England's Making Data Count rules. "
                   + ("Rolling years overlap, so neighbouring points share quarters and runs come easily: "
                      "read signals on quarters. " if grain == "rolling" else "")
                   + ("A count depends on a force's size, so England and Wales and the peer average are "
                      "not drawn: choose a rate to compare. " if m.unit == "count" else
                      f"The peer average is the plain average of the {noun}s' shown figures.")])
        pack.append(block(ctx, spc, m, key="spc"))

# --- Before and after the NOM start -----------------------------------------------------------
st.header("Before and after its National Operating Model start")
if not missing and ba is not None:
    rows = fp.before_after_rows(ba)
    words = say.before_after_sentence(ba, m) + " " + say.others_sentence(ba, m)
    if rows.filter(pl.col("value").is_not_null()).height < 2:
        caveat(words.strip())
    else:
        pack.append(block(ctx, Section(
            title=f"{m.label}: the four quarters before {name}'s start and the latest four",
            chart=before_after_chart(rows, m), summary=words.strip(), table=rows,
            notes=[f"Start {ref['nom_start']:%d %B %Y} (quarter {quarter_label(ba.start_quarter)}). "
                   "Many things changed over these years; a difference is not evidence that the model "
                   "caused it."]), m, key="before-after"))

# --- Outcome mix -------------------------------------------------------------------------------
st.header("How investigations ended")
bases = {BASIS_CLOSED: BASIS_LABELS[BASIS_CLOSED], BASIS_RECORDED: BASIS_LABELS[BASIS_RECORDED]}
basis = basis_control(state, bases, key="force_basis")
mixes = [data.outcome_mix(ctx.url, release_id=ctx.release_id, offence_group=state.offence, area=area,
                          first_quarter=period.first, last_quarter=period.last, basis=basis, grain="period")
         for area in (code, "national")]
pair = fp.mix_pair(*mixes)
pack.append(block(ctx, Section(
    title=f"Outcomes by Home Office outcome group: {name} and England and Wales, {period.label}",
    chart=outcome_mix_pair_chart(pair, order=[name, "England and Wales"]),
    summary=" ".join(outcome_mix_summary(mx, group.label, period.label, bases[basis]) for mx in mixes),
    table=pair), None, key="outcome-mix", unit="percent", basis=bases[basis]))

# --- Briefing pack -----------------------------------------------------------------------------
st.header("Briefing pack")
briefing_download(ctx.url, release=ctx.release, force_code=code, offence=state.offence, period=period,
                  extra_sections=[pillar_section(pillars, name, ctx.period.label), *pack],
                  narrative=sentences or None, citation=ctx.citation())
