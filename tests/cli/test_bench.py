"""`rasso bench --quick`: a smoke test of the benchmark, never of its times.

The quick run builds a tiny sample in a temporary SQLite file, runs every measurement once and
writes its report; the tests read the report. Times are never asserted: they vary with the load
of the machine. SQLite only: the command is the same on PostgreSQL, and a second run would
cost CI a minute (the PostgreSQL run is the lead's full-scale one, kept in benchmarks/).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from benchmarks import bench_rivals
from benchmarks.bench import QUICK_CASES
from benchmarks.bench_pages import page_states
from cli import app
from db.engine import make_engine
from helpers.paths import ROOT
from helpers.testdb import PG_URL

pytestmark = pytest.mark.slow  # the quick benchmark: about half a minute of CPU

SECTIONS = {"cases", "seed", "quick", "date", "backend", "release_id", "machine", "loading", "pages",
            "queries", "rivals", "startup", "ratios", "targets", "load_average_start", "load_average_end",
            "stage_seconds"}


@pytest.fixture(scope="module")
def quick_bench(tmp_path_factory):
    """The quick benchmark, run as a user runs it, into a temporary folder and database."""
    out = tmp_path_factory.mktemp("bench")
    url = f"sqlite:///{out / 'bench.sqlite'}"
    done = subprocess.run([sys.executable, "-m", "cli", "bench", "--quick", "--db", url, "--output", str(out)],  # noqa: S603 - argv: this Python and our command, no shell
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    stem = out / f"report-sqlite-{QUICK_CASES}"
    return (json.loads(stem.with_suffix(".json").read_text()), stem.with_suffix(".md").read_text(), url)


def test_the_report_has_every_section(quick_bench):
    report, _, _ = quick_bench
    assert set(report) >= SECTIONS, SECTIONS - set(report)
    assert report["cases"] == QUICK_CASES and report["quick"] and report["backend"] == "sqlite"
    assert {"cpus", "platform", "python", "database", "versions"} <= set(report["machine"])
    assert {"streamlit", "polars", "sqlalchemy", "duckdb"} <= set(report["machine"]["versions"])
    loading = report["loading"]
    assert loading["rows"]["case_record"] > QUICK_CASES and loading["load_seconds"] is not None
    assert loading["protection_cells"] > 0 and len(loading["protection_seconds"]) == 1
    assert report["queries"] and all(q["function"].startswith("queries.") for q in report["queries"])
    assert report["startup"]["help"]["runs"] and report["startup"]["imports"]["heaviest_packages"]
    assert len(report["targets"]) == 5 and all(isinstance(t["met"], bool) for t in report["targets"])


def test_every_page_state_ran_cleanly_and_is_named(quick_bench):
    report, markdown, _ = quick_bench
    names = [s.name for s in page_states()]
    ran = {s["name"]: s for s in report["pages"]["states"]}
    assert list(ran) == names
    assert not {n: s["problems"] for n, s in ran.items() if s["problems"]}
    assert all(len(s["cold"]["runs"]) == 1 and len(s["warm"]["runs"]) == 1 for s in ran.values())
    assert ran["overview"]["charts"] > 0 and ran["overview"]["query_calls"] > 0
    for name in names:
        assert f"| {name} |" in markdown, name
    assert markdown.index("## Ratios") < markdown.index("## Targets") < markdown.index("## Pages")


def test_pandas_and_duckdb_agree_with_ours_in_the_report(quick_bench):
    report, markdown, _ = quick_bench
    rivals = report["rivals"]
    assert rivals["figures"] > 100
    assert rivals["pandas_disagrees"] == [] and rivals["duckdb_disagrees"] == []
    assert f"all three agree on all {rivals['figures']} figures" in markdown


def test_the_three_ways_give_the_same_figures(quick_bench, tmp_path):
    """Computed again here, on the benchmark's database: equal figure for figure, and a changed
    figure is caught."""
    report, _, url = quick_bench
    engine = make_engine(url)
    view = bench_rivals.View.of(engine, report["release_id"])
    ours = bench_rivals.ours(engine, view)
    theirs = bench_rivals.pandas_figures(engine, view)
    con = bench_rivals.duckdb_connection(bench_rivals.parquet_copy(engine, view, tmp_path))
    duck = bench_rivals.duckdb_figures(con, view)
    con.close()
    engine.dispose()
    assert any(k[0] == "mix" for k in ours) and any(k[0] == "median_days_to_charge" for k in ours)
    assert bench_rivals.disagreements(ours, theirs) == []
    assert bench_rivals.disagreements(ours, duck) == []
    key = next(k for k in ours if k[0] == "charge_rate" and k[1] == "now")
    assert bench_rivals.disagreements(ours, {**theirs, key: theirs[key] + 1}) != []


def test_without_duckdb_it_says_how_to_install_it(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "duckdb" else real(name, *a))
    result = CliRunner().invoke(app, ["bench", "--quick"])
    assert result.exit_code == 2
    assert "pip install" in result.output and "duckdb" in result.output.lower()


@pytest.mark.skipif(not (PG_URL and os.environ.get("RASSO_TEST_BENCH_PG")),
                    reason="rasso bench on PostgreSQL costs CI a minute more: set RASSO_TEST_PG_URL and "
                           "RASSO_TEST_BENCH_PG=1 to run it")
def test_quick_bench_on_postgresql_leaves_no_database(tmp_path):
    done = subprocess.run([sys.executable, "-m", "cli", "bench", "--quick", "--db", PG_URL, "--output", str(tmp_path)],  # noqa: S603 - argv: this Python and our command, no shell
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads((tmp_path / f"report-postgresql-{QUICK_CASES}.json").read_text())
    assert report["backend"] == "postgresql" and report["rivals"]["pandas_disagrees"] == []
    engine = make_engine(PG_URL)
    with engine.connect() as conn:
        left = conn.execute(text("SELECT datname FROM pg_database WHERE datname LIKE 'rasso_bench_%'")).all()
    engine.dispose()
    assert not left
