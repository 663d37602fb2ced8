"""Choosing a force for /force: every territorial force as a link, grouped by region, and a
selector that switches the profile to another force.

Links, not buttons: each is an address (with the other URL keys kept), so it can be opened in a
new tab, bookmarked, reached from the keyboard, and the browser's back button returns.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from components.context import Context
from components.controls import sync_widget, widget_to_url
from components.page_registry import FORCE

PICK_KEY = "force_pick"


def force_list(ctx: Context, territorial: pl.DataFrame) -> None:
    """Every territorial force as a link to its profile, under its region's heading."""
    regions = territorial.sort("region", "name").partition_by("region", maintain_order=True)
    cols = st.columns(3)
    for i, group in enumerate(regions):
        with cols[i % 3]:
            st.markdown(f"**{group['region'][0]}**")
            for r in group.to_dicts():
                st.page_link(FORCE.path, label=r["name"],
                             query_params=ctx.params(FORCE.url_path, ctx.state.with_(force=r["code"])))


def force_selector(code: str, names: dict[str, str]) -> None:
    """A selector that switches the profile to another force (the address changes with it)."""
    sync_widget(PICK_KEY, code)
    st.selectbox("Force", options=sorted(names, key=names.get), key=PICK_KEY, format_func=names.get,
                 on_change=widget_to_url, args=("force", PICK_KEY),
                 help="Or choose a force by clicking it on a map of the force comparison page.")
