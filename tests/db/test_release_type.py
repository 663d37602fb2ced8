"""Issue 8 item 4: a release is one typed object everywhere.

Before, a release was a ``db.releases.Release`` dataclass in the command line, a dict from
``queries.release_info`` in the pages, a row of a Polars frame from ``list_releases`` (its JSON
columns parsed again by the sidebar, the methodology page, the command line and the ingest) and
another dict from the boundaries look-up. Now every one of them is a ``Release``, built by
``db.releases.release_from_row``, the only place the JSON columns are parsed.
"""

from __future__ import annotations

import re
from dataclasses import FrozenInstanceError

import pytest

import queries
from db.releases import (
    Release,
    create_release,
    default_release,
    finish_release,
    get_release,
    holdings_query,
    latest_release,
    list_releases,
    release_from_row,
)
from helpers.paths import ROOT
from queries.boundaries import latest_boundary_release


def test_every_look_up_gives_a_release(small_db):
    rid = default_release(small_db).id
    listed = list_releases(small_db)
    assert listed and all(isinstance(r, Release) for r in listed)
    for rel in (default_release(small_db), get_release(small_db, rid), latest_release(small_db),
                queries.release_info(small_db, rid), listed[0]):
        assert isinstance(rel, Release), type(rel)
        assert rel.id == rid and rel.synthetic and rel.source == "synthetic"
        assert isinstance(rel.parameters, dict) and isinstance(rel.row_counts, dict)
    info = queries.release_info(small_db, rid)
    assert info.row_counts["outcomes"] > 0 and info.parameters["seed"] > 0
    assert info.coverage and "outcomes" in info.coverage
    assert (info.first_quarter, info.last_quarter) == queries.data_range(small_db, rid)
    assert 0 < info.scale < 1  # the small sample is a fraction of national volume
    assert info.cases == info.parameters["cases"]
    with pytest.raises(FrozenInstanceError):
        info.label = "changed"  # type: ignore[misc]


def test_the_row_is_parsed_in_one_place(empty_db):
    """What a load writes comes back, JSON columns parsed, from the one builder."""
    with empty_db.begin() as conn:
        rid = create_release(conn, source="boundaries", label="Boundaries", synthetic=False,
                             parameters={"kind": "boundaries", "scale": None})
        finish_release(conn, rid, first_quarter=None, last_quarter=None, row_counts={"boundary": 43})
    rel = get_release(empty_db, rid)
    assert rel.parameters == {"kind": "boundaries", "scale": None}
    assert rel.row_counts == {"boundary": 43}
    assert rel.holdings == "force area boundaries (43 rows)"
    assert rel.status == "complete" and rel.supersedes is None
    assert latest_boundary_release(empty_db) == rel  # the boundaries look-up gives the same object
    listed = list_releases(empty_db)
    assert [r.id for r in listed] == [rid] and listed[0].row_counts == rel.row_counts


def test_release_from_row_reads_a_mapping():
    row = {"id": 7, "source": "published", "label": "Outcomes", "synthetic": 0, "created_at": None,
           "first_quarter": 20241, "last_quarter": 20244, "status": "superseded",
           "parameters": '{"kind": "outcomes"}', "row_counts": "", "supersedes": 6}
    rel = release_from_row(row, ("a.csv (sha256 0123…)",))
    assert rel == Release(id=7, source="published", label="Outcomes", synthetic=False, created_at=None,
                          first_quarter=20241, last_quarter=20244, parameters={"kind": "outcomes"},
                          status="superseded", row_counts={}, supersedes=6, files=("a.csv (sha256 0123…)",))
    assert rel.cases is None and rel.holdings == "no rows"


def test_no_other_module_parses_a_release_row():
    """``row_counts`` and ``parameters`` JSON is parsed only by ``db.releases``."""
    parsing = re.compile(r"json\.loads\([^)]*(row_counts|parameters|counts|params)")
    offenders = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith((".venv/", "tests/")) or rel == "db/releases.py":
            continue
        if parsing.search(path.read_text(encoding="utf-8")):
            offenders.append(rel)
    assert not offenders, offenders


def test_the_release_list_of_every_page_run_reads_the_index_not_the_fact_tables(small_db):
    """``data_holdings`` runs on every page run: a plan that scans the fact tables cost 36 ms a
    run at national scale (SQLite chose it for ``EXISTS (SELECT * ...)``)."""
    if small_db.dialect.name != "sqlite":
        pytest.skip("the plan checked is SQLite's; PostgreSQL's planner answers EXISTS from the index either way")
    sql = str(holdings_query().compile(small_db, compile_kwargs={"literal_binds": True}))  # our constant only
    with small_db.connect() as conn:
        plan = " | ".join(row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
    assert "SCAN outcomes" not in plan and "SCAN recorded_offences" not in plan, plan
    assert "USING COVERING INDEX" in plan, plan
