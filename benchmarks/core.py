"""Generation, load and core query times at full national scale, on SQLite and PostgreSQL.

    python -m benchmarks.core [--cases 2000000] [--pg-url postgresql://postgres@127.0.0.1:5432/postgres]

Writes the figures into the "Core" section of benchmarks/RESULTS.md. PostgreSQL runs in a
scratch database (``rasso_bench``) that is created and dropped here.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from datetime import UTC, datetime

from sqlalchemy import text

from benchmarks.results import write_section
from db.bootstrap import init_database
from db.engine import make_engine
from queries import metric_table, outcome_mix
from sample_data.generator import generate
from sample_data.load import load_sample

LAST_QUARTER = 20262


def core_queries(rid: int) -> dict[str, dict]:
    full = {"release_id": rid, "first_quarter": 20151, "last_quarter": LAST_QUARTER}
    year = {"release_id": rid, "first_quarter": 20253, "last_quarter": LAST_QUARTER}
    return {
        "charge rate, national, every quarter": dict(fn=metric_table, metric_id="charge_rate", area="national", **full),
        "charge rate, 43 forces, latest 12 months": dict(fn=metric_table, metric_id="charge_rate", area="all", grain="period", **year),
        "recorded per 1,000, 43 forces, every year": dict(fn=metric_table, metric_id="recorded_per_1000", area="all", grain="year", **full),
        "median days to charge, national, every quarter": dict(fn=metric_table, metric_id="median_days_to_charge", area="national", **full),
        "median days to charge, 43 forces, latest 12 months": dict(fn=metric_table, metric_id="median_days_to_charge", area="all", grain="period", **year),
        "outcome mix, national, latest 12 months": dict(fn=outcome_mix, offence_group="adult_rape", area="national", **year),
        "ISVA referral indicator, 43 forces, every quarter": dict(fn=metric_table, metric_id="isva_referral_rate", area="all", **full),
    }


def time_queries(engine, rid: int, repeats: int = 3) -> dict[str, float]:
    out = {}
    for name, spec in core_queries(rid).items():
        spec = dict(spec)
        fn = spec.pop("fn")
        runs = []
        for _ in range(repeats):
            start = time.perf_counter()
            fn(engine, **spec)
            runs.append(time.perf_counter() - start)
        out[name] = statistics.median(runs)
    return out


def bench_backend(url: str, cases: int, seed: int) -> tuple[float, dict[str, float]]:
    engine = make_engine(url)
    init_database(engine)
    start = time.perf_counter()
    rid = load_sample(engine, cases=cases, seed=seed, last_quarter=LAST_QUARTER)
    load_s = time.perf_counter() - start
    queries = time_queries(engine, rid)
    engine.dispose()
    return load_s, queries


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cases", type=int, default=2_000_000)
    ap.add_argument("--seed", type=int, default=2023)
    ap.add_argument("--pg-url", default=os.environ.get("RASSO_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    args = ap.parse_args()

    start = time.perf_counter()
    data = generate(args.cases, args.seed, last_quarter=LAST_QUARTER)
    gen_s = time.perf_counter() - start
    rows = {"cases": data.cases.height, "carried_in": data.carried_in, "recorded": data.recorded.height,
            "outcomes": data.outcomes.height, "indicators": data.indicators.height}
    del data
    print(f"generate: {gen_s:.1f} s {rows}")

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["SQLite (embedded file)"] = bench_backend(f"sqlite:///{tmp}/bench.sqlite", args.cases, args.seed)
    print("sqlite done", results["SQLite (embedded file)"][0])
    admin = make_engine(args.pg_url).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("DROP DATABASE IF EXISTS rasso_bench_core"))
            conn.execute(text("CREATE DATABASE rasso_bench_core"))
        bench_url = args.pg_url.rsplit("/", 1)[0] + "/rasso_bench_core"
        results["PostgreSQL 15 (localhost)"] = bench_backend(bench_url, args.cases, args.seed)
    finally:
        with admin.connect() as conn:
            conn.execute(text("DROP DATABASE IF EXISTS rasso_bench_core WITH (FORCE)"))
        admin.dispose()

    names = list(core_queries(0))
    lines = [
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"`python -m benchmarks.core --cases {args.cases}` (seed {args.seed}, data to 2026-27 Q2).",
        "",
        f"- Generate {args.cases:,} synthetic cases (plus {rows['carried_in']:,} still open from earlier years) "
        f"and derive the aggregate tables: **{gen_s:.1f} s** ({rows['recorded']:,} recorded-offence rows, "
        f"{rows['outcomes']:,} outcome rows, {rows['indicators']:,} indicator rows).",
    ]
    for backend, (load_s, _) in results.items():
        lines.append(f"- Load the release into {backend} (one transaction, indexes included): **{load_s:.1f} s**")
    lines += ["", "Core queries (median of 3 runs, seconds, including the Polars post-processing):", "",
              "| query | " + " | ".join(results) + " |", "|---|" + "---|" * len(results)]
    for name in names:
        lines.append(f"| {name} | " + " | ".join(f"{r[1][name]:.3f}" for r in results.values()) + " |")
    write_section("Core", "\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
