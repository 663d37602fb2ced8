"""A force's peers for a page: the one call the compare page and the force profile make.

``peer_set_for`` reads what the set needs (the force list, the computed similar forces of the
release shown, the loaded groups), resolves the force's peers (``analysis.peers``) and names the
set (``words.peers``), so both pages mark and describe the same peers for the same ``peer=``.
``peer_set_of`` does the same from an engine without Streamlit's cache, for the command
line's briefing pack.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
import streamlit as st
from sqlalchemy import Engine

import queries
import queries.peers
from analysis.peers import (
    FIXED_SETS,
    NO_BOUNDARIES,
    NO_RECORDED,
    SIMILAR,
    PeerSet,
    Similar,
    nearest_neighbours,
    resolve_peers,
    similar_features,
)
from analysis.url_state import PEER_SETS
from components import data
from components.controls import sync_widget, widget_to_url
from words.peers import peer_set_label, selector_label

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


def similar_from(inputs: queries.peers.SimilarInputs) -> Similar:
    """The computed similar forces from their inputs, saying which features are absent and why."""
    absent = {}
    if not inputs.shapes:
        absent["density"] = NO_BOUNDARIES
    if inputs.forces["recorded"].null_count() == inputs.forces.height:
        absent["recorded"] = NO_RECORDED
    return nearest_neighbours(similar_features(inputs.forces, inputs.shapes), absent=absent)


def similar_forces(url: str, release_id: int) -> Similar:
    """The computed similar forces of every territorial force, for the release shown."""
    return similar_from(data.similar_inputs(url, release_id))


def _resolve(code: str | None, peer_set: str | None, reference: pl.DataFrame,
             similar: Callable[[], Similar], groups: Callable[[], pl.DataFrame]) -> tuple[PeerSet, str]:
    """Read only what the set needs (similar forces or loaded groups), resolve and label it."""
    ps = resolve_peers(code, peer_set, reference,
                       similar=similar() if peer_set == SIMILAR else None,
                       groups=groups() if peer_set and peer_set not in FIXED_SETS else None)
    return ps, peer_set_label(ps)


def peer_set_for(url: str, release_id: int, code: str | None, peer_set: str | None) -> tuple[PeerSet, str]:
    """The force's peers in ``peer_set`` (None: the default) and the set's one-line label."""
    return _resolve(code, peer_set, data.forces(url), lambda: similar_forces(url, release_id),
                    lambda: data.loaded_peer_groups(url))


def peer_set_of(engine: Engine, release_id: int, code: str | None, peer_set: str | None) -> tuple[PeerSet, str]:
    """``peer_set_for`` from an engine, without Streamlit (the command line's briefing pack)."""
    return _resolve(code, peer_set, queries.forces(engine),
                    lambda: similar_from(queries.peers.similar_inputs(engine, release_id)),
                    lambda: queries.peers.loaded_groups(engine))
