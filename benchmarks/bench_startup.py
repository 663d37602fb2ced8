"""Start-up: ``rasso --help`` in a new process, and what importing the dashboard's modules costs.

Both run in fresh interpreters, so nothing this process has imported makes them look cheaper.
"""

from __future__ import annotations

import ast
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def help_seconds(runs: int) -> dict:
    """Wall time of ``rasso --help`` (``python -m cli --help``: the same code as the installed script)."""
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "cli", "--help"], cwd=ROOT, env=_env(),
                              capture_output=True, text=True, timeout=120)
        seconds.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise RuntimeError(f"rasso --help failed: {done.stderr.strip()[-300:]}")
    return {"median": statistics.median(seconds), "max": max(seconds), "runs": seconds}


def dashboard_imports() -> list[str]:
    """The modules ``dashboard.py`` imports at its top, in order."""
    tree = ast.parse((ROOT / "dashboard.py").read_text(encoding="utf-8"))
    names = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module != "__future__":
            names.append(node.module)
    return names


LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)")


def import_cost(top: int = 10) -> dict:
    """``python -X importtime`` of dashboard.py's imports: the total, each import's cumulative
    cost (in the order dashboard.py makes them: what an earlier one loaded costs a later one
    nothing) and the cost of each package it imports, with everything that package loads."""
    modules = dashboard_imports()
    code = "; ".join(f"import {m}" for m in modules)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code], cwd=ROOT, env=_env(),  # noqa: S603 - argv: this Python and constant imports, no shell
                          capture_output=True, text=True, timeout=300)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"importing dashboard.py's modules failed: {done.stderr.strip()[-300:]}")
    roots = {m.split(".")[0] for m in modules}  # not the interpreter's own start-up (site, encodings...)
    cumulative: dict[str, int] = {}
    top_level: dict[str, int] = {}
    for match in LINE.finditer(done.stderr):
        _self, cum, indent, name = int(match[1]), int(match[2]), len(match[3]), match[4]
        cumulative.setdefault(name, cum)
        root = name.split(".")[0]
        if indent == 1 and root in roots:  # imported directly by the -c code, not by another module
            top_level[root] = top_level.get(root, 0) + cum
    per_import = {m: cumulative.get(m, 0) / 1e6 for m in modules}
    heaviest = sorted(top_level.items(), key=lambda kv: kv[1], reverse=True)[:top]
    return {"wall_seconds": wall, "total_seconds": sum(top_level.values()) / 1e6,
            "per_import_seconds": per_import, "heaviest_packages": {k: v / 1e6 for k, v in heaviest}}
