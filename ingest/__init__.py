"""Loaders for the published data: `rasso ingest KIND FILE...` calls ``load``.

Every loader validates a whole file before it opens a transaction, writes one release in one
transaction, and returns a ``LoadReport`` with a reconciliation a user can check against the file.
A rejected file raises ``IngestError`` whose message is one line naming file, sheet, row, column
and value.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from sqlalchemy import Engine, select

from db.schema import revision
from ingest.errors import IngestError
from ingest.indicators import indicator_template_csv
from ingest.report import LoadReport
from metrics.disclosure import RESTRICTED, TIERS
from metrics.errors import QueryError

KINDS = ("outcomes", "prc", "ons-pfa-tables", "boundaries", "indicators", "peer-groups")

__all__ = ["KINDS", "IngestError", "LoadReport", "indicator_template_csv", "list_revisions", "load"]


def load(engine: Engine, kind: str, paths: list[Path], *, progress=None) -> LoadReport:
    """Load files of one kind as a new release (or report that they are already loaded)."""
    if kind not in KINDS:
        raise IngestError(f"unknown kind '{kind}': use one of {', '.join(KINDS)}")
    paths = [Path(p) for p in paths]
    if not paths:
        raise IngestError("no files given")
    for p in paths:
        if not p.is_file():
            raise IngestError("file not found", file=p)
    if progress:
        progress(0.0, f"loading {kind}")
    if kind in ("outcomes", "prc"):
        from ingest.load_published import load_published

        report = load_published(engine, kind, paths, progress)
    elif kind == "indicators":
        from ingest.indicators import load_indicators

        report = load_indicators(engine, paths, progress)
    elif kind == "peer-groups":
        from ingest.peer_groups import load_peer_groups

        report = load_peer_groups(engine, paths, progress)
    elif kind == "ons-pfa-tables":
        from ingest.ons_tables import load_ons_tables

        report = load_ons_tables(engine, paths, progress)
    else:
        from ingest.boundaries import load_boundaries  # geopandas is slow to import

        report = load_boundaries(engine, paths, progress)
    if progress:
        progress(1.0, report.message)
    return report


REVISION_SCHEMA = {
    "release_id": pl.Int64, "previous_release_id": pl.Int64, "fact": pl.String, "force_code": pl.String,
    "quarter": pl.Int64, "offence_code": pl.String, "outcome_type": pl.Int64, "basis": pl.String,
    "indicator": pl.String, "measure": pl.String, "old_value": pl.Float64, "new_value": pl.Float64,
    "old_missing_reason": pl.String, "new_missing_reason": pl.String,
}


def list_revisions(engine: Engine, release_id: int | None = None, *, tier: str = "public",
                   threshold: int | None = None) -> pl.DataFrame:
    """Values that a release changed relative to the release it superseded (all releases if None).

    ``restricted``: every raw revision row (fact, key, measure, old and new value). ``public``:
    the changes of cells shown in both releases, by node cell (``ingest.revisions``), at
    ``threshold`` (default: the setting)."""
    if tier not in TIERS:
        raise QueryError(f"Unknown tier '{tier}'. Choose public or restricted.")
    raw = _raw_revisions(engine, release_id)
    if tier == RESTRICTED:
        return raw
    from ingest.revisions import public_revisions

    return public_revisions(engine, raw, threshold=threshold)


def _raw_revisions(engine: Engine, release_id: int | None) -> pl.DataFrame:
    cols = [revision.c[name] for name in REVISION_SCHEMA]
    stmt = select(*cols).order_by(revision.c.release_id.desc(), revision.c.fact, revision.c.quarter,
                                  revision.c.force_code, revision.c.offence_code, revision.c.outcome_type,
                                  revision.c.basis, revision.c.indicator, revision.c.measure)
    if release_id is not None:
        stmt = stmt.where(revision.c.release_id == release_id)
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=REVISION_SCHEMA, orient="row")
