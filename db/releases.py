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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, Select, select, update

from db.case_aggregates import TABLE_NAMES as CASE_AGGREGATES
from db.case_aggregates import store_case_aggregates
from db.schema import outcomes, recorded_offences, release, release_file
from db.spans import store_spans
from db.statistics import refresh_statistics


@dataclass(frozen=True)
class Release:
    """One load, as every layer sees it: built only by ``release_from_row`` (which parses the
    row's JSON columns once), so no caller handles a dict or a JSON string for a release.

    ``first_quarter``/``last_quarter`` are the release row's span; ``queries.release_info``
    returns the same type with the span of its outcome or recorded-crime facts and its
    ``coverage`` (which kinds of facts it holds) filled in.
    """

    id: int
    source: str
    label: str
    synthetic: bool
    created_at: datetime
    first_quarter: int | None
    last_quarter: int | None
    parameters: dict = field(default_factory=dict)  # generator seed, scale, file kind...
    status: str = "complete"  # complete | superseded
    row_counts: dict[str, int] = field(default_factory=dict)  # table -> rows loaded
    supersedes: int | None = None
    files: tuple[str, ...] = ()  # 'name (sha256 0123456789ab…)', filled by ``list_releases``
    coverage: tuple[str, ...] | None = None  # filled by ``queries.release_info``

    @property
    def scale(self) -> float | None:
        """A synthetic sample's size as a share of national volume (None when not recorded)."""
        return self.parameters.get("scale")

    @property
    def cases(self) -> int | None:
        """Cases in a synthetic release: those recorded in its span (the generator's number),
        not the earlier cases carried in still open; else its case-record rows."""
        return self.parameters.get("cases") or self.row_counts.get("case_record")

    @property
    def holdings(self) -> str:
        """What the release holds, in words (``describe_holdings``)."""
        return describe_holdings(self.row_counts)


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
    refresh_statistics(conn, row_counts)  # before protection and the first page read the new rows
    if row_counts.get("case_record"):
        store_case_aggregates(conn, release_id)
        refresh_statistics(conn, CASE_AGGREGATES)
    store_spans(conn, release_id)


def _json(text: str | None) -> dict:
    return json.loads(text or "{}")


def release_from_row(row, files: tuple[str, ...] = ()) -> Release:
    """The one place a release row becomes a ``Release``: its JSON columns are parsed here."""
    m = row._mapping if hasattr(row, "_mapping") else row
    return Release(
        id=int(m["id"]), source=m["source"], label=m["label"], synthetic=bool(m["synthetic"]),
        created_at=m["created_at"], first_quarter=m["first_quarter"], last_quarter=m["last_quarter"],
        parameters=_json(m["parameters"]), status=m["status"], row_counts=_json(m["row_counts"]),
        supersedes=m["supersedes"], files=tuple(files),
    )


def latest_release(engine: Engine, source: str | None = None) -> Release | None:
    """The newest complete release (of one source, if given), whatever it holds.

    Not the release to show: use ``default_release`` for that."""
    stmt = select(release).where(release.c.status == "complete").order_by(release.c.id.desc()).limit(1)
    if source is not None:
        stmt = stmt.where(release.c.source == source)
    with engine.connect() as conn:
        row = conn.execute(stmt).first()
    return release_from_row(row) if row else None


def holdings_query() -> Select:
    """Each complete release's id with whether it holds outcome (``o``) and recorded-crime (``r``)
    counts: an indexed EXISTS per release. The subqueries select the id alone, so the index
    answers them: with ``SELECT *`` SQLite scanned the whole fact table for a release without
    rows (36 ms of every page run at 2 million cases)."""
    has_outcomes = select(outcomes.c.release_id).where(outcomes.c.release_id == release.c.id).exists()
    has_recorded = select(recorded_offences.c.release_id).where(recorded_offences.c.release_id == release.c.id)
    return (select(release.c.id, has_outcomes.label("o"), has_recorded.exists().label("r"))
            .where(release.c.status == "complete"))


def data_holdings(engine: Engine) -> dict[int, tuple[bool, bool]]:
    """For every complete release: (holds outcome counts, holds recorded-crime counts).

    Decided from the fact tables themselves, not from the release's quarter range or row-count
    summary, which an indicator-only load also fills in."""
    with engine.connect() as conn:
        return {int(row.id): (bool(row.o), bool(row.r)) for row in conn.execute(holdings_query())}


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
    "force_population": "force populations", "peer_group": "peer groups",
}


def describe_holdings(row_counts: dict[str, int] | None) -> str:
    """What a release holds, in words, from its row counts: 'force MI indicators (2 rows)'."""
    counts = row_counts or {}
    parts = [f"{_HOLDING_NAMES.get(k, k.replace('_', ' '))} ({n:,} row{'s' if n != 1 else ''})"
             for k, n in counts.items() if n]
    return ", ".join(parts) if parts else "no rows"


def get_release(engine: Engine, release_id: int) -> Release | None:
    with engine.connect() as conn:
        row = conn.execute(select(release).where(release.c.id == release_id)).first()
    return release_from_row(row) if row else None


def list_releases(engine: Engine) -> list[Release]:
    """Every release with its files, newest first."""
    with engine.connect() as conn:
        rows = conn.execute(select(release).order_by(release.c.id.desc())).all()
        files = conn.execute(select(release_file)).mappings().all()
    by_release: dict[int, list[str]] = {}
    for f in files:
        by_release.setdefault(f["release_id"], []).append(f"{f['file_name']} (sha256 {f['sha256'][:12]}…)")
    return [release_from_row(r, tuple(by_release.get(r.id, []))) for r in rows]
