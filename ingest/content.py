"""Idempotence on content, not bytes: the same data re-saved is not a new release.

The first check of every loader is on the files' sha256 (cheap, before parsing). It misses the
same data with other bytes: LF for CRLF, a workbook saved again, a GeoJSON with other spacing or
property order. So, once parsed, each loader compares the content itself with its head release:
the published chain by its rows (``chain.holds_already``, and ``indicators_held`` here for files
keyed by force, quarter and indicator), and the ONS tables and boundaries, which have a chain
each, by a digest of the parsed content stored in the release's parameters.
"""

from __future__ import annotations

import hashlib
import json

import polars as pl
import shapely
from sqlalchemy import Engine, select

from db.schema import indicator_value
from ingest import chain

CONTENT_KEY = "content_sha256"


def digest(content: object) -> str:
    """sha256 of a JSON-able value, written canonically (sorted keys, no spacing)."""
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def geometry_digest(codes: list[str], geometries) -> str:
    """sha256 of each code's shape, normalised (ring start and order do not matter) as WKB."""
    h = hashlib.sha256()
    for code, geom in sorted(zip(codes, geometries, strict=True), key=lambda cg: cg[0]):
        h.update(code.encode() + b"\0" + shapely.to_wkb(shapely.normalize(geom)) + b"\0")
    return h.hexdigest()


def same_as_head(engine: Engine, source: str, content_sha256: str) -> int | None:
    """The head release of ``source`` when it was loaded from the same content, else None."""
    with engine.connect() as conn:
        head = chain.head_release(conn, source)
    return head.id if head is not None and head.parameters.get(CONTENT_KEY) == content_sha256 else None


def indicators_held(engine: Engine, rows: pl.DataFrame) -> int | None:
    """The published head when it holds exactly ``rows`` for their force, quarter and indicator."""
    keys = ["force_code", "quarter", "indicator"]
    t = indicator_value
    with engine.connect() as conn:
        head = chain.head_release(conn)
        if head is None:
            return None
        stored = conn.execute(select(*[t.c[c] for c in rows.columns]).where(
            t.c.release_id == head.id,
            t.c.quarter.in_(sorted(rows["quarter"].unique().to_list())),
            t.c.indicator.in_(sorted(rows["indicator"].unique().to_list())))).all()
    old = pl.DataFrame([tuple(r) for r in stored], schema=rows.schema, orient="row")
    old = old.join(rows.select(keys), on=keys, how="semi")
    cols = list(rows.columns)
    same = old.height == rows.height and old.sort(cols, nulls_last=True).equals(rows.sort(cols, nulls_last=True))
    return head.id if same else None
