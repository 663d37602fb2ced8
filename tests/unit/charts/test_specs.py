"""The pure chart builders in ``charts/``, checked as Vega-Lite specs (``to_dict``), no Streamlit.

What is checked is what a reader relies on: values written on the bars, positions carried by
symbol and shape as well as colour, label text that keeps its contrast on dark fills, and an
axis title for every unit the registry has.
"""

from __future__ import annotations

import polars as pl

from analysis import comparison as cmp
from charts import palette, positions
from charts.common import AXIS_TITLE
from charts.outcome_mix import outcome_mix_chart
from charts.trend import trend_chart
from db.reference import FORCES
from metrics.registry import METRICS, metric

CHARGE = metric("charge_rate")
HIGH, LOW = FORCES[0].code, FORCES[1].code


def _comparison() -> cmp.Comparison:
    """All forces at 8% of 1,000 outcomes except one far above (30%) and one far below (1%)."""
    rates = {HIGH: 0.30, LOW: 0.01}
    rows = [{"area_code": f.code, "area_name": f.name, "numerator": 1000.0 * rates.get(f.code, 0.08),
             "denominator": 1000.0, "value": 100 * rates.get(f.code, 0.08), "lower": None,
             "upper": None, "flag": ""} for f in FORCES]
    table = pl.DataFrame(rows)
    n, d = table["numerator"].sum(), table["denominator"].sum()
    reference = pl.DataFrame({"code": [f.code for f in FORCES], "name": [f.name for f in FORCES],
                              "region": [f.region for f in FORCES]})
    return cmp.compare_forces(table, {"numerator": n, "denominator": d, "value": 100 * n / d},
                              reference, CHARGE, overdispersion=False)


def _layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def test_outcome_mix_writes_each_share_on_its_bar_largest_first():
    mix = pl.DataFrame({"ho_group": ["Charged", "Victim withdrew", "Other"], "count": [5.0, 40.0, 15.0],
                        "share": [8.3, 66.7, 25.0], "flag": ["", "", ""]})
    spec = outcome_mix_chart(mix).to_dict()
    marks = [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]
             for layer in _layers(spec)]
    assert marks == ["bar", "text"]
    text = _layers(spec)[1]["encoding"]["text"]["field"]
    rows = next(iter(spec["datasets"].values()))
    assert sorted(r[text] for r in rows) == ["25.0%", "66.7%", "8.3%"]
    assert _layers(spec)[0]["encoding"]["y"]["sort"] == ["Victim withdrew", "Other", "Charged"]
    domain = _layers(spec)[0]["encoding"]["x"]["scale"]["domain"]
    assert domain[0] == 0 and 66.7 < domain[1] <= 100


def test_every_unit_has_a_value_axis_title_and_the_trend_uses_it():
    assert {m.unit for m in METRICS} <= set(AXIS_TITLE)
    frame = pl.DataFrame({"period": ["q"] * 4, "period_end": [20241, 20242, 20243, 20244],
                          "value": [3.0, 3.5, 4.0, 4.5], "lower": [2.5, 3.0, 3.5, 4.0],
                          "upper": [3.5, 4.0, 4.5, 5.0], "flag": [""] * 4})
    spec = trend_chart(frame, CHARGE).to_dict()
    titles = {layer["encoding"]["y"].get("title") for layer in _layers(spec)
              if "y" in layer.get("encoding", {}) and isinstance(layer["encoding"]["y"], dict)}
    assert AXIS_TITLE[CHARGE.unit] in titles


def test_positions_are_drawn_by_shape_and_symbol_as_well_as_colour():
    assert set(positions.SHAPES) == set(cmp.POSITIONS)
    assert len(set(positions.SHAPES.values())) == len(cmp.POSITIONS)  # one shape per position
    assert set(positions.CATEGORY_COLORS) == set(cmp.CATEGORIES)  # every legend entry has a fill
    assert len({positions.CATEGORY_COLORS[k] for k in cmp.POSITIONS}) == len(cmp.POSITIONS)


def test_map_labels_carry_the_symbol_and_keep_contrast_on_dark_fills():
    comp = _comparison()
    rows = positions.map_rows(comp)
    assert rows.keys() == comp.rows().keys()
    high, low = rows[HIGH], rows[LOW]
    assert comp.rows()[HIGH]["position"] == cmp.ABOVE_OUTER
    assert comp.rows()[LOW]["position"] == cmp.BELOW_OUTER
    assert high["label"] == f"{high['abbr']}\n▲▲" and low["label"] == f"{low['abbr']}\n▼▼"
    assert high["label_color"] == low["label_color"] == "#FFFFFF"  # dark fills: white text
    within = next(r for code, r in rows.items() if comp.rows()[code]["position"] == cmp.WITHIN)
    assert within["label"] == within["abbr"] and within["label_color"] == palette.TEXT
