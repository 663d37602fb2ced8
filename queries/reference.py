"""Small reference look-ups the pages and the command line need."""

from __future__ import annotations

from dataclasses import replace

import polars as pl
from sqlalchemy import Engine

from db.releases import Release, get_release
from queries import sql


def forces(engine: Engine) -> pl.DataFrame:
    """Forces with region, NOM phase and start, and latest population (null for BTP)."""
    with engine.connect() as conn:
        frame = sql.force_list(conn)
        pop = sql.latest_population(conn).select("force_code", "population")
    return frame.join(pop, left_on="code", right_on="force_code", how="left")


def outcome_types(engine: Engine) -> pl.DataFrame:
    """Every Home Office outcome type with its description and group (reference data, no counts)."""
    with engine.connect() as conn:
        return sql.outcome_type_list(conn)


def data_range(engine: Engine, release_id: int) -> tuple[int | None, int | None]:
    """First and last quarter with data in a release."""
    with engine.connect() as conn:
        return sql.quarter_range(conn, release_id=release_id)


def release_info(engine: Engine, release_id: int) -> Release | None:
    """The release as the pages show it: its span is that of its outcome or recorded-crime facts
    (``data_range``), and ``coverage`` says which kinds of facts it holds."""
    rel = get_release(engine, release_id)
    if rel is None:
        return None
    first, last = data_range(engine, release_id)
    with engine.connect() as conn:
        covered = sql.coverage(conn, release_id=release_id)
    return replace(rel, first_quarter=first, last_quarter=last, coverage=tuple(sorted(covered)))
