"""The briefing pack's download (components.briefing): named for what it holds, built only when
pressed, holding the page's own sections and words."""

from __future__ import annotations

import streamlit as st
from streamlit.testing.v1 import AppTest

from db.releases import default_release
from metrics.periods import year_ending
from queries import release_info

REAL_DOWNLOAD_BUTTON = st.download_button


def _page() -> None:
    """A page calling the helper as the force profile will (run by AppTest as a script)."""
    import os

    import polars as pl

    from components.briefing import briefing_download
    from db.engine import make_engine
    from metrics.periods import parse_period
    from queries import release_info
    from reports import Section

    url = os.environ["RASSO_TEST_BRIEF_URL"]
    release = release_info(make_engine(url), int(os.environ["RASSO_TEST_BRIEF_RELEASE"]))
    extra = Section("Before and after the NOM", "Higher after than before.", pl.DataFrame({"Period": ["Before"]}))
    briefing_download(url, release=release, force_code="E23000036", offence="rape",
                      period=parse_period(os.environ["RASSO_TEST_BRIEF_PERIOD"]), extra_sections=[extra],
                      narrative=["The page's own words."])


def test_the_download_is_named_and_built_when_pressed(monkeypatch, small_db):
    captured = {}

    def spy(label, data, file_name=None, *args, **kwargs):
        captured[file_name] = (data, kwargs)
        return REAL_DOWNLOAD_BUTTON(label, data, *args, file_name=file_name, **kwargs)

    rel = default_release(small_db)
    period = year_ending(release_info(small_db, rel.id).last_quarter)
    monkeypatch.setattr(st, "download_button", spy)
    monkeypatch.setenv("RASSO_TEST_BRIEF_URL", small_db.url.render_as_string(hide_password=False))
    monkeypatch.setenv("RASSO_TEST_BRIEF_RELEASE", str(rel.id))
    monkeypatch.setenv("RASSO_TEST_BRIEF_PERIOD", period.token)
    st.cache_resource.clear()
    at = AppTest.from_function(_page, default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    name = f"rasso-briefing-rape-{period.token.lower()}-e23000036-release-{rel.id}-synthetic.html"
    assert list(captured) == [name]
    data, kwargs = captured[name]
    assert callable(data) and kwargs["mime"] == "text/html" and kwargs["on_click"] == "ignore"
    assert any("labelled synthetic" in c.value for c in at.caption)
    text = data().decode("utf-8")  # what a press of the button downloads
    assert "<h2 id=\"section-2-h\">Before and after the NOM</h2>" in text
    assert "<p>The page&#x27;s own words.</p>" in text and "Avon and Somerset" in text
