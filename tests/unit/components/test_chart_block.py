"""The table under each chart: plain headers on screen, machine names in the CSV (components.chart_block)."""

from __future__ import annotations

import polars as pl

from components.chart_block import display_frame
from metrics.registry import metric
from queries.export import ExportMeta, csv_bytes, export_frame

CHARGE = metric("charge_rate")
RECORDED = metric("recorded_offences")


def test_screen_table_has_plain_headers_and_the_csv_keeps_machine_names():
    from components.chart_block import screen_frame

    table = pl.DataFrame({"period": ["2024-25 Q1"], "period_end": [20241], "area_code": ["K04000001"],
                          "area_name": ["England and Wales"], "metric": ["recorded_offences"],
                          "numerator": [11167.0], "denominator": [None], "value": [11167.0],
                          "lower": [10960.8], "upper": [11376.1], "flag": [""], "release": [1]})
    screen = screen_frame(display_frame(table, "count"), "count", RECORDED)
    assert screen.columns == ["Period", "Area", "Offences recorded", "Value", "Chance range lower",
                              "Chance range upper", "Symbol"]
    pct = screen_frame(display_frame(table, "percent"), "percent", CHARGE)
    assert "95% interval lower" in pct.columns and "Numerator" in pct.columns  # long wording: plain
    data = csv_bytes(export_frame(table, ExportMeta(release_id=1, synthetic=True, citation="c"), unit="count"))
    header = data.decode().splitlines()[0].split(",")
    # machine names, in order; a count's denominator is never filled, so the file leaves it out
    kept = [c for c in table.columns[:-1] if c != "denominator"]
    assert header[:len(kept)] == kept
    assert header[-4:] == ["release", "data_status", "licence", "citation"]
    forces = pl.DataFrame({"code": ["E23000001"], "name": ["Metropolitan Police"], "region": ["London"],
                           "value": ["7.1"], "flag": [""], "position": ["within the limits"]})
    assert screen_frame(forces, "percent").columns == ["Force", "Against England and Wales", "Region",
                                                        "Value", "Symbol"]
