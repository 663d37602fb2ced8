"""The force profile of one view as the page draws it, built once per view and process.

Profiled at national scale (2 million cases, the Metropolitan Police), a warm rerun of /force
spent its time rebuilding what no click had changed: ``reports.force_profile`` (every pillar
indicator's funnel, the headline comparisons, the SPC frame), converting its three charts to
Vega-Lite specs and formatting each chart's table twice (once for the screen, once for the
briefing pack's sections). All of it is a function of the view, whose every field is a plain
value and which names the release, and of the tier: so it is cached on those (``st.cache_data``,
as the query results are, so a new release never meets a stale profile), with the specs, the
screen tables and the pack's sections made once alongside.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import streamlit as st

from components import data, vega
from components.briefing import figure_block
from components.context import Context
from reports.force_profile import ForceProfile, ProfileView, force_profile
from reports.pack import Section
from words.tables import reading_table


@dataclass(frozen=True)
class ShownProfile:
    """A view's profile with what the screen and the pack make of it."""

    profile: ForceProfile
    specs: dict[str, dict]  # each drawn figure's Vega-Lite spec, by figure key
    screens: dict[str, pl.DataFrame]  # each drawn figure's table as the screen shows it, by key
    sections: list[Section]  # the pack's sections after its headline figures (``profile.sections()``)


@st.cache_data(show_spinner=data.LOADING, max_entries=256)
def shown_profile(url: str, tier: str, view: ProfileView) -> ShownProfile:
    """The profile of ``view`` read through the cached queries, in ``tier``."""
    profile = force_profile(data.reader(url, tier), view)
    drawn = {k: f for k, f in profile.figures.items() if f.section is not None}
    return ShownProfile(profile=profile,
                        specs={k: vega.to_spec(f.section.chart) for k, f in drawn.items()},
                        screens={k: reading_table(f.section.table, f.unit, f.metric) for k, f in drawn.items()},
                        sections=profile.sections())


def draw_figure(ctx: Context, shown: ShownProfile, key: str) -> None:
    """Draw the figure ``key`` ("spc", "before-after", "outcome-mix") of a shown profile."""
    figure_block(ctx, shown.profile.figures[key], spec=shown.specs.get(key), screen=shown.screens.get(key))
