"""The test suite leaves the database as it found it, and says so when it does not.

A suite once left 17 PostgreSQL schemas of 37 tables behind because three test modules imported
``tests.conftest``: a second copy of conftest whose list of created schemas cleanup never read.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from db.engine import make_engine
from helpers.paths import TESTS
from helpers.testdb import (
    PG_URL,
    SHARED_DATA_MISSING,
    STATE_LOCK,
    STATE_LOCK_HELD,
    DatabaseState,
    differences,
    drop_schemas,
    schemas_named,
)

LEAKY_TEST = '''
from sqlalchemy import text


def test_leaks(fresh_engine, tmp_path):
    engine = fresh_engine("postgresql", tmp_path)
    own = engine.url.query["options"].split()[0].removeprefix("-csearch_path=")
    prefix = own[: own.rindex("_") + 1]
    with engine.begin() as conn:
        conn.execute(text('CREATE SCHEMA "{prefix}stray"'.format(prefix=prefix)))
        conn.execute(text('CREATE SCHEMA "{other}"'))
        conn.execute(text('CREATE TABLE public."{table}" (x int)'))
    print("PREFIX=" + prefix)
    engine.dispose()
'''


def _imported_modules(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def _imports_wrongly(name: str, helpers: set[str]) -> bool:
    """conftest or ``tests.x`` (a second copy), a test module, or a helper not through ``helpers.``"""
    parts = name.split(".")
    return (name == "conftest" or parts[0] == "tests" or any(p.startswith("test_") for p in parts)
            or parts[0] in helpers)


def test_no_test_module_imports_conftest_or_a_second_copy_of_a_test_module():
    # tests/ is on sys.path, so tests.x and x would be two copies of one module with two states
    helpers = {path.stem for path in (TESTS / "helpers").glob("*.py")} - {"__init__"}
    modules = sorted(TESTS.rglob("*.py"))
    assert len(modules) > 30 and any(path.parent.name == "helpers" for path in modules)  # it looks everywhere
    offenders = {path.relative_to(TESTS).as_posix(): name for path in modules for name in _imported_modules(path)
                 if _imports_wrongly(name, helpers)}
    assert offenders == {}, ("import fixtures from conftest.py by name, helpers from tests/helpers "
                             "(from helpers.testdb import ...), never from another test module")


@pytest.mark.parametrize("name", ["conftest", "tests.conftest", "tests", "test_pages", "pages.test_pages",
                                  "testdb", "ingest_files"])
def test_the_import_rule_catches_each_wrong_import(name):
    helpers = {"testdb", "ingest_files", "app"}
    assert _imports_wrongly(name, helpers)
    assert not _imports_wrongly("helpers.testdb", helpers) and not _imports_wrongly("queries.export", helpers)


STRAY_TEST = "def test_here():\n    assert True\n"
UNIT_WITH_DATABASE = "def test_uses_a_database(empty_db):\n    assert empty_db\n"


def _collect(copy: Path, *paths: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(copy), str(TESTS.parent)])}
    return subprocess.run(  # noqa: S603 - argv: this Python running pytest on the test's own copy, no shell
        [sys.executable, "-m", "pytest", "-q", "--collect-only", "-p", "no:cacheprovider",
         "--import-mode=importlib", "--rootdir", str(copy.parent), "-c", os.devnull, *paths],
        cwd=copy.parent, env=env, capture_output=True, text=True, timeout=300)


def test_tests_get_their_tier_marker_and_a_misplaced_test_stops_the_run(tmp_path):
    copy = tmp_path / "tests"
    copy.mkdir()
    shutil.copy(TESTS / "conftest.py", copy / "conftest.py")
    shutil.copytree(TESTS / "helpers", copy / "helpers", ignore=shutil.ignore_patterns("__pycache__"))
    for folder in ("unit", "pages"):
        (copy / folder).mkdir()
        (copy / folder / "test_placed.py").write_text(STRAY_TEST)
    placed = _collect(copy, "-m", "unit", str(copy))
    assert placed.returncode == 0, placed.stdout + placed.stderr
    assert "1/2 tests collected (1 deselected)" in placed.stdout, placed.stdout  # -m unit: the unit one only
    (copy / "test_stray.py").write_text(STRAY_TEST)
    (copy / "unit" / "test_database.py").write_text(UNIT_WITH_DATABASE)
    stray = _collect(copy, str(copy))
    output = stray.stdout + stray.stderr
    assert stray.returncode != 0, output
    assert "tests out of place" in output and "test_stray.py: not in a tier folder" in output
    assert "test_uses_a_database[sqlite]: uses a database, so it belongs in tests/db/" in output


def test_differences_name_everything_left_changed():
    before = DatabaseState(schemas=frozenset({"public", "audit"}), public=frozenset({"keep"}))
    after = DatabaseState(schemas=frozenset({"public", "extra"}), public=frozenset({"keep", "junk"}))
    assert differences(before, before, []) == []
    assert differences(before, after, ["t_ab12cd34_0003"]) == [
        "schema t_ab12cd34_0003 left behind (created by this session, never dropped)",
        "schema extra created", "schema audit dropped", "public.junk created"]
    assert differences(after, before, []) == [
        "schema audit created", "schema extra dropped", "public.junk dropped"]


def test_readme_says_what_the_test_run_does_and_what_the_published_data_folder_is():
    readme = (TESTS.parent / "README.md").read_text()
    assert "dropped and recreated" not in readme  # it never was: each test database is a schema
    assert "`public` is never touched" in readme and "`t_<session>_<n>`" in readme
    assert "../shared/data" in readme and "published data files not found" in readme
    # the skip reason says what the missing files are, not only where they were looked for
    assert "ONS" in SHARED_DATA_MISSING and "Home Office" in SHARED_DATA_MISSING
    assert "outside the repository" in SHARED_DATA_MISSING


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="PostgreSQL tests skipped: set RASSO_TEST_PG_URL to run them")
def test_a_session_that_leaves_schemas_or_tables_fails(tmp_path):
    other, table = f"leak_{uuid.uuid4().hex[:8]}", f"leak_{uuid.uuid4().hex[:8]}"
    leaky = tmp_path / "test_leaky.py"
    leaky.write_text(LEAKY_TEST.format(other=other, table=table, prefix="{prefix}"))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), str(TESTS.parent)]), STATE_LOCK_HELD: "1"}
    admin = make_engine(PG_URL)
    holder = admin.connect()  # other sessions read the database's state only once the leaks are gone
    holder.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": STATE_LOCK})  # until holder closes
    try:
        run = subprocess.run(  # noqa: S603 - argv: this Python running pytest with constant options, no shell
            [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", "-p", "conftest",
             "--rootdir", str(TESTS.parent), "--basetemp", str(tmp_path / "inner"), str(leaky)],
            cwd=TESTS.parent, env=env, capture_output=True, text=True, timeout=300)
        output = run.stdout + run.stderr
        assert "1 passed" in output, output  # the leaky test itself passed ...
        assert run.returncode == 1, output  # ... and the run failed all the same, saying why
        prefix = output.split("PREFIX=")[1].split()[0]
        assert "the session left the PostgreSQL test database changed" in output
        for line in (f"schema {prefix}stray left behind", f"schema {other} created", f"public.{table} created"):
            assert line in output, output
        assert f"{prefix}0001" not in output  # the schema it made properly was dropped quietly
        with admin.connect() as conn:
            assert schemas_named(conn, prefix) == []  # its own stray schema is dropped too
    finally:
        try:
            with admin.begin() as conn:
                conn.execute(text(f'DROP TABLE IF EXISTS public."{table}"'))
            drop_schemas(admin, [other])
        finally:
            holder.close()  # ends its transaction: the lock goes with it
            admin.dispose()
