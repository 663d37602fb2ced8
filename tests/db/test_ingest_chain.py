"""The published release chain: concurrent loads never lose data; revisions include added and removed keys.

Expected values are recomputed here from the rows the test files were written from, never with the
loader's code.
"""

from __future__ import annotations

import contextlib
import threading

import pytest
from sqlalchemy import create_engine, func, select

import ingest
from db.schema import recorded_offences, release
from helpers.ingest_files import FORCES, PRC_HEADERS, as_count, kept, prc_rows, write_csv
from ingest import chain

BARRIER_WAIT = 3.0


def _key(r: dict) -> tuple:
    fy = int(r["financial_year"][:4])
    return FORCES[r["force_name"]], fy * 10 + r["financial_quarter"], str(r["offence_code"])


def _head_counts(engine) -> tuple[int, dict[tuple, int | None]]:
    with engine.connect() as conn:
        head = chain.head_release(conn)
        rows = conn.execute(select(recorded_offences.c.force_code, recorded_offences.c.quarter,
                                   recorded_offences.c.offence_code, recorded_offences.c.count)
                            .where(recorded_offences.c.release_id == head.id)).all()
    return head.id, {(f, q, o): c for f, q, o, c in rows}


def _n_releases(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(release)).scalar_one()


# --- concurrency -------------------------------------------------------------------------------


def test_two_concurrent_loads_both_reach_the_head(empty_db, tmp_path, monkeypatch):
    """Both loads read the chain head before either writes (a barrier forces that interleaving
    when nothing serialises them); the newest snapshot must still hold both years."""
    rows = {fy: prc_rows(fy, seed=fy) for fy in (2022, 2023)}
    paths = {fy: write_csv(tmp_path / f"prc-{fy}.csv", r, PRC_HEADERS) for fy, r in rows.items()}
    barrier = threading.Barrier(2)
    real_create = chain.create_release

    def create_after_both_read_the_head(conn, **kw):
        # with the lock the other load is still waiting for it, so the barrier times out
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=BARRIER_WAIT)
        return real_create(conn, **kw)

    monkeypatch.setattr(chain, "create_release", create_after_both_read_the_head)
    reports, errors = {}, {}

    def run(fy):
        try:
            reports[fy] = ingest.load(empty_db, "prc", [paths[fy]])
        except Exception as exc:  # reported below, with the year
            errors[fy] = exc

    threads = [threading.Thread(target=run, args=(fy,)) for fy in rows]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == {}
    superseded = {r.superseded for r in reports.values()}
    assert superseded == {None, min(r.release_id for r in reports.values())}, \
        f"both loads copied forward from the same head: {superseded}"

    head_id, counts = _head_counts(empty_db)
    assert head_id == max(r.release_id for r in reports.values())
    expected = {_key(r): as_count(r["count"]) for fy in rows for r in kept(rows[fy])}
    assert counts == expected


def _short_timeout_engine(engine, monkeypatch):
    monkeypatch.setattr(chain, "LOCK_TIMEOUT", 0.3)
    if engine.dialect.name == "sqlite":  # SQLite waits the connection's busy timeout
        return create_engine(engine.url, connect_args={"timeout": 0.3})
    return engine


def test_a_load_refuses_cleanly_while_another_holds_the_chain(empty_db, tmp_path, monkeypatch):
    first = ingest.load(empty_db, "prc", [write_csv(tmp_path / "a.csv", prc_rows(2022), PRC_HEADERS)])
    second = write_csv(tmp_path / "b.csv", prc_rows(2023), PRC_HEADERS)
    impatient = _short_timeout_engine(empty_db, monkeypatch)
    with empty_db.begin() as holder:
        chain.lock_chain(holder)  # what a running load holds
        with pytest.raises(ingest.IngestError) as info:
            ingest.load(impatient, "prc", [second])
    assert str(info.value) == "another load is running on this database; try again when it has finished"
    assert "\n" not in str(info.value)
    assert _n_releases(empty_db) == 1
    assert _head_counts(empty_db)[0] == first.release_id
    # once the other load has finished, the same load goes through
    assert ingest.load(impatient, "prc", [second]).superseded == first.release_id
    if impatient is not empty_db:
        impatient.dispose()


# --- revisions ---------------------------------------------------------------------------------


def test_revisions_include_added_and_removed_keys(empty_db, tmp_path):
    """A re-published Q3-Q4 that drops some rows, adds others and changes one value; plus a new quarter."""
    base = prc_rows(2023)
    q34 = [r for r in base if r["financial_quarter"] in (3, 4)]
    dyfed = [r for r in q34 if r["force_name"] == "Dyfed Powys" and r["offence_group"] == "Sexual offences"]
    added_later = {id(r) for r in dyfed if r["financial_quarter"] == 3}  # missing from the old file
    removed_later = {id(r) for r in dyfed if r["financial_quarter"] == 4}  # missing from the new file
    old_rows = [r for r in base if id(r) not in added_later]
    new_rows = [dict(r) for r in q34 if id(r) not in removed_later]
    changed = next(r for r in new_rows if r["force_name"] == "Avon and Somerset" and r["financial_quarter"] == 4)
    changed["count"] += 7
    next_quarter = prc_rows(2024, quarters=(1,), seed=5)
    assert added_later and removed_later

    r1 = ingest.load(empty_db, "prc", [write_csv(tmp_path / "old.csv", old_rows, PRC_HEADERS)])
    r2 = ingest.load(empty_db, "prc", [write_csv(tmp_path / "new.csv", new_rows + next_quarter, PRC_HEADERS)])

    old = {_key(r): as_count(r["count"]) for r in kept(old_rows)}
    new = {_key(r): as_count(r["count"]) for r in kept(new_rows)}
    revised_quarters = {20233, 20234}
    expected = {}
    for k in set(old) | set(new):
        if k[1] not in revised_quarters:
            continue
        before, after = old.get(k), new.get(k)
        if k not in old or k not in new or before != after:
            expected[k] = (before, after)
    n_added = sum(1 for k in expected if k not in old)
    n_removed = sum(1 for k in expected if k not in new)
    assert n_added == len(added_later) and n_removed == len(removed_later)  # the test really did both

    got = ingest.list_revisions(empty_db, r2.release_id, tier="restricted")
    as_dict = {(x["force_code"], x["quarter"], x["offence_code"]):
               tuple(None if v is None else int(v) for v in (x["old_value"], x["new_value"]))
               for x in got.iter_rows(named=True)}
    assert as_dict == expected
    assert got.height == len(expected) == r2.revisions
    assert set(got["previous_release_id"]) == {r1.release_id}
    assert 20241 not in set(got["quarter"])  # a new quarter is new data, not a revision
    for x in got.iter_rows(named=True):  # the absent side has no missing reason either
        if x["old_value"] is None:
            assert x["old_missing_reason"] is None
        if x["new_value"] is None:
            assert x["new_missing_reason"] is None
