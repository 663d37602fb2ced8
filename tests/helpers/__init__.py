"""Shared test helpers: constants, fixture factories and small functions any test module imports.

Test modules import from here (``from helpers.testdb import BACKENDS``), never from each other
and never from ``conftest.py``: pytest loads conftest once, and a second import is a second copy
with its own state. ``tests/`` is on ``sys.path`` through ``pythonpath`` in ``pyproject.toml``.
"""
