"""Every download reads back with a plain reader into typed columns (issue 7, item 2).

The pages' CSV downloads are read back as a user would read them: ``pandas.read_csv(f)`` and
``polars.read_csv(f)`` with no options. Numbers must be numbers, symbols must be in ``flag``,
and each file must say what it holds (period, measure, offence group, release, data status) in
its columns and its name.
"""

from __future__ import annotations

import io

import pandas as pd
import polars as pl
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from helpers.paths import ROOT
from queries.export import (
    LICENCE,
    SYNTHETIC_STATUS,
    ExportMeta,
    csv_bytes,
    export_frame,
    notes_frame,
    xlsx_bytes,
)

NUMBERS = ["numerator", "denominator", "value", "lower", "upper"]
REAL_DOWNLOAD_BUTTON = st.download_button
DASHBOARD = str(ROOT / "dashboard.py")

TABLE = pl.DataFrame({
    "period": ["2024-25", "2024-25", "2024-25", "2024-25"],
    "period_end": [20244] * 4,
    "area_code": ["E23000001", "E23000002", "E23000003", "BTP"],
    "area_name": ["A", "B", "C", "British Transport Police"],
    "metric": ["charge_rate"] * 4,
    "numerator": [30.0, None, 6.0, None],
    "denominator": [100.0, None, 12.0, None],
    "value": [30.0, None, 50.0, None],
    "lower": [21.9, None, 25.4, None],
    "upper": [39.6, None, 74.6, None],
    "flag": ["", "[c]", "[u]", "[z]"],
    "release": [3] * 4,
})
META = ExportMeta(release_id=3, synthetic=True, citation="Cite me, release 3", view="compare-funnel",
                  metric="charge_rate", offence_group="rape", period="12 months to Sep 2026",
                  period_token="YE-2026-09", basis="Investigations closed in the period")


def read_back(data: bytes) -> tuple[pd.DataFrame, pl.DataFrame]:
    text = data.decode("utf-8")
    assert not any(line.startswith("#") for line in text.splitlines()), "comment lines in the file"
    return pd.read_csv(io.BytesIO(data)), pl.read_csv(io.BytesIO(data))


def assert_typed(pdf: pd.DataFrame, plf: pl.DataFrame, numbers=NUMBERS) -> None:
    for col in numbers:
        if col in plf.columns and plf[col].null_count() < plf.height:
            assert pd.api.types.is_numeric_dtype(pdf[col]), (col, pdf[col].dtype)
            assert plf.schema[col].is_numeric(), (col, plf.schema[col])
    assert "flag" in plf.columns
    for col in ("release", "data_status", "licence", "citation"):
        assert col in plf.columns, col
    assert plf.schema["release"].is_integer()


def test_a_download_reads_back_with_numbers_as_numbers_and_symbols_in_flag():
    pdf, plf = read_back(csv_bytes(export_frame(TABLE, META, unit="percent")))
    assert_typed(pdf, plf)
    assert plf.height == 4
    assert plf["flag"].to_list() == [None, "[c]", "[u]", "[z]"]
    # a [u] figure keeps its number; hidden and not applicable are empty, never text
    assert plf["value"].to_list() == [30.0, None, 50.0, None]
    assert pdf["value"].isna().tolist() == [False, True, False, True]
    # dimensions the table lacked come from the view; the table's own period is kept
    assert plf["offence_group"].unique().to_list() == ["rape"]
    assert plf["period"].unique().to_list() == ["2024-25"]
    assert plf["basis"].unique().to_list() == ["Investigations closed in the period"]
    assert plf["data_status"].unique().to_list() == [SYNTHETIC_STATUS]
    assert plf["licence"].unique().to_list() == [LICENCE]
    assert plf["citation"].unique().to_list() == ["Cite me, release 3"]


def test_a_compare_table_gains_period_metric_and_offence_columns():
    forces = pl.DataFrame({"code": ["E23000001"], "name": ["Metropolitan Police"], "region": ["London"],
                           "numerator": [10.0], "denominator": [200.0], "value": [5.0], "lower": [2.7],
                           "upper": [9.0], "flag": [""], "position": ["within the limits"]})
    _, plf = read_back(csv_bytes(export_frame(forces, META, unit="percent")))
    assert {"period": "12 months to Sep 2026", "metric": "charge_rate", "offence_group": "rape"}.items() \
        <= plf.row(0, named=True).items()


def test_a_count_has_no_denominator_and_published_data_says_so():
    counts = TABLE.with_columns(denominator=pl.lit(123.0), flag=pl.lit(""))
    meta = ExportMeta(release_id=9, synthetic=False, citation="c", metric="recorded_offences")
    _, plf = read_back(csv_bytes(export_frame(counts, meta, unit="count")))
    assert plf["denominator"].null_count() == plf.height  # [z] on screen, empty in the file
    assert plf["data_status"].unique().to_list() == ["published"]
    assert "synthetic" not in meta.file_name("csv")


def test_file_names_tell_views_apart():
    names = {META.file_name("csv")}
    for change in ({"offence_group": "adult_rape"}, {"period_token": "2024-25"}, {"release_id": 4},
                   {"view": "compare-ranked"}, {"metric": "vdns_rate"}, {"basis": "Offences recorded in the period"},
                   {"extra": ("E23000036",)}):
        names.add(ExportMeta(**{**META.__dict__, **change}).file_name("csv"))
    assert len(names) == 8
    name = META.file_name("csv")
    for part in ("compare-funnel", "charge-rate", "rape", "ye-2026-09", "release-3", "synthetic"):
        assert part in name, (part, name)


def test_xlsx_has_numbers_as_numbers_and_a_notes_sheet():
    import openpyxl

    frame = export_frame(TABLE, META, unit="percent")
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(frame, META, measure={"label": "Charge rate"})))
    assert book.sheetnames == ["data", "Notes"]
    sheet = book["data"]
    header = [c.value for c in sheet[1]]
    value = header.index("value") + 1
    cells = [sheet.cell(row=r, column=value).value for r in range(2, sheet.max_row + 1)]
    assert cells == [30, None, 50, None] and all(isinstance(c, int | float) for c in cells if c is not None)
    notes = [[c.value for c in row] for row in book["Notes"].iter_rows()]
    texts = " ".join(str(v) for row in notes for v in row)
    for expected in ("Cite me, release 3", SYNTHETIC_STATUS, LICENCE, "[c]", "confidential", "Charge rate"):
        assert expected in texts
    assert notes_frame(frame, META)["item"].to_list()[-len(frame.columns):] == frame.columns


def _downloads(monkeypatch, engine, page: str, **params) -> dict[str, bytes]:
    """Open a page with AppTest and capture every download button's file name and bytes."""
    captured: dict[str, bytes] = {}

    def spy(label, data, file_name=None, *args, **kwargs):
        assert file_name not in captured, f"two downloads on one page share the name {file_name}"
        captured[file_name] = data
        return REAL_DOWNLOAD_BUTTON(label, data, *args, file_name=file_name, **kwargs)

    st.cache_data.clear()
    st.cache_resource.clear()
    monkeypatch.setattr(st, "download_button", spy)
    monkeypatch.setenv("RASSO_DB_URL", engine.url.render_as_string(hide_password=False))
    at = AppTest.from_file(DASHBOARD, default_timeout=180)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page != "views/overview.py":
        captured.clear()
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return captured


@pytest.mark.parametrize("page", ["views/overview.py", "views/compare.py"])
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
            if page == "views/compare.py":
                assert plf["metric"].unique().to_list() == ["charge_rate"], name
