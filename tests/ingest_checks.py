"""Helpers for the ingest tests: a checksum of every table's rows (to prove "unchanged")."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from db.schema import metadata


def database_checksum(engine) -> dict[str, str]:
    """Table -> sha256 of its rows, sorted, so that any insert, update or delete shows."""
    out = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            rows = sorted(repr(tuple(r)) for r in conn.execute(select(table)))
            out[table.name] = hashlib.sha256("\n".join(rows).encode()).hexdigest() + f":{len(rows)}"
    return out
