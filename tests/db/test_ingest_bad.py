"""A corpus of bad files: each is rejected with a one-line message and the database is unchanged."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

import ingest
from db import bulk
from helpers.ingest_files import (
    OUTCOMES_2026,
    PRC_HEADERS,
    big_outcomes_csv,
    database_checksum,
    outcome_rows,
    prc_rows,
    write_csv,
    write_xlsx,
)
from helpers.paths import ROOT
from ingest import chain


@pytest.fixture
def loaded_db(empty_db, tmp_path):
    """A database with one published release, so 'unchanged' covers a real head release."""
    ingest.load(empty_db, "outcomes", [write_csv(tmp_path / "good.csv", outcome_rows(2022), OUTCOMES_2026)])
    return empty_db


def _rows():
    return outcome_rows(2023)


def _missing_column(tmp):
    headers = {k: v for k, v in OUTCOMES_2026.items() if k != "closed"}
    return write_csv(tmp / "missing.csv", _rows(), headers)


def _unknown_header(tmp):
    return write_csv(tmp / "unknown_header.csv", _rows(), {**OUTCOMES_2026, "outcome_group": "Outcome Grouping"})


def _unknown_force(tmp):
    rows = _rows()
    rows[40]["force_name"] = "Gotham City"
    return write_csv(tmp / "force.csv", rows, OUTCOMES_2026)


def _text_in_count(tmp):
    rows = _rows()
    rows[30]["closed"] = "twelve"
    return write_csv(tmp / "text.csv", rows, OUTCOMES_2026)


def _negative_annual(tmp):
    rows = _rows()
    for r in rows:
        if (r["force_name"], r["offence_code"], r["outcome_type"]) == ("Dyfed Powys", "88E", 16):
            r["closed"] = -3
    return write_csv(tmp / "negative.csv", rows, OUTCOMES_2026)


def _duplicate(tmp):
    rows = _rows()
    rows.insert(50, dict(rows[20]))
    return write_csv(tmp / "dup.csv", rows, OUTCOMES_2026)


def _empty(tmp):
    path = tmp / "empty.csv"
    path.write_bytes(b"")
    return path


def _header_only(tmp):
    return write_csv(tmp / "header_only.csv", [], OUTCOMES_2026)


def _wrong_sheet(tmp):
    return write_xlsx(tmp / "wrong_sheet.xlsx", {"Summary": (prc_rows(2023)[:3], {"count": "Total"})})


def _sheet_year_mismatch(tmp):
    return write_xlsx(tmp / "mismatch.xlsx", {"2022-23": (_rows(), OUTCOMES_2026)})


def _truncated_csv(tmp):
    good = write_csv(tmp / "whole.csv", _rows(), OUTCOMES_2026).read_bytes()
    path = tmp / "truncated.csv"
    path.write_bytes(good[: len(good) // 2 + 17].rstrip(b"\r\n"))
    return path


def _truncated_xlsx(tmp):
    good = write_xlsx(tmp / "whole.xlsx", {"2023-24": (_rows(), OUTCOMES_2026)}).read_bytes()
    path = tmp / "truncated.xlsx"
    path.write_bytes(good[: len(good) // 2])
    return path


def _alternate(tmp):
    rows = _rows()
    rows[12]["outcome_type"] = "1a"
    return write_csv(tmp / "alternate.csv", rows, OUTCOMES_2026)


def _quarter5(tmp):
    rows = _rows()
    rows[8]["financial_quarter"] = 5
    return write_csv(tmp / "q5.csv", rows, OUTCOMES_2026)


def _bad_year(tmp):
    rows = _rows()
    rows[9]["financial_year"] = "2023/25"
    return write_csv(tmp / "year.csv", rows, OUTCOMES_2026)


def _empty_offence_code(tmp):
    rows = _rows()
    rows[7]["offence_code"] = " "
    return write_csv(tmp / "code.csv", rows, OUTCOMES_2026)


CASES = {
    "missing column": (_missing_column, "outcomes", r"missing column\(s\) 'Outcomes for investigations closed"),
    "unknown header": (_unknown_header, "outcomes", r"column 'Outcome Grouping': unknown column header"),
    "unknown force": (_unknown_force, "outcomes", r"row 42, column 'Force Name', value 'Gotham City': force name not recognised"),
    "text in a count": (_text_in_count, "outcomes", r"row 32, column 'Outcomes for investigations closed in the quarter', value 'twelve'"),
    "negative annual total": (_negative_annual, "outcomes", r"negative annual total -12 for W15000004, offence 88E, outcome type 16"),
    "duplicate rows": (_duplicate, "outcomes", r"duplicate row"),
    "empty file": (_empty, "outcomes", r"empty"),
    "header only": (_header_only, "outcomes", r"no data rows"),
    "wrong sheet": (_wrong_sheet, "prc", r"no sheet holds .*'Summary'"),
    "sheet year mismatch": (_sheet_year_mismatch, "outcomes", r"sheet '2022-23'.*does not match the sheet name"),
    "truncated csv": (_truncated_csv, "outcomes", r"truncated"),
    "truncated xlsx": (_truncated_xlsx, "outcomes", r"cannot be read as xlsx"),
    "outcome type 1a": (_alternate, "outcomes", r"value '1a'.*'Outcomes for alternate offences' file"),
    "quarter 5": (_quarter5, "outcomes", r"quarter must be 1, 2, 3 or 4"),
    # the message names the offence-code column and no unrelated value (it once showed the force name)
    "empty offence code": (_empty_offence_code, "outcomes", r"row 9, column 'Offence Code': the offence code is empty$"),
    "inconsistent year": (_bad_year, "outcomes", r"value '2023/25': not a financial year"),
    "prc as outcomes": (lambda tmp: write_csv(tmp / "prc.csv", prc_rows(2023), PRC_HEADERS), "outcomes",
                        r"unknown column header|missing column"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_file_rejected_database_unchanged(loaded_db, tmp_path, case):
    make, kind, pattern = CASES[case]
    path = make(tmp_path)
    before = database_checksum(loaded_db)
    with pytest.raises(ingest.IngestError, match=pattern) as err:
        ingest.load(loaded_db, kind, [path])
    message = str(err.value)
    assert "\n" not in message and message.startswith(path.name)
    assert database_checksum(loaded_db) == before


def test_failure_half_way_through_writing_leaves_database_unchanged(loaded_db, tmp_path, monkeypatch):
    path = write_csv(tmp_path / "newer.csv", outcome_rows(2023), OUTCOMES_2026)
    before = database_checksum(loaded_db)
    real, calls = bulk.bulk_insert, []

    def failing(conn, table, frame):
        calls.append(frame.height)
        if len(calls) > 2:
            raise RuntimeError("injected failure after some rows were written")
        return real(conn, table, frame)

    monkeypatch.setattr(chain, "CHUNK", 200)
    monkeypatch.setattr(bulk, "bulk_insert", failing)
    with pytest.raises(RuntimeError, match="injected"):
        ingest.load(loaded_db, "outcomes", [path])
    assert sum(calls[:2]) == 400  # rows really were written before the failure
    assert database_checksum(loaded_db) == before


KILL_SCRIPT = textwrap.dedent("""
    import sys
    from pathlib import Path
    import ingest
    from db.engine import make_engine
    from db import bulk

    real = bulk.bulk_insert
    def slow(conn, table, frame):
        n = real(conn, table, frame)
        print("wrote", n, flush=True)
        import time; time.sleep(0.5)
        return n
    bulk.bulk_insert = slow
    ingest.load(make_engine(sys.argv[1]), "outcomes", [Path(sys.argv[2])])
    print("finished", flush=True)
""")


def test_load_killed_mid_way_leaves_database_unchanged(loaded_db, tmp_path):
    path = big_outcomes_csv(tmp_path / "big.csv", 300_000, first_fy=2023)
    before = database_checksum(loaded_db)
    url = loaded_db.url.render_as_string(hide_password=False)
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, url, str(path)], cwd=ROOT,  # noqa: S603 - argv: this Python, a constant script, the test's own URL and file
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        line = proc.stdout.readline()
        assert line.startswith("wrote"), (line, proc.stderr.read() if proc.poll() is not None else "")
        proc.send_signal(signal.SIGKILL)  # mid-write: at least one chunk is in the open transaction
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    loaded_db.dispose()
    assert database_checksum(loaded_db) == before
