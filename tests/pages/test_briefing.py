"""The briefing pack's download (components.briefing): named for what it holds, built only when
pressed, holding the page's own sections and words; and the same file as `rasso brief` writes
for the same view."""

from __future__ import annotations

import re

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from cli import app
from components.page_registry import FORCE
from db.releases import default_release
from helpers.app import assert_clean, db_url, open_app
from metrics.periods import year_ending
from queries import release_info

REAL_DOWNLOAD_BUTTON = st.download_button
AVON = "E23000036"


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


MADE = re.compile(r"<dt>Made</dt><dd>[^<]*</dd>")


@pytest.mark.parametrize("view", [
    {},  # the page's defaults: charge rate, region peers, quarters, closed investigations
    {"metric": "recorded_per_1000", "peer": "nom_phase", "grain": "year", "basis": "recorded"},
], ids=["defaults", "chosen"])
def test_the_page_and_rasso_brief_write_the_same_pack(monkeypatch, small_db, tmp_path, view):
    captured = {}

    def spy(label, data, file_name=None, *args, **kwargs):
        captured[file_name] = data
        return REAL_DOWNLOAD_BUTTON(label, data, *args, file_name=file_name, **kwargs)

    rel = default_release(small_db)
    period = year_ending(release_info(small_db, rel.id).last_quarter)
    monkeypatch.setattr(st, "download_button", spy)
    monkeypatch.delenv("RASSO_BASE_URL", raising=False)
    at = open_app(monkeypatch, small_db, FORCE.file, force=AVON, offence="rape", period=period.token, **view)
    assert_clean(at)
    [(name, build)] = [(n, b) for n, b in captured.items() if n.startswith("rasso-briefing-")]
    page_pack = build().decode("utf-8")

    options = [f"--{key}={value}" for key, value in view.items()]
    result = CliRunner().invoke(app, ["brief", "--db", db_url(small_db), "--force", AVON, "--offence", "rape",
                                      "--period", period.token, *options, "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    [written] = tmp_path.iterdir()
    assert written.name == name
    command_pack = written.read_text(encoding="utf-8")
    # the profile's own sections are there (not only the headline table and the trends)
    assert "Outcomes by Home Office outcome group: Avon and Somerset" in command_pack
    assert "indicators of the National Operating Model pillars" in command_pack
    assert len(MADE.findall(page_pack)) == len(MADE.findall(command_pack)) == 1
    assert MADE.sub("", page_pack) == MADE.sub("", command_pack)
