"""``db.protection.hidden_cells`` keeps each family's stored hidden cells once per process, so
tables asking for overlapping families share the reads: whatever the order of the requests, each
answer is exactly the stored cells of the families asked for (SQLite and PostgreSQL)."""

from __future__ import annotations

import polars as pl
from polars.testing import assert_frame_equal

from db import protection
from db.protection import hidden_cells, stored_run

ORDER = ["family", "area_code", "period_key", "offence", "category"]


def test_overlapping_family_requests_each_get_exactly_their_families(small_db):
    from db.releases import latest_release

    rid = latest_release(small_db, "synthetic").id
    with small_db.connect() as conn:
        assert stored_run(conn, rid) is not None  # the stored path, which the cache serves
        every = protection._persisted_hidden(conn, rid).sort(ORDER)
        families = every["family"].unique().sort().to_list()
        assert len(families) >= 2
        first, second = families[0], families[-1]
        protection._STORED.clear()
        for asked in ([first], [first, second], [second], None, [first], [], [second, first]):
            got = hidden_cells(conn, rid, families=asked).sort(ORDER)
            want = every if asked is None else every.filter(pl.col("family").is_in(asked))
            assert_frame_equal(got, want)
            assert got.height == 0 or set(got["family"]) == set(asked or families)
