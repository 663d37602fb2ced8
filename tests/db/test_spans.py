"""The quarters each release holds, stored at load, against a scan of its rows."""

from __future__ import annotations

from sqlalchemy import select, update

from db import spans
from db.schema import release


def test_stored_spans_are_the_scanned_spans(small_db):
    with small_db.connect() as conn:
        stored = conn.execute(select(release.c.spans).where(release.c.id == 1)).scalar()
        assert stored, "the load stored no spans"
        for kind, basis in spans.STORED:
            scanned = spans.scan(conn, release_id=1, kind=kind, basis=basis)
            assert None not in scanned, (kind, basis)  # the small sample holds every table
            assert spans.held_quarters(conn, release_id=1, kind=kind, basis=basis) == scanned


def test_a_release_without_stored_spans_is_scanned(small_db):
    """A database loaded before spans were stored still answers (its releases have none)."""
    with small_db.connect() as conn:
        expected = {(k, b): spans.held_quarters(conn, release_id=1, kind=k, basis=b) for k, b in spans.STORED}
        conn.execute(update(release).where(release.c.id == 1).values(spans=None))
        got = {(k, b): spans.held_quarters(conn, release_id=1, kind=k, basis=b) for k, b in spans.STORED}
        conn.rollback()  # the shared release stays as loaded
    assert got == expected
