"""Issue 7 item 9 (words): commands that exist, grammar for 0, 1 and n, acronyms kept, no
sentence starting with a symbol, a citation with a full address, and a real contact."""

from __future__ import annotations

import re
from datetime import datetime

import polars as pl
import pytest
import typer.main

from analysis.url_state import State
from cli import app
from components.context import Context
from db.releases import Release
from helpers.paths import ROOT
from metrics.disclosure import rules_text
from metrics.registry import METRICS_BY_ID, in_sentence
from words.summaries import steps_sentence

SOURCES = [ROOT / "dashboard.py", *sorted((ROOT / "pages").glob("*.py")),
           *(path for package in ("components", "charts", "words", "analysis")
             for path in sorted((ROOT / package).glob("*.py")))]


def _commands() -> set[str]:
    group = typer.main.get_command(app)
    return set(group.commands)


def test_every_rasso_command_the_app_mentions_exists():
    commands = _commands()
    mentioned = {(path.name, m) for path in SOURCES
                 for m in re.findall(r"`rasso ([a-z][a-z-]*)", path.read_text(encoding="utf-8"))}
    assert mentioned, "the app names the commands that load data"
    assert {m for _f, m in mentioned} <= commands, sorted(x for x in mentioned if x[1] not in commands)


@pytest.mark.parametrize(("meaningful", "steps", "expected"), [
    (0, 37, "None of the 37 steps between neighbouring forces is a statistically meaningful"),
    (1, 37, "Only 1 of the 37 steps between neighbouring forces is a statistically meaningful"),
    (5, 37, "Only 5 of the 37 steps between neighbouring forces are statistically meaningful"),
    (30, 37, "30 of the 37 steps between neighbouring forces are statistically meaningful"),
    (37, 37, "All 37 steps between neighbouring forces are statistically meaningful"),
    (0, 1, "The one step between neighbouring forces is not a statistically meaningful"),
])
def test_steps_sentence_agrees_with_its_number(meaningful, steps, expected):
    text = steps_sentence(meaningful, steps)
    assert text.startswith(expected), text
    assert "Only 0" not in text
    assert not re.search(r"\b([02-9]|\d\d+) of the \d+ steps between neighbouring forces is ", text)


def test_acronyms_keep_their_capitals_mid_sentence():
    assert METRICS_BY_ID["isva_referral_rate"].phrase == "victims referred to an ISVA"
    assert in_sentence("Referred to the CPS") == "referred to the CPS"
    assert in_sentence("Charge/summons rate") == "charge/summons rate"
    assert all(m.phrase[:1].islower() or m.phrase.split(" ")[0].isupper()
               for m in METRICS_BY_ID.values())


def test_no_rule_sentence_starts_with_a_symbol():
    for line in rules_text().splitlines():
        for sentence in re.split(r"(?<=[.!?;])\s+", line):
            assert not re.match(r"\[[cxzu]\]", sentence), sentence


def test_comparison_words_do_not_start_with_a_symbol():
    for module in ("analysis/comparison.py", "words/comparison.py"):
        source = (ROOT / module).read_text(encoding="utf-8")
        assert 'f"{flag}: not' not in source, module


def _context(base_url: str | None) -> Context:
    release = Release(id=3, source="synthetic", label="Synthetic sample", synthetic=True,
                      created_at=datetime(2026, 12, 5), first_quarter=20151, last_quarter=20262)
    return Context(url="sqlite://", db_label="sqlite://", state=State(offence="rape", period="2024-25"),
                   release=release, page_path="compare",
                   base_url=base_url)


def test_citation_has_a_full_address_when_the_base_url_is_known():
    cite = _context("https://rasso.example.org/dash").citation()
    assert "available at https://rasso.example.org/dash/compare?offence=rape&period=2024-25&" in cite
    plain = _context(None).citation()
    assert re.search(r"view /compare\?offence=rape&period=2024-25&\S+ \(a path on this "
                     r"dashboard's own address\)", plain), plain


def test_explorer_row_count_names_rows_hidden_and_periods_not_offered():
    from words.explorer import row_count

    table = pl.DataFrame({"count": [10.0, None, None, None], "flag": ["", "[c]", "[x]", "[x]"]})
    text = row_count(table)
    assert text.startswith("4 rows, 1 of them hidden ([c]), 2 not available ([x]: periods over a hidden")
    assert row_count(table.head(1)) == "1 row"
