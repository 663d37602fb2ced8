"""A reader never sees a half-written release while a load runs in another process."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from db.schema import case_record, outcomes, recorded_offences, release
from helpers.testdb import BACKENDS

CASES = 40_000
"""Big enough that the loader writes for several seconds while the reader polls (the test fails,
saying so, if it finishes before three polls), small enough to cost CI little."""
FACTS = {"case_record": case_record, "recorded_offences": recorded_offences, "outcomes": outcomes}


def _snapshot(engine):
    """Fact-row counts per release, then the release rows.

    The facts are read first: under READ COMMITTED (PostgreSQL's default, and SQLite's pysqlite
    issues no BEGIN for a SELECT) each statement sees the latest commit, so a release committed
    between the two reads would look like facts without a release row if the release table were
    read first. Facts and their release row are committed together, so any fact row the first read
    sees has its release row visible to the second.
    """
    with engine.connect() as conn:
        counts = {name: dict(conn.execute(select(t.c.release_id, func.count()).group_by(t.c.release_id)).all())
                  for name, t in FACTS.items()}
        releases = {r.id: json.loads(r.row_counts) for r in conn.execute(select(release.c.id, release.c.row_counts))}
    return releases, counts


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_reader_sees_whole_release_or_nothing(backend, tmp_path, fresh_engine):
    engine = fresh_engine(backend, tmp_path)
    url = engine.url.render_as_string(hide_password=False)
    loader = subprocess.Popen(  # noqa: S603 - argv: this Python and constants, no shell
        [sys.executable, "-m", "cli", "sample", "--db", url, "--cases", str(CASES), "--seed", "5"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    polls_during_load = 0
    try:
        while loader.poll() is None:
            releases, counts = _snapshot(engine)
            for name, per_release in counts.items():
                for rid, n in per_release.items():
                    assert rid in releases, f"{name} rows of release {rid} visible before the release row"
                    assert n == releases[rid][name], f"release {rid} is half visible in {name}"
            polls_during_load += 1
            time.sleep(0.05)
    finally:
        loader.wait(timeout=300)
    assert loader.returncode == 0, loader.stderr
    assert polls_during_load >= 3, "the load finished before the reader could look: make it bigger"
    releases, counts = _snapshot(engine)
    (rid,) = releases
    with engine.connect() as conn:  # case records: the CASES recorded plus the carried-in ones
        parameters = json.loads(conn.execute(select(release.c.parameters)).scalar_one())
    assert counts["case_record"][rid] == releases[rid]["case_record"] == CASES + parameters["carried_in_cases"]
    engine.dispose()
