"""A force's peers for a page: the one call the compare page and the force profile make.

``peer_set_for`` resolves the force's peers through the cached reader
(``reports.reader.peer_set_of``, which `rasso brief` calls with an engine), so both pages and
the briefing pack mark and describe the same peers for the same ``peer=``.
"""

from __future__ import annotations

import streamlit as st

from analysis.peers import PeerSet, Similar
from analysis.url_state import PEER_SETS
from components import data
from components.controls import sync_widget, widget_to_url
from metrics.disclosure import PUBLIC
from reports.reader import peer_set_of, similar_from
from words.peers import selector_label

PEER_HELP = ("Same region: the forces of its region. Same NOM phase: the forces that began the National "
             "Operating Model at the same stage (pathfinder, early adopter, national roll-out). Similar "
             "forces (computed): the nearest forces on population, density and recorded offences (see the "
             "methodology page). A loaded group: from a file loaded with `rasso ingest peer-groups`.")


def peer_control(url: str, peer_key: str, *, widget: str, label: str, help_prefix: str = "") -> None:
    """The peer-set radio of a page, written to ``peer=`` in the address: the fixed sets and every
    loaded group, one list for every page."""
    sync_widget(widget, peer_key)
    st.radio(label, options=[*PEER_SETS, *data.peer_group_names(url)], key=widget,
             format_func=selector_label, horizontal=True, on_change=widget_to_url, args=("peer", widget),
             help=help_prefix + PEER_HELP)


def similar_forces(url: str, release_id: int) -> Similar:
    """The computed similar forces of every territorial force, for the release shown."""
    return similar_from(data.similar_inputs(url, release_id))


def peer_set_for(url: str, release_id: int, code: str | None, peer_set: str | None) -> tuple[PeerSet, str]:
    """The force's peers in ``peer_set`` (None: the default) and the set's one-line label."""
    return peer_set_of(data.reader(url, PUBLIC), release_id, code, peer_set)
