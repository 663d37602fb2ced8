"""`rasso releases` shows each release's protection; `rasso disclosure-report` its information
loss; `rasso sample --next-edition-of` writes a protected next edition."""

from __future__ import annotations

import io

import polars as pl
import pytest
from typer.testing import CliRunner

from cli import app

runner = CliRunner()
CASES, SEED, LAST = "2000", "5", "20164"
REVISED_CASES = "5000"
"""At 2,000 cases the rule for revised cells leaves one revised force cell of the next edition
shown in both editions (one public row); at 5,000, nine."""


@pytest.fixture(autouse=True)
def default_threshold(monkeypatch):
    monkeypatch.delenv("RASSO_DISCLOSURE_THRESHOLD", raising=False)


def run(*args: str):
    return runner.invoke(app, list(args))


def _sample(db_url: str, cases: str = CASES) -> None:
    from db.engine import make_engine
    from sample_data.load import load_sample

    engine = make_engine(db_url)
    load_sample(engine, cases=int(cases), seed=int(SEED), last_quarter=int(LAST))
    engine.dispose()


def test_releases_show_threshold_and_hidden_cells_and_next_edition(db_url):
    _sample(db_url)
    listing = run("releases", "--db", db_url)
    assert listing.exit_code == 0, listing.output
    assert "threshold" in listing.output and "hidden cells" in listing.output
    assert "primary" in listing.output and "secondary" in listing.output

    edition = run("sample", "--db", db_url, "--next-edition-of", "1", "--seed", "3")
    assert edition.exit_code == 0, edition.output
    assert "next edition of release 1" in edition.output
    listing = run("releases", "--db", db_url)
    assert "carried" in listing.output and "superseded" in listing.output

    missing = run("sample", "--db", db_url, "--next-edition-of", "99")
    assert missing.exit_code == 2 and "not a synthetic sample" in missing.stderr


def test_disclosure_report_csv_and_markdown(db_url, tmp_path):
    _sample(db_url)
    out = run("disclosure-report", "--db", db_url, "--format", "csv")
    assert out.exit_code == 0, out.output
    loss = pl.read_csv(io.StringIO(out.stdout))
    # numbers of cells (hidden, by reason), never a figure of the data: it is public like the release list
    assert loss.columns == ["scope", "family", "area_level", "period_level", "offence", "cells", "hidden",
                            "primary", "secondary", "carried", "linked", "share_hidden"]
    release = loss.filter(pl.col("scope") == "release").row(0, named=True)
    tables = loss.filter(pl.col("scope") == "table")
    families = loss.filter(pl.col("scope") == "family")
    assert release["cells"] == tables["cells"].sum() == families["cells"].sum()
    assert release["hidden"] == release["primary"] + release["secondary"] + release["carried"] + release["linked"] > 0
    assert set(tables["area_level"]) == {"force", "England and Wales", "England and Wales (43 forces)"}
    assert set(tables["period_level"]) == {"quarter", "financial year"}

    report = tmp_path / "loss.md"
    md = run("disclosure-report", "--db", db_url, "--release", "1", "-o", str(report))
    assert md.exit_code == 0, md.output
    text = report.read_text()
    assert text.startswith("# Disclosure protection of release 1") and "## Per table" in text
    assert f"| all | all | all | all | {release['cells']:,} |" in text

    bad = run("disclosure-report", "--db", db_url, "--release", "42")
    assert bad.exit_code == 2 and "Release 42 does not exist" in bad.stderr


def test_revisions_by_tier_between_two_editions(db_url, tmp_path):
    _sample(db_url, REVISED_CASES)
    assert run("sample", "--db", db_url, "--next-edition-of", "1", "--seed", "3").exit_code == 0
    public = run("revisions", "--db", db_url)  # public by default
    assert public.exit_code == 0, public.output
    shown = pl.read_csv(io.StringIO(public.stdout))
    restricted = run("revisions", "--db", db_url, "--tier", "restricted", "-o", str(tmp_path / "raw.csv"))
    assert restricted.exit_code == 0, restricted.output
    raw = pl.read_csv(tmp_path / "raw.csv")
    # public: one row per shown cell, named for a reader; restricted: every raw key
    assert {"area_name", "period", "offence_group", "ho_group", "change"} <= set(shown.columns)
    assert "offence_code" not in shown.columns and {"offence_code", "outcome_type"} <= set(raw.columns)
    assert 0 < shown.height < raw.height
    assert shown["tier"].unique().to_list() == ["public"] and raw["tier"].unique().to_list() == ["restricted"]
    # the editions revise counts from 1 to 4; the public tier prints none of them, old or new
    small = pl.col("old_value").is_between(1, 4) | pl.col("new_value").is_between(1, 4)
    assert raw.filter(pl.col("measure") == "count").filter(small).height > 0
    assert shown.filter(small).height == 0 and shown["flag"].null_count() == shown.height
    for table in (shown, raw):
        assert table["data_status"].unique().to_list() == ["SYNTHETIC - not official statistics"]
        assert table["release_id"].unique().to_list() == [2]

    bad = run("revisions", "--db", db_url, "--tier", "secret")
    assert bad.exit_code == 2 and "Invalid value for '--tier'" in bad.output and "public" in bad.output
    missing = run("revisions", "--db", db_url, "--release", "99")
    assert missing.exit_code == 2 and "Release 99 does not exist" in missing.stderr
