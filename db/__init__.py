"""The outcomes database: schema, engine, migrations, reference data and releases."""

# The aggregates of the case records (migration 0007) are tables of ``db.schema.metadata`` defined in
# a module of their own, which imports the schema: imported here, where every import of the package
# passes, and not from the bottom of db.schema. That import made a cycle, and two sessions of a fresh
# server importing the two modules at once in two threads deadlocked (Python raised _DeadlockError and
# the page showed an error; tests/unit/test_import_cycles.py keeps cycles out).
from db import case_aggregates as _case_aggregates  # noqa: F401
