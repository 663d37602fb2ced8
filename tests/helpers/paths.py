"""Where things are, found once from this file so a test module can move without its paths."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the checkout: tests/helpers/paths.py -> .
TESTS = ROOT / "tests"
DASHBOARD = str(ROOT / "dashboard.py")
