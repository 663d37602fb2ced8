"""The `rasso` command line, end to end through Typer's runner, on both databases."""

from __future__ import annotations

import io

import pandas as pd
import polars as pl
import pytest
from typer.testing import CliRunner

from cli import app
from helpers.app import db_url as _url
from helpers.testdb import PG_URL

runner = CliRunner()


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
    table = pl.read_csv(io.StringIO(out.stdout))
    assert table.columns[:12] == ["period", "period_end", "area_code", "area_name", "metric", "offence_group",
                                  "basis", "numerator", "denominator", "value", "lower", "upper"]
    assert table["period"].to_list() == ["2016-17", "2017-18", "2018-19", "2019-20", "2020-21", "2021-22", "2022-23"]
    values = table["value"]
    assert values.dtype == pl.Float64 and ((values > 0.5) & (values < 15)).all()  # plausible per-cent charge rates
    assert (table["lower"] < values).all() and (values < table["upper"]).all()
    assert table["data_status"].unique().to_list() == ["SYNTHETIC - not official statistics"]


def test_public_tier_suppresses_in_csv(small_db):
    db_url = _url(small_db)
    out = run("export", "metrics", "--db", db_url, "--metric", "charge_rate", "--offence", "child_rape",
              "--force", "all", "--grain", "quarter", "--from", "2024-25", "--to", "2024-25")
    assert out.exit_code == 0, out.output
    shown = pl.read_csv(io.StringIO(out.stdout))
    assert "[c]" in shown["flag"].to_list()
    assert shown.filter(pl.col("flag").is_in(["[c]", "[z]"]))["value"].null_count() == shown.filter(
        pl.col("flag").is_in(["[c]", "[z]"])).height  # hidden numbers are empty, the symbol is in flag
    restricted = run("export", "metrics", "--db", db_url, "--metric", "charge_rate", "--offence", "child_rape",
                     "--force", "all", "--from", "2024-25", "--to", "2024-25", "--tier", "restricted")
    assert "[c]" not in restricted.stdout
    # a count from 1 to 4 (a numerator or a denominator) is printed only in the restricted tier
    raw = pl.read_csv(io.StringIO(restricted.stdout))
    small = pl.col("numerator").is_between(1, 4) | pl.col("denominator").is_between(1, 4)
    assert raw.filter(small).height > 0 and shown.filter(small).height == 0


@pytest.mark.parametrize("fmt", ["parquet", "xlsx"])
def test_export_files(small_db, tmp_path, fmt):
    db_url = _url(small_db)
    target = tmp_path / f"out.{fmt}"
    out = run("export", "metrics", "--db", db_url, "--metric", "recorded_per_1000", "--force", "E23000036",
              "--grain", "year", "--format", fmt, "-o", str(target))
    assert out.exit_code == 0, out.output
    frame = pl.read_parquet(target) if fmt == "parquet" else pl.read_excel(target)
    assert frame.height > 5 and set(frame["area_code"]) == {"E23000036"}
    assert frame["value"].dtype == pl.Float64 and frame["value"].null_count() < frame.height
    assert frame["data_status"].unique().to_list() == ["SYNTHETIC - not official statistics"]
    if fmt == "parquet":
        import pyarrow.parquet as pq

        meta = {k.decode(): v.decode() for k, v in pq.read_metadata(target).metadata.items()}
        assert meta["rasso:data_status"] == "SYNTHETIC - not official statistics"
        assert "Open Government Licence" in meta["rasso:licence"] and "rasso:citation" in meta
        assert pd.read_parquet(target)["value"].dtype.kind == "f"
    else:
        import openpyxl

        book = openpyxl.load_workbook(target)
        assert book.sheetnames == ["data", "Dictionary", "Citation"]
        data = book["data"]
        header = [c.value for c in data[1]]
        for col in ("numerator", "value", "lower", "upper"):
            cells = [row[header.index(col)] for row in data.iter_rows(min_row=2, values_only=True)]
            assert all(isinstance(c, int | float) for c in cells if c is not None), col
            assert any(c is not None for c in cells), col
        notes = " ".join(str(v) for name in ("Dictionary", "Citation")
                         for row in book[name].iter_rows(values_only=True) for v in row)
        for expected in ("SYNTHETIC", "Open Government Licence", "[c]", "Recorded", "value"):
            assert expected in notes, expected
        assert pd.read_excel(target)["value"].dtype.kind == "f"
    named = run("export", "metrics", "--db", db_url, "--metric", "recorded_per_1000", "--force", "E23000036",
                "--from", "2023-24", "--to", "2024-25", "--grain", "year", "--format", fmt, "-o", str(tmp_path))
    assert named.exit_code == 0, named.output
    written = sorted(p.name for p in tmp_path.glob(f"rasso-*.{fmt}"))
    assert len(written) == 1 and written[0].startswith("rasso-export-year-recorded-per-1000-adult-rape-2023-24-to")
    assert written[0].endswith(f"-e23000036-release-1-synthetic.{fmt}"), written


@pytest.mark.parametrize(("args", "message"), [
    (("--metric", "nope"), "Unknown metric 'nope'"),
    (("--metric", "charge_rate", "--force", "E23999999"), "Unknown force 'E23999999'"),
    (("--metric", "charge_rate", "--offence", "robbery"), "Unknown offence group 'robbery'"),
    (("--metric", "charge_rate", "--from", "2019-2021"), "is not a period"),
    (("--metric", "charge_rate", "--format", "xlsx"), "needs an output file"),
])
def test_user_errors_are_one_line(small_db, args, message):
    result = run("export", "metrics", "--db", _url(small_db), *args)
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
    from helpers.ingest_files import OUTCOMES_2026, outcome_rows, write_csv

    assert run("revisions", "--db", db_url, "--tier", "restricted").stderr.strip() == "No revisions recorded."
    rows = outcome_rows(2024)
    first = write_csv(tmp_path / "outcomes-v1.csv", rows, OUTCOMES_2026)
    revised = [dict(r) for r in rows]
    changed = next(r for r in revised if r["outcome_type"] == 1 and isinstance(r["closed"], int))
    changed["closed"] += 7
    second = write_csv(tmp_path / "outcomes-v2.csv", revised, OUTCOMES_2026)
    assert run("ingest", "outcomes", str(first), "--db", db_url).exit_code == 0
    assert run("ingest", "outcomes", str(second), "--db", db_url).exit_code == 0
    result = run("revisions", "--db", db_url, "--tier", "restricted")
    assert result.exit_code == 0, result.output
    table = pl.read_csv(io.StringIO(result.stdout))
    assert table.height == 1
    assert (table["new_value"] - table["old_value"]).to_list() == [7]
    assert table["tier"].to_list() == ["restricted"] and table["data_status"].to_list() == ["published"]


@pytest.mark.parametrize(("setup", "args", "message"), [
    ({}, ("export", "metrics", "--metric", "charge_rate", "-o", "/no/such/dir/x.csv"), "No such file or directory"),
    ({}, ("releases", "--db", "foo://bar"), "is not a database URL"),
    ({"RASSO_DISCLOSURE_THRESHOLD": "abc"}, ("export", "metrics", "--metric", "charge_rate"), "must be a whole number"),
])
def test_environment_and_file_errors_are_one_line(small_db, monkeypatch, setup, args, message):
    db_url = _url(small_db)
    for key, value in setup.items():
        monkeypatch.setenv(key, value)
    if "--db" not in args:
        args = (*args, "--db", db_url)
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_export_of_a_measure_the_source_lacks_says_so(db_url, tmp_path):
    from helpers.ingest_files import OUTCOMES_2026, outcome_rows, write_csv

    path = write_csv(tmp_path / "outcomes.csv", outcome_rows(2024), OUTCOMES_2026)
    assert run("ingest", "outcomes", str(path), "--db", db_url).exit_code == 0
    for metric_id, needs in (("median_days_to_charge", "case-level records"),
                             ("recorded_offences", "recorded-crime counts")):
        result = run("export", "metrics", "--db", db_url, "--metric", metric_id)
        assert result.exit_code == 2 and "not in this source" in result.stderr and needs in result.stderr
    assert run("export", "metrics", "--db", db_url, "--metric", "charge_rate").exit_code == 0


def test_csv_export_reads_back_with_plain_readers(small_db):
    url = _url(small_db)
    out = run("export", "metrics", "--db", url, "--metric", "charge_rate", "--offence", "rape",
              "--force", "all", "--grain", "year", "--from", "2023-24", "--to", "2024-25")
    assert out.exit_code == 0, out.output
    assert not any(line.startswith("#") for line in out.stdout.splitlines())
    pdf, plf = pd.read_csv(io.StringIO(out.stdout)), pl.read_csv(io.StringIO(out.stdout))
    for col in ("numerator", "denominator", "value", "lower", "upper"):
        assert pdf[col].dtype.kind == "f" and plf[col].dtype == pl.Float64, col
    assert set(plf["flag"].drop_nulls()) <= {"[c]", "[x]", "[z]", "[u]"}
    hidden = plf.filter(pl.col("flag") == "[c]")
    assert hidden.height and hidden["value"].null_count() == hidden.height
    assert plf["release"].dtype == pl.Int64 and plf["offence_group"].unique().to_list() == ["rape"]
    assert "SYNTHETIC" in plf["citation"][0] and plf["licence"][0] == "Open Government Licence v3.0"


HEADLINE = ["recorded_offences", "charge_rate", "victim_does_not_support_rate", "median_days_to_charge"]


def test_cli_reproduces_the_overview_headline(small_db):
    """`--from YE-2026-09 --to YE-2026-09 --grain year` gives the figures of the overview's tiles:
    the page asks metric_table for England and Wales over the period at grain 'period'."""
    from metrics.periods import parse_period
    from queries import metric_table

    url = _url(small_db)
    period = parse_period("YE-2026-09")
    for metric_id in HEADLINE:
        out = run("export", "metrics", "--db", url, "--metric", metric_id, "--from", "YE-2026-09",
                  "--to", "YE-2026-09", "--grain", "year")
        assert out.exit_code == 0, out.output
        got = pl.read_csv(io.StringIO(out.stdout))
        page = metric_table(small_db, release_id=int(got["release"][0]), metric_id=metric_id,
                            offence_group="adult_rape", area="national", first_quarter=period.first,
                            last_quarter=period.last, grain="period")
        assert got.height == 1 == page.height
        assert got["period"][0] == "12 months to Sep 2026" == page["period"][0]
        for col in ("numerator", "denominator", "value", "lower", "upper"):
            want = page[col][0]
            if col not in got.columns:  # a column the unit never fills is left out of the file
                assert want is None, (metric_id, col)
                continue
            assert (got[col][0] is None) == (want is None), (metric_id, col)
            if want is not None:
                assert abs(got[col][0] - want) <= 1e-9 * max(1.0, abs(want)), (metric_id, col)


def test_cli_periods_the_pages_show(small_db):
    url = _url(small_db)
    quarter = run("export", "metrics", "--db", url, "--metric", "charge_rate", "--from", "2024-25 Q1",
                  "--to", "2024-25 Q2")
    assert quarter.exit_code == 0, quarter.output
    assert pl.read_csv(io.StringIO(quarter.stdout))["period"].to_list() == ["2024-25 Q1", "2024-25 Q2"]
    rolling = run("export", "metrics", "--db", url, "--metric", "charge_rate", "--from", "2022-23",
                  "--to", "YE-2026-09", "--grain", "year")
    assert rolling.exit_code == 0, rolling.output
    assert pl.read_csv(io.StringIO(rolling.stdout))["period"].to_list() == [
        "12 months to Sep 2023", "12 months to Sep 2024", "12 months to Sep 2025", "12 months to Sep 2026"]
    years = run("export", "metrics", "--db", url, "--metric", "charge_rate", "--from", "2022-23",
                "--to", "2024-25", "--grain", "year")
    assert pl.read_csv(io.StringIO(years.stdout))["period"].to_list() == ["2022-23", "2023-24", "2024-25"]


@pytest.mark.parametrize(("args", "message"), [
    (("--from", "2024-25", "--to", "2019-20"), "The range is reversed"),
    (("--from", "2009-10"), "--from 2009-10 is outside release"),
    (("--to", "2027-28"), "--to 2027-28 is outside release"),
    (("--to", "2026-27"), "--to 2026-27 ends after release"),
    (("--from", "2099-00"), "is not a valid period"),
    (("--from", "YE-0000-03"), "is not a valid period"),
    (("--to", "YE-2026-07"), "must end in March, June, September or December"),
    (("--from", "2024-25 Q1", "--to", "2024-25 Q1", "--grain", "year"), "No complete 12 months"),
    (("--metric", "recorded_per_1000", "--force", "BTP", "--from", "2024-25", "--to", "2024-25"), None),
])
def test_cli_period_mistakes_are_one_line_and_say_why(small_db, args, message):
    url = _url(small_db)
    base = ("--metric", "charge_rate") if "--metric" not in args else ()
    result = run("export", "metrics", "--db", url, *base, *args)
    if message is None:  # [z] rows are rows: a stated figure, not an empty file
        assert result.exit_code == 0 and set(pl.read_csv(io.StringIO(result.stdout))["flag"]) == {"[z]"}
        return
    assert result.exit_code == 2, result.output
    assert message in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    if "release" in message:  # the span the release holds is named
        assert "2015-16 Q1 to 2026-27 Q2" in result.stderr
    if "valid period" in message:
        assert "expected a financial year (2024-25), a quarter (2024-25 Q1)" in result.stderr


def test_an_empty_export_is_an_error_not_a_header(small_db, tmp_path):
    """Force MI starts later than the release's other data: asking for years before it is inside
    the release's span but has no rows, which must be said, not printed as a bare header."""
    url = _url(small_db)
    target = tmp_path / "empty.csv"
    for extra in ((), ("-o", str(target))):
        result = run("export", "metrics", "--db", url, "--metric", "cps_referral_rate", "--from", "2016-17",
                     "--to", "2017-18", *extra)
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith("Error: No rows") and "2016-17 Q1 to 2017-18 Q4" in result.stderr
        assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1
    assert not target.exists()
