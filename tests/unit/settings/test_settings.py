"""The settings module: every RASSO_ variable typed, defaulted, and refused with one clear line."""

from __future__ import annotations

import re

import pytest

import settings
from db.engine import database_url
from helpers.paths import ROOT
from metrics.disclosure import DisclosureSettingError, disclosure_threshold


def test_defaults_when_nothing_is_set():
    env: dict[str, str] = {}
    assert settings.db_url(env) == "sqlite:///rasso.sqlite"
    assert settings.disclosure_threshold(env) == 5
    assert settings.first_start_cases(env) == 600_000
    assert settings.base_url(env) is None and settings.contact(env) is None
    assert settings.check_all(env) == []


def test_values_are_typed_and_cleaned():
    env = {"RASSO_DISCLOSURE_THRESHOLD": " 10 ", "RASSO_FIRST_START_CASES": "3000",
           "RASSO_BASE_URL": "https://rasso.example.org/dash/", "RASSO_CONTACT": "rasso@example.org"}
    assert settings.disclosure_threshold(env) == 10
    assert settings.first_start_cases(env) == 3000
    assert settings.base_url(env) == "https://rasso.example.org/dash"
    assert settings.contact(env) == "rasso@example.org"


@pytest.mark.parametrize(("name", "value"), [
    ("RASSO_DISCLOSURE_THRESHOLD", "five"), ("RASSO_DISCLOSURE_THRESHOLD", "0"),
    ("RASSO_DISCLOSURE_THRESHOLD", "\u00b2"), ("RASSO_FIRST_START_CASES", "-1"),
    ("RASSO_FIRST_START_CASES", "9" * 5000), ("RASSO_FIRST_START_CASES", "1e6"),
    ("RASSO_BASE_URL", "rasso.example.org"), ("RASSO_BASE_URL", "javascript:alert(1)"),
    ("RASSO_BASE_URL", "https://x.org/?a=1"), ("RASSO_CONTACT", "call Bob"),
    ("RASSO_CONTACT", "[x](javascript:alert(1))@x"), ("RASSO_CONTACT", "nobody"),
])
def test_bad_values_give_one_line_naming_the_setting(name, value):
    problems = settings.check_all({name: value})
    assert len(problems) == 1
    assert problems[0].startswith(name) and "\n" not in problems[0] and len(problems[0]) < 200


def test_the_engine_and_disclosure_read_the_settings_module(monkeypatch):
    monkeypatch.setenv("RASSO_DB_URL", "sqlite:////tmp/elsewhere.sqlite")
    assert database_url() == "sqlite:////tmp/elsewhere.sqlite"
    monkeypatch.setenv("RASSO_DISCLOSURE_THRESHOLD", "7")
    assert disclosure_threshold() == 7
    monkeypatch.setenv("RASSO_DISCLOSURE_THRESHOLD", "seven")
    with pytest.raises(DisclosureSettingError, match="RASSO_DISCLOSURE_THRESHOLD"):
        disclosure_threshold()


def test_no_module_reads_a_rasso_variable_itself():
    """One place for the settings: the app's code reads RASSO_ variables only through it."""
    offenders = []
    for path in [ROOT / "dashboard.py", ROOT / "cli.py", *ROOT.glob("*/*.py")]:
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(("tests/", "settings/", "benchmarks/", ".venv")):
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"os\.environ|getenv\(", text) and "RASSO_" in text:
            offenders.append(rel)
    assert offenders == []


def test_statement_timeout_is_a_whole_number_of_seconds():
    assert settings.statement_timeout({}) == settings.DEFAULT_STATEMENT_TIMEOUT == 60
    assert settings.statement_timeout({"RASSO_STATEMENT_TIMEOUT": "5"}) == 5
    with pytest.raises(settings.SettingsError, match="RASSO_STATEMENT_TIMEOUT"):
        settings.statement_timeout({"RASSO_STATEMENT_TIMEOUT": "0"})
