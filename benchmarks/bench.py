"""``rasso bench``: what users wait for, at a given scale, side by side with the alternatives.

Builds or reuses a database (``bench_db``), then measures every page's script run cold and warm
(``bench_pages``), each query the pages made (``bench_queries``), generation, load and disclosure
protection, the overview's figures by pandas and by DuckDB against ours (``bench_rivals``) and
start-up (``bench_startup``), and writes ``report-<backend>-<cases>.md`` and ``.json``
(``bench_report``). ``quick`` is a tiny scale with one run of each, for a smoke test.
"""

from __future__ import annotations

import importlib.util
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

QUICK_CASES = 20_000
INSTALL = "pip install -r requirements-dev.txt  (or: pip install duckdb)"


class BenchError(Exception):
    """Something the user can fix before the benchmark can run; printed as one line."""


class MissingTool(BenchError):
    """A package only the benchmark needs is not installed."""


@dataclass(frozen=True)
class Options:
    cases: int
    seed: int = 2023
    db: str | None = None
    quick: bool = False
    output: Path = Path(__file__).resolve().parent
    boundaries: Path | None = None
    keep_db: bool = False

    @property
    def runs(self) -> tuple[int, int]:
        """(cold, warm) runs of each page state, and of each approach for the figures."""
        return (1, 1) if self.quick else (3, 5)


def check_tools() -> None:
    if importlib.util.find_spec("duckdb") is None:
        raise MissingTool(f"DuckDB is needed for the benchmark's lower bound: {INSTALL}")


def _say(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


class _Stages:
    """Wall time of each part of the run, for the report (what a full run costs to repeat)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._name, self._start = "", 0.0

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        if self._name:
            self.seconds[self._name] = round(now - self._start, 2)
        self._name, self._start = name, now
        if name:
            _say(name)


def run(options: Options) -> tuple[dict, Path, Path]:
    """Measure everything and write the report; returns it and the two files written."""
    check_tools()
    from benchmarks import bench_report as rep
    from benchmarks.bench_db import bench_database, measure_loading
    from benchmarks.bench_pages import measure_pages
    from benchmarks.bench_queries import time_calls
    from benchmarks.bench_rivals import compare
    from benchmarks.bench_startup import help_seconds, import_cost
    from db.engine import make_engine

    cold_runs, warm_runs = options.runs
    report: dict = {"cases": options.cases, "seed": options.seed, "quick": options.quick,
                    "date": rep.now(), "load_average_start": rep.load_average()}
    stage = _Stages()
    stage(f"database: {options.cases:,} cases, seed {options.seed}")
    with bench_database(options.db, options.cases, options.seed, boundaries=options.boundaries,
                        keep=options.keep_db) as bench:
        report["backend"] = bench.backend
        report["release_id"] = bench.release_id
        report["machine"] = rep.machine(bench.url)
        stage("loading: generation and protection")
        report["loading"] = measure_loading(bench, options.cases, options.seed, runs=cold_runs)
        stage("pages")
        report["pages"], calls = measure_pages(bench.url, cold_runs=cold_runs, warm_runs=warm_runs, progress=_say)
        stage("queries")
        report["queries"] = time_calls(bench.url, calls, warm_runs=max(2, warm_runs - 2), progress=_say)
        stage("the overview's figures: ours, pandas, DuckDB")
        engine = make_engine(bench.url)
        with tempfile.TemporaryDirectory(prefix="rasso-bench-") as tmp:
            report["rivals"] = compare(engine, bench.release_id, Path(tmp), runs=cold_runs)
        engine.dispose()
        report["server"] = None
        if not options.quick:
            from benchmarks.bench_server import measure_server

            stage("server: concurrent sessions, memory, the browser")
            report["server"] = measure_server(bench.url)
    stage("start-up")
    report["startup"] = {"help": help_seconds(1 if options.quick else 5), "imports": import_cost()}
    stage("")
    report["stage_seconds"] = stage.seconds
    report["load_average_end"] = rep.load_average()
    report["ratios"] = rep.ratios(report)
    report["targets"] = rep.targets(report)
    md, js = rep.write(report, options.output)
    return report, md, js
