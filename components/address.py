"""The thin Streamlit binding of the URL state: read ``st.query_params`` and write it back.

Parsing and validating the address is pure (``analysis.url_state``); only these two functions
touch Streamlit, so the rules are tested without it.
"""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from analysis.url_state import State, to_params


def read_query_params() -> dict[str, list[str]]:
    return {k: st.query_params.get_all(k) for k in st.query_params}


def write_query_params(state: State, uses: Iterable[str] | None = None, own: Iterable[str] = ()) -> None:
    """Make the address match the state (only when it differs, to avoid needless reruns). Keys in
    ``own`` are the page's to parse and write (``analysis.explorer_state``): kept as they are."""
    wanted: dict[str, str | list[str]] = dict(to_params(state, uses))
    wanted |= {k: st.query_params.get_all(k) for k in own if k in st.query_params}
    current = {k: (st.query_params.get_all(k) if k in own else st.query_params.get(k)) for k in st.query_params}
    if current != wanted:
        st.query_params.from_dict(wanted)
