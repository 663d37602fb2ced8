"""Police force area boundaries as stored by ``rasso ingest boundaries``: the latest release.

Boundaries are their own releases (source "boundaries"), separate from the data releases, so
the latest complete one is used whatever data release is shown.
"""

from __future__ import annotations

from sqlalchemy import Engine, select

from db.releases import Release, latest_release
from db.schema import boundary

SOURCE = "boundaries"


def latest_boundary_release(engine: Engine) -> Release | None:
    """The newest complete boundaries release, or None."""
    return latest_release(engine, SOURCE)


def boundary_shapes(engine: Engine, release_id: int) -> dict[str, str]:
    """Force code -> GeoJSON geometry text, for one boundaries release."""
    stmt = (select(boundary.c.force_code, boundary.c.geojson)
            .where(boundary.c.release_id == release_id).order_by(boundary.c.force_code))
    with engine.connect() as conn:
        return {code: text for code, text in conn.execute(stmt).all()}
