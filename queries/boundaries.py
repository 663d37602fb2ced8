"""Police force area boundaries as stored by ``rasso ingest boundaries``: the latest release.

Boundaries are their own releases (source "boundaries"), separate from the data releases, so
the latest complete one is used whatever data release is shown.
"""

from __future__ import annotations

from sqlalchemy import Engine, select

from db.schema import boundary, release

SOURCE = "boundaries"


def latest_boundary_release(engine: Engine) -> dict | None:
    """id, label and creation time of the newest complete boundaries release, or None."""
    stmt = (select(release.c.id, release.c.label, release.c.created_at)
            .where(release.c.source == SOURCE, release.c.status == "complete")
            .order_by(release.c.id.desc()).limit(1))
    with engine.connect() as conn:
        row = conn.execute(stmt).first()
    return None if row is None else {"id": row.id, "label": row.label, "created_at": row.created_at}


def boundary_shapes(engine: Engine, release_id: int) -> dict[str, str]:
    """Force code -> GeoJSON geometry text, for one boundaries release."""
    stmt = (select(boundary.c.force_code, boundary.c.geojson)
            .where(boundary.c.release_id == release_id).order_by(boundary.c.force_code))
    with engine.connect() as conn:
        return {code: text for code, text in conn.execute(stmt).all()}
