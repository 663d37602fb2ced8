"""The aggregates of the case records written at load (db.case_aggregates) against the records.

Every query that reads them must give the numbers it gave from the records, and a release loaded
before they existed (no rows in them) must be read from its records, with the same answers.
"""

from __future__ import annotations

import polars as pl
from sqlalchemy import delete, func, select

from db import case_aggregates
from db.case_aggregates import case_days, case_journey_count
from db.schema import case_record
from metrics import registry as reg
from metrics.offence_groups import OFFENCE_GROUPS
from queries import case_journey, day_percentiles, metric_table, sql

DAYS_METRICS = ("median_days_to_charge", "median_days_to_outcome")


def _drop_aggregates(conn, release_id: int) -> None:
    for table in (case_journey_count, case_days):
        conn.execute(delete(table).where(table.c.release_id == release_id))


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(frame.columns)


def test_the_aggregates_count_every_case_record(small_db):
    with small_db.connect() as conn:
        assert case_aggregates.stored(conn, 1)
        records = conn.execute(select(func.count()).where(case_record.c.release_id == 1)).scalar_one()
        closed = conn.execute(select(func.count()).where(case_record.c.release_id == 1,
                                                         case_record.c.outcome_type != 0)).scalar_one()
        journey = conn.execute(select(func.sum(case_journey_count.c.cases))).scalar_one()
        days = conn.execute(select(func.sum(case_days.c.cases))).scalar_one()
        smaller = conn.execute(select(func.count()).select_from(case_days)).scalar_one()
    assert records > 0 and closed > 0
    assert (journey, days) == (records, closed)
    assert smaller < closed  # cases closing in the same quarter after the same days share a row


def _sql_answers(conn) -> dict:
    charge_types = reg.metric("charge_rate").numerator_types
    out = {"journey": _sorted(sql.journey_counts(conn, release_id=1, first_quarter=20151, last_quarter=20262,
                                                 charge_types=charge_types))}
    for group in OFFENCE_GROUPS.values():
        for by_force in (True, False):
            for outcome_type in (None, 1):
                for lo, hi in ((20151, 20262), (20253, 20262), (20221, 20221)):
                    out[(group.id, by_force, outcome_type, lo, hi)] = _sorted(sql.days_histogram(
                        conn, release_id=1, group=group, outcome_type=outcome_type, first_quarter=lo,
                        last_quarter=hi, by_force=by_force))
    return out


def test_the_queries_read_the_same_counts_from_the_aggregates_as_from_the_records(small_db):
    with small_db.connect() as conn:
        aggregated = _sql_answers(conn)
        _drop_aggregates(conn, 1)
        assert not case_aggregates.stored(conn, 1)
        scanned = _sql_answers(conn)
        conn.rollback()  # the shared release keeps its aggregates
    assert aggregated["journey"].height > 0
    assert sum(frame.height for frame in aggregated.values()) > 1000
    assert aggregated.keys() == scanned.keys()
    for key, frame in aggregated.items():
        assert frame.equals(scanned[key]), key


def _public_answers(engine) -> dict:
    out = {}
    for group in OFFENCE_GROUPS:
        out[("journey", group)] = case_journey(engine, release_id=1, offence_group=group)
    for metric in DAYS_METRICS:
        for area, grain, lo in (("national", "quarter", 20151), ("all", "year", 20151), ("all", "period", 20213),
                                ("E23000001", "rolling", 20151), ("national", "period", 20211)):
            args = {"release_id": 1, "metric_id": metric, "offence_group": "adult_rape", "area": area,
                    "first_quarter": lo, "last_quarter": 20224, "grain": grain}
            out[("table", metric, area, grain)] = metric_table(engine, **args)
            if grain != "rolling":
                out[("percentiles", metric, area, grain)] = day_percentiles(engine, **args)
    return out


def test_a_release_loaded_before_the_aggregates_gives_the_same_public_tables(empty_db):
    """Public tier, protection and display rules included: the page-level answers are unchanged
    when the release's aggregates are missing (read from its records) or present."""
    from sample_data.load import load_sample

    load_sample(empty_db, cases=4000, seed=11, last_quarter=20224)
    with_aggregates = _public_answers(empty_db)
    with empty_db.begin() as conn:
        _drop_aggregates(conn, 1)
    with empty_db.connect() as conn:
        assert not case_aggregates.stored(conn, 1)
    from_records = _public_answers(empty_db)
    assert with_aggregates[("journey", "adult_rape")].height > 0
    shown = [f for k, f in with_aggregates.items() if k[0] == "table" and f["value"].is_not_null().any()]
    assert shown, "no median shown anywhere: the comparison would prove nothing"
    for key, frame in with_aggregates.items():
        assert frame.equals(from_records[key]), key


def test_a_release_without_case_records_writes_no_aggregates_and_has_no_journey(published_only_db):
    with published_only_db.connect() as conn:
        ids = conn.execute(select(func.max(case_record.c.release_id))).scalar()
        rows = [conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in (case_journey_count, case_days)]
    assert ids is None and rows == [0, 0]
    for release_id in (1, 2):
        assert case_journey(published_only_db, release_id=release_id, offence_group="adult_rape").is_empty()
