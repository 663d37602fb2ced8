"""The test suite leaves the database as it found it, and says so when it does not.

A suite once left 17 PostgreSQL schemas of 37 tables behind because three test modules imported
``tests.conftest``: a second copy of conftest whose list of created schemas cleanup never read.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from testdb import (
    PG_URL,
    SHARED_DATA_MISSING,
    DatabaseState,
    differences,
    drop_schemas,
    schemas_named,
)

from db.engine import make_engine

TESTS = Path(__file__).resolve().parent

LEAKY_TEST = '''
from sqlalchemy import text


def test_leaks(fresh_engine, tmp_path):
    engine = fresh_engine("postgresql", tmp_path)
    own = engine.url.query["options"].removeprefix("-csearch_path=")
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


def test_no_test_module_imports_conftest_or_a_second_copy_of_a_test_module():
    # tests/ is on sys.path, so tests.x and x would be two copies of one module with two states
    offenders = {path.name: name for path in sorted(TESTS.glob("*.py")) for name in _imported_modules(path)
                 if name == "conftest" or name.startswith("tests.") or name == "tests"}
    assert offenders == {}, "import fixtures from conftest.py by name, helpers from testdb"


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
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), str(TESTS.parent)])}
    admin = make_engine(PG_URL)
    try:
        run = subprocess.run(
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
        with admin.begin() as conn:
            conn.execute(text(f'DROP TABLE IF EXISTS public."{table}"'))
        drop_schemas(admin, [other])
        admin.dispose()
