"""The benchmark's report: the machine and versions, the targets met or missed, and every figure.

The Markdown leads with the ratios to the alternatives and the issue's targets, since absolute
times vary from run to run on a shared machine; the JSON holds every run's times.
"""

from __future__ import annotations

import json
import os
import platform
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from sqlalchemy import text

from benchmarks import bench_server
from db.engine import make_engine

# The targets of issue 14 measured here; the server's (memory, browser, bytes) are in bench_server.
WARM_PAGE, COLD_PAGE, HELP = 0.25, 2.0, 1.0
PANDAS_FACTOR, DUCKDB_FACTOR = 10.0, 3.0
NOT_HERE = "loading a published outcomes file of a million rows: `python -m benchmarks.ingest_bench`"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine(url: str) -> dict:
    engine = make_engine(url)
    with engine.connect() as conn:
        server = (conn.execute(text("SELECT sqlite_version()")).scalar() if engine.dialect.name == "sqlite"
                  else conn.execute(text("SHOW server_version")).scalar())
    engine.dispose()
    return {"cpus": os.cpu_count(), "platform": platform.platform(), "machine": platform.machine(),
            "python": platform.python_version(), "database": f"{engine.dialect.name} {server}",
            "versions": {p: _version(p) for p in ("streamlit", "polars", "sqlalchemy", "pandas", "duckdb",
                                                  "psycopg", "altair")},
            "command": "rasso " + " ".join(sys.argv[1:]) if sys.argv[0].endswith(("rasso", "cli.py")) else None}


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def targets(report: dict) -> list[dict]:
    """Each target this command measures, with the figure and whether it is met."""
    states = report["pages"]["states"]
    worst_warm = max(states, key=lambda s: s["warm"]["median"])
    worst_cold = max(states, key=lambda s: s["cold"]["median"])
    overview = next(s for s in states if s["name"] == "overview")
    rivals = report["rivals"]
    pandas_x = rivals["pandas_median"] / overview["warm"]["median"]
    duck_x = overview["warm"]["median"] / rivals["duckdb_median"]
    help_s = report["startup"]["help"]["median"]
    return [
        {"target": f"warm page script run under {WARM_PAGE * 1000:.0f} ms median, every page",
         "figure": f"slowest {worst_warm['warm']['median'] * 1000:.0f} ms ({worst_warm['name']})",
         "met": worst_warm["warm"]["median"] < WARM_PAGE},
        {"target": f"cold page script run under {COLD_PAGE:.0f} s, every page",
         "figure": f"slowest {worst_cold['cold']['median']:.2f} s ({worst_cold['name']})",
         "met": worst_cold["cold"]["median"] < COLD_PAGE},
        {"target": f"at least {PANDAS_FACTOR:.0f}x faster than the pandas approach (overview, warm)",
         "figure": f"{pandas_x:.1f}x", "met": pandas_x >= PANDAS_FACTOR},
        {"target": f"within {DUCKDB_FACTOR:.0f}x of the DuckDB bound (overview, warm)",
         "figure": f"{duck_x:.1f}x the bound", "met": duck_x <= DUCKDB_FACTOR},
        {"target": f"`rasso --help` under {HELP:.0f} s", "figure": f"{help_s:.2f} s", "met": help_s < HELP},
    ] + (bench_server.targets(report["server"]) if report.get("server") else [])


def ratios(report: dict) -> dict:
    overview = next(s for s in report["pages"]["states"] if s["name"] == "overview")
    r = report["rivals"]
    warm, cold = overview["warm"]["median"], overview["cold"]["median"]
    return {"ours_warm_over_pandas": warm / r["pandas_median"], "ours_cold_over_pandas": cold / r["pandas_median"],
            "ours_warm_over_duckdb": warm / r["duckdb_median"], "ours_cold_over_duckdb": cold / r["duckdb_median"],
            "ours_direct_over_pandas": r["ours_direct_median"] / r["pandas_median"],
            "ours_direct_over_duckdb": r["ours_direct_median"] / r["duckdb_median"]}


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def markdown(report: dict) -> str:
    m, r, rat = report["machine"], report["rivals"], report["ratios"]
    lines = [f"# RASSO dashboard benchmark: {report['backend']}, {report['cases']:,} cases", "",
             f"{report['date']}; {m['cpus']} CPUs, {m['platform']}; Python {m['python']}, "
             + ", ".join(f"{k} {v}" for k, v in m["versions"].items()) + f"; database {m['database']}. "
             f"Load average {report['load_average_start']} at the start, {report['load_average_end']} at the end. "
             f"Seed {report['seed']}{', quick (one run each)' if report['quick'] else ''}; "
             f"database {'reused' if report['loading']['database_reused'] else 'built by this run'}.", "",
             "## Ratios (overview, same figures, same run)", "",
             "| ours | over pandas (read_sql + groupby) | over DuckDB on Parquet |", "|---|---:|---:|",
             f"| page script run, warm | {rat['ours_warm_over_pandas']:.3f} | {rat['ours_warm_over_duckdb']:.1f} |",
             f"| page script run, cold | {rat['ours_cold_over_pandas']:.3f} | {rat['ours_cold_over_duckdb']:.1f} |",
             f"| the figures' queries alone (restricted tier, no Streamlit) | {rat['ours_direct_over_pandas']:.3f} "
             f"| {rat['ours_direct_over_duckdb']:.1f} |", "",
             f"pandas {_ms(r['pandas_median'])}, DuckDB {_ms(r['duckdb_median'])} (Parquet copy made once in "
             f"{_ms(r['parquet_copy_seconds'])}, not counted), ours by direct calls {_ms(r['ours_direct_median'])}; "
             f"all three agree on all {r['figures']} figures (checked in this run).", "",
             "## Targets (issue 14)", "", "| target | figure | |", "|---|---|---|"]
    lines += [f"| {t['target']} | {t['figure']} | {'met' if t['met'] else '**missed**'} |" for t in report["targets"]]
    lines += ["", f"Not measured by this command: {NOT_HERE}.", ""]
    lines += _pages(report) + _queries(report) + _loading(report) + _startup(report)
    lines += bench_server.markdown(report.get("server"))
    stages = ", ".join(f"{k.split(':')[0]} {_ms(v)}" for k, v in report["stage_seconds"].items())
    lines += [f"This run's parts (wall time): {stages}."]
    return "\n".join(lines) + "\n"


def _pages(report: dict) -> list[str]:
    p = report["pages"]
    lines = ["## Pages, server side (AppTest script run)", "",
             f"First run in a fresh process (imports, engine, reference data): {_ms(p['first_run_in_process']['seconds'])}.",
             "", "Each state is a new session opened on its address. Cold: Streamlit's caches cleared just before "
             "the run (the modules are imported already). Warm: the same session runs the page again. "
             + ("Force-area boundaries are loaded: each comparison draws its force-area map and its tile map."
                if p["boundaries"] else "No force-area boundaries are loaded: each comparison draws its tile map "
                "only (`--boundaries FILE` loads them, so the force-area map is measured too)."), "",
             "| page state | cold median | cold max | warm median | warm max | charts | query calls | problems |",
             "|---|---:|---:|---:|---:|---:|---:|---|"]
    for s in p["states"]:
        lines.append(f"| {s['name']} | {_ms(s['cold']['median'])} | {_ms(s['cold']['max'])} | "
                     f"{_ms(s['warm']['median'])} | {_ms(s['warm']['max'])} | {s['charts']} | {s['query_calls']} | "
                     f"{'; '.join(s['problems'])[:200] or ''} |")
    return [*lines, ""]


def _queries(report: dict, top: int = 25) -> list[str]:
    rows = report["queries"]
    lines = [f"## Queries the pages make ({len(rows)} distinct calls; the {min(top, len(rows))} slowest warm)", "",
             "| call | cold | warm median | pages |", "|---|---:|---:|---|"]
    for q in rows[:top]:
        lines.append(f"| `{q['call'][:140]}` | {_ms(q['cold'])} | {_ms(q['warm_median'])} | {len(q['states'])} |")
    return [*lines, ""]


def _loading(report: dict) -> list[str]:
    ld = report["loading"]
    rows = ", ".join(f"{k} {v:,}" for k, v in ld["rows"].items())
    load = _ms(ld["load_seconds"]) if ld["load_seconds"] is not None else "not known (database built before)"
    at_load = ld["protection_at_load_seconds"]
    return ["## Loading", "", f"- Generation of {report['cases']:,} cases: {_ms(min(ld['generation_seconds']))} ({rows}).",
            f"- Load into the database, protection included (when this database was built): {load}"
            + (f"; the protection's share: {_ms(at_load)}." if at_load is not None else "."),
            f"- Disclosure protection of the release, again (rolled back): {_ms(min(ld['protection_seconds']))} "
            f"({ld['protection_cells']:,} cells, {ld['protection_hidden']:,} hidden).", ""]


def _startup(report: dict) -> list[str]:
    s = report["startup"]
    heavy = ", ".join(f"{k} {_ms(v)}" for k, v in s["imports"]["heaviest_packages"].items())
    return ["## Start-up", "", f"- `rasso --help`: {_ms(s['help']['median'])} median of {len(s['help']['runs'])}.",
            f"- Importing dashboard.py's modules (`python -X importtime`): {_ms(s['imports']['total_seconds'])} "
            f"({_ms(s['imports']['wall_seconds'])} wall with the interpreter). Heaviest: {heavy}.", ""]


def write(report: dict, folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"report-{report['backend']}-{report['cases']}"
    md, js = stem.with_suffix(".md"), stem.with_suffix(".json")
    md.write_text(markdown(report), encoding="utf-8")
    js.write_text(json.dumps(report, indent=1, default=str) + "\n", encoding="utf-8")
    return md, js
