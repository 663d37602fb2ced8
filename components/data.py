"""Cached access to the database for the pages.

The engine is a ``st.cache_resource`` keyed on the URL (one pool per process). Query results
are ``st.cache_data`` on plain arguments that always include the release id, so loading a new
release never serves a stale answer and an old release's answers stay valid for ever. The
engine itself is never an argument of a cached function: it is looked up from the URL.
"""

from __future__ import annotations

import functools

import polars as pl
import streamlit as st
from sqlalchemy import Engine

import queries
import queries.explorer
import queries.peers
import settings
from components.warm import warming
from db.engine import make_engine
from db.releases import Release, list_releases
from metrics.explorer_spec import TableSpec
from queries.explorer import Explored
from reports.reader import Reader


@st.cache_resource(show_spinner=False)
def engine_for(url: str) -> Engine:
    return make_engine(url, statement_timeout=settings.statement_timeout())


# Figures can take seconds on a cold cache (a national release is millions of rows), so the
# query functions show a short spinner; the reference look-ups are quick and stay silent.
LOADING = "Loading…"


@st.cache_data(show_spinner=LOADING, max_entries=1024)
def _metric_table(url: str, *, tier: str, **kwargs) -> pl.DataFrame:
    """``queries.metric_table`` with the same keyword arguments (release_id among them). ``tier``
    is required here, unlike in ``queries``: a page must say which tier it shows (``ctx.tier``)."""
    return queries.metric_table(engine_for(url), tier=tier, **kwargs)


metric_table = warming(_metric_table)


@st.cache_data(show_spinner=LOADING, max_entries=512)
def _metric_tables(url: str, *, tier: str, **kwargs) -> dict[str, pl.DataFrame]:
    """``queries.metric_tables`` (several areas of one metric from one read), like ``metric_table``."""
    return queries.metric_tables(engine_for(url), tier=tier, **kwargs)


metric_tables = warming(_metric_tables)


@st.cache_data(show_spinner=LOADING, max_entries=512)
def _outcome_mix(url: str, *, tier: str, **kwargs) -> pl.DataFrame:
    return queries.outcome_mix(engine_for(url), tier=tier, **kwargs)


outcome_mix = warming(_outcome_mix)


@st.cache_data(show_spinner=LOADING, max_entries=256)
def _case_journey(url: str, *, tier: str, **kwargs) -> pl.DataFrame:
    return queries.case_journey(engine_for(url), tier=tier, **kwargs)


case_journey = warming(_case_journey)


@st.cache_data(show_spinner=LOADING, max_entries=512)
def _day_percentiles(url: str, *, tier: str, **kwargs) -> pl.DataFrame:
    return queries.day_percentiles(engine_for(url), tier=tier, **kwargs)


day_percentiles = warming(_day_percentiles)


@st.cache_data(show_spinner=LOADING, max_entries=256)
def explore(url: str, spec: TableSpec, release_id: int) -> Explored:
    """``queries.explorer.explore`` (a QueryError is raised, not cached: the page says it)."""
    return queries.explorer.explore(engine_for(url), spec, release_id=release_id)


@st.cache_data(show_spinner=False)
def outcome_types(url: str) -> pl.DataFrame:
    return queries.outcome_types(engine_for(url))


@st.cache_data(show_spinner=False)
def forces(url: str) -> pl.DataFrame:
    return queries.forces(engine_for(url))


@st.cache_data(show_spinner=False)
def release_info(url: str, release_id: int) -> Release | None:
    return queries.release_info(engine_for(url), release_id)


@st.cache_data(show_spinner=False, ttl=30)
def releases(url: str) -> list[Release]:
    """Every release, newest first. Short-lived: another process may load a new one."""
    return list_releases(engine_for(url))


@st.cache_data(show_spinner=False, ttl=30)
def peer_group_names(url: str) -> list[str]:
    """Names of the loaded peer groups (``peer=`` accepts them). Short-lived, like ``releases``."""
    return queries.peers.group_names(engine_for(url))


@st.cache_data(show_spinner=False, ttl=30)
def loaded_peer_groups(url: str) -> pl.DataFrame:
    return queries.peers.loaded_groups(engine_for(url))


@st.cache_data(show_spinner=LOADING)
def similar_inputs(url: str, release_id: int) -> queries.peers.SimilarInputs:
    """Features of computed similar forces for a release (boundaries: the newest loaded)."""
    return queries.peers.similar_inputs(engine_for(url), release_id)


def reader(url: str, tier: str) -> Reader:
    """These cached functions as the ``reports.reader.Reader`` the force profile reads through
    (the command line hands it ``reports.reader.engine_reader`` instead), in ``tier``."""
    return Reader(metric_table=functools.partial(metric_table, url, tier=tier),
                  metric_tables=functools.partial(metric_tables, url, tier=tier),
                  outcome_mix=functools.partial(outcome_mix, url, tier=tier),
                  forces=functools.partial(forces, url),
                  similar_inputs=functools.partial(similar_inputs, url),
                  loaded_groups=functools.partial(loaded_peer_groups, url))
