"""Size limits, so a newcomer can read any module of the lower layers in one sitting.

* No module over 300 lines unless it says why at its top: its docstring holds the words
  "over 300 lines because" and the module is on ``LONG_MODULES``.
* No function over 60 lines (docstring not counted: a long explanation is welcome) in
  ``queries/``, ``metrics/``, ``components/`` and the ``charts/`` and ``words/`` packages when
  they exist.

Both lists below must stay exact: an entry that no longer needs its exception fails the test,
so the lists only shrink.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from helpers.paths import ROOT

PACKAGES = ("queries", "metrics", "components", "reports", "charts", "words", "analysis")
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 60
REASON = "over 300 lines because"

LONG_MODULES: set[str] = set()
"""Modules allowed over MAX_MODULE_LINES; each states its reason at its top (``REASON``)."""



def _modules() -> list[Path]:
    return sorted(p for pkg in PACKAGES if (ROOT / pkg).is_dir() for p in (ROOT / pkg).rglob("*.py"))


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def function_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines from ``def`` to the last line of the body, less the docstring's lines."""
    total = node.end_lineno - node.lineno + 1
    first = node.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        total -= first.end_lineno - first.lineno + 1
    return total


def oversize(path: Path) -> list[str]:
    """``module`` if the file is too long, and ``module:function`` for each long function."""
    text = path.read_text(encoding="utf-8")
    found = [_name(path)] if len(text.splitlines()) > MAX_MODULE_LINES else []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and function_lines(node) > MAX_FUNCTION_LINES:
            found.append(f"{_name(path)}:{node.name}")
    return found


def test_the_packages_are_found():
    names = {_name(p) for p in _modules()}
    assert "queries/metric_table.py" in names and "metrics/stats/funnel.py" in names


def test_function_lines_leave_out_the_docstring():
    tree = ast.parse('def f():\n    """One.\n\n    Two.\n    """\n    return 1\n')
    assert function_lines(tree.body[0]) == 2


@pytest.mark.parametrize("path", _modules(), ids=_name)
def test_module_and_functions_within_the_limits(path):
    text = path.read_text(encoding="utf-8")
    found = oversize(path)
    if _name(path) in LONG_MODULES:
        assert REASON in (ast.get_docstring(ast.parse(text)) or ""), f"{_name(path)} must say why it is long"
        found = [f for f in found if f != _name(path)]
    assert found == [], (f"over {MAX_MODULE_LINES} lines (module) or {MAX_FUNCTION_LINES} lines (function): "
                         f"{found}; split it, or for a module state '{REASON} ...' at its top and list it")


def test_the_exception_lists_are_still_needed():
    found = {f for p in _modules() for f in oversize(p)}
    stale = sorted(LONG_MODULES - found)
    assert stale == [], f"no longer oversize, remove from the lists in {Path(__file__).name}: {stale}"


def _every_module() -> list[Path]:
    """Every module of the product outside the packages above (entry points, ingest, db...)."""
    skip = {"tests", ".venv", ".cache", "versions", *PACKAGES}
    return sorted(p for p in ROOT.rglob("*.py") if not skip & set(p.relative_to(ROOT).parts))


def test_every_other_long_module_says_why_it_is_long():
    long = [p for p in _every_module() if len(p.read_text(encoding="utf-8").splitlines()) > MAX_MODULE_LINES]
    unexplained = [_name(p) for p in long if REASON not in (ast.get_docstring(ast.parse(p.read_text())) or "")]
    assert unexplained == [], f"over {MAX_MODULE_LINES} lines without '{REASON} ...' at the top: {unexplained}"
    assert {_name(p) for p in _every_module()} >= {"cli.py", "dashboard.py", "sample_data/generator.py"}
