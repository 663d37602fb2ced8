"""What the force profile reads, from the pages' cache or straight from an engine.

The force profile page and `rasso brief` must build the same figures, so both go through one
``Reader``: six callables with the arguments of the query functions they stand for. The page
hands over the cached functions of ``components.data`` (``components.data.reader``), the command
line ``engine_reader(engine)``. Public numbers still come only through ``queries.metric_table``
(or ``queries.metric_tables``, several areas of it from one read) and ``queries.outcome_mix``
(the callables are those, cached or not), so the disclosure protection applies on either path.

``peer_set_of`` and ``pillar_profile_frame_of`` resolve a force's peers and its pillar profile
frame through a reader; ``components.peers`` and ``components.pillar_profile`` call them with
the cached reader.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection
from dataclasses import dataclass

import polars as pl
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
from analysis.pillar_profile import MetricFigures, profile_frame, wanted
from db.releases import Release
from metrics.registry import METRICS, Metric
from words.peers import peer_set_label


@dataclass(frozen=True)
class Reader:
    """The tables a force profile needs. ``metric_table``, ``metric_tables`` and ``outcome_mix``
    take the keyword arguments of the ``queries`` functions of those names (release_id among them)."""

    metric_table: Callable[..., pl.DataFrame]
    metric_tables: Callable[..., dict[str, pl.DataFrame]]  # by area, from one read
    outcome_mix: Callable[..., pl.DataFrame]
    forces: Callable[[], pl.DataFrame]
    similar_inputs: Callable[[int], queries.peers.SimilarInputs]  # by release id
    loaded_groups: Callable[[], pl.DataFrame]


def engine_reader(engine: Engine) -> Reader:
    """A reader straight from the database, without a cache (the command line)."""
    return Reader(metric_table=functools.partial(queries.metric_table, engine),
                  metric_tables=functools.partial(queries.metric_tables, engine),
                  outcome_mix=functools.partial(queries.outcome_mix, engine),
                  forces=functools.partial(queries.forces, engine),
                  similar_inputs=functools.partial(queries.peers.similar_inputs, engine),
                  loaded_groups=functools.partial(queries.peers.loaded_groups, engine))


def similar_from(inputs: queries.peers.SimilarInputs) -> Similar:
    """The computed similar forces from their inputs, saying which features are absent and why."""
    absent = {}
    if not inputs.shapes:
        absent["density"] = NO_BOUNDARIES
    if inputs.forces["recorded"].null_count() == inputs.forces.height:
        absent["recorded"] = NO_RECORDED
    return nearest_neighbours(similar_features(inputs.forces, inputs.shapes), absent=absent)


def peer_set_of(reader: Reader, release_id: int, code: str | None, peer_set: str | None) -> tuple[PeerSet, str]:
    """The force's peers in ``peer_set`` (None: the default) and the set's one-line label; reads
    only what the set needs (the similar forces' inputs, or the loaded groups)."""
    ps = resolve_peers(code, peer_set, reader.forces(),
                       similar=similar_from(reader.similar_inputs(release_id)) if peer_set == SIMILAR else None,
                       groups=reader.loaded_groups() if peer_set and peer_set not in FIXED_SETS else None)
    return ps, peer_set_label(ps)


def read_figures(tables: Callable[..., dict[str, pl.DataFrame]], coverage: Collection[str], *, release_id: int,
                 offence: str, first_quarter: int, last_quarter: int,
                 metrics: tuple[Metric, ...] = METRICS) -> dict[str, MetricFigures]:
    """Each held indicator's table for every force and for England and Wales over the period,
    one read per indicator (``metrics``: one pillar's, for the pillars grid); ``tables`` is a
    reader's ``metric_tables``."""
    figures = {}
    for m in wanted(coverage, metrics):
        both = forces_and_national(tables, release_id=release_id, metric_id=m.id, offence_group=offence,
                                   first_quarter=first_quarter, last_quarter=last_quarter, grain="period")
        national = both[1].to_dicts()
        figures[m.id] = MetricFigures(both[0], national[0] if national else {})
    return figures


def forces_and_national(tables: Callable[..., dict[str, pl.DataFrame]], **window) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every force's table and England and Wales's for one window, from one read (``tables``: a
    reader's ``metric_tables``; ``window``: the other arguments of ``queries.metric_table``)."""
    both = tables(areas=("all", "national"), **window)
    return both["all"], both["national"]


def pillar_profile_frame_of(reader: Reader, release: Release, code: str, *, offence: str, first_quarter: int,
                            last_quarter: int, pillar: int | None = None) -> pl.DataFrame:
    """The pillar profile frame of force ``code`` (``analysis.pillar_profile.profile_frame``);
    ``release`` is ``queries.release_info``'s (its coverage says what it holds)."""
    coverage = release.coverage or ()
    figures = read_figures(reader.metric_tables, coverage, release_id=release.id, offence=offence,
                           first_quarter=first_quarter, last_quarter=last_quarter)
    return profile_frame(code, figures, coverage, reader.forces(), pillar=pillar)
