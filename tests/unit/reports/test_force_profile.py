"""What the force profile hands the pack (reports.force_profile) without a database: the citation
`rasso brief` writes is the one the page gives for the same view, and a figure prints its table
formatted for reading (the whole profile against a database: tests/pages/test_briefing.py)."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest

from analysis.url_state import State
from components.context import Context
from db.releases import Release
from metrics.periods import parse_period
from metrics.registry import metric
from reports import Section
from reports.force_profile import Figure, ProfileView, profile_citation
from words.tables import reading_table

RELEASE = Release(id=3, source="synthetic", label="Sample", synthetic=True, created_at=datetime(2026, 11, 30),
                  first_quarter=20151, last_quarter=20262)


@pytest.mark.parametrize("base_url", [None, "https://rasso.example.org"])
@pytest.mark.parametrize(("metric_id", "peer", "grain", "basis"), [
    ("charge_rate", None, "quarter", "closed"),
    ("recorded_per_1000", "similar", "rolling", "recorded"),
])
def test_the_command_cites_the_address_the_page_cites(base_url, metric_id, peer, grain, basis):
    view = ProfileView(release=RELEASE, force_code="E23000036", offence="rape", period=parse_period("2024-25"),
                       metric_id=metric_id, peer=peer, grain=grain, basis=basis)
    # the page's state for that view: what dashboard.py resolves from its address (release named)
    state = State(offence="rape", period="2024-25", force="E23000036", metric=metric_id, basis=basis,
                  release=3, peer=peer, grain=None if grain == "quarter" else grain)
    page = Context(url="sqlite://", db_label="sqlite://", state=state, release=RELEASE, page_path="force",
                   base_url=base_url)
    assert profile_citation(view, base_url) == page.citation()
    assert "force=E23000036" in page.citation() and f"metric={metric_id}" in page.citation()


def test_a_figure_prints_its_table_for_reading():
    m = metric("charge_rate")
    table = pl.DataFrame({"period": ["2024-25"], "value": [4.25], "lower": [3.1], "upper": [5.6], "flag": [""]})
    figure = Figure("spc", Section("Title", "Words.", table), metric=m, unit=m.unit, basis="Closed")
    printed = figure.printed()
    assert printed.table.equals(reading_table(table, m.unit, m)) and not printed.table.equals(table)
    assert (printed.title, printed.summary) == ("Title", "Words.")
    assert Figure("spc", caveat="Too few quarters.").printed() is None
