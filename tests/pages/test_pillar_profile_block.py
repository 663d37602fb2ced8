"""The pillar profile block (components.pillar_profile) drawn by a tiny AppTest script, as the
force page will call it: title, summary in words, key, and one table row per indicator with a
mark and words (no colour)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from helpers.app import TIMEOUT, assert_clean, db_url, texts
from metrics.registry import METRICS


def _script():
    import os

    from analysis.url_state import State, default_period
    from components import data
    from components.context import Context
    from components.pillar_profile import pillar_profile_block
    from db.releases import default_release_id

    url = os.environ["RASSO_DB_URL"]
    info = data.release_info(url, default_release_id(data.engine_for(url)))
    state = State(offence="adult_rape", period=default_period(info.last_quarter), release=info.id)
    ctx = Context(url=url, db_label="test", state=state, release=info, page_path="force")
    code = os.environ["RASSO_TEST_FORCE"]
    pillar = os.environ.get("RASSO_TEST_PILLAR")
    pillar_profile_block(ctx, code, "The force", pillar=int(pillar) if pillar else None)


def _run(monkeypatch, engine, code, pillar=None):
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    monkeypatch.setenv("RASSO_DB_URL", db_url(engine))
    monkeypatch.setenv("RASSO_TEST_FORCE", code)
    if pillar:
        monkeypatch.setenv("RASSO_TEST_PILLAR", str(pillar))
    at = AppTest.from_function(_script, default_timeout=TIMEOUT)
    return at.run()


@pytest.mark.parametrize("code", ["E23000036", "E23000034"])  # a large force and the smallest
def test_the_block_shows_every_indicator_with_a_mark_and_words(small_db, monkeypatch, code):
    at = _run(monkeypatch, small_db, code)
    assert_clean(at)
    [heading] = texts(at, "subheader")
    assert heading.startswith("Pillar profile: The force against England and Wales, ")
    [summary] = [t for t in texts(at, "markdown") if t.startswith("**In words.**")]
    assert f"Of the {len(METRICS)} indicators of the National Operating Model pillars" in summary
    table = at.dataframe[0].value
    assert len(table) == len(METRICS)
    assert list(table.columns[:3]) == ["Pillar", "Indicator", "Mark"]
    assert table["Mark"].notna().all() and (table["Against England and Wales"].str.len() > 0).all()
    assert set(table["Mark"]) <= {"●", "▲", "▲▲", "▼", "▼▼", "–", "[c]"}
    assert any(t.startswith("Key: ● within the funnel limits") for t in texts(at, "caption"))


def test_one_pillar_only(small_db, monkeypatch):
    at = _run(monkeypatch, small_db, "E23000036", pillar=6)
    assert_clean(at)
    table = at.dataframe[0].value
    assert len(table) == sum(1 for m in METRICS if m.pillar == 6) and set(table["Pillar"]) == {"Digital forensics"}
