"""No Python function runs inside a Polars expression in anything the app server runs.

Why: ``map_elements``, ``map_batches`` and ``map_groups`` make Polars' worker threads take
Python's lock to call the function, while another session's thread may hold that lock and wait
for the same workers (``DataFrame.to_pandas`` does). Under concurrent sessions the whole server
hung, health check included (``python -m benchmarks.load_test``, ten sessions, SQLite). Format or
compute in Python on plain lists, or with Polars' own expressions. Benchmarks and tests run
alone and may use them.
"""

from __future__ import annotations

import ast
from pathlib import Path

from helpers.paths import ROOT

CALLBACKS = {"map_elements", "map_batches", "map_groups"}
SKIP = {".venv", ".git", "tests", "benchmarks", "node_modules", ".cache"}


def _modules() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py") if not SKIP & set(p.relative_to(ROOT).parts))


def callbacks_in(source: str) -> list[int]:
    """Lines calling a Polars callback method."""
    return [node.lineno for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in CALLBACKS]


def test_the_check_finds_a_callback():
    assert callbacks_in('x = pl.col("s").map_elements(lambda s: f"{s}%")\ny = 1\n') == [1]
    assert callbacks_in("rows = positions.map_rows(comp)\n") == []


def test_no_module_the_server_runs_calls_a_polars_callback():
    found = [f"{p.relative_to(ROOT)}:{line}" for p in _modules() for line in callbacks_in(p.read_text())]
    assert found == [], found
