"""No SQL is built by string formatting: every ``text()``, ``exec_driver_sql()``, ``execute()``
and ``executescript()`` call in the product is given a constant string (or a SQLAlchemy
construct), never an f-string, a %-format, ``.format()`` or a concatenation.

Why: values reach the database only as bound parameters (``:name``), so no file name, URL value
or group name can become SQL. This reads every module's syntax tree, so a new package is
covered without being listed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from helpers.paths import ROOT

SQL_CALLS = {"text", "exec_driver_sql", "execute", "executescript", "executemany"}
SKIP = {".venv", ".git", "tests", "node_modules", ".cache"}


def _modules() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py") if not SKIP & set(p.relative_to(ROOT).parts))


def _formatted(node: ast.AST) -> str | None:
    """How ``node`` builds a string by formatting, or None when it does not."""
    if isinstance(node, ast.JoinedStr) and any(isinstance(v, ast.FormattedValue) for v in node.values):
        return "f-string"
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, (ast.Constant, ast.JoinedStr)):
        return "%-format"
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and (
            _stringy(node.left) or _stringy(node.right)):
        return "concatenation"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("format", "join"):
        return f".{node.func.attr}()"
    return None


def _stringy(node: ast.AST) -> bool:
    return (isinstance(node, ast.Constant) and isinstance(node.value, str)) or isinstance(node, ast.JoinedStr) \
        or (isinstance(node, ast.BinOp) and _formatted(node) is not None)


def _name(func: ast.AST) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def offences(source: str, where: str = "<string>") -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and _name(node.func) in SQL_CALLS and node.args:
            how = _formatted(node.args[0])
            if how:
                found.append(f"{where}:{node.lineno}: {_name(node.func)}() given SQL built by {how}")
    return found


def test_the_scan_covers_every_package():
    parts = {p.relative_to(ROOT).parts[0] for p in _modules()}
    assert {"db", "queries", "ingest", "sample_data", "metrics", "cli.py", "dashboard.py"} <= parts


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_sql_is_built_by_formatting(path):
    assert offences(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT))) == []


@pytest.mark.parametrize("source", [
    'conn.execute(text(f"SELECT * FROM t WHERE a = {a}"))',
    'conn.execute(text("SELECT * FROM t WHERE a = %s" % a))',
    'conn.execute(text("SELECT * FROM t WHERE a = {}".format(a)))',
    'conn.execute(text("SELECT * FROM t WHERE a = \'" + a + "\'"))',
    'conn.exec_driver_sql(f"DROP TABLE {name}")',
    'cur.execute("PRAGMA " + pragma)',
    'sa.text(" AND ".join(clauses))',
])
def test_the_scan_finds_formatted_sql(source):
    assert offences(source)


@pytest.mark.parametrize("source", [
    'conn.execute(text("SELECT * FROM t WHERE a = :a"), {"a": a})',
    'conn.execute(select(t).where(t.c.a == a))',
    'cur.execute("PRAGMA journal_mode")',
    'conn.execute(text("SELECT 1 "\n "FROM t"))',
])
def test_the_scan_allows_constant_sql_and_constructs(source):
    assert offences(source) == []
