"""`rasso ingest peer-groups`: a good file is stored as a release of its own and read back with
its source; every bad file is refused with a one-line message and the database is unchanged."""

from __future__ import annotations

import polars as pl
import pytest

import ingest
from db.reference import TERRITORIAL_CODES
from db.releases import default_release_id, list_releases
from helpers.ingest_files import database_checksum
from queries.metric_table import metric_table
from queries.peers import group_names, loaded_groups, similar_inputs

AVON, DORSET, GLOS, WILTS = "E23000036", "E23000039", "E23000037", "E23000038"
HEADER = "force_code,group_name,peer_code\n"
GOOD = (HEADER + f"{AVON},MSG,{DORSET}\n{AVON},MSG,{GLOS}\n{DORSET},MSG,{AVON}\n"
        f"{AVON},South pair,{WILTS}\n")


def _write(tmp_path, text: str | bytes, name: str = "groups.csv"):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_a_good_file_is_stored_and_read_back_with_its_source(empty_db, tmp_path):
    report = ingest.load(empty_db, "peer-groups", [_write(tmp_path, GOOD)])
    assert report.release_id is not None and report.rows_kept == 4
    assert group_names(empty_db) == ["MSG", "South pair"]
    groups = loaded_groups(empty_db)
    msg = groups.filter(pl.col("group_name") == "MSG")
    assert sorted(zip(msg["force_code"], msg["peer_code"], strict=True)) == sorted(
        [(AVON, DORSET), (AVON, GLOS), (DORSET, AVON)])
    assert set(groups["file_name"]) == {"groups.csv"} and set(groups["release_id"]) == {report.release_id}
    assert default_release_id(empty_db) is None  # a peer-group release is never shown as data
    again = ingest.load(empty_db, "peer-groups", [_write(tmp_path, GOOD)])
    assert again.release_id is None and "already loaded" in again.message


def test_a_later_file_replaces_the_groups_it_names_and_keeps_the_others(empty_db, tmp_path):
    first = ingest.load(empty_db, "peer-groups", [_write(tmp_path, GOOD)]).release_id
    second = ingest.load(empty_db, "peer-groups",
                         [_write(tmp_path, HEADER + f"{GLOS},MSG,{WILTS}\n", "msg-2026.csv")]).release_id
    groups = loaded_groups(empty_db)
    msg = groups.filter(pl.col("group_name") == "MSG")
    assert msg.select("force_code", "peer_code", "release_id", "file_name").rows() == [
        (GLOS, WILTS, second, "msg-2026.csv")]
    pair = groups.filter(pl.col("group_name") == "South pair")
    assert pair.select("force_code", "peer_code", "release_id").rows() == [(AVON, WILTS, first)]
    assert {r.id for r in list_releases(empty_db)} == {first, second}


BAD = {
    "empty file": (b"", r"groups.csv: the file is empty \(0 bytes\)"),
    "header only": (HEADER, "no data rows under the header"),
    "missing column": ("force_code,group_name\nE23000036,MSG\n", r"row 1: missing column\(s\) peer_code"),
    "unknown column": ("force_code,group_name,peer_code,note\n", r"column 'note': unknown column"),
    "unknown force code": (HEADER + f"{AVON},MSG,E23999999\n", r"row 2, column 'peer_code', value 'E23999999': unknown force code"),
    "not territorial": (HEADER + f"BTP,MSG,{AVON}\n", r"value 'BTP': not a territorial force"),
    "self peer": (HEADER + f"{AVON},MSG,{DORSET}\n{AVON},MSG,{AVON}\n", r"row 3, column 'peer_code'.*own peer"),
    "duplicate": (GOOD + f"{AVON},MSG,{GLOS}\n", r"row 6: duplicate row: .* on row 3"),
    "reserved name": (HEADER + f"{AVON},similar,{DORSET}\n", r"'similar' is a peer set the dashboard computes"),
    "no group name": (HEADER + f"{AVON},,{DORSET}\n", r"row 2, column 'group_name': no group name"),
    "short row": (HEADER + f"{AVON},MSG\n", r"row 2: 2 fields where the header has 3"),
    "bad encoding": (HEADER.encode() + f"{AVON},Gr".encode() + b"\xe9\xff" + f"oup,{DORSET}\n".encode(),
                     r"not UTF-8 text"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_file_is_refused_and_the_database_is_unchanged(empty_db, tmp_path, case):
    ingest.load(empty_db, "peer-groups", [_write(tmp_path, GOOD, "first.csv")])
    text, pattern = BAD[case]
    before = database_checksum(empty_db)
    with pytest.raises(ingest.IngestError, match=pattern) as err:
        ingest.load(empty_db, "peer-groups", [_write(tmp_path, text)])
    assert "\n" not in str(err.value)
    assert database_checksum(empty_db) == before


def test_a_failure_inside_the_transaction_leaves_the_database_unchanged(empty_db, tmp_path, monkeypatch):
    import ingest.peer_groups as module

    before = database_checksum(empty_db)

    def boom(*_args, **_kwargs):
        raise RuntimeError("injected")

    monkeypatch.setattr(module, "protect_release", boom)
    with pytest.raises(RuntimeError, match="injected"):
        ingest.load(empty_db, "peer-groups", [_write(tmp_path, GOOD)])
    assert database_checksum(empty_db) == before


def test_similar_inputs_read_the_protected_recorded_volume_of_the_latest_year(small_db):
    rid = default_release_id(small_db)
    inputs = similar_inputs(small_db, rid)
    assert set(inputs.forces["code"]) == set(TERRITORIAL_CODES)
    assert inputs.forces["population"].null_count() == 0
    first, last = inputs.recorded_span
    table = metric_table(small_db, release_id=rid, metric_id="recorded_offences", offence_group="all_sexual",
                         area="all", first_quarter=first, last_quarter=last, grain="period")
    want = dict(zip(table["area_code"], table["value"], strict=True))
    got = dict(zip(inputs.forces["code"], inputs.forces["recorded"], strict=True))
    assert got == {c: want.get(c) for c in got}
    assert (last // 10 - first // 10) * 4 + (last % 10 - first % 10) == 3  # four quarters
