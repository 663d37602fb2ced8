"""The published-data release chain: every load is a new complete snapshot.

Outcomes, recorded-crime and force-indicator loads share one chain (``release.source =
'published'``) so that a reader sees all three from one release id. A load copies the previous
head's rows forward inside the database (INSERT ... SELECT), replaces the rows of the kind being
loaded for the periods the new file covers, records every changed value as a revision (``db.revisions``), and marks
the old head superseded, and protects the new snapshot with the old head as its prior edition
(``db.protection``), all in one transaction: a failure or a kill leaves the old head intact.

Loads are serialised: each copies forward from the head it reads, so two loads that read the same
head would each publish a snapshot without the other's rows. The chain lock is taken before the
head is read (a transaction-scoped advisory lock on PostgreSQL, the write lock on SQLite).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    and_,
    bindparam,
    func,
    insert,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.exc import OperationalError

from db import bulk
from db.protection import protect_release
from db.protection_leaves import UnplacedOffence
from db.releases import Release, create_release, finish_release, release_from_row, sha256_of
from db.revisions import KEYS, record_revisions
from db.schema import (
    indicator_value,
    offence,
    outcomes,
    recorded_offences,
    release,
    release_file,
)
from ingest.errors import IngestError

PUBLISHED = "published"
TABLE_OF_KIND = {"outcomes": outcomes, "prc": recorded_offences, "indicators": indicator_value}
CHAIN_TABLES = (recorded_offences, outcomes, indicator_value)
CHUNK = 100_000
CHAIN_LOCK_KEY = 7_306_211_042
"""pg_advisory_xact_lock key for the published chain (an arbitrary constant of this project)."""
LOCK_TIMEOUT = 30.0
"""Seconds to wait for a running load on PostgreSQL (SQLite waits the engine's busy timeout)."""
BUSY = "another load is running on this database; try again when it has finished"


@dataclass
class NewOffence:
    code: str
    description: str
    subgroup: str
    age_band: str
    expired: bool


def lock_chain(conn: Connection) -> None:
    """Wait for any other published-chain load to finish; call first in the transaction.

    Raises IngestError (one line) if the lock is not free within the timeout. On SQLite the
    pysqlite driver would open the transaction lazily at the first write, after the head had been
    read, so the transaction is opened here with BEGIN IMMEDIATE, which takes the write lock.
    """
    if conn.dialect.name == "postgresql":
        deadline = time.monotonic() + LOCK_TIMEOUT
        got = select(func.pg_try_advisory_xact_lock(bindparam("key", CHAIN_LOCK_KEY)))
        while not conn.execute(got).scalar_one():
            if time.monotonic() >= deadline:
                raise IngestError(BUSY)
            time.sleep(0.1)
    elif conn.dialect.name == "sqlite":
        try:
            conn.execute(text("BEGIN IMMEDIATE"))
        except OperationalError as exc:
            if "locked" in str(exc.orig).lower() or "busy" in str(exc.orig).lower():
                raise IngestError(BUSY) from None
            raise


def head_release(conn: Connection, source: str = PUBLISHED) -> Release | None:
    """The newest complete release of ``source``, read on the load's own connection (under its lock)."""
    row = conn.execute(
        select(release).where(release.c.source == source, release.c.status == "complete")
        .order_by(release.c.id.desc()).limit(1)
    ).first()
    return release_from_row(row) if row else None


def lineage_shas(conn: Connection, head_id: int | None, kind: str | None) -> set[str]:
    """sha256 of every file loaded (for ``kind``) by the head release and its ancestors."""
    shas: set[str] = set()
    seen: set[int] = set()
    current = head_id
    while current is not None and current not in seen:
        seen.add(current)
        row = conn.execute(select(release).where(release.c.id == current)).first()
        if row is None:
            break
        rel = release_from_row(row)
        if kind is None or rel.parameters.get("kind") == kind:
            shas.update(conn.execute(select(release_file.c.sha256)
                                     .where(release_file.c.release_id == current)).scalars())
        current = rel.supersedes
    return shas


def already_loaded(engine: Engine, paths: list[Path], *, source: str, kind: str | None) -> int | None:
    """The head release id when every file is already part of its lineage, else None."""
    wanted = {sha256_of(p) for p in paths}
    with engine.connect() as conn:
        head = head_release(conn, source)
        if head is None:
            return None
        return head.id if wanted <= lineage_shas(conn, head.id, kind) else None


def holds_already(engine: Engine, kind: str, rows: pl.DataFrame, quarters: list[int]) -> int | None:
    """The head release id when it already holds exactly ``rows`` for ``quarters``, else None.

    Idempotence is on content, not bytes: the same figures with other line endings, quoting or
    a re-saved workbook change nothing, so they must not become a new release."""
    table = TABLE_OF_KIND[kind]
    cols = list(rows.columns)
    with engine.connect() as conn:
        head = head_release(conn)
        if head is None or not quarters:
            return None
        where = (table.c.release_id == head.id, table.c.quarter.in_(quarters))
        if conn.execute(select(func.count()).where(*where)).scalar_one() != rows.height:
            return None
        stored = conn.execute(select(*[table.c[c] for c in cols]).where(*where)).all()
    old = pl.DataFrame([tuple(r) for r in stored], schema=rows.schema, orient="row")
    return head.id if old.sort(cols, nulls_last=True).equals(rows.sort(cols, nulls_last=True)) else None


def apply_offences(conn: Connection, new: list[NewOffence], expire: list[str]) -> None:
    """Add new offence codes; a code added by a load that ran while this one parsed is kept."""
    codes = [o.code for o in new]
    present = set(conn.execute(select(offence.c.code).where(offence.c.code.in_(codes))).scalars()) if codes else set()
    for o in new:
        if o.code in present:
            continue
        conn.execute(insert(offence).values(code=o.code, description=o.description,
                                            subgroup=o.subgroup, age_band=o.age_band,
                                            expired=o.expired))
    if expire:
        conn.execute(update(offence).where(offence.c.code.in_(expire)).values(expired=True))


def copy_forward(conn: Connection, new_id: int, head_id: int, *, replace_table, quarters: list[int]) -> None:
    for table in CHAIN_TABLES:
        cols = [c.name for c in table.c if c.name != "release_id"]
        stmt = select(literal(new_id, Integer).label("release_id"), *[table.c[c] for c in cols]).where(
            table.c.release_id == head_id)
        if table is replace_table and quarters:
            stmt = stmt.where(table.c.quarter.not_in(quarters))
        conn.execute(insert(table).from_select(["release_id", *cols], stmt))


def delete_keys(conn: Connection, table, new_id: int, keys: pl.DataFrame) -> None:
    """Drop copied-forward rows that the new file replaces (used where keys, not quarters, define it)."""
    names = KEYS[table.name]
    where = [table.c.release_id == new_id] + [table.c[k] == bindparam(f"k_{k}") for k in names]
    params = [{f"k_{k}": v for k, v in row.items()} for row in keys.select(names).iter_rows(named=True)]
    if params:
        conn.execute(table.delete().where(and_(*where)), params)


def insert_rows(conn: Connection, table, new_id: int, rows: pl.DataFrame, progress=None,
                start: float = 0.5, end: float = 0.9) -> int:
    frame = rows.with_columns(pl.lit(new_id, dtype=pl.Int64).alias("release_id"))
    written = 0
    for offset in range(0, frame.height, CHUNK):
        written += bulk.bulk_insert(conn, table, frame.slice(offset, CHUNK))
        if progress:
            progress(start + (end - start) * written / frame.height,
                     f"writing {table.name}: {written:,} of {frame.height:,} rows")
    return written


def release_extent(conn: Connection, release_id: int) -> tuple[int | None, int | None, dict[str, int]]:
    first, last, counts = None, None, {}
    for table in CHAIN_TABLES:
        lo, hi, n = conn.execute(select(func.min(table.c.quarter), func.max(table.c.quarter),
                                        func.count()).where(table.c.release_id == release_id)).one()
        counts[table.name] = int(n)
        if lo is not None:
            first = lo if first is None else min(first, lo)
            last = hi if last is None else max(last, hi)
    return first, last, counts


def write_snapshot(
    engine: Engine, *, kind: str, paths: list[Path], rows: pl.DataFrame, label: str,
    parameters: dict, quarters: list[int] | None = None, keys: pl.DataFrame | None = None,
    new_offences: list[NewOffence] = (), expire: list[str] = (), progress=None,
) -> tuple[int, int | None, int]:
    """Write one new published release; returns (release id, superseded id, revisions)."""
    table = TABLE_OF_KIND[kind]
    with engine.begin() as conn:
        lock_chain(conn)
        head = head_release(conn)
        head_id = head.id if head else None
        new_id = create_release(conn, source=PUBLISHED, label=label, synthetic=False,
                                parameters={**parameters, "kind": kind, "previous_release": head_id},
                                files=paths)
        apply_offences(conn, list(new_offences), list(expire))
        if head_id is not None:
            if progress:
                progress(0.45, f"copying release {head_id} forward")
            copy_forward(conn, new_id, head_id, replace_table=table,
                         quarters=quarters if keys is None else [])
            if keys is not None:
                delete_keys(conn, table, new_id, keys)
        insert_rows(conn, table, new_id, rows, progress)
        revisions = 0
        if head_id is not None:
            if progress:
                progress(0.92, "recording revisions")
            revisions = record_revisions(conn, table, new_id, head_id,
                                         quarters if keys is None else sorted(keys["quarter"].unique()))
        first, last, counts = release_extent(conn, new_id)
        finish_release(conn, new_id, first_quarter=first, last_quarter=last,
                       row_counts=counts, supersedes=head_id)
        if progress:
            progress(0.95, "protecting the release (disclosure control)")
        try:
            protect_release(conn, new_id, prior_release_id=head_id)
        except UnplacedOffence as exc:
            raise IngestError(f"cannot protect the release: {exc}", file=paths[0] if paths else None) from None
    return new_id, head_id, revisions
