"""Fast bulk inserts of a Polars frame into a fact table, inside the caller's transaction.

Millions of case rows go through COPY on PostgreSQL and ``executemany`` on SQLite; both use the
connection the caller is already in, so a failed load rolls back with everything else.
"""

from __future__ import annotations

import polars as pl
from sqlalchemy import Connection, Table

_CHUNK = 200_000


def _sqlite_ready(frame: pl.DataFrame) -> pl.DataFrame:
    casts = []
    for name, dtype in frame.schema.items():
        if dtype == pl.Date:
            casts.append(pl.col(name).dt.strftime("%Y-%m-%d"))
        elif dtype == pl.Boolean:
            casts.append(pl.col(name).cast(pl.Int8))
    return frame.with_columns(casts) if casts else frame


def bulk_insert(conn: Connection, table: Table, frame: pl.DataFrame) -> int:
    """Insert every row of ``frame`` (columns named as in ``table``); returns the row count."""
    if frame.height == 0:
        return 0
    unknown = set(frame.columns) - set(table.c.keys())
    if unknown:
        raise ValueError(f"columns not in {table.name}: {sorted(unknown)}")
    raw = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        from psycopg import sql

        stmt = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(
            sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, frame.columns))
        )
        with raw.cursor() as cur, cur.copy(stmt) as copy:
            for offset in range(0, frame.height, _CHUNK):
                copy.write(frame.slice(offset, _CHUNK).write_csv(include_header=False))
    else:
        stmt = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - identifiers from our schema
            table.name, ", ".join(frame.columns), ", ".join("?" * len(frame.columns))
        )
        ready = _sqlite_ready(frame)
        cur = raw.cursor()
        for offset in range(0, ready.height, _CHUNK):
            cur.executemany(stmt, ready.slice(offset, _CHUNK).iter_rows())
        cur.close()
    return frame.height
