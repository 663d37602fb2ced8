"""The disclosure protection persisted with each release: computed inside the load's transaction,
read back as stored, the same as computed in memory, and carried from one edition to the next.

Expected values are recomputed here from the stored facts (node sums written out in the test),
never with the code under test.
"""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import delete, func, insert, select

from db import protection
from db.protection import hidden_cells, protect_release, release_cells, stored_run
from db.protection_leaves import UnplacedOffence, read_leaves
from db.releases import create_release, finish_release
from db.schema import (
    NOT_PROVIDED,
    disclosure_cell,
    disclosure_run,
    indicator_value,
    offence,
    outcome_type,
    outcomes,
    recorded_offences,
)
from helpers.ingest_files import PRC_HEADERS, database_checksum, prc_rows, write_csv
from helpers.testdb import BACKENDS
from metrics.disclosure.families import window_keys, window_quarters
from metrics.disclosure.line_rule import ProtectionError
from sample_data.editions import next_edition
from sample_data.load import load_sample

CASES, SEED, LAST = 3_000, 5, 20174
"""Small and short (three years), so that many cells are small and the test stays quick."""
KEYS = ["family", "area_code", "period_key", "offence", "category"]


@pytest.fixture(scope="module", params=BACKENDS)
def loaded(request, tmp_path_factory, fresh_engine):
    """One protected sample per backend, shared by the tests of this module: each leaves it as
    it found it, except the next edition, which only adds a release."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("RASSO_DISCLOSURE_THRESHOLD", raising=False)
        engine = fresh_engine(request.param, tmp_path_factory.mktemp(f"protection-{request.param}"))
        release_id = load_sample(engine, cases=CASES, seed=SEED, last_quarter=LAST)
        yield engine, release_id
    engine.dispose()


@pytest.fixture(autouse=True)
def _default_threshold(monkeypatch):
    monkeypatch.delenv("RASSO_DISCLOSURE_THRESHOLD", raising=False)


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(KEYS)


def _recorded_national(engine, release_id: int) -> dict[int, int]:
    """Offences recorded per quarter, England and Wales with BTP, summed here from the fact table."""
    t = recorded_offences
    with engine.connect() as conn:
        rows = conn.execute(select(t.c.quarter, func.sum(t.c.count)).where(t.c.release_id == release_id)
                            .group_by(t.c.quarter)).all()
    return {int(q): int(n) for q, n in rows}


def test_load_sample_persists_the_protection(loaded):
    engine, release_id = loaded
    with engine.connect() as conn:
        run = stored_run(conn, release_id)
        stored = hidden_cells(conn, release_id)
        cells = release_cells(conn, release_id, 5)
    assert run is not None and run.threshold == 5 and run.prior_release_id is None
    assert run.cells == cells.height > 0
    assert stored.height == run.hidden == sum(run.hidden_by_reason.values()) > 0
    assert set(stored["reason"].unique()) <= {"primary", "secondary", "linked"}  # no prior: nothing carried
    # the node values are the facts' sums, and exactly the cells of 1 to 4 are primary
    national = cells.filter((pl.col("family") == "recorded") & (pl.col("area_code") == "K04000001")
                            & (pl.col("offence") == "all_sexual") & (pl.col("period_key") % 10 != 0))
    assert dict(national.select("period_key", pl.col("value").cast(pl.Int64)).iter_rows()) == \
        _recorded_national(engine, release_id)
    small = cells.filter(pl.col("value").is_between(1, 4))
    assert small.height > 0 and (small["reason"] != "").all()
    assert set(cells.filter(pl.col("reason") == "primary")["value"].unique()) <= {1.0, 2.0, 3.0, 4.0}
    hidden = cells.filter(pl.col("reason") != "").select(stored.columns)
    assert_frame_equal(_sorted(hidden), _sorted(stored))


def test_failing_protection_rolls_the_load_back(loaded, monkeypatch):
    """A protection that fails leaves the database exactly as it was: no release, no facts, no cells."""
    engine, _ = loaded
    before = database_checksum(engine)

    def fail(*_args, **_kwargs):
        raise ProtectionError("cannot protect")

    monkeypatch.setattr(protection, "protect_cells", fail)
    with pytest.raises(ProtectionError):
        load_sample(engine, cases=CASES, seed=SEED + 1, last_quarter=LAST)
    assert database_checksum(engine) == before


def test_hidden_cells_persisted_and_computed_are_identical(loaded):
    engine, release_id = loaded
    with engine.connect() as conn:
        stored = hidden_cells(conn, release_id)
        only = hidden_cells(conn, release_id, families=["recorded", "outcomes_closed"])
    with engine.connect() as conn:
        trans = conn.begin()
        conn.execute(delete(disclosure_cell).where(disclosure_cell.c.release_id == release_id))
        conn.execute(delete(disclosure_run).where(disclosure_run.c.release_id == release_id))
        protection._COMPUTED.clear()
        computed = hidden_cells(conn, release_id)
        trans.rollback()
    assert_frame_equal(_sorted(stored), _sorted(computed))
    assert set(only["family"].unique()) == {"recorded", "outcomes_closed"}
    assert_frame_equal(_sorted(only), _sorted(stored.filter(pl.col("family").is_in(["recorded", "outcomes_closed"]))))


def test_another_threshold_is_computed_in_memory_without_writing(loaded):
    engine, release_id = loaded
    before = database_checksum(engine)
    with engine.connect() as conn:
        at5 = hidden_cells(conn, release_id)
        at3 = hidden_cells(conn, release_id, threshold=3)
        cells3 = release_cells(conn, release_id, 3)
    assert database_checksum(engine) == before
    primary3 = cells3.filter(pl.col("reason") == "primary")
    assert set(primary3["value"].unique()) == {1.0, 2.0}
    assert not at3.equals(at5) and at3.height < at5.height


def test_release_without_counts_gets_a_run_of_no_cells(empty_db):
    with empty_db.begin() as conn:
        release_id = create_release(conn, source="boundaries", label="boundaries only", synthetic=False)
        finish_release(conn, release_id, first_quarter=None, last_quarter=None, row_counts={"boundary": 43})
        summary = protect_release(conn, release_id, threshold=5)
    with empty_db.connect() as conn:
        assert stored_run(conn, release_id).cells == 0 == summary.cells
        assert hidden_cells(conn, release_id).height == 0


def _unchanged_hidden_are_hidden(engine, old_id: int, new_id: int) -> tuple[int, int]:
    """(cells hidden in the old edition with an unchanged value, of them shown in the new)."""
    with engine.connect() as conn:
        old = release_cells(conn, old_id, 5)
        new = release_cells(conn, new_id, 5)
    both = old.join(new, on=KEYS, suffix="_new")
    same = both.filter((pl.col("reason") != "") & (pl.col("value") == pl.col("value_new")))
    return same.height, same.filter(pl.col("reason_new") == "").height


def test_next_edition_revises_and_carries_the_hidden_cells(loaded):
    engine, original = loaded
    edition = next_edition(engine, original, seed=1)
    with engine.connect() as conn:
        run = stored_run(conn, edition)
        new = release_cells(conn, edition, 5)
        old = release_cells(conn, original, 5)
        still_open = [conn.execute(select(func.sum(outcomes.c.count)).where(
            outcomes.c.release_id == r, outcomes.c.outcome_type == 0)).scalar_one() for r in (original, edition)]
    assert run.prior_release_id == original and run.hidden_by_reason.get("carried", 0) > 0
    changed = old.join(new, on=KEYS, suffix="_new").filter(pl.col("value") != pl.col("value_new"))
    assert changed.height > 0 and still_open[1] < still_open[0]  # late outcomes
    unchanged, shown_now = _unchanged_hidden_are_hidden(engine, original, edition)
    assert unchanged > 0 and shown_now == 0


def test_published_chain_load_protects_with_the_head_as_prior(empty_db, tmp_path):
    import ingest

    first = write_csv(tmp_path / "prc-2022.csv", prc_rows(2022, seed=1), PRC_HEADERS)
    revised_rows = prc_rows(2022, seed=1)
    for r in revised_rows[10:40]:  # a later edition revises some counts of the same year
        if isinstance(r["count"], int) and r["count"] > 10:
            r["count"] -= 1
    second = write_csv(tmp_path / "prc-2022-revised.csv", revised_rows, PRC_HEADERS)
    a = ingest.load(empty_db, "prc", [first]).release_id
    b = ingest.load(empty_db, "prc", [second]).release_id
    with empty_db.connect() as conn:
        run_a, run_b = stored_run(conn, a), stored_run(conn, b)
    assert run_a.prior_release_id is None and run_b.prior_release_id == a
    assert run_a.cells > 0 and run_b.cells > 0
    unchanged, shown_now = _unchanged_hidden_are_hidden(empty_db, a, b)
    assert shown_now == 0
    assert unchanged == 0 or run_b.hidden_by_reason.get("carried", 0) > 0


def _hand_release(engine) -> int:
    """A release of a few facts whose leaves are written out by hand below."""
    with engine.begin() as conn:
        rid = create_release(conn, source="published", label="hand-made", synthetic=False)
        conn.execute(insert(recorded_offences), [
            {"release_id": rid, "force_code": "E23000001", "quarter": 20241, "offence_code": c, "count": n,
             "missing_reason": None} for c, n in (("19C", 2), ("19F", 3), ("19D", 4), ("17A", 5), ("20A", 6))] + [
            {"release_id": rid, "force_code": "BTP", "quarter": 20242, "offence_code": "19C", "count": None,
             "missing_reason": NOT_PROVIDED}])
        conn.execute(insert(outcomes), [
            {"release_id": rid, "force_code": "E23000001", "quarter": 20241, "offence_code": c, "outcome_type": t,
             "basis": b, "count": n, "missing_reason": None}
            for c, t, b, n in (("19C", 0, "recorded", 7), ("19C", 0, "closed", 99), ("19C", 1, "closed", 2),
                               ("19F", 1, "closed", 1), ("19C", 14, "closed", 3), ("19C", 15, "closed", 4))])
        conn.execute(insert(indicator_value), [
            {"release_id": rid, "force_code": "E23000002", "quarter": 20243, "indicator": "isva_referral_rate",
             "numerator": 3.0, "denominator": 10.0},
            {"release_id": rid, "force_code": "E23000002", "quarter": 20243, "indicator": "not_a_family",
             "numerator": 1.0, "denominator": 1.0}])
    return rid


def test_read_leaves_in_the_engines_layout(empty_db):
    rid = _hand_release(empty_db)
    with empty_db.connect() as conn:
        leaves, span = read_leaves(conn, rid)
        groups = dict(conn.execute(select(outcome_type.c.type, outcome_type.c.ho_group)).all())
    assert span == (20241, 20243)
    got = {(r["family"], r["area_code"], r["quarter"], r["offence"], r["category"]): r["value"]
           for r in leaves.iter_rows(named=True)}
    expected = {
        ("recorded", "E23000001", 20241, "adult_rape", "all"): 5.0,
        ("recorded", "E23000001", 20241, "child_rape", "all"): 4.0,
        ("recorded", "E23000001", 20241, "other_sexual", "all"): 11.0,
        ("recorded", "BTP", 20242, "adult_rape", "all"): None,  # not provided
        ("outcomes_recorded", "E23000001", 20241, "adult_rape", groups[0]): 7.0,
        ("outcomes_closed", "E23000001", 20241, "adult_rape", groups[1]): 3.0,  # outcome 0 never closed
        ("mi:isva_referred", "E23000002", 20243, "all_sexual", "all"): 3.0,
        ("mi:recorded", "E23000002", 20243, "all_sexual", "all"): 10.0,
    }
    if groups[14] == groups[15]:
        expected[("outcomes_closed", "E23000001", 20241, "adult_rape", groups[14])] = 7.0
    else:
        expected[("outcomes_closed", "E23000001", 20241, "adult_rape", groups[14])] = 3.0
        expected[("outcomes_closed", "E23000001", 20241, "adult_rape", groups[15])] = 4.0
    assert got == expected


def test_a_rape_code_of_no_age_band_stops_the_load(empty_db):
    """Rape = adult + child rape in every output; a code that is neither cannot be protected."""
    with empty_db.begin() as conn:
        conn.execute(insert(offence).values(code="19Z", description="Rape (age not recorded)", subgroup="rape",
                                            age_band="mixed", expired=False))
        rid = create_release(conn, source="published", label="hand-made", synthetic=False)
        conn.execute(insert(recorded_offences).values(release_id=rid, force_code="E23000001", quarter=20241,
                                                      offence_code="19Z", count=8))
    with empty_db.connect() as conn, pytest.raises(UnplacedOffence, match="rape/mixed"):
        read_leaves(conn, rid)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_release_ending_mid_year_stores_its_12_month_windows(backend, tmp_path, fresh_engine):
    """The latest 12 months (and each year before, ending the same quarter) are protected nodes
    of a release ending in a Q2: their values are the facts' sums and the stored cells agree."""
    engine = fresh_engine(backend, tmp_path)
    release_id = load_sample(engine, cases=CASES, seed=SEED, last_quarter=20182)
    with engine.connect() as conn:
        cells = release_cells(conn, release_id, 5)
        stored = hidden_cells(conn, release_id)
        span = read_leaves(conn, release_id)[1]
    windows = sorted(p for p in cells["period_key"].unique() if p % 10 in (6, 7, 8))
    assert windows == sorted(window_keys(span)) and 20187 in windows
    by_quarter = _recorded_national(engine, release_id)
    national = cells.filter((pl.col("family") == "recorded") & (pl.col("area_code") == "K04000001")
                            & (pl.col("offence") == "all_sexual") & pl.col("period_key").is_in(windows))
    for window, value in national.select("period_key", "value").iter_rows():
        assert value == sum(by_quarter[q] for q in window_quarters(window))
    hidden = cells.filter(pl.col("reason") != "")
    assert hidden.filter(pl.col("period_key").is_in(windows)).height > 0
    assert_frame_equal(_sorted(hidden.select(stored.columns)), _sorted(stored))
    engine.dispose()
