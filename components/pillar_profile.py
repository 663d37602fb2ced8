"""The pillar profile block the force page shows: title, plain summary, legend and table.

The frame comes from ``reports.reader.pillar_profile_frame_of`` through the cached reader (every
indicator the release holds, through ``queries.metric_table``, public tier, so a hidden figure
stays [c]), for the period and offence group in the address. The table carries a mark (▲, ▼,
●, –, [c]) and the position in words in every row: no colour at all, so nothing depends on
seeing it.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from components import data
from components.chart_block import SUMMARY_PREFIX, screen_citation
from components.context import Context
from reports.reader import pillar_profile_frame_of
from words import pillar_profile as say


def pillar_profile_frame(ctx: Context, code: str, *, pillar: int | None = None) -> pl.DataFrame:
    """The profile frame for force ``code`` in the view shown."""
    return pillar_profile_frame_of(data.reader(ctx.url, ctx.tier), ctx.release, code, offence=ctx.state.offence,
                                   first_quarter=ctx.period.first, last_quarter=ctx.period.last, pillar=pillar)


def draw_pillar_profile(ctx: Context, frame: pl.DataFrame, force_name: str, *, key: str = "pillar-profile") -> None:
    """Draw a profile frame as the block: heading, summary, key, table, method and citation."""
    with st.container(border=True, key=f"block-{key}"):
        st.subheader(say.title(force_name, ctx.period.label))
        st.markdown(f"{SUMMARY_PREFIX} {say.summary(frame, force_name)}")
        st.caption(f"Key: {say.LEGEND}")
        st.dataframe(say.screen_table(frame), hide_index=True, width="stretch")
        st.caption(f"{say.METHOD}  \nCite as: {screen_citation(ctx.citation(), ctx.release.label)}")


def pillar_profile_block(ctx: Context, code: str, force_name: str, *, pillar: int | None = None,
                         key: str = "pillar-profile") -> pl.DataFrame:
    """Draw the block and return the frame it shows (one row per indicator)."""
    frame = pillar_profile_frame(ctx, code, pillar=pillar)
    draw_pillar_profile(ctx, frame, force_name, key=key)
    return frame
