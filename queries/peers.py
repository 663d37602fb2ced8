"""What peer sets are built from: the features of computed similar forces, and loaded peer groups.

Two reads, both frames out, so ``analysis.peers`` decides on plain data:

* ``similar_inputs``: each territorial force's population (reference data), its boundary shape
  (the newest boundaries release, when one is loaded) and its recorded sexual offences in the
  latest twelve months of the release shown. The count is read through ``metric_table`` (public
  tier), so it is the protected figure every page shows; a hidden one stays missing.
* ``loaded_groups``: the peer groups loaded with ``rasso ingest peer-groups``; for each group
  name, the rows of the newest release that names it, with the file and release it came from.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine, func, select

from db.releases import Release
from db.schema import peer_group, release, release_file
from metrics.periods import add_quarters
from queries.boundaries import boundary_shapes, latest_boundary_release
from queries.metric_table import metric_table
from queries.reference import data_range, forces

PEER_GROUP_SOURCE = "peer-groups"
VOLUME_METRIC = "recorded_offences"
VOLUME_GROUP = "all_sexual"  # peers do not change with the offence group on screen
GROUP_SCHEMA = {"group_name": pl.String, "force_code": pl.String, "peer_code": pl.String,
                "release_id": pl.Int64, "file_name": pl.String, "loaded_at": pl.String}


@dataclass(frozen=True)
class SimilarInputs:
    """The raw features of every territorial force and where they came from."""

    forces: pl.DataFrame  # code, name, population, recorded (null where not shown)
    shapes: dict[str, str]  # code -> GeoJSON text ({} when no boundaries are loaded)
    boundaries: Release | None  # the boundaries release the shapes came from
    recorded_span: tuple[int, int] | None  # first and last quarter of the recorded volume


def similar_inputs(engine: Engine, release_id: int) -> SimilarInputs:
    """Population, boundary shape and recorded volume of each territorial force."""
    ref = forces(engine).filter(pl.col("territorial")).select("code", "name", "population")
    span = _latest_year(engine, release_id)
    recorded = pl.DataFrame(schema={"code": pl.String, "recorded": pl.Float64})
    if span is not None:
        table = metric_table(engine, release_id=release_id, metric_id=VOLUME_METRIC,
                             offence_group=VOLUME_GROUP, area="all", first_quarter=span[0],
                             last_quarter=span[1], grain="period")
        if table.height:
            recorded = table.select(pl.col("area_code").alias("code"),
                                    pl.col("value").cast(pl.Float64).alias("recorded"))
    frame = ref.join(recorded, on="code", how="left").sort("code")
    rel = latest_boundary_release(engine)
    shapes = boundary_shapes(engine, rel.id) if rel is not None else {}
    return SimilarInputs(forces=frame, shapes=shapes, boundaries=rel, recorded_span=span)


def _latest_year(engine: Engine, release_id: int) -> tuple[int, int] | None:
    """The latest four quarters the release holds (fewer when it holds less than a year)."""
    first, last = data_range(engine, release_id)
    if last is None:
        return None
    start = add_quarters(last, -3)
    return max(start, first), last


def loaded_groups(engine: Engine) -> pl.DataFrame:
    """Rows of every loaded peer group (``GROUP_SCHEMA``): each group from its newest release."""
    newest = (select(peer_group.c.group_name, func.max(peer_group.c.release_id).label("release_id"))
              .join(release, release.c.id == peer_group.c.release_id)
              .where(release.c.source == PEER_GROUP_SOURCE, release.c.status == "complete")
              .group_by(peer_group.c.group_name).subquery())
    stmt = (select(peer_group.c.group_name, peer_group.c.force_code, peer_group.c.peer_code,
                   peer_group.c.release_id, release_file.c.file_name, release.c.created_at)
            .join(newest, (newest.c.group_name == peer_group.c.group_name)
                  & (newest.c.release_id == peer_group.c.release_id))
            .join(release, release.c.id == peer_group.c.release_id)
            .join(release_file, release_file.c.release_id == peer_group.c.release_id)
            .order_by(peer_group.c.group_name, peer_group.c.force_code, peer_group.c.peer_code))
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return pl.DataFrame([(g, f, p, int(r), name, _date(at)) for g, f, p, r, name, at in rows],
                        schema=GROUP_SCHEMA, orient="row")


def _date(value) -> str:
    """'05 December 2026' (SQLite gives a datetime or an ISO string, PostgreSQL a datetime)."""
    return value.strftime("%d %B %Y") if hasattr(value, "strftime") else str(value)[:10]


def group_names(engine: Engine) -> list[str]:
    """The names of the loaded peer groups, sorted: the ``peer=`` values the address accepts."""
    stmt = (select(peer_group.c.group_name).distinct()
            .join(release, release.c.id == peer_group.c.release_id)
            .where(release.c.source == PEER_GROUP_SOURCE, release.c.status == "complete")
            .order_by(peer_group.c.group_name))
    with engine.connect() as conn:
        return list(conn.execute(stmt).scalars())
