"""The `rasso` command line, end to end through Typer's runner, on both databases."""

from __future__ import annotations

import io

import polars as pl
import pytest
from testdb import BACKENDS, PG_URL
from typer.testing import CliRunner

from cli import app

runner = CliRunner()


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path, fresh_engine):
    engine = fresh_engine(request.param, tmp_path)
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    return url


def run(*args: str):
    return runner.invoke(app, list(args))


def test_init_sample_releases_export(db_url):
    assert run("init", "--db", db_url).exit_code == 0
    again = run("init", "--db", db_url)
    assert again.exit_code == 0 and "(0 reference rows written)" in again.output

    result = run("sample", "--db", db_url, "--cases", "20000", "--seed", "3")
    assert result.exit_code == 0, result.output
    listing = run("releases", "--db", db_url)
    assert "synthetic" in listing.output and "20,000 cases" in listing.output

    out = run("export", "metrics", "--db", db_url, "--metric", "charge_rate", "--offence", "rape",
              "--force", "national", "--grain", "year", "--from", "2016-17", "--to", "2022-23")
    assert out.exit_code == 0, out.output
    table = pl.read_csv(io.StringIO(out.stdout), infer_schema=False)
    assert table.columns[:10] == ["period", "period_end", "area_code", "area_name", "metric", "numerator",
                                  "denominator", "value", "lower", "upper"]
    assert table["period"].to_list() == ["2016-17", "2017-18", "2018-19", "2019-20", "2020-21", "2021-22", "2022-23"]
    values = table["value"].cast(pl.Float64)
    assert ((values > 0.5) & (values < 15)).all()  # plausible per-cent charge rates
    assert (table["lower"].cast(pl.Float64) < values).all() and (values < table["upper"].cast(pl.Float64)).all()


def test_public_tier_suppresses_in_csv(db_url, tmp_path):
    run("sample", "--db", db_url, "--cases", "5000", "--seed", "4")
    out = run("export", "metrics", "--db", db_url, "--metric", "charge_rate", "--offence", "child_rape",
              "--force", "all", "--grain", "quarter", "--from", "2024-25", "--to", "2024-25")
    assert out.exit_code == 0, out.output
    assert "[c]" in out.stdout
    restricted = run("export", "metrics", "--db", db_url, "--metric", "charge_rate", "--offence", "child_rape",
                     "--force", "all", "--from", "2024-25", "--to", "2024-25", "--tier", "restricted")
    assert "[c]" not in restricted.stdout


@pytest.mark.parametrize("fmt", ["parquet", "xlsx"])
def test_export_files(db_url, tmp_path, fmt):
    run("sample", "--db", db_url, "--cases", "5000", "--seed", "4")
    target = tmp_path / f"out.{fmt}"
    out = run("export", "metrics", "--db", db_url, "--metric", "recorded_per_1000", "--force", "E23000036",
              "--grain", "year", "--format", fmt, "-o", str(target))
    assert out.exit_code == 0, out.output
    frame = pl.read_parquet(target) if fmt == "parquet" else pl.read_excel(target)
    assert frame.height > 5 and set(frame["area_code"]) == {"E23000036"}


@pytest.mark.parametrize(("args", "message"), [
    (("--metric", "nope"), "Unknown metric 'nope'"),
    (("--metric", "charge_rate", "--force", "E23999999"), "Unknown force 'E23999999'"),
    (("--metric", "charge_rate", "--offence", "robbery"), "Unknown offence group 'robbery'"),
    (("--metric", "charge_rate", "--from", "2019-2021"), "is not a period"),
    (("--metric", "charge_rate", "--format", "xlsx"), "needs an output file"),
])
def test_user_errors_are_one_line(db_url, args, message):
    run("sample", "--db", db_url, "--cases", "2000", "--seed", "1")
    result = run("export", "metrics", "--db", db_url, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_unreachable_database_is_one_line(tmp_path):
    bad = ["postgresql://postgres@127.0.0.1:1/nothing", f"sqlite:///{tmp_path}/no/such/dir/x.sqlite"]
    for url in bad:
        result = run("releases", "--db", url)
        assert result.exit_code == 2
        assert "Cannot reach the database" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_uninitialised_database_says_run_init(tmp_path):
    result = run("releases", "--db", f"sqlite:///{tmp_path}/empty.sqlite")
    assert result.exit_code == 2 and "rasso init" in result.stderr


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL comparison skipped: set RASSO_TEST_PG_URL")
def test_sqlite_and_postgres_export_identical_numbers(tmp_path, fresh_engine):
    outputs = []
    for backend in ("sqlite", "postgresql"):
        engine = fresh_engine(backend, tmp_path)
        url = engine.url.render_as_string(hide_password=False)
        engine.dispose()
        run("sample", "--db", url, "--cases", "20000", "--seed", "11")
        result = run("export", "metrics", "--db", url, "--metric", "charge_rate", "--offence", "adult_rape",
                     "--force", "all", "--grain", "year", "--tier", "restricted")
        assert result.exit_code == 0, result.output
        outputs.append(pl.read_csv(io.StringIO(result.stdout)).drop("release"))
    assert outputs[0].equals(outputs[1])


def test_ingest_real_ons_workbook_and_bad_file(db_url, shared_data, tmp_path):
    workbook = shared_data / "policeforceareatablesyedecember2024.xlsx"
    result = run("ingest", "ons-pfa-tables", str(workbook), "--db", db_url)
    assert result.exit_code == 0, result.output
    assert "ons-pfa-tables" in run("releases", "--db", db_url).output

    bad = tmp_path / "outcomes.csv"
    bad.write_text("Financial Year,Financial Quarter,Force Name,Offence Code,Mystery column\n2024/25,1,Kent,19C,3\n")
    before = run("releases", "--db", db_url).output
    result = run("ingest", "outcomes", str(bad), "--db", db_url)
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "outcomes.csv" in errors[0] and "Mystery column" in errors[0]
    assert "Traceback" not in result.output
    assert run("releases", "--db", db_url).output == before

    missing = run("ingest", "prc", str(tmp_path / "nope.ods"), "--db", db_url)
    assert missing.exit_code == 2 and "File not found" in missing.stderr


def test_revisions_lists_what_a_newer_file_changed(db_url, tmp_path):
    from ingest_files import OUTCOMES_2026, outcome_rows, write_csv

    assert run("revisions", "--db", db_url).stderr.strip() == "No revisions recorded."
    rows = outcome_rows(2024)
    first = write_csv(tmp_path / "outcomes-v1.csv", rows, OUTCOMES_2026)
    revised = [dict(r) for r in rows]
    changed = next(r for r in revised if r["outcome_type"] == 1 and isinstance(r["closed"], int))
    changed["closed"] += 7
    second = write_csv(tmp_path / "outcomes-v2.csv", revised, OUTCOMES_2026)
    assert run("ingest", "outcomes", str(first), "--db", db_url).exit_code == 0
    assert run("ingest", "outcomes", str(second), "--db", db_url).exit_code == 0
    result = run("revisions", "--db", db_url)
    assert result.exit_code == 0, result.output
    table = pl.read_csv(io.StringIO(result.stdout))
    assert table.height == 1
    assert (table["new_value"] - table["old_value"]).to_list() == [7]


@pytest.mark.parametrize(("setup", "args", "message"), [
    ({}, ("export", "metrics", "--metric", "charge_rate", "-o", "/no/such/dir/x.csv"), "No such file or directory"),
    ({}, ("releases", "--db", "foo://bar"), "is not a database URL"),
    ({"RASSO_DISCLOSURE_THRESHOLD": "abc"}, ("export", "metrics", "--metric", "charge_rate"), "must be a whole number"),
])
def test_environment_and_file_errors_are_one_line(db_url, monkeypatch, setup, args, message):
    run("sample", "--db", db_url, "--cases", "2000", "--seed", "1")
    for key, value in setup.items():
        monkeypatch.setenv(key, value)
    if "--db" not in args:
        args = (*args, "--db", db_url)
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_export_of_a_measure_the_source_lacks_says_so(db_url, tmp_path):
    from ingest_files import OUTCOMES_2026, outcome_rows, write_csv

    path = write_csv(tmp_path / "outcomes.csv", outcome_rows(2024), OUTCOMES_2026)
    assert run("ingest", "outcomes", str(path), "--db", db_url).exit_code == 0
    for metric_id, needs in (("median_days_to_charge", "case-level records"),
                             ("recorded_offences", "recorded-crime counts")):
        result = run("export", "metrics", "--db", db_url, "--metric", metric_id)
        assert result.exit_code == 2 and "not in this source" in result.stderr and needs in result.stderr
    assert run("export", "metrics", "--db", db_url, "--metric", "charge_rate").exit_code == 0
