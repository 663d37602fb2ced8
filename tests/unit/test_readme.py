"""Documentation cannot drift from the code: as in datasette, an undocumented item fails a test."""

from __future__ import annotations

import pytest

from cli import app, export_app
from helpers.paths import ROOT
from ingest import KINDS
from metrics.registry import INDICATOR_IDS

README = (ROOT / "README.md").read_text()


@pytest.mark.parametrize("indicator", INDICATOR_IDS)
def test_readme_lists_every_force_mi_indicator(indicator):
    assert f"`{indicator}`" in README


@pytest.mark.parametrize("kind", KINDS)
def test_readme_documents_every_ingest_kind(kind):
    assert f"| `{kind}` |" in README


def test_readme_shows_every_command():
    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    names += [f"export {c.name}" for c in export_app.registered_commands]
    for name in names:
        assert f"rasso {name}" in README, name


def test_readme_gives_the_two_set_up_commands():
    assert "make run" in README and "make test" in README
