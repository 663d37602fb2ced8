"""The data dictionary explains every download column (metrics.dictionary)."""

from __future__ import annotations

import polars as pl

from metrics.registry import metric
from queries.export import ExportMeta, export_frame

CHARGE = metric("charge_rate")


def test_the_data_dictionary_explains_every_download_column():
    from analysis import comparison as cmp
    from metrics.dictionary import CSV_COLUMNS, columns_csv, dictionary_csv, dictionary_rows

    download_columns = {"period", "period_end", "area_code", "area_name", "metric", "numerator",
                        "denominator", "value", "lower", "upper", "flag", "release",  # metric_table
                        "ho_group", "count", "share"}  # outcome_mix
    frame = cmp.compare_forces(pl.DataFrame(schema={"area_code": pl.String, "area_name": pl.String,
                                                    "numerator": pl.Float64, "denominator": pl.Float64,
                                                    "value": pl.Float64, "lower": pl.Float64,
                                                    "upper": pl.Float64, "flag": pl.String}),
                               {}, pl.DataFrame({"code": ["E23000034"], "name": ["City of London"],
                                                 "region": ["London"]}), CHARGE)
    download_columns |= set(cmp.table(frame).columns)
    meta = ExportMeta(release_id=1, synthetic=True, citation="c", metric="charge_rate", offence_group="rape",
                      period="2024-25", basis="Investigations closed in the period")
    download_columns |= set(export_frame(cmp.table(frame), meta, unit="percent").columns)  # what files add
    assert download_columns <= set(CSV_COLUMNS)
    assert "20241 = April–June 2024" in CSV_COLUMNS["period_end"]
    rows = dictionary_rows({1: "Pillar one"})
    assert rows[[r["id"] for r in rows].index("charge_rate")]["pillar"] == "1. Pillar one"
    assert dictionary_csv().decode().splitlines()[0].startswith("id,label,definition")
    assert len(columns_csv().decode().splitlines()) == len(CSV_COLUMNS) + 1
