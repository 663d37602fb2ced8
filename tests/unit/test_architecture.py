"""The layer rules that import-linter cannot check (issue 8 item 2).

import-linter takes packages only, so the two entry modules (``dashboard.py``, ``cli.py``) are
checked here from their source, every import including those inside functions. The pages'
"no data work" rule (polars beyond a trivial filter belongs below them) is a rule about calls,
not imports, so it is checked here too. And the pure packages are imported in a fresh
interpreter to prove that Streamlit is not loaded by them, lazily or otherwise.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.paths import ROOT

PAGES = ROOT / "pages"
PURE = ("charts", "words", "analysis")
NO_STREAMLIT = (*PURE, "reports")  # reports compose queries, charts and words: no SQL rule, no Streamlit


def _imports(path: Path) -> set[str]:
    """Every module a file imports (top-level names and full dotted names), at any depth."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module]
        else:
            continue
        for name in names:
            parts = name.split(".")
            out |= {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
    return out


@pytest.mark.parametrize(("module", "forbidden"), [
    # The command line is not the app: no Streamlit, no app shell, no charts, words or pages.
    ("cli.py", {"streamlit", "altair", "components", "charts", "words", "pages", "dashboard"}),
    # The entry point runs the pages by path (st.navigation) and starts the sample through
    # components.first_start: it imports no page and no loader.
    ("dashboard.py", {"pages", "ingest", "sample_data", "cli"}),
])
def test_entry_modules_keep_the_layers(module, forbidden):
    found = _imports(ROOT / module) & forbidden
    assert not found, f"{module} imports {sorted(found)}"


def test_pages_import_no_db_ingest_or_sqlalchemy():
    """Also an import-linter contract; here so that a page's lazy import shows in the tests."""
    found = {page.name: sorted(_imports(page) & {"db", "ingest", "sample_data", "sqlalchemy"})
             for page in sorted(PAGES.glob("*.py"))}
    assert found and not any(found.values()), found


def test_nothing_imports_the_entry_modules():
    offenders = [(str(path.relative_to(ROOT)), hit)
                 for package in (PAGES.name, "components", "reports", *PURE, "geo", "queries", "ingest",
                                 "sample_data", "db", "metrics", "settings")
                 for path in sorted((ROOT / package).rglob("*.py"))
                 for hit in sorted(_imports(path) & {"cli", "dashboard"})]
    assert not offenders


def test_the_rule_finds_imports_inside_functions(tmp_path):
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from db.engine import make_engine\n    import streamlit as st\n")
    assert {"db", "db.engine", "streamlit"} <= _imports(source)


# Polars calls that are data work (reshaping, deriving, joining): they belong in queries/,
# analysis/ or a chart builder, not in a page. A filter on a column and building a frame from
# rows for a table are trivial and allowed.
DATA_WORK_METHODS = {"group_by", "agg", "join", "join_asof", "pivot", "unpivot", "melt",
                     "with_columns", "over", "map_elements", "rolling", "group_by_dynamic",
                     "explode", "cum_sum", "rank", "pipe"}
DATA_WORK_FUNCTIONS = {"when", "concat", "lit", "struct", "sum_horizontal", "coalesce"}


def _data_work(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner, name = node.func.value, node.func.attr
        if isinstance(owner, ast.Constant):  # "; ".join(...) and other string methods
            continue
        if isinstance(owner, ast.Name) and owner.id == "pl":
            if name in DATA_WORK_FUNCTIONS:
                found.append(f"{path.name}:{node.lineno} pl.{name}")
        elif name in DATA_WORK_METHODS:
            found.append(f"{path.name}:{node.lineno} .{name}()")
    return found


def test_pages_do_no_data_work():
    pages = sorted(PAGES.glob("*.py"))
    assert pages, f"no pages found in {PAGES}"
    found = [hit for page in pages for hit in _data_work(page)]
    assert not found, found


def test_the_data_work_rule_finds_it(tmp_path):
    page = tmp_path / "page.py"
    page.write_text('import polars as pl\nx = frame.group_by("a").agg(pl.col("b").sum())\n'
                    'y = frame.with_columns(z=pl.when(pl.col("a")).then(1))\n'
                    'ok = frame.filter(pl.col("territorial"))\ntext = "; ".join(["a", "b"])\n')
    assert sorted(h.split(" ")[1] for h in _data_work(page)) == [".agg()", ".group_by()",
                                                                 ".with_columns()", "pl.when"]


def test_pure_packages_load_no_streamlit():
    modules = sorted(f"{package}.{path.stem}" for package in NO_STREAMLIT
                     for path in (ROOT / package).glob("*.py") if path.stem != "__init__")
    assert len(modules) >= 8, modules
    code = ("import sys\n" + "".join(f"import {m}\n" for m in modules)
            + "print(sorted(m for m in sys.modules if m.split('.')[0] == 'streamlit'))\n")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,  # noqa: S603 - argv: this Python and a script of constant imports, no shell
                         timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]", run.stdout


def test_the_command_line_starts_without_the_data_stack():
    """`rasso --help` must stay quick (issue 14: under 1 s): the data libraries load in the
    commands that use them, not when the command line is imported."""
    heavy = ("polars", "sqlalchemy", "streamlit", "altair", "scipy", "pandas", "pyarrow")
    code = ("import sys, cli\n"
            f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({heavy!r})))\n")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,  # noqa: S603 - argv: this Python and a constant script, no shell
                         timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]", run.stdout
