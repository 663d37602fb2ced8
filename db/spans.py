"""The first and last quarter a release holds in each fact table, stored when it is loaded.

Every metric query frames its cells by these (inside them a missing row is a true zero). Scanning
for them took 0.6 s over 2 million case records, again on every cold query of a case-level
metric; a release never changes after its load, so ``finish_release`` stores them with it and
queries read one row. A release loaded before they were stored is scanned as before.
"""

from __future__ import annotations

import json

from sqlalchemy import Connection, func, select

from db.schema import case_record, indicator_value, outcomes, recorded_offences, release
from metrics.registry import (
    BASIS_CLOSED,
    BASIS_RECORDED,
    HOLDS_CASES,
    HOLDS_INDICATORS,
    HOLDS_OUTCOMES,
    HOLDS_RECORDED,
)

Span = tuple[int | None, int | None]
TABLES = {HOLDS_RECORDED: recorded_offences, HOLDS_OUTCOMES: outcomes, HOLDS_CASES: case_record,
          HOLDS_INDICATORS: indicator_value}
STORED = [(kind, None) for kind in TABLES] + [(HOLDS_OUTCOMES, b) for b in (BASIS_CLOSED, BASIS_RECORDED)]


def held_quarters(conn: Connection, *, release_id: int, kind: str, basis: str | None = None) -> Span:
    """The span of ``kind`` (and the outcomes' ``basis``) in the release: stored, or scanned."""
    stored = conn.execute(select(release.c.spans).where(release.c.id == release_id)).scalar()
    spans = json.loads(stored) if stored else {}
    if (key := _key(kind, basis)) in spans:
        lo, hi = spans[key]
        return lo, hi
    return scan(conn, release_id=release_id, kind=kind, basis=basis)


def scan(conn: Connection, *, release_id: int, kind: str, basis: str | None = None) -> Span:
    table = TABLES[kind]
    column = table.c.outcome_quarter if table is case_record else table.c.quarter
    stmt = select(func.min(column), func.max(column)).where(table.c.release_id == release_id)
    if basis is not None:
        stmt = stmt.where(table.c.basis == basis)
    lo, hi = conn.execute(stmt).one()
    return lo, hi


def store_spans(conn: Connection, release_id: int) -> None:
    """Scan every span once, inside the load's transaction, after its last fact row is written."""
    spans = {_key(kind, basis): list(scan(conn, release_id=release_id, kind=kind, basis=basis))
             for kind, basis in STORED}
    conn.execute(release.update().where(release.c.id == release_id)
                 .values(spans=json.dumps(spans, sort_keys=True)))


def _key(kind: str, basis: str | None) -> str:
    return kind if basis is None else f"{kind}/{basis}"
