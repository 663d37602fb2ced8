"""Peer-set words (words.peers) and the summaries that use them (words.comparison): the words
name the peer set the reader chose and never call it a 'most similar' group."""

from __future__ import annotations

import polars as pl
import pytest

from analysis import comparison as cmp
from db.reference import FORCES, NOM_PHASES, PATHFINDER, PHASE_LABELS, nom_phase
from metrics.registry import metric
from words import comparison as say
from words import peers

AVON = "E23000036"
CHARGE = metric("charge_rate")
REFERENCE = pl.DataFrame({"code": [f.code for f in FORCES], "name": [f.name for f in FORCES],
                          "region": [f.region for f in FORCES],
                          "nom_phase": [nom_phase(f.code)[0] for f in FORCES]})


@pytest.fixture(scope="module")
def comp() -> cmp.Comparison:
    rows = [{"area_code": f.code, "area_name": f.name, "numerator": 60.0, "denominator": 1000.0,
             "value": 6.0, "lower": 5.0, "upper": 7.0, "flag": ""} for f in FORCES]
    national = {"numerator": 60.0 * len(rows), "denominator": 1000.0 * len(rows), "value": 6.0}
    return cmp.compare_forces(pl.DataFrame(rows), national, REFERENCE, CHARGE)


def test_nom_phase_summaries_name_the_phase_and_its_forces(comp):
    others = [f.name for f in FORCES if NOM_PHASES.get(f.code, ("",))[0] == PATHFINDER and f.code != AVON]
    label = PHASE_LABELS[PATHFINDER].lower()
    text = say.peer_summary(comp, AVON, CHARGE, "nom_phase")
    assert text.startswith("NOM-phase peers:") and label in text
    assert "not a verified 'most similar' group" in text
    assert all(name in text for name in others)
    where = say.selected_summary(comp, AVON, CHARGE, "nom_phase")
    assert f"Of its {len(others)} NOM-phase peers in the {label} phase" in where
    assert "region" not in where


def test_region_words_stay_the_default(comp):
    assert say.peer_summary(comp, AVON, CHARGE).startswith("Region peers: the other forces of South West")
    assert "region peers in South West" in say.selected_summary(comp, AVON, CHARGE)


@pytest.mark.parametrize("peer_set", list(cmp.PEER_FIELDS))
def test_every_peer_set_has_a_label_heading_title_and_caveat(comp, peer_set):
    me = comp.rows()[AVON]
    assert peers.PEER_SET_LABELS[peer_set] and peers.PEER_SET_HEADINGS[peer_set]
    assert peers.peer_title(me, peer_set).startswith("Avon and Somerset and the other forces")
    assert "Most Similar Group membership is not built in" in peers.peer_caveat(peer_set)
    assert "rasso ingest peer-groups" in peers.peer_caveat(peer_set)
    assert me["name"] not in peers.no_peers(me, peer_set)  # names the group, not the force


def test_the_peer_title_names_the_group(comp):
    me = comp.rows()[AVON]
    assert peers.peer_title(me, "region").endswith("of South West")
    assert PHASE_LABELS[PATHFINDER].lower() in peers.peer_title(me, "nom_phase")


def _similar(dropped=None):
    from analysis.peers import Similar

    frame = pl.DataFrame(schema={"code": pl.String, "peer_code": pl.String, "rank": pl.Int64,
                                 "distance": pl.Float64})
    used = tuple(f for f in ("population", "density", "recorded") if f not in (dropped or {}))
    return Similar(frame, used, dict(dropped or {}), 5)


def test_computed_similar_forces_are_labelled_computed_and_say_what_was_left_out(comp):
    from analysis.peers import NO_BOUNDARIES, SIMILAR, PeerSet

    ps = PeerSet("similar", SIMILAR, AVON, ("E23000039",), group="computed",
                 similar=_similar({"density": NO_BOUNDARIES}))
    label = peers.peer_set_label(ps)
    assert label.startswith("Similar forces (computed: the 5 forces nearest to it on resident population "
                            "and recorded sexual offences")
    assert "population density is not used: no police force area boundaries are loaded" in label
    me = comp.rows()[AVON]
    assert peers.heading(ps) == "Similar forces (computed)" and "(computed)" in peers.peer_title(me, ps)
    assert "Of its 1 similar force" not in say.selected_summary(comp, AVON, CHARGE, ps)
    assert "Its one similar force (computed)" in say.selected_summary(comp, AVON, CHARGE, ps)
    assert say.peer_summary(comp, AVON, CHARGE, ps).startswith("Similar forces (computed): the 5 forces")


def test_a_loaded_group_names_its_file_and_release(comp):
    from analysis.peers import LOADED, PeerSet

    src = {"file_name": "msg.csv", "release_id": 7, "loaded_at": "05 December 2026"}
    ps = PeerSet("HMICFRS MSG", LOADED, AVON, ("E23000039", "E23000037"), group="HMICFRS MSG", source=src)
    assert peers.peer_set_label(ps) == "HMICFRS MSG (loaded from msg.csv, release 7, 05 December 2026)"
    assert peers.selector_label("HMICFRS MSG") == "HMICFRS MSG (loaded)"
    assert peers.heading(ps) == "Peer group: HMICFRS MSG (loaded)"
    where = say.selected_summary(comp, AVON, CHARGE, ps)
    assert "Of its 2 peers in the loaded group HMICFRS MSG" in where
    none = PeerSet("HMICFRS MSG", LOADED, AVON, (), group="HMICFRS MSG", source=src)
    assert say.selected_summary(comp, AVON, CHARGE, none).endswith("The loaded group HMICFRS MSG lists no peers for it.")


def test_the_loaded_groups_line_lists_each_group_once():
    groups = pl.DataFrame({"group_name": ["A", "A", "B"], "file_name": ["a.csv", "a.csv", "b.csv"],
                           "release_id": [3, 3, 4], "loaded_at": ["01 May 2026"] * 3})
    assert peers.loaded_groups_line(groups) == ("Loaded peer groups: A (loaded from a.csv, release 3, 01 May 2026); "
                                                "B (loaded from b.csv, release 4, 01 May 2026).")
    assert peers.loaded_groups_line(groups.head(0)) == "No peer groups are loaded."
