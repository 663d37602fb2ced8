"""The two maps on the page, each a chart block (title, chart, words, table, download) that
links each force to its profile (``components.force_links``).
"""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from components import data, vega
from components.banners import basis_label
from components.chart_block import SUMMARY_PREFIX, table_with_download
from db.releases import Release
from metrics.registry import Metric
from queries import boundaries

ATTRIBUTION = ("Source: Office for National Statistics licensed under the Open Government Licence "
               "v.3.0. Contains OS data © Crown copyright and database right 2024.")


@st.cache_data(show_spinner=False, ttl=30)
def boundary_release(url: str) -> Release | None:
    """The newest boundaries release; short-lived, as another process may load one."""
    return boundaries.latest_boundary_release(data.engine_for(url))


@st.cache_data(show_spinner="Loading the force boundaries…")
def boundary_shapes(url: str, release_id: int) -> dict[str, str]:
    """Code -> geometry text of one boundaries release (a release never changes)."""
    return boundaries.boundary_shapes(data.engine_for(url), release_id)


def map_block(*, title: str, chart: dict | alt.TopLevelMixin, summary: str, table: pl.DataFrame, unit: str,
              basis: str | None, citation: str, release_id: int, key: str,
              note: str | None = None, metric: Metric | None = None) -> None:
    """Like ``chart_block``, but the note (e.g. attribution) sits right under the map."""
    with st.container(border=True, key=f"chart-{key}"):
        st.subheader(title)
        if basis:
            basis_label(basis)
        vega.show(chart, title=title)
        if note:
            st.caption(note)
        st.markdown(f"{SUMMARY_PREFIX} {summary}")
        table_with_download(table, unit=unit, title=title, basis=basis, citation=citation,
                            release_id=release_id, key=key, metric=metric)
