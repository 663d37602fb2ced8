"""The citation a page gives names its view (components.context)."""

from __future__ import annotations


def test_citation_names_the_view():
    from datetime import datetime

    from analysis.url_state import State
    from components.context import Context
    from db.releases import Release

    release = Release(id=3, source="synthetic", label="Sample", synthetic=True,
                      created_at=datetime(2026, 11, 30), first_quarter=20151, last_quarter=20262)
    ctx = Context(url="sqlite://", db_label="sqlite://", release=release, page_path="compare",
                  state=State(offence="rape", period="2024-25", release=3, metric="no_suspect_rate",
                              force="E23000001", od=True))
    text = ctx.citation()
    assert "release 3" in text and "rape" in text and "2024-25 (April 2024 to March 2025)" in text
    assert ("view /compare?offence=rape&period=2024-25&force=E23000001&metric=no_suspect_rate"
            "&release=3&od=1") in text
    overview = Context(**{**ctx.__dict__, "page_path": "",
                          "state": State(offence="rape", period="2024-25", release=3)})
    assert "metric=" not in overview.citation() and "basis=closed" in overview.citation()
