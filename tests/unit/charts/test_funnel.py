"""The comparison charts: the selected force and its peers can find themselves, legends are
legible and match the points (issue 7, items 4 and 9). Checked on the Vega-Lite specs."""

from __future__ import annotations

import polars as pl
import pytest

from analysis import comparison as cmp
from charts import palette, positions
from charts.funnel import PEER, SELECTED, dot_plot, funnel_chart
from db.reference import FORCES
from metrics.registry import metric
from words import comparison as say

REFERENCE = pl.DataFrame({"code": [f.code for f in FORCES], "name": [f.name for f in FORCES],
                          "region": [f.region for f in FORCES]})
CHARGE = metric("charge_rate")
AVON = "E23000036"  # South West: Avon and Somerset with four region peers
MET = "E23000001"  # London: the Metropolitan Police and the City of London
SOUTH_WEST = {f.code for f in FORCES if f.region == "South West"} - {AVON}


def _comparison(numerators: dict[str, float | None] | None = None) -> cmp.Comparison:
    """Every force near 8% of 500 to 2,180 outcomes unless ``numerators`` gives its rate."""
    numerators = numerators or {}
    rows = []
    for i, f in enumerate(FORCES):
        den = 500.0 + 40 * i
        rate = numerators.get(f.code, 0.08)  # a rate (None: hidden); near 8% is within the limits
        n = None if rate is None else float(round(rate * den + (i % 3) - 1))
        hidden = n is None
        rows.append({"area_code": f.code, "area_name": f.name, "numerator": None if hidden else n,
                     "denominator": None if hidden else den, "value": None if hidden else 100 * n / den,
                     "lower": None if hidden else 100 * n / den - 1.5,
                     "upper": None if hidden else 100 * n / den + 1.5, "flag": "[c]" if hidden else ""})
    table = pl.DataFrame(rows)
    n, d = table["numerator"].sum(), table["denominator"].sum()
    national = {"numerator": n, "denominator": d, "value": 100 * n / d}
    return cmp.compare_forces(table, national, REFERENCE, CHARGE, overdispersion=False)


def _layers(spec: dict) -> list[tuple[dict, list[dict]]]:
    """Each layer with its rows (inline values or the named dataset)."""
    out = []
    for layer in spec["layer"]:
        data = layer.get("data", {})
        rows = data.get("values") or spec.get("datasets", {}).get(data.get("name"), [])
        out.append((layer, rows))
    return out


def _mark(layer: dict) -> dict:
    m = layer["mark"]
    return m if isinstance(m, dict) else {"type": m}


def _rings(spec: dict) -> list[tuple[dict, list[dict]]]:
    return [(la, rows) for la, rows in _layers(spec)
            if _mark(la)["type"] == "point" and _mark(la).get("filled") is False]


def _labels(spec: dict) -> dict[str, str]:
    """Text drawn by text layers in near-black: label -> role."""
    return {r["label"]: r["role"] for la, rows in _layers(spec) if _mark(la)["type"] == "text"
            and _mark(la).get("color") == palette.TEXT for r in rows}


def test_funnel_rings_and_labels_the_selected_force_and_its_peers():
    comp = _comparison()
    peers = cmp.peer_codes(comp, AVON)
    assert set(peers) == SOUTH_WEST  # independently, from the reference list
    spec = funnel_chart(comp, CHARGE, selected=AVON, peers=peers).to_dict()
    [(ring, rows)] = _rings(spec)
    roles = {r["code"]: r["role"] for r in rows}
    assert roles == {AVON: SELECTED, **{c: PEER for c in SOUTH_WEST}}
    enc = ring["encoding"]
    assert enc["size"]["field"] == "role" and enc["size"]["legend"]["title"] == "Highlighted"
    sizes = dict(zip(enc["size"]["scale"]["domain"], enc["size"]["scale"]["range"], strict=True))
    assert sizes[SELECTED] > sizes[PEER]  # not colour alone: size and thickness differ too
    widths = dict(zip(enc["strokeWidth"]["scale"]["domain"], enc["strokeWidth"]["scale"]["range"], strict=True))
    assert widths[SELECTED] > widths[PEER]
    labels = _labels(spec)
    assert labels["Avon and Somerset"] == SELECTED
    assert {lab for lab, role in labels.items() if role == PEER} == {
        r["abbr"] for r in comp.frame.to_dicts() if r["code"] in SOUTH_WEST}


def test_no_selection_draws_no_highlight():
    spec = funnel_chart(_comparison(), CHARGE).to_dict()
    assert not _rings(spec) and not _labels(spec)
    assert not _rings(dot_plot(_comparison().frame, CHARGE, 10.0).to_dict())


def test_ranked_plot_marks_the_selected_force_and_its_peers():
    comp = _comparison()
    peers = cmp.peer_codes(comp, AVON)
    spec = dot_plot(comp.frame, CHARGE, 9.0, highlight=AVON, peers=peers).to_dict()
    [(_, rows)] = _rings(spec)
    assert {r["code"] for r in rows} == {AVON, *SOUTH_WEST}
    names = {r["shown_name"] for _, rows in _layers(spec) for r in rows if "shown_name" in r}
    assert "► Avon and Somerset" in names
    assert {n for n in names if n.endswith(" (peer)")} == {
        f"{f.name} (peer)" for f in FORCES if f.code in SOUTH_WEST}
    axis = next(la["encoding"]["y"]["axis"] for la, _ in _layers(spec) if "y" in la["encoding"]
                and "axis" in la["encoding"]["y"])
    assert "bold" in str(axis["labelFontWeight"]) and "►" in str(axis["labelFontWeight"])


def test_selected_summary_says_where_the_force_and_its_peers_sit():
    comp = _comparison({AVON: 0.16, "E23000035": 0.02})  # Avon high, Devon and Cornwall low
    rows = comp.rows()
    me = rows[AVON]
    assert me["position"] == cmp.ABOVE_OUTER and rows["E23000035"]["position"] in (cmp.BELOW_OUTER, cmp.BELOW_INNER)
    text = say.selected_summary(comp, AVON, CHARGE)
    assert text.startswith(f"Avon and Somerset (ringed and labelled): {me['value_text']} ({me['interval_text']})")
    assert "above the 99.8% limit" in text
    within = sum(1 for c in SOUTH_WEST if rows[c]["position"] == cmp.WITHIN)
    assert f"Of its {len(SOUTH_WEST)} region peers in South West" in text
    assert within >= 2 and f"{within} within the limits" in text and "(Devon and Cornwall)" in text
    assert say.selected_summary(comp, None, CHARGE) == ""


def test_selected_summary_for_a_one_force_region_and_a_hidden_force():
    comp = _comparison({"E23000034": None})  # the City of London hidden
    text = say.selected_summary(comp, MET, CHARGE)
    assert "Its one region peer in London" in text and "City of London" in text and "not shown" in text
    assert say.selected_summary(comp, "E23000034", CHARGE).startswith("City of London: not shown")


def test_a_one_force_peer_chart_has_an_axis_around_its_figure():
    comp = _comparison({"E23000034": None})
    peers = pl.DataFrame(cmp.peer_rows(comp, MET), schema=comp.frame.schema)
    met = comp.rows()[MET]
    spec = dot_plot(peers, CHARGE, 9.0, highlight=MET, peers=cmp.peer_codes(comp, MET)).to_dict()
    domains = [la["encoding"]["x"]["scale"]["domain"] for la, _ in _layers(spec)
               if "x" in la["encoding"] and "scale" in la["encoding"]["x"]]
    assert domains and all(d == domains[0] for d in domains)
    lo, hi = domains[0]
    assert lo <= met["lower"] and hi >= met["upper"] and lo <= 9.0 <= hi
    assert hi - lo < 3 * (met["upper"] - met["lower"] + abs(met["value"] - 9.0))  # not 0 to anything


def test_ranked_plot_gives_each_of_43_forces_room_for_its_label():
    comp = _comparison()
    spec = dot_plot(comp.frame, CHARGE, 9.0).to_dict()
    axis = next(la["encoding"]["y"]["axis"] for la, _ in _layers(spec) if "axis" in la["encoding"].get("y", {}))
    rows = comp.frame.height
    assert spec["height"] >= rows * axis["labelFontSize"] * 1.6  # line spacing of 1.6 at least
    assert axis["labelOverlap"] is False


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str = "#FFFFFF") -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("which", ["funnel", "ranked"])
def test_legend_and_axis_text_meet_wcag_aa(which):
    comp = _comparison()
    chart = funnel_chart(comp, CHARGE, selected=AVON) if which == "funnel" else dot_plot(comp.frame, CHARGE, 9.0)
    spec = chart.to_dict()
    legends = [enc["legend"] for la, _ in _layers(spec) for enc in la["encoding"].values()
               if isinstance(enc, dict) and enc.get("legend")]
    assert legends
    for legend in legends:  # set on each legend, so the Streamlit theme's grey cannot win
        assert _contrast(legend["labelColor"]) >= 4.5 and _contrast(legend["titleColor"]) >= 4.5
    for part in ("axis", "legend"):
        assert _contrast(spec["config"][part]["labelColor"]) >= 4.5


def test_funnel_legend_symbols_take_the_points_colour_and_shape():
    comp = _comparison({AVON: 0.16, "E23000035": 0.02})
    spec = funnel_chart(comp, CHARGE).to_dict()
    [points] = [la for la, _ in _layers(spec) if _mark(la)["type"] == "point" and _mark(la).get("filled")]
    colour, shape = points["encoding"]["color"], points["encoding"]["shape"]
    # one legend for both channels (same field, same legend): Vega-Lite merges them, so each
    # symbol is drawn in its point's colour and shape
    assert colour["field"] == shape["field"] == "category" and colour["legend"] == shape["legend"]
    assert colour["scale"]["domain"] == shape["scale"]["domain"]
    expected = {comp.categories[k]: (positions.CATEGORY_COLORS[k], positions.SHAPES[k]) for k in cmp.POSITIONS}
    for cat, col, shp in zip(colour["scale"]["domain"], colour["scale"]["range"], shape["scale"]["range"],
                             strict=True):
        assert expected[cat] == (col, shp)
    # the theme's thick symbol outline painted the symbols black: the outline is the points' own
    assert colour["legend"]["symbolStrokeWidth"] == _mark(points)["strokeWidth"]
    assert colour["legend"]["symbolStrokeColor"] == _mark(points)["stroke"]


def test_a_linked_ranked_plot_links_each_point_to_its_force():
    comp = _comparison()
    links = {c: f"force?force={c}" for c in comp.frame["code"]}
    plain = dot_plot(comp.frame, CHARGE, comp.national["value"]).to_dict()
    linked = dot_plot(comp.frame, CHARGE, comp.national["value"], links=links).to_dict()
    assert not plain.get("params") and not linked.get("params")  # links, not a selection
    assert all("href" not in layer.get("encoding", {}) for layer in plain["layer"])
    (points,) = [layer for layer in linked["layer"] if "href" in layer.get("encoding", {})]
    assert points["encoding"]["href"]["field"] == "href" and points["mark"]["cursor"] == "pointer"
    rows = linked["datasets"][points["data"]["name"]]
    assert rows and all(r["href"] == links[r["code"]] for r in rows)
