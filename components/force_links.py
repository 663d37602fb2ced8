"""A force clicked on a chart of /compare (either map, the ranked plot) opens its profile.

The click arrives as the chart widget's selection state in a callback, where Streamlit cannot
switch pages; the callback notes the force and the page, on the run that follows, switches to
``/force`` with the other URL keys kept (``st.switch_page`` with query parameters, a new entry
in the browser's history, so back returns to the comparison as it was). Each switch renews the
charts' widget keys, so after coming back a click on the same force is a new selection.
"""

from __future__ import annotations

import streamlit as st

from components.context import Context
from components.page_registry import FORCE
from geo.maps import SELECT

_GOTO = "_rasso_goto_force"
_ROUND = "_rasso_click_round"


def widget_key(base: str) -> str:
    """The chart widget's key for this round of clicks."""
    return f"{base}-{st.session_state.get(_ROUND, 0)}"


def pick(widget: str) -> None:
    """Selection callback: remember the clicked force for the next run."""
    event = st.session_state.get(widget)
    picked = ((event or {}).get("selection") or {}).get(SELECT) or []
    code = picked[0].get("code") if picked and isinstance(picked[0], dict) else None
    if code:
        st.session_state[_GOTO] = str(code)


def follow_click(ctx: Context, valid: set[str]) -> None:
    """Open the clicked force's profile, if a chart was clicked since the last run."""
    code = st.session_state.pop(_GOTO, None)
    if code in valid:
        st.session_state[_ROUND] = st.session_state.get(_ROUND, 0) + 1
        st.switch_page(FORCE.path, query_params=ctx.params(FORCE.url_path, ctx.state.with_(force=code)))


def altair_clickable(chart, *, base: str, alt_text: str) -> None:
    """Draw ``chart`` so that a click on a force opens its profile."""
    key = widget_key(base)
    st.altair_chart(chart, width="stretch", alt=alt_text, key=key, on_select=lambda: pick(key),
                    selection_mode=[SELECT])
