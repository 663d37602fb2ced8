"""`rasso export table`: the explorer's table from the command line, the same bytes (CSV) and
values (Excel, Parquet) as the page's download for the same choices, on both databases."""

from __future__ import annotations

import io
import json

import openpyxl
import pandas as pd
import polars as pl
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from cli import app
from db.releases import default_release
from metrics.dictionary import CSV_COLUMNS
from metrics.disclosure import disclosure_threshold
from metrics.explorer_spec import TableSpec
from queries.explorer import explore
from reports.explorer_files import explorer_file

runner = CliRunner()
EXAMPLE = ["--measure", "outcomes", "--by", "force,year,outcome_group", "--offence", "adult_rape", "--basis", "closed"]


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture
def sampled(small_db):
    """The shared small release (read only) and its address, for the command line to open."""
    return small_db.url.render_as_string(hide_password=False), small_db


def test_the_issues_example_writes_the_pages_table_in_every_format(sampled, tmp_path):
    url, engine = sampled
    rel = default_release(engine)
    page = explorer_file(explore(engine, TableSpec(), release_id=rel.id), rel)
    shown = run("export", "table", "--db", url, *EXAMPLE)
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.encode("utf-8") == page.data("csv")
    for fmt in ("parquet", "xlsx"):
        out = run("export", "table", "--db", url, *EXAMPLE, "--format", fmt, "-o", str(tmp_path))
        assert out.exit_code == 0, out.output
        path = tmp_path / page.name(fmt)
        assert "release" in path.name and path.exists(), list(tmp_path.iterdir())
        got = pl.read_parquet(path) if fmt == "parquet" else pl.read_excel(path, sheet_name="data")
        want = page.frame
        assert got.columns == want.columns and got.height == want.height == 44 * want["period"].n_unique() * \
            want["outcome_group"].n_unique()
        assert got["count"].cast(pl.Int64).to_list() == want["count"].to_list()
        assert got["flag"].fill_null("").to_list() == want["flag"].fill_null("").to_list()
    meta = {k.decode(): v.decode() for k, v in pq.read_metadata(tmp_path / page.name("parquet")).metadata.items()}
    dictionary = json.loads(meta["rasso:dictionary"])
    assert set(dictionary["columns"]) == set(page.frame.columns) and all(dictionary["columns"].values())
    assert "explorer?measure=outcomes" in meta["rasso:citation"] and "SYNTHETIC" in meta["rasso:citation"]
    book = openpyxl.load_workbook(tmp_path / page.name("xlsx"))
    assert book.sheetnames == ["data", "Dictionary", "Citation"]
    listed = {r[1] for r in book["Dictionary"].iter_rows(min_row=2, values_only=True) if r[0] == "Columns"}
    assert listed == set(page.frame.columns) and all(c in CSV_COLUMNS for c in listed)
    cited = " ".join(str(v) for r in book["Citation"].iter_rows(values_only=True) for v in r)
    assert "Open Government Licence" in cited and f"release {rel.id}" in cited


def test_a_public_table_read_with_pandas_holds_no_small_count(sampled):
    url, _ = sampled
    out = run("export", "table", "--db", url, "--measure", "recorded", "--by", "force,quarter,offence_group",
              "--offence", "all_sexual")
    assert out.exit_code == 0, out.output
    frame = pd.read_csv(io.StringIO(out.stdout))
    assert frame["count"].dtype.kind == "f" and frame["count"].isna().any()
    assert not frame["count"].between(1, disclosure_threshold() - 1).any()
    assert set(frame.loc[frame["count"].isna(), "flag"]) == {"[c]"}
    assert (frame["data_status"] == "SYNTHETIC - not official statistics").all()
    raw = run("export", "table", "--db", url, "--measure", "recorded", "--by", "force,quarter,offence_group",
              "--offence", "all_sexual", "--tier", "restricted")
    assert pd.read_csv(io.StringIO(raw.stdout))["count"].between(1, disclosure_threshold() - 1).any()


def test_the_restricted_tier_gives_case_level_tables(sampled):
    url, _ = sampled
    out = run("export", "table", "--db", url, "--measure", "cases", "--by", "national,year,age_band,sex",
              "--tier", "restricted")
    assert out.exit_code == 0, out.output
    frame = pd.read_csv(io.StringIO(out.stdout))
    assert {"victim_age_band", "victim_sex"} <= set(frame.columns) and frame["count"].sum() > 1_000


@pytest.mark.parametrize("args, words", [
    (["--by", "force,county"], "Unknown dimension 'county'"),
    (["--by", "force,outcome_type"], "restricted tier"),
    (["--measure", "cases", "--by", "national,sex"], "restricted tier"),
    (["--format", "xlsx"], "needs an output file"),
    (["--filter", "force"], "DIMENSION=VALUE"),
    (["--from", "2009-10"], "outside release"),
])
def test_a_bad_choice_is_one_line_and_status_2(sampled, args, words):
    url, _ = sampled
    out = run("export", "table", "--db", url, *args)
    assert out.exit_code == 2, out.output
    assert words in out.stderr and "Traceback" not in out.output
