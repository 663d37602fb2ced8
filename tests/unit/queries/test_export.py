"""Every download reads back with a plain reader into typed columns (issue 7, item 2; queries.export).

Files are read back as a user would read them: ``pandas.read_csv(f)`` and ``polars.read_csv(f)``
with no options. Numbers must be numbers, symbols must be in ``flag``, and each file must say what
it holds (period, measure, offence group, release, data status) in its columns and its name. The
pages' own downloads are read back in tests/pages/test_export.py.
"""

from __future__ import annotations

import csv
import io

import polars as pl
import pytest

from helpers.downloads import assert_typed, read_back
from queries.export import (
    LICENCE,
    SYNTHETIC_STATUS,
    ExportMeta,
    csv_bytes,
    dictionary_frame,
    export_frame,
    xlsx_bytes,
)

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
                  period_token="YE-2026-09", basis="Investigations closed in the period")  # noqa: S106 - a period token, not a password


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
    # [z] on screen: left out of the file, since an all-empty column reads back as text in polars
    assert "denominator" not in plf.columns
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


def test_xlsx_has_numbers_as_numbers_a_dictionary_and_a_citation_sheet():
    import openpyxl

    frame = export_frame(TABLE, META, unit="percent")
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(frame, META, measure={"label": "Charge rate"})))
    assert book.sheetnames == ["data", "Dictionary", "Citation"]
    sheet = book["data"]
    header = [c.value for c in sheet[1]]
    value = header.index("value") + 1
    cells = [sheet.cell(row=r, column=value).value for r in range(2, sheet.max_row + 1)]
    assert cells == [30, None, 50, None] and all(isinstance(c, int | float) for c in cells if c is not None)
    def text(name: str) -> str:
        return " ".join(str(v) for row in book[name].iter_rows(values_only=True) for v in row)

    for expected in ("[c]", "confidential", "Charge rate"):
        assert expected in text("Dictionary")
    for expected in ("Cite me, release 3", SYNTHETIC_STATUS, LICENCE):
        assert expected in text("Citation")
    listed = dictionary_frame(frame).filter(pl.col("section") == "Columns")["item"].to_list()
    assert listed == frame.columns


def test_csv_has_citation_release_and_exactly_the_rows_shown():
    table = pl.DataFrame({"period": ["a", "b"], "numerator": [3.0, None], "denominator": [10.0, None],
                          "value": [30.0, None], "lower": [10.8, None], "upper": [60.3, None],
                          "flag": ["", "[c]"]})
    meta = ExportMeta(release_id=7, synthetic=False, citation="Cite me", basis="Investigations closed")
    data = csv_bytes(export_frame(table, meta, unit="percent")).decode()
    assert not any(line.startswith("#") for line in data.splitlines())
    rows = list(csv.DictReader(io.StringIO(data)))
    assert len(rows) == 2
    assert rows[0]["value"] == "30.0" and rows[1]["value"] == "" and rows[1]["flag"] == "[c]"
    assert {r["citation"] for r in rows} == {"Cite me"} and {r["release"] for r in rows} == {"7"}
    assert {r["basis"] for r in rows} == {"Investigations closed"}


@pytest.mark.parametrize("unit, absent", [("count", "denominator"), ("days", "numerator")])
def test_every_number_column_a_plain_reader_sees_is_numeric(unit, absent):
    table = TABLE.with_columns(flag=pl.lit(""))
    pdf, plf = read_back(csv_bytes(export_frame(table, META, unit=unit)))
    numbers = [c for c in ("numerator", "denominator", "value", "lower", "upper") if c in plf.columns]
    assert absent not in numbers and len(numbers) == 4
    assert all(plf.schema[c].is_numeric() for c in numbers), plf.schema
    assert all(pdf[c].dtype.kind == "f" for c in numbers)
