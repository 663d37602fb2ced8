"""Releases: every load is one release, written in one transaction and read as a snapshot.

Readers only ever query rows of a release they chose; a release row is inserted in the same
transaction as its facts, so another process sees either the whole release or none of it.

Which release is shown when none is asked for is decided here and only here
(``default_release``), from what each release holds, because the app and the command line must
agree, and a release of force indicators, boundaries or populations alone has no outcomes to show.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from sqlalchemy import Connection, Engine, exists, select, update

from db.schema import outcomes, recorded_offences, release, release_file


@dataclass(frozen=True)
class Release:
    id: int
    source: str
    label: str
    synthetic: bool
    created_at: datetime
    first_quarter: int | None
    last_quarter: int | None
    parameters: dict


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def create_release(
    conn: Connection,
    *,
    source: str,
    label: str,
    synthetic: bool,
    parameters: dict | None = None,
    files: list[Path] = (),
) -> int:
    """Insert the release row (inside the load's transaction) and return its id."""
    result = conn.execute(
        release.insert().values(
            source=source,
            label=label,
            synthetic=synthetic,
            status="complete",
            created_at=datetime.now(UTC),
            row_counts="{}",
            parameters=json.dumps(parameters or {}, sort_keys=True),
        )
    )
    release_id = result.inserted_primary_key[0]
    for path in files:
        conn.execute(
            release_file.insert().values(
                release_id=release_id,
                file_name=Path(path).name,
                sha256=sha256_of(Path(path)),
                bytes=Path(path).stat().st_size,
            )
        )
    return release_id


def finish_release(
    conn: Connection, release_id: int, *, first_quarter: int | None, last_quarter: int | None,
    row_counts: dict[str, int], supersedes: int | None = None,
) -> None:
    conn.execute(
        update(release).where(release.c.id == release_id).values(
            first_quarter=first_quarter, last_quarter=last_quarter,
            row_counts=json.dumps(row_counts, sort_keys=True), supersedes=supersedes,
        )
    )
    if supersedes is not None:
        conn.execute(update(release).where(release.c.id == supersedes).values(status="superseded"))


def _to_release(row) -> Release:
    return Release(row.id, row.source, row.label, bool(row.synthetic), row.created_at,
                   row.first_quarter, row.last_quarter, json.loads(row.parameters or "{}"))


def latest_release(engine: Engine, source: str | None = None) -> Release | None:
    """The newest complete release (of one source, if given), whatever it holds.

    Not the release to show: use ``default_release`` for that."""
    stmt = select(release).where(release.c.status == "complete").order_by(release.c.id.desc()).limit(1)
    if source is not None:
        stmt = stmt.where(release.c.source == source)
    with engine.connect() as conn:
        row = conn.execute(stmt).first()
    return _to_release(row) if row else None


def data_holdings(engine: Engine) -> dict[int, tuple[bool, bool]]:
    """For every complete release: (holds outcome counts, holds recorded-crime counts).

    Decided from the fact tables themselves (an indexed EXISTS per release), not from the
    release's quarter range or row-count summary, which an indicator-only load also fills in."""
    has_outcomes = exists().where(outcomes.c.release_id == release.c.id)
    has_recorded = exists().where(recorded_offences.c.release_id == release.c.id)
    stmt = (select(release.c.id, has_outcomes.label("o"), has_recorded.label("r"))
            .where(release.c.status == "complete"))
    with engine.connect() as conn:
        return {int(row.id): (bool(row.o), bool(row.r)) for row in conn.execute(stmt)}


def showable_ids(holdings: dict[int, tuple[bool, bool]]) -> list[int]:
    """Releases the pages can show (they hold outcome or recorded-crime counts), newest first.
    Releases of force indicators, boundaries or populations alone are left out."""
    return sorted((i for i, (o, r) in holdings.items() if o or r), reverse=True)


def default_from(holdings: dict[int, tuple[bool, bool]]) -> int | None:
    """The release shown when none is asked for, in the app and the command line alike.

    The newest complete release that holds outcome counts; when no release holds any, the newest
    that holds recorded-crime counts; None when neither exists. A later load of indicators,
    boundaries or populations alone never takes its place."""
    with_outcomes = [i for i, (o, _r) in holdings.items() if o]
    if with_outcomes:
        return max(with_outcomes)
    shown = showable_ids(holdings)
    return shown[0] if shown else None


def showable_release_ids(engine: Engine) -> list[int]:
    """``showable_ids`` of the releases in the database."""
    return showable_ids(data_holdings(engine))


def default_release_id(engine: Engine) -> int | None:
    """``default_from`` the releases in the database."""
    return default_from(data_holdings(engine))


def default_release(engine: Engine) -> Release | None:
    """``default_release_id`` as a ``Release``."""
    release_id = default_release_id(engine)
    return None if release_id is None else get_release(engine, release_id)


_HOLDING_NAMES = {
    "outcomes": "outcome counts", "recorded_offences": "recorded offences",
    "case_record": "case records", "indicator_value": "force MI indicators",
    "boundary": "force area boundaries", "ons_force_figures": "ONS force figures",
    "force_population": "force populations",
}


def describe_holdings(row_counts: str | dict | None) -> str:
    """What a release holds, in words, from its row counts: 'force MI indicators (2 rows)'."""
    counts = json.loads(row_counts or "{}") if isinstance(row_counts, str) else (row_counts or {})
    parts = [f"{_HOLDING_NAMES.get(k, k.replace('_', ' '))} ({n:,} row{'s' if n != 1 else ''})"
             for k, n in counts.items() if n]
    return ", ".join(parts) if parts else "no rows"


def get_release(engine: Engine, release_id: int) -> Release | None:
    with engine.connect() as conn:
        row = conn.execute(select(release).where(release.c.id == release_id)).first()
    return _to_release(row) if row else None


def list_releases(engine: Engine) -> pl.DataFrame:
    """Every release with its files, newest first."""
    with engine.connect() as conn:
        rows = conn.execute(select(release).order_by(release.c.id.desc())).mappings().all()
        files = conn.execute(select(release_file)).mappings().all()
    by_release: dict[int, list[str]] = {}
    for f in files:
        by_release.setdefault(f["release_id"], []).append(f"{f['file_name']} (sha256 {f['sha256'][:12]}…)")
    return pl.DataFrame(
        [
            {
                "id": r["id"], "source": r["source"], "label": r["label"], "synthetic": bool(r["synthetic"]),
                "status": r["status"], "created_at": r["created_at"].isoformat(timespec="seconds"),
                "first_quarter": r["first_quarter"], "last_quarter": r["last_quarter"],
                "row_counts": r["row_counts"], "parameters": r["parameters"],
                "files": "; ".join(by_release.get(r["id"], [])),
            }
            for r in rows
        ],
        schema={"id": pl.Int64, "source": pl.String, "label": pl.String, "synthetic": pl.Boolean,
                "status": pl.String, "created_at": pl.String, "first_quarter": pl.Int64,
                "last_quarter": pl.Int64, "row_counts": pl.String, "parameters": pl.String, "files": pl.String},
    )
