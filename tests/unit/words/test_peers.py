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
