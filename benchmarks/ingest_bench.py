"""Benchmark: load a Home Office outcomes file of a million rows (target: under a minute).

Generates the files in a temporary folder (removed after) in the published 2026 layout, loads
them into a fresh SQLite file and (if reachable) a PostgreSQL database it creates and drops
itself, and appends the timings to benchmarks/RESULTS.md under "Ingest". Run: ``python -m benchmarks.ingest_bench [--rows N]``.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from benchmarks.results import write_section

ROOT = Path(__file__).resolve().parents[1]

PG_DB = "rasso_ingest_bench"  # own name: other benchmarks create and drop theirs


def _generator():
    sys.path.insert(0, str(ROOT / "tests"))
    from helpers.ingest_files import OUTCOMES_2026, big_outcomes_csv, outcome_rows, write_xlsx

    return big_outcomes_csv, outcome_rows, write_xlsx, OUTCOMES_2026


def _psql(sql: str) -> bool:
    psql = shutil.which("psql")
    if psql is None:
        return False
    # S603: a fixed argument list, no shell; the SQL is built from this module's constants only
    done = subprocess.run([psql, "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-c", sql],  # noqa: S603
                          capture_output=True, text=True, check=False)
    return done.returncode == 0


def _time_loads(url: str, files: list[tuple[str, list[Path]]]) -> list[tuple[str, float, str]]:
    import ingest
    from db.bootstrap import init_database
    from db.engine import make_engine

    engine = make_engine(url)
    init_database(engine)
    out = []
    for label, paths in files:
        start = time.perf_counter()
        report = ingest.load(engine, "outcomes", paths)
        seconds = time.perf_counter() - start
        out.append((label, seconds, f"release {report.release_id}, {report.rows_kept:,} rows kept, "
                                    f"{report.revisions:,} revised values"))
    engine.dispose()
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="rasso_ingest_bench_") as tmp:
        results = _measure(Path(tmp), args)
    lines = [f"{date.today().isoformat()}, `python -m benchmarks.ingest_bench --rows {args.rows}`; machine: "
             f"{platform.machine()}, {_cpus()} CPUs, Python {platform.python_version()}, load average "
             f"{_load():.1f} at the start. "
             "Times are for `ingest.load` end to end (hash, read, validate, write in one transaction, "
             "reconcile). Target: a 1M-row outcomes file in under 60 s.", "",
             "| backend | load | seconds | result |", "|---|---|---:|---|"]
    for backend, rows in results.items():
        for label, seconds, note in rows:
            lines.append(f"| {backend} | {label} | {seconds:.1f} | {note} |")
    text = "\n".join(lines) + "\n"
    print(text)
    write_section("Ingest", text)


def _measure(work: Path, args: argparse.Namespace) -> dict[str, list]:
    """Generate the files in ``work`` and time their loads on each backend."""
    big_outcomes_csv, outcome_rows, write_xlsx, headers = _generator()

    start = time.perf_counter()
    big = big_outcomes_csv(work / "outcomes_big.csv", args.rows, first_fy=2015)
    revised = big_outcomes_csv(work / "outcomes_revised_year.csv", 89_056, first_fy=2024, seed=4)
    by_year = {fy: outcome_rows(fy, scale=2) for fy in range(2020, 2024)}
    xlsx_rows = [r for rows in by_year.values() for r in rows]
    small = write_xlsx(work / "outcomes_small.xlsx",
                       {f"{fy}-{(fy + 1) % 100:02d}": (rows, headers) for fy, rows in by_year.items()})
    print(f"generated files in {time.perf_counter() - start:.1f}s")
    files = [
        (f"first load, CSV, {args.rows:,} rows ({big.stat().st_size / 1e6:.0f} MB)", [big]),
        ("second load, CSV, one revised year (89,056 rows): copy forward + revisions", [revised]),
        (f"third load, xlsx, {len(xlsx_rows):,} rows, 4 year sheets", [small]),
    ]
    results: dict[str, list] = {}
    sqlite_path = work / "bench.sqlite"
    results["SQLite (file, WAL)"] = _time_loads(f"sqlite:///{sqlite_path}", files)
    if not args.no_postgres:
        _psql(f"DROP DATABASE IF EXISTS {PG_DB}")
        if _psql(f"CREATE DATABASE {PG_DB}"):
            try:
                results["PostgreSQL (local, COPY)"] = _time_loads(
                    f"postgresql://postgres@127.0.0.1:5432/{PG_DB}", files)
            finally:
                _psql(f"DROP DATABASE IF EXISTS {PG_DB}")
        else:
            print("PostgreSQL not reachable: skipped")

    return results


def _load() -> float:
    import os

    return os.getloadavg()[0]


def _cpus() -> int:
    import os

    return os.cpu_count() or 0


if __name__ == "__main__":
    main()
