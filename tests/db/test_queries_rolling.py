"""The rolling grain in the query: each point is that twelve-month period (queries.metric_table)."""

from __future__ import annotations

import polars as pl
import pytest

import queries
from metrics.periods import add_quarters, year_ending


@pytest.mark.parametrize("metric_id", ["charge_rate", "recorded_offences", "median_days_to_charge"])
def test_each_rolling_point_is_the_same_as_that_twelve_month_period(small_db, metric_id):
    info = queries.release_info(small_db, 1)
    common = {"release_id": 1, "metric_id": metric_id, "offence_group": "rape", "area": "national"}
    rolling = queries.metric_table(small_db, first_quarter=info.first_quarter,
                                   last_quarter=info.last_quarter, grain="rolling", **common)
    quarterly = queries.metric_table(small_db, first_quarter=info.first_quarter,
                                     last_quarter=info.last_quarter, grain="quarter", **common)
    # one point per quarter from the first whole year on
    assert len(rolling) == len(quarterly.filter(pl.col("period_end") >= rolling["period_end"].min()))
    assert rolling["period_end"].min() == year_ending(rolling["period_end"].min()).last
    for end in (rolling["period_end"].min(), 20243, info.last_quarter):
        p = year_ending(end)
        alone = queries.metric_table(small_db, first_quarter=p.first, last_quarter=p.last, grain="period", **common)
        got = rolling.filter(pl.col("period_end") == end).drop("period").to_dicts()
        assert got == alone.drop("period").to_dicts(), end
        assert rolling.filter(pl.col("period_end") == end)["period"][0] == p.label


def test_a_hidden_median_over_a_span_that_is_not_a_node_is_not_offered(small_db):
    """[x], not [c], as for counts over such spans: a [c] median says its closed cases are few, a
    count no protected cell holds (the whole-release audit narrowed two to 1..4); over quarters,
    which are cells of the protection, a hidden median stays [c]."""
    info = queries.release_info(small_db, 1)
    first = add_quarters(info.last_quarter, -1)  # two quarters: not a node
    common = dict(release_id=1, metric_id="median_days_to_outcome", offence_group="child_rape", area="all")
    picked = queries.metric_table(small_db, first_quarter=first, last_quarter=info.last_quarter, grain="period",
                                  **common)
    quarters = queries.metric_table(small_db, first_quarter=info.first_quarter, last_quarter=info.last_quarter,
                                    grain="quarter", **common)
    hidden = picked.filter(pl.col("value").is_null())["flag"].to_list()
    assert hidden and set(hidden) == {"[x]"}
    assert set(quarters.filter(pl.col("value").is_null())["flag"].to_list()) == {"[c]"}
