"""The pillar profile block the force page shows: title, plain summary, legend and table.

Reads every indicator the release holds through ``queries.metric_table`` (public tier, so a
hidden figure stays [c]), for the period and offence group in the address, and hands the frames
to ``analysis.pillar_profile``. The table carries a mark (▲, ▼, ●, –, [c]) and the position in
words in every row: no colour at all, so nothing depends on seeing it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection

import polars as pl
import streamlit as st
from sqlalchemy import Engine

import queries
from analysis.pillar_profile import MetricFigures, profile_frame, wanted
from components import data
from components.chart_block import SUMMARY_PREFIX
from components.context import Context
from db.releases import Release
from metrics.registry import METRICS, Metric
from reports import Section
from words import pillar_profile as say


def read_figures(table: Callable[..., pl.DataFrame], coverage: Collection[str], *, release_id: int,
                 offence: str, first_quarter: int, last_quarter: int,
                 metrics: tuple[Metric, ...] = METRICS) -> dict[str, MetricFigures]:
    """Each held indicator's table for every force and for England and Wales over the period,
    one read of all forces per indicator (``metrics``: one pillar's, for the pillars grid);
    ``table`` is ``queries.metric_table`` with its first argument bound (engine, or cached URL)."""
    figures = {}
    for m in wanted(coverage, metrics):
        window = {"release_id": release_id, "metric_id": m.id, "offence_group": offence,
                  "first_quarter": first_quarter, "last_quarter": last_quarter, "grain": "period"}
        national = table(area="national", **window).to_dicts()
        figures[m.id] = MetricFigures(table(area="all", **window), national[0] if national else {})
    return figures


def pillar_profile_frame(ctx: Context, code: str, *, pillar: int | None = None) -> pl.DataFrame:
    """The profile frame for force ``code`` (for the page, the narrative and the briefing pack)."""
    coverage = ctx.release.coverage or ()
    figures = read_figures(functools.partial(data.metric_table, ctx.url), coverage, release_id=ctx.release_id,
                           offence=ctx.state.offence, first_quarter=ctx.period.first, last_quarter=ctx.period.last)
    return profile_frame(code, figures, coverage, data.forces(ctx.url), pillar=pillar)


def pillar_profile_frame_of(engine: Engine, release: Release, code: str, *, offence: str, first_quarter: int,
                            last_quarter: int, pillar: int | None = None) -> pl.DataFrame:
    """``pillar_profile_frame`` from an engine, without Streamlit (the command line's briefing pack).
    ``release`` is ``queries.release_info``'s (its coverage says what it holds)."""
    coverage = release.coverage or ()
    figures = read_figures(functools.partial(queries.metric_table, engine), coverage, release_id=release.id,
                           offence=offence, first_quarter=first_quarter, last_quarter=last_quarter)
    return profile_frame(code, figures, coverage, queries.forces(engine), pillar=pillar)


def pillar_profile_block(ctx: Context, code: str, force_name: str, *, pillar: int | None = None,
                         key: str = "pillar-profile") -> pl.DataFrame:
    """Draw the block and return the frame it shows (one row per indicator)."""
    frame = pillar_profile_frame(ctx, code, pillar=pillar)
    heading = say.title(force_name, ctx.period.label)
    with st.container(border=True, key=f"block-{key}"):
        st.subheader(heading)
        st.markdown(f"{SUMMARY_PREFIX} {say.summary(frame, force_name)}")
        st.caption(f"Key: {say.LEGEND}")
        st.dataframe(say.screen_table(frame), hide_index=True, width="stretch")
        st.caption(f"{say.METHOD}  \nCite as: {ctx.citation()}")
    return frame


def pillar_section(frame: pl.DataFrame, force_name: str, period_label: str) -> Section:
    """The block as the briefing pack prints it: a table with its summary and key."""
    return Section(title=say.title(force_name, period_label), summary=say.summary(frame, force_name),
                   table=say.screen_table(frame), notes=[f"Key: {say.LEGEND}", say.METHOD])
