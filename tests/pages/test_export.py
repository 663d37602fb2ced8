"""Every page's download reads back with a plain reader into typed columns (issue 7, item 2).

The pages' CSV downloads are read back as a user would read them: ``pandas.read_csv(f)`` and
``polars.read_csv(f)`` with no options. Numbers must be numbers, symbols must be in ``flag``,
and each file must say what it holds (period, measure, offence group, release, data status) in
its columns and its name. The export functions themselves are tested in
tests/unit/queries/test_export.py.
"""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from components.page_registry import COMPARE, OVERVIEW
from helpers.downloads import NUMBERS, assert_typed, read_back
from helpers.paths import ROOT
from queries.export import SYNTHETIC_STATUS

REAL_DOWNLOAD_BUTTON = st.download_button
DASHBOARD = str(ROOT / "dashboard.py")


def _downloads(monkeypatch, engine, page: str, **params) -> dict[str, bytes]:
    """Open a page with AppTest and capture every download button's file name and bytes."""
    captured: dict[str, bytes] = {}

    def spy(label, data, file_name=None, *args, **kwargs):
        assert file_name not in captured, f"two downloads on one page share the name {file_name}"
        captured[file_name] = data() if callable(data) else data  # a chart's CSV is written when pressed
        return REAL_DOWNLOAD_BUTTON(label, data, *args, file_name=file_name, **kwargs)

    st.cache_data.clear()
    st.cache_resource.clear()
    monkeypatch.setattr(st, "download_button", spy)
    monkeypatch.setenv("RASSO_DB_URL", engine.url.render_as_string(hide_password=False))
    at = AppTest.from_file(DASHBOARD, default_timeout=180)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page != OVERVIEW.file:
        captured.clear()
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return captured


@pytest.mark.parametrize("page", [OVERVIEW.file, COMPARE.file])
def test_every_page_download_reads_back_and_names_its_view(monkeypatch, small_db, page):
    first = _downloads(monkeypatch, small_db, page, offence="adult_rape", period="2024-25")
    second = _downloads(monkeypatch, small_db, page, offence="rape", period="YE-2026-09")
    assert first and second
    assert not set(first) & set(second), "two different views would overwrite each other's files"
    for views, offence, period in ((first, "adult_rape", "2024-25"), (second, "rape", "YE-2026-09")):
        for name, data in views.items():
            assert name.endswith(".csv") and "synthetic" in name and offence.replace("_", "-") in name
            assert period.lower() in name, name
            pdf, plf = read_back(data)
            assert_typed(pdf, plf, numbers=[*NUMBERS, "count", "share"])
            assert plf["offence_group"].unique().to_list() == [offence], name
            assert plf["data_status"].unique().to_list() == [SYNTHETIC_STATUS]
            assert "period" in plf.columns and plf["period"].null_count() == 0
            if page == COMPARE.file:
                assert plf["metric"].unique().to_list() == ["charge_rate"], name
