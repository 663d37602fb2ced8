"""The benchmark's database: built once per scale, seed and code version, then reused.

Building a national release takes minutes, and the pages are what is measured, so the database
is kept between runs. It is "current" only while the code that made it is unchanged: the cache
key holds a hash of the generator, the schema, the loaders and the disclosure protection. The
times of generation, load and protection are measured on every run anyway (generation in
memory, protection again inside a transaction that is rolled back), and the load's time is kept
with the database it built.

- Default: an embedded SQLite file ``.cache/bench/bench-<cases>-<seed>-<code>.sqlite``.
- ``--db sqlite:///FILE``: that file, built when empty, reused when it holds the same sample.
- ``--db postgresql://...``: a scratch database ``rasso_bench_<cases>_<seed>_<code>`` on that
  server, created here and dropped at the end unless ``--keep-db`` (then a later run reuses it).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from benchmarks.bench import BenchError
from db.bootstrap import init_database
from db.engine import make_engine
from db.migrate import is_current
from db.protection import protect_release, stored_run
from db.releases import list_releases
from sample_data.generator import generate
from sample_data.load import load_sample

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "bench"
LAST_QUARTER = 20262  # fixed, so a sample made on another day has the same quarters
# The code whose change makes a kept database stale.
CODE = ("sample_data", "db", "ingest", "metrics/disclosure")


def code_version() -> str:
    digest = hashlib.sha256()
    for folder in CODE:
        for path in sorted((ROOT / folder).rglob("*.py")):
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


@dataclass
class BenchDatabase:
    url: str
    backend: str  # "sqlite" | "postgresql"
    release_id: int
    reused: bool
    loading: dict = field(default_factory=dict)


def _matching_release(engine: Engine, cases: int, seed: int) -> int | None:
    """The complete synthetic release of this sample, when the database holds one."""
    if not is_current(engine):
        return None
    for rel in list_releases(engine):
        params = rel.parameters
        if (rel.synthetic and rel.status == "complete" and params.get("cases") == cases
                and params.get("seed") == seed and params.get("last_quarter") == LAST_QUARTER):
            return rel.id
    return None


def _build(engine: Engine, cases: int, seed: int, boundaries: Path | None) -> tuple[int, dict]:
    init_database(engine)
    start = time.perf_counter()
    rid = load_sample(engine, cases=cases, seed=seed, last_quarter=LAST_QUARTER)
    loading = {"load_seconds": time.perf_counter() - start}
    with engine.connect() as conn:
        run = stored_run(conn, rid)
    loading["protection_at_load_seconds"] = run.seconds if run else None
    if boundaries is not None:
        from ingest import load

        start = time.perf_counter()
        load(engine, "boundaries", [boundaries])
        loading["boundaries_seconds"] = time.perf_counter() - start
    return rid, loading


def _sidecar(url: str) -> Path | None:
    parsed = make_url(url)
    return Path(f"{parsed.database}.json") if parsed.get_backend_name() == "sqlite" and parsed.database else None


def _prepare(url: str, cases: int, seed: int, boundaries: Path | None, backend: str) -> BenchDatabase:
    engine = make_engine(url)
    try:
        rid = _matching_release(engine, cases, seed)
        if rid is not None:
            side = _sidecar(url)
            kept = json.loads(side.read_text()) if side and side.exists() else {}
            return BenchDatabase(url, backend, rid, True, kept)
        if is_current(engine) and list_releases(engine):
            raise BenchError(f"{engine.url.render_as_string(hide_password=True)} holds other data: "
                             "give the benchmark a new file or database.")
        rid, loading = _build(engine, cases, seed, boundaries)
    finally:
        engine.dispose()
    side = _sidecar(url)
    if side:
        side.write_text(json.dumps(loading))
    return BenchDatabase(url, backend, rid, False, loading)


@contextmanager
def bench_database(db: str | None, cases: int, seed: int, *, boundaries: Path | None = None,
                   keep: bool = False) -> Iterator[BenchDatabase]:
    """The database to measure, built or reused; a PostgreSQL scratch database is dropped after
    unless ``keep``."""
    version = code_version()
    tag = f"{cases}-{seed}-{version}{'-b' if boundaries else ''}"
    if db is None:
        CACHE.mkdir(parents=True, exist_ok=True)
        for stale in CACHE.glob(f"bench-{cases}-{seed}-*.sqlite*"):
            if f"-{version}" not in stale.name:  # made by other code: never current again
                stale.unlink()
        yield _prepare(f"sqlite:///{CACHE / f'bench-{tag}.sqlite'}", cases, seed, boundaries, "sqlite")
        return
    parsed = make_url(db)
    if parsed.get_backend_name() == "sqlite":
        yield _prepare(db, cases, seed, boundaries, "sqlite")
        return
    name = f"rasso_bench_{tag.replace('-', '_')}"
    admin = make_engine(db).execution_options(isolation_level="AUTOCOMMIT")
    # A database name cannot be a bound parameter; this one is made here from digits and a hash,
    # never from input, and quoted by the dialect.
    quoted = admin.dialect.identifier_preparer.quote(name)
    create, drop = "CREATE DATABASE " + quoted, "DROP DATABASE IF EXISTS " + quoted + " WITH (FORCE)"
    try:
        with admin.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
            if not exists:
                conn.exec_driver_sql(create)
        url = parsed.set(database=name).render_as_string(hide_password=False)
        yield _prepare(url, cases, seed, boundaries, "postgresql")
    finally:
        if not keep:
            with admin.connect() as conn:
                conn.exec_driver_sql(drop)
        admin.dispose()


def measure_loading(bench: BenchDatabase, cases: int, seed: int, runs: int) -> dict:
    """Generation (in memory, every run), the load (when this run built the database) and the
    release's disclosure protection, run again in a transaction that is rolled back."""
    generation = []
    rows = {}
    for _ in range(runs):
        start = time.perf_counter()
        data = generate(cases, seed, last_quarter=LAST_QUARTER)
        generation.append(time.perf_counter() - start)
        rows = {"case_record": data.cases.height, "carried_in": data.carried_in,
                "recorded_offences": data.recorded.height, "outcomes": data.outcomes.height,
                "indicator_value": data.indicators.height}
        del data
    engine = make_engine(bench.url)
    protection = []
    summary = None
    for _ in range(runs):
        with engine.connect() as conn:
            prior = stored_run(conn, bench.release_id)
            conn.rollback()  # reading the prior run began a transaction: protect in one of its own
            trans = conn.begin()
            start = time.perf_counter()
            summary = protect_release(conn, bench.release_id,
                                      prior_release_id=prior.prior_release_id if prior else None)
            protection.append(time.perf_counter() - start)
            trans.rollback()
    engine.dispose()
    return {"generation_seconds": generation, "rows": rows, "protection_seconds": protection,
            "protection_cells": summary.cells if summary else None,
            "protection_hidden": summary.hidden if summary else None,
            "load_seconds": bench.loading.get("load_seconds"),
            "protection_at_load_seconds": bench.loading.get("protection_at_load_seconds"),
            "boundaries_seconds": bench.loading.get("boundaries_seconds"),
            "database_reused": bench.reused}
