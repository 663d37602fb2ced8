"""No cycle among the app's module-level imports.

Why: Streamlit runs each session's script in a thread of its own, so a fresh server's first
visitors import the app's modules in several threads at once. Python locks each module while it
imports it; two modules that import each other at module level, imported first by two threads,
wait for each other, and Python breaks the wait with ``_DeadlockError`` in one of them: that
visitor's page showed "This app has encountered an error" (seen in the four-session browser test
on a loaded machine, db.schema <-> db.case_aggregates). An import inside a function runs after its
module is complete and cannot deadlock this way, nor can one under ``if TYPE_CHECKING:``.
"""

from __future__ import annotations

import ast
from pathlib import Path

from helpers.paths import ROOT

PACKAGES = ("pages", "components", "reports", "charts", "words", "analysis", "geo", "queries", "ingest",
            "sample_data", "db", "metrics", "settings")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _top_level_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Imports that run while the module itself is imported: at module level, or in a try or an
    if at that level (not under ``if TYPE_CHECKING``)."""
    out, todo = [], list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            out.append(node)
        elif isinstance(node, ast.If) and not (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"):
            todo += node.body + node.orelse
        elif isinstance(node, ast.Try):
            todo += node.body + node.orelse + node.finalbody + [s for h in node.handlers for s in h.body]
    return out


def _edges(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The app modules ``name`` imports while it is imported (a package, or a module of it)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in _top_level_imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets |= {alias.name for alias in node.names}
            continue
        base = node.module or ""
        if node.level:
            base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
        targets.add(base)
        targets |= {f"{base}.{alias.name}" for alias in node.names}
    # a module's own packages are always imported before it, in the thread importing it: not an edge
    ancestors = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
    return {t for t in targets if t in modules and t != name and t not in ancestors}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_check_finds_a_cycle_of_two_modules():
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_level_import_cycle_in_the_app():
    modules = _modules()
    graph = {name: _edges(name, path, modules) for name, path in modules.items()}
    assert "db.schema" in graph["db.case_aggregates"]  # it sees the imports it is about
    assert _cycles(graph) == []
