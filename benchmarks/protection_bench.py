"""Disclosure protection of a release: its run time and the cells it hides, at a given scale.

    python -m benchmarks.protection_bench [--cases 2000000] [--seed 2023] [--db URL [--release ID]]

Without ``--db`` a synthetic release of ``--cases`` is loaded into a scratch SQLite file (the load
protects it, as every load does) and its next edition is written (protected with the first as its
prior). With ``--db`` the release given (default: the newest data release) of an existing
database is protected again inside a transaction that is rolled back, so the database is left as
it was. Writes the figures into the "Disclosure protection (issue 9)" section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from datetime import UTC, datetime

from benchmarks.results import write_section
from db.bootstrap import init_database
from db.engine import make_engine
from db.protection import REASONS, ProtectionSummary, protect_release, protection_report, stored_run
from db.releases import default_release_id
from sample_data.editions import next_edition
from sample_data.load import load_sample

LAST_QUARTER = 20262
SECTION = "Disclosure protection (issue 9)"


def _row(what: str, s: ProtectionSummary, wall: float | None = None) -> str:
    reasons = " | ".join(f"{s.hidden_by_reason.get(r, 0):,}" for r in REASONS)
    share = s.hidden / s.cells if s.cells else 0.0
    wall_text = f"{wall:.1f}" if wall is not None else ""
    return (f"| {what} | {s.cells:,} | {s.hidden:,} ({share:.1%}) | {reasons} | {s.seconds:.1f} | {wall_text} |")


def _loss_lines(engine, release_id: int) -> list[str]:
    with engine.connect() as conn:
        loss = protection_report(conn, release_id)
    fam = loss.filter(loss["scope"] == "family").sort("hidden", descending=True)
    lines = ["| family | cells | hidden | share hidden |", "|---|---:|---:|---:|"]
    for r in fam.iter_rows(named=True):
        lines.append(f"| {r['family']} | {r['cells']:,} | {r['hidden']:,} | {r['share_hidden']:.1%} |")
    return lines


def bench_sample(cases: int, seed: int) -> tuple[list[str], list[str]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/bench.sqlite")
        init_database(engine)
        start = time.perf_counter()
        rid = load_sample(engine, cases=cases, seed=seed, last_quarter=LAST_QUARTER)
        load_s = time.perf_counter() - start
        with engine.connect() as conn:
            rows.append(_row(f"synthetic release, {cases:,} cases (load {load_s:.1f} s in all)",
                             stored_run(conn, rid)))
        start = time.perf_counter()
        nid = next_edition(engine, rid, seed=1)
        edition_s = time.perf_counter() - start
        with engine.connect() as conn:
            rows.append(_row(f"its next edition, prior = the first (written in {edition_s:.1f} s in all)",
                             stored_run(conn, nid)))
        loss = _loss_lines(engine, rid)
        engine.dispose()
    return rows, loss


def bench_existing(url: str, release_id: int | None) -> tuple[list[str], list[str]]:
    engine = make_engine(url)
    rid = release_id or default_release_id(engine)
    with engine.connect() as conn:
        prior = (stored_run(conn, rid) or ProtectionSummary(rid, 0, None, 0)).prior_release_id
        conn.rollback()  # the read above began a transaction: the protection gets one of its own
        trans = conn.begin()
        start = time.perf_counter()
        summary = protect_release(conn, rid, prior_release_id=prior)
        wall = time.perf_counter() - start
        trans.rollback()
    loss = _loss_lines(engine, rid)
    engine.dispose()
    return [_row(f"release {rid} of {make_engine(url).url.render_as_string(hide_password=True)}", summary, wall)], loss


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=2_000_000)
    ap.add_argument("--seed", type=int, default=2023)
    ap.add_argument("--db", help="protect a release of this existing database instead (rolled back)")
    ap.add_argument("--release", type=int, help="with --db: the release (default: the newest data release)")
    ap.add_argument("--no-write", action="store_true", help="print the figures only; leave RESULTS.md alone")
    ap.add_argument("--no-audit", action="store_true",
                    help="the engine without its LP audit (line rule only), to tell the two costs apart")
    args = ap.parse_args(argv)
    if args.no_audit:
        from db import protection

        real = protection.protect_cells
        protection.protect_cells = lambda *a, **k: real(*a, **{**k, "verify": False})
    load_avg = os.getloadavg()[0]
    rows, loss = bench_existing(args.db, args.release) if args.db else bench_sample(args.cases, args.seed)
    command = ("`python -m benchmarks.protection_bench --db URL`" if args.db
               else f"`python -m benchmarks.protection_bench --cases {args.cases}` (seed {args.seed}, data to 2026-27 Q2)")
    lines = [
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores (load average {load_avg:.1f} "
        f"at the start), Python {platform.python_version()}; {command}{' --no-audit' if args.no_audit else ''}. "
        "Threshold 5. Seconds: reading the release's leaf counts and protecting them "
        f"({'line rule only, no LP audit' if args.no_audit else 'LP audit included'}), as stored in `disclosure_run`.",
        "", "| release | node cells | hidden | " + " | ".join(REASONS) + " | seconds | wall s |",
        "|---|---:|---:|" + "---:|" * len(REASONS) + "---:|---:|", *rows, "",
        "Hidden cells per family (first release):", "", *loss,
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        scale = "existing database" if args.db else f"{args.cases:,} cases"
        write_section(f"{SECTION}: {scale}{', no LP audit' if args.no_audit else ''}", text)


if __name__ == "__main__":
    main()
