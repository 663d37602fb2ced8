"""The CSV download: citation, release and exactly the rows shown (queries.export)."""

from __future__ import annotations

import csv
import io

import polars as pl

from queries.export import ExportMeta, csv_bytes, export_frame


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
