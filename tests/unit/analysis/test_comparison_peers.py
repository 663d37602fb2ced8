"""Peer sets of the force comparison (analysis.comparison): the same region or the same NOM
phase, checked against the reference lists independently; and the address offers only these."""

from __future__ import annotations

import polars as pl
import pytest

from analysis import comparison as cmp
from analysis.url_state import PEER_SETS, parse_state
from db.reference import FORCES, NOM_PHASES, PATHFINDER, TERRITORIAL_CODES, nom_phase
from metrics.registry import metric

AVON = "E23000036"  # a pathfinder in the South West
KENT = "E23000032"  # not named as a pathfinder or early adopter: national roll-out
REFERENCE = pl.DataFrame({"code": [f.code for f in FORCES], "name": [f.name for f in FORCES],
                          "region": [f.region for f in FORCES],
                          "nom_phase": [nom_phase(f.code)[0] for f in FORCES]})


def _comparison(reference: pl.DataFrame = REFERENCE) -> cmp.Comparison:
    rows = [{"area_code": f.code, "area_name": f.name, "numerator": 50.0 + i, "denominator": 1000.0,
             "value": (50.0 + i) / 10, "lower": (50.0 + i) / 10 - 1, "upper": (50.0 + i) / 10 + 1,
             "flag": ""} for i, f in enumerate(FORCES)]
    national = {"numerator": sum(r["numerator"] for r in rows), "denominator": 1000.0 * len(rows)}
    national["value"] = 100 * national["numerator"] / national["denominator"]
    return cmp.compare_forces(pl.DataFrame(rows), national, reference, metric("charge_rate"))


def test_nom_phase_peers_are_the_other_forces_of_the_same_phase():
    comp = _comparison()
    pathfinders = {code for code, (phase, *_rest) in NOM_PHASES.items() if phase == PATHFINDER}
    assert AVON in pathfinders and len(pathfinders) > 2
    assert set(cmp.peer_codes(comp, AVON, "nom_phase")) == pathfinders - {AVON}
    assert {r["code"] for r in cmp.peer_rows(comp, AVON, "nom_phase")} == pathfinders


def test_nom_phase_peers_differ_from_region_peers():
    comp = _comparison()
    south_west = {f.code for f in FORCES if f.region == "South West"} - {AVON}
    assert set(cmp.peer_codes(comp, AVON, "region")) == south_west
    assert set(cmp.peer_codes(comp, AVON)) == south_west  # region is the default
    assert set(cmp.peer_codes(comp, AVON, "nom_phase")) != south_west


def test_a_national_roll_out_force_has_every_force_not_named_earlier_as_peers():
    comp = _comparison()
    later = set(TERRITORIAL_CODES) - set(NOM_PHASES) - {KENT}
    assert KENT not in NOM_PHASES
    assert set(cmp.peer_codes(comp, KENT, "nom_phase")) == later


def test_without_phases_in_the_reference_a_force_has_no_phase_peers():
    comp = _comparison(REFERENCE.drop("nom_phase"))
    assert cmp.peer_codes(comp, AVON, "nom_phase") == []
    assert [r["code"] for r in cmp.peer_rows(comp, AVON, "nom_phase")] == [AVON]


def test_peer_codes_for_no_force_or_an_unknown_one_are_empty():
    comp = _comparison()
    assert cmp.peer_codes(comp, None, "nom_phase") == []
    assert cmp.peer_codes(comp, "E99999999", "nom_phase") == []


def test_the_address_offers_the_column_sets_and_computed_similar_forces():
    assert set(PEER_SETS) == set(cmp.PEER_FIELDS) | {"similar"} == {"region", "nom_phase", "similar"}
    assert all(field in _comparison().frame.columns for field in cmp.PEER_FIELDS.values())


@pytest.mark.parametrize("value", ["similar", "region", "nom_phase"])
def test_a_fixed_peer_set_in_the_address_is_kept(value):
    state, notices = parse_state({"peer": value}, valid_forces=TERRITORIAL_CODES,
                                 valid_releases=[1], latest_quarter=20262)
    assert (state.peer, notices) == (value, [])


def test_a_loaded_group_name_in_the_address_is_kept_only_when_loaded():
    kw = {"valid_forces": TERRITORIAL_CODES, "valid_releases": [1], "latest_quarter": 20262}
    state, notices = parse_state({"peer": "HMICFRS MSG"}, peer_groups=["HMICFRS MSG"], **kw)
    assert (state.peer, notices) == ("HMICFRS MSG", [])
    state, notices = parse_state({"peer": "HMICFRS MSG"}, **kw)
    assert state.peer is None
    assert len(notices) == 1 and notices[0].startswith("Ignored `peer` 'HMICFRS MSG'")
    assert "no peer group is loaded" in notices[0] and "region peers instead" in notices[0]


@pytest.mark.parametrize("value", ["SIMILAR", "Other group", "<b>x</b>"])
def test_an_unknown_peer_set_gives_a_notice_naming_the_loaded_groups(value):
    state, notices = parse_state({"peer": value}, valid_forces=TERRITORIAL_CODES, valid_releases=[1],
                                 latest_quarter=20262, peer_groups=["HMICFRS MSG"])
    assert state.peer is None
    assert len(notices) == 1 and notices[0].startswith("Ignored `peer`")
    assert "a loaded peer group (HMICFRS MSG)" in notices[0] and "<b>" not in notices[0]
