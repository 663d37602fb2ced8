"""``queries.metric_tables`` (several areas of one metric from one read of its counts and
protection) gives each area exactly the table ``queries.metric_table`` gives it alone, on SQLite
and PostgreSQL: the force profile and the pillars grid read through it."""

from __future__ import annotations

import pytest
from polars.testing import assert_frame_equal

from metrics.registry import METRICS
from queries import NATIONAL_CODE, QueryError, metric_table, metric_tables

AREAS = ("all", "national", "E23000036", "BTP")


def _release(engine) -> int:
    from db.releases import latest_release

    return latest_release(engine, "synthetic").id


@pytest.mark.parametrize("metric_id", [m.id for m in METRICS])
def test_each_area_is_the_table_read_alone(small_db, metric_id):
    rid = _release(small_db)
    for window in ({"first_quarter": 20241, "last_quarter": 20244, "grain": "period"},
                   {"first_quarter": 20231, "last_quarter": 20244, "grain": "quarter"}):
        both = metric_tables(small_db, release_id=rid, metric_id=metric_id, offence_group="rape", areas=AREAS,
                             **window)
        assert list(both) == list(AREAS)
        for area in AREAS:
            alone = metric_table(small_db, release_id=rid, metric_id=metric_id, offence_group="rape", area=area,
                                 **window)
            assert_frame_equal(both[area], alone)
        assert both["all"].height > 0 and set(both["national"]["area_code"]) == {NATIONAL_CODE}


def test_hidden_cells_are_the_same_through_both(small_db):
    """The public tier's protection (not only the cell rules) hides the same cells either way."""
    rid = _release(small_db)
    window = {"release_id": rid, "metric_id": "charge_rate", "offence_group": "adult_rape",
              "first_quarter": 20231, "last_quarter": 20244, "grain": "quarter"}
    both = metric_tables(small_db, areas=("all", "national"), **window)
    hidden = both["all"].filter(both["all"]["flag"] == "[c]")
    assert hidden.height > 0 and hidden["value"].null_count() == hidden.height
    assert_frame_equal(both["all"], metric_table(small_db, area="all", **window))


def test_an_unknown_area_is_a_user_error(small_db):
    with pytest.raises(QueryError):
        metric_tables(small_db, release_id=_release(small_db), metric_id="charge_rate", areas=("all", "E99"),
                      first_quarter=20241, last_quarter=20244, grain="period")
