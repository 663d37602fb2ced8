"""Hostile addresses on every registered page (AppTest): notices and defaults, never an
exception, an error element, markup from the address, or a change to the database.

``tests/unit/analysis/test_url_state_fuzz.py`` fuzzes the parser alone with hundreds of values;
this runs the pages themselves, so a value that passes the parser but breaks a page (a widget,
a query, a label) is caught too. Every value goes into every key the page reads at least once:
each run puts a different value in each key (rotating through the list), plus a repeated key.
SQLite only: the pages read both backends through the same code, and this keeps it near a minute.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from analysis.url_state import KEYS
from components.page_registry import PAGES
from db.schema import metadata
from helpers.app import open_app
from helpers.markup import markdown_texts, markup_found

HOST = "evil.example.org"
HOSTILE = [
    "'; DROP TABLE release; --", "1 OR 1=1", "\" onmouseover=\"alert(1)", "' UNION SELECT * FROM force --",
    "x" * 10_000, "9" * 5_000, "\u00b2", "\u0661\u0662", "Ω≈ç√∫ 漢字 🙂", "\u202eevil", "a\x00b", "\x00",
    "../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "/force?force=E23000036",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", f"![t](http://{HOST}/t.png)",
    "[x](javascript:alert(1))", f"<a href='http://{HOST}'>x</a>", ":red[x] $x$ **b**",
    "E23000036", "W15000001", "adult_rape", "YE-2026-09", "2024-25", "charge_rate", "3", "-1", "",
]
RUNS = 4  # addresses per page; with the rotation below every value lands in several keys


def _keys(page) -> list[str]:
    return sorted(set(KEYS) | set(page.keys) | set(page.own_keys) | {"offence", "period", "release"})


def _addresses(page) -> list[dict[str, str | list[str]]]:
    keys = _keys(page)
    runs = max(RUNS, -(-len(HOSTILE) // len(keys)))  # enough runs that every value is used
    addresses = []
    for run in range(runs):
        address: dict[str, str | list[str]] = {
            key: HOSTILE[(run * len(keys) + i) % len(HOSTILE)] for i, key in enumerate(keys)}
        repeated = keys[run % len(keys)]
        address[repeated] = [HOSTILE[-run - 1], address[repeated]]  # a repeated key: the last counts
        addresses.append(address)
    return addresses


def _row_counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in metadata.sorted_tables}


def test_every_value_is_tried_on_every_page():
    for page in PAGES:
        used = {x for a in _addresses(page) for v in a.values() for x in ([v] if isinstance(v, str) else v)}
        assert used == set(HOSTILE), page.file


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.url_path or "overview")
def test_hostile_addresses_give_notices_not_errors(small_db, monkeypatch, page):
    if small_db.dialect.name != "sqlite":
        pytest.skip("one backend is enough for the fuzz (the pages read both through the same code)")
    before = _row_counts(small_db)
    at = open_app(monkeypatch, small_db, page.file)
    for address in _addresses(page):
        for key in list(at.query_params):
            del at.query_params[key]
        for key, value in address.items():
            at.query_params[key] = value
        at.run()
        where = f"{page.file} {address!r:.300}"
        assert not at.exception, (where, [e.value for e in at.exception][:1])
        assert not at.error, (where, [e.value for e in at.error])
        assert markup_found(markdown_texts(at), HOST) == [], where
        sources = markdown_texts(at)
        assert not [s for s in sources if "<script" in s.lower() or "<img" in s.lower()], where
        # the page itself ran (a title of its own), and the address's values were answered
        assert at.title and at.title[0].value != "RASSO Outcomes Dashboard", where
        assert any(w.startswith("Ignored") for w in (e.value for e in at.warning)), where
    assert _row_counts(small_db) == before
