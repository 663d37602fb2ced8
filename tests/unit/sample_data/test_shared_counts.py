"""The synthetic force MI holds, by construction, the same counts as the Home Office tables where
the count families say so (metrics.disclosure.families LINKS and shared denominators). If the
generator ever stops making them equal, the protection's links would be claiming an identity the
data do not have: this test says so."""

from __future__ import annotations

import polars as pl

from metrics.disclosure import families as fam
from sample_data.generator import generate


def _mi(data, indicator: str, column: str) -> pl.DataFrame:
    return (data.indicators.filter(pl.col("indicator") == indicator)
            .select("force_code", pl.col("quarter").cast(pl.Int64), pl.col(column).alias("mi")))


def test_force_mi_counts_equal_the_home_office_counts_they_are_linked_to():
    data = generate(4_000, seed=3, first_quarter=20191, last_quarter=20214)
    recorded = data.recorded.group_by("force_code", pl.col("quarter").cast(pl.Int64)).agg(ho=pl.col("count").sum())
    closed = (data.outcomes.filter(pl.col("basis") == "closed")
              .group_by("force_code", pl.col("quarter").cast(pl.Int64)).agg(ho=pl.col("count").sum()))
    pairs = {("isva_referral_rate", "denominator"): recorded, ("device_taken_share", "denominator"): recorded,
             ("cps_referral_rate", "denominator"): closed}
    for (indicator, column), ho in pairs.items():
        joined = _mi(data, indicator, column).join(ho, on=["force_code", "quarter"], how="left")
        assert joined.height > 0
        assert (joined["mi"] == joined["ho"].fill_null(0)).all(), (indicator, column)
    taken = _mi(data, "device_taken_share", "numerator")
    returned_of = _mi(data, "device_return_28d_rate", "denominator")
    assert taken.join(returned_of, on=["force_code", "quarter"]).select(
        (pl.col("mi") == pl.col("mi_right")).all()).item()
    staff = _mi(data, "trained_investigator_share", "denominator").join(
        _mi(data, "investigator_caseload", "denominator"), on=["force_code", "quarter"])
    assert (staff["mi"] == staff["mi_right"]).all()
    assert {link.family for link in fam.LINKS} == {"mi:recorded", "mi:closed"}
