"""Outcomes, recorded-crime and indicator files in the published layouts: values, quirks, releases."""

from __future__ import annotations

import json

import polars as pl
import pytest
from sqlalchemy import func, select

import ingest
from db.schema import indicator_value, offence, outcomes, recorded_offences, release
from helpers.ingest_files import (
    FORCES,
    OUTCOMES_2026,
    OUTCOMES_OLDER,
    OUTCOMES_PROVENANCE,
    PRC_HEADERS,
    as_count,
    database_checksum,
    kept,
    outcome_rows,
    prc_rows,
    total,
    write_csv,
    write_ods,
    write_xlsx,
)


def _write(fmt, path, sheets):
    if fmt == "csv":
        ((rows, headers),) = sheets.values()
        return write_csv(path.with_suffix(".csv"), rows, headers)
    if fmt == "ods":
        return write_ods(path.with_suffix(".ods"), sheets)
    return write_xlsx(path.with_suffix(".xlsx"), sheets, title_rows=2)


def _outcome_frame(engine, release_id) -> pl.DataFrame:
    with engine.connect() as conn:
        rows = conn.execute(select(outcomes).where(outcomes.c.release_id == release_id)).mappings().all()
    return pl.DataFrame([dict(r) for r in rows], infer_schema_length=None)


def _status(engine):
    with engine.connect() as conn:
        return dict(conn.execute(select(release.c.id, release.c.status)).all())


@pytest.mark.parametrize(("fmt", "headers"), [("xlsx", OUTCOMES_2026), ("ods", OUTCOMES_OLDER),
                                              ("csv", OUTCOMES_PROVENANCE)])
def test_outcomes_file_totals_and_quirks(empty_db, tmp_path, fmt, headers):
    rows = outcome_rows(2023)
    path = _write(fmt, tmp_path / "prc-outcomes-open-data-mar2024-tables", {"2023_24": (rows, headers)})
    report = ingest.load(empty_db, "outcomes", [path])
    frame = _outcome_frame(empty_db, report.release_id)

    # totals equal the file's own totals, basis by basis
    for basis in ("recorded", "closed"):
        assert frame.filter(pl.col("basis") == basis)["count"].sum() == total(rows, basis)
    assert frame.height == 2 * len(kept(rows))
    assert set(frame["force_code"]) == set(FORCES.values())  # BTP kept, aliases and [note] tags mapped
    assert report.dropped == {"not a territorial force (Action Fraud, CIFAS, UK Finance)": 12,
                              "not a sexual offence": 4}

    # integer zero of outcome 0 stays zero; bare N/A for outcome 0 (closed) is "not applicable"
    for basis in ("recorded", "closed"):
        zeros = sum(1 for r in kept(rows) if r[basis] == 0 and isinstance(r[basis], int))
        assert frame.filter((pl.col("basis") == basis) & (pl.col("count") == 0)).height == zeros
    zero = frame.filter((pl.col("outcome_type") == 0) & (pl.col("offence_code") == "19D")
                        & (pl.col("basis") == "recorded") & pl.col("missing_reason").is_null())
    assert zero.height >= 27 and (zero["count"] == 0).all()
    closed0 = frame.filter((pl.col("outcome_type") == 0) & (pl.col("basis") == "closed"))
    assert closed0["count"].is_null().all() and (closed0["missing_reason"] == "not applicable").all()

    # "data not provided" is flagged, never zero
    expected_np = sum(1 for r in kept(rows) for b in ("recorded", "closed")
                      if isinstance(r[b], str) and "data not provided" in r[b].lower())
    flagged = frame.filter(pl.col("missing_reason") == "data not provided")
    assert flagged.height == expected_np > 0 and flagged["count"].is_null().all()
    expected_na = sum(1 for r in kept(rows) for b in ("recorded", "closed") if r[b] is None or r[b] == ":")
    assert frame.filter(pl.col("missing_reason") == "not available").height == expected_na
    assert frame.filter(pl.col("missing_reason") == "low reliability").height == 1

    # a negative quarterly correction is kept as published
    assert frame["count"].min() == min(as_count(r["recorded"]) for r in kept(rows) if as_count(r["recorded"]) is not None)
    assert frame["count"].min() < 0

    # codes: number cells read as codes, expired flag set, a new code added from the file
    assert "21" in set(frame["offence_code"])
    with empty_db.connect() as conn:
        codes = {r.code: r for r in conn.execute(select(offence))}
    assert codes["88D"].expired
    assert not codes["19C"].expired
    assert codes["88Z"].subgroup == "other_sexual" and codes["88Z"].age_band == "adult"
    assert frame.filter(pl.col("offence_code") == "88D")["missing_reason"].drop_nulls().to_list() == \
        ["not applicable"] * len(FORCES) * 4
    assert "2023-24" in report.summary() and "rows read" in report.summary()


@pytest.mark.parametrize("fmt", ["csv", "ods", "xlsx"])
def test_prc_file_totals(empty_db, tmp_path, fmt):
    rows = prc_rows(2024)
    path = _write(fmt, tmp_path / "prc-pfa-mar2013-onwards-tables", {"2024-25": (rows, PRC_HEADERS)})
    report = ingest.load(empty_db, "prc", [path])
    with empty_db.connect() as conn:
        got = conn.execute(select(func.sum(recorded_offences.c.count), func.count(), func.min(recorded_offences.c.count))
                           .where(recorded_offences.c.release_id == report.release_id)).one()
        not_available = conn.execute(select(func.count()).where(
            recorded_offences.c.release_id == report.release_id,
            recorded_offences.c.missing_reason == "not available")).scalar_one()
    assert got[0] == total(rows, "count")
    assert got[1] == len(kept(rows))
    assert got[2] == -1
    assert not_available == 1
    assert report.totals_by_year == {"2024-25": {"offences": total(rows, "count")}}


def test_two_years_in_one_load(empty_db, tmp_path):
    a = write_csv(tmp_path / "a.csv", outcome_rows(2022), OUTCOMES_2026)
    b = write_csv(tmp_path / "b.csv", outcome_rows(2023), OUTCOMES_2026)
    report = ingest.load(empty_db, "outcomes", [a, b])
    with empty_db.connect() as conn:
        r = conn.execute(select(release).where(release.c.id == report.release_id)).one()
    assert (r.first_quarter, r.last_quarter) == (20221, 20234)
    params = json.loads(r.parameters)
    assert params["kind"] == "outcomes" and [f["file"] for f in params["files"]] == ["a.csv", "b.csv"]
    assert params["quarters_replaced"] == [20221, 20222, 20223, 20224, 20231, 20232, 20233, 20234]


def test_same_file_twice_is_one_release(empty_db, tmp_path):
    path = write_xlsx(tmp_path / "o.xlsx", {"2023-24": (outcome_rows(2023), OUTCOMES_2026)})
    first = ingest.load(empty_db, "outcomes", [path])
    before = database_checksum(empty_db)
    second = ingest.load(empty_db, "outcomes", [path])
    assert first.release_id is not None and second.release_id is None
    assert "already loaded" in second.message
    assert database_checksum(empty_db) == before


def _key(r, basis):
    return (FORCES[r["force_name"]], 2023 * 10 + r["financial_quarter"] if r["financial_year"].startswith("2023")
            else 2024 * 10 + r["financial_quarter"], str(r["offence_code"]), r["outcome_type"], basis)


def test_newer_file_supersedes_and_keeps_revisions(empty_db, tmp_path):
    old_rows = outcome_rows(2023)
    old = write_xlsx(tmp_path / "old.xlsx", {"2023-24": (old_rows, OUTCOMES_2026)})
    prc = write_csv(tmp_path / "prc.csv", prc_rows(2023), PRC_HEADERS)
    r1 = ingest.load(empty_db, "outcomes", [old])
    r2 = ingest.load(empty_db, "prc", [prc])
    prc_before = _prc(empty_db, r2.release_id)

    # the newer edition revises Q3 and Q4 of 2023-24 and adds 2024-25 Q1
    revised = [dict(r) for r in old_rows if r["financial_quarter"] in (3, 4)]
    for i, r in enumerate(revised):
        if i % 7 == 0 and isinstance(r["closed"], int):
            r["closed"] += 5
    new_rows = outcome_rows(2024, quarters=(1,), seed=9)
    new = write_xlsx(tmp_path / "new.xlsx", {"2023-24": (revised, OUTCOMES_2026), "2024-25": (new_rows, OUTCOMES_2026)})
    r3 = ingest.load(empty_db, "outcomes", [new])

    status = _status(empty_db)
    assert status == {r1.release_id: "superseded", r2.release_id: "superseded", r3.release_id: "complete"}
    assert r3.superseded == r2.release_id

    old_values = {_key(r, b): as_count(r[b]) for r in kept(old_rows) for b in ("recorded", "closed")}
    expected = {k: (old_values[k], as_count(r[b])) for r in kept(revised) for b in ("recorded", "closed")
                if (k := _key(r, b)) in old_values and old_values[k] != as_count(r[b])}
    assert expected  # the test really revised something
    revisions = ingest.list_revisions(empty_db, r3.release_id, tier="restricted")
    got = {(x["force_code"], x["quarter"], x["offence_code"], x["outcome_type"], x["basis"]):
           (None if x["old_value"] is None else int(x["old_value"]), None if x["new_value"] is None else int(x["new_value"]))
           for x in revisions.iter_rows(named=True)}
    assert got == expected
    assert r3.revisions == len(expected)
    assert set(revisions["previous_release_id"]) == {r2.release_id}

    # untouched quarters (Q1, Q2) are copied forward unchanged; recorded crime is carried too
    before = _outcome_frame(empty_db, r1.release_id).filter(pl.col("quarter") <= 20232).drop("release_id")
    after = _outcome_frame(empty_db, r3.release_id).filter(pl.col("quarter") <= 20232).drop("release_id")
    keys = ["force_code", "quarter", "offence_code", "outcome_type", "basis"]
    assert before.sort(keys).equals(after.sort(keys))
    assert _prc(empty_db, r3.release_id) == prc_before
    frame = _outcome_frame(empty_db, r3.release_id)
    assert frame.filter(pl.col("quarter") == 20241)["count"].sum() == \
        sum(as_count(r[b]) or 0 for r in kept(new_rows) for b in ("recorded", "closed"))
    # the old file again: already in the lineage, nothing changes
    again = ingest.load(empty_db, "outcomes", [old])
    assert again.release_id is None


def _prc(engine, release_id):
    with engine.connect() as conn:
        rows = conn.execute(select(recorded_offences.c.force_code, recorded_offences.c.quarter,
                                   recorded_offences.c.offence_code, recorded_offences.c.count,
                                   recorded_offences.c.missing_reason)
                            .where(recorded_offences.c.release_id == release_id)).all()
    return sorted(map(tuple, rows), key=repr)


def test_indicator_template_and_load(empty_db, tmp_path):
    template = ingest.indicator_template_csv()
    lines = template.strip().splitlines()
    assert lines[0] == "force_code,force_name,quarter,indicator,numerator,denominator"
    assert len(lines) == 3
    path = tmp_path / "mi.csv"
    path.write_text(template)
    first = ingest.load(empty_db, "indicators", [path])
    with empty_db.connect() as conn:
        rows = conn.execute(select(indicator_value.c.force_code, indicator_value.c.quarter,
                                   indicator_value.c.indicator, indicator_value.c.numerator)
                            .where(indicator_value.c.release_id == first.release_id)).all()
    assert sorted(map(tuple, rows)) == [("E23000036", 20241, "device_return_28d_rate", 37.0),
                                        ("E23000036", 20241, "isva_referral_rate", 412.0)]
    # a revised return for one indicator: the other is carried forward, the change is listed
    revised = tmp_path / "mi2.csv"
    revised.write_text("force_name,quarter,indicator,numerator,denominator\n"
                       "Avon & Somerset,2024-25 Q1,isva_referral_rate,415,655\n"
                       "Dyfed Powys,2024-25 Q2,isva_referral_rate,10,40\n")
    second = ingest.load(empty_db, "indicators", [revised])
    with empty_db.connect() as conn:
        n = conn.execute(select(func.count()).where(indicator_value.c.release_id == second.release_id)).scalar_one()
    assert n == 3
    revs = ingest.list_revisions(empty_db, second.release_id, tier="restricted")
    assert revs.select("indicator", "measure", "old_value", "new_value").rows() == [
        ("isva_referral_rate", "numerator", 412.0, 415.0)]
    # the public tier names the same change by the count it is (shown in both editions here)
    public = ingest.list_revisions(empty_db, second.release_id)
    assert public.select("family", "area_code", "quarter", "old_value", "new_value", "change").rows() == [
        ("mi:isva_referred", revs["force_code"][0], revs["quarter"][0], 412.0, 415.0, 3.0)]
    with pytest.raises(ingest.IngestError, match="unknown indicator"):
        bad = tmp_path / "bad.csv"
        bad.write_text("force_code,quarter,indicator,numerator,denominator\nE23000036,2024-25 Q1,nonsense,1,2\n")
        ingest.load(empty_db, "indicators", [bad])


def test_progress_is_reported(empty_db, tmp_path):
    path = write_csv(tmp_path / "o.csv", outcome_rows(2023), OUTCOMES_2026)
    seen = []
    ingest.load(empty_db, "outcomes", [path], progress=lambda f, m: seen.append((f, m)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert any(m.startswith("writing outcomes") for _, m in seen)
