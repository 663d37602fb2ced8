"""The force profile's helpers through an engine reader (no Streamlit), as `rasso brief` calls
them: a force's peers in each set, and its pillar profile, on the small synthetic release."""

from __future__ import annotations

import polars as pl

from db.reference import FORCES
from db.releases import default_release_id
from metrics.periods import year_ending
from metrics.registry import METRICS
from queries import metric_table, release_info
from reports.reader import engine_reader, peer_set_of, pillar_profile_frame_of

AVON = "E23000036"


def test_peer_sets_from_an_engine(small_db):
    rid = default_release_id(small_db)
    region, label = peer_set_of(engine_reader(small_db), rid, AVON, None)
    assert set(region.peers) == {f.code for f in FORCES if f.region == "South West"} - {AVON}
    assert label == "Same region: South West"
    similar, label = peer_set_of(engine_reader(small_db), rid, AVON, "similar")
    assert len(similar.peers) == 5 and AVON not in similar.peers
    assert label.startswith("Similar forces (computed: the 5 forces nearest to it on resident population")
    assert "population density is not used: no police force area boundaries are loaded" in label
    assert peer_set_of(engine_reader(small_db), rid, AVON, "similar")[0].peers == similar.peers  # deterministic
    missing, label = peer_set_of(engine_reader(small_db), rid, AVON, "No such group")
    assert missing.peers == () and label == "No such group (no such group is loaded)"


def test_pillar_profile_from_an_engine_uses_the_protected_metric_table(small_db):
    info = release_info(small_db, default_release_id(small_db))
    period = year_ending(info.last_quarter)
    frame = pillar_profile_frame_of(engine_reader(small_db), info, AVON, offence="rape", first_quarter=period.first,
                                    last_quarter=period.last)
    assert frame.height == len(METRICS)
    table = metric_table(small_db, release_id=info.id, metric_id="charge_rate", offence_group="rape", area="all",
                         first_quarter=period.first, last_quarter=period.last, grain="period")
    mine = table.filter(pl.col("area_code") == AVON).row(0, named=True)
    row = frame.filter(pl.col("metric") == "charge_rate").row(0, named=True)
    if mine["flag"] == "[c]":
        assert row["value_text"] == "[c]" and row["value"] is None
    else:
        assert row["value"] == mine["value"] and row["numerator"] == mine["numerator"]
