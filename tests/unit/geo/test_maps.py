"""The map chart specifications: real boundaries and the tile map (geo.maps)."""

from __future__ import annotations

import json

from geo import boundaries, maps, tiles

STYLE = {"field": "category", "domain": ["a", "b"], "colors": ["#000000", "#FFFFFF"],
         "legend_title": "Position", "tooltip": [("name", "Force"), ("category", "Position")]}


def values_of(spec: dict, layer: dict) -> list[dict]:
    """A layer's rows: inline, or the named dataset (a map's shapes: ``maps.MapChart``)."""
    data = layer["data"]
    return data["values"] if "values" in data else spec["datasets"][data["name"]]


def test_geography_map_spec_holds_features_not_a_dataframe():
    square = {"type": "Polygon", "coordinates": [[[0, 51], [0, 52], [1, 52], [1, 51], [0, 51]]]}
    # the page's builder: stored shapes (GeoJSON text) and rows, so its cache key is cheap to hash
    spec = maps.boundary_map({"E23000001": json.dumps(square)},
                             {"E23000001": {"name": "Met", "category": "a", "symbol": "▲"}},
                             symbol_field="symbol", selected="E23000001", **STYLE).to_dict()
    shapes, symbols = spec["layer"]
    # the shapes are a named GeoJSON dataset, added after Altair's conversion (which walked every
    # coordinate); Streamlit leaves a GeoJSON dataset in the spec for Vega-Lite
    assert shapes["data"] == {"name": maps.SHAPES} and set(spec["datasets"]) == {maps.SHAPES}
    values = values_of(spec, shapes)
    assert values[0]["type"] == "Feature" and values[0]["geometry"]["type"] == "Polygon"
    assert values[0]["code"] == "E23000001" and values[0]["category"] == "a"
    assert shapes["mark"]["type"] == "geoshape"
    assert spec["projection"]["type"] == "transverseMercator"
    assert "params" not in spec and "href" not in shapes["encoding"]  # no links unless given
    assert symbols["data"]["values"][0]["symbol"] == "▲"
    assert shapes["encoding"]["color"]["scale"]["domain"] == ["a", "b"]


def test_tile_map_spec_has_43_hexagons_labelled():
    rows = {t.code: {"category": "a", "label": t.abbr, "label_color": "#000000"} for t in tiles.TILES}
    spec = maps.tile_map(rows, label_field="label", **STYLE).to_dict()
    shapes, labels = spec["layer"]
    assert len(values_of(spec, shapes)) == 43
    assert all(v["type"] == "Feature" for v in values_of(spec, shapes))
    assert spec["projection"] == {"type": "identity", "reflectY": True}
    assert labels["encoding"]["text"]["field"] == "label"
    assert {v["label"] for v in labels["data"]["values"]} == {t.abbr for t in tiles.TILES}


def test_map_legend_text_is_near_black():
    """The Streamlit theme's default legend grey is too pale (issue 7, item 9): set it on the legend."""
    rows = {t.code: {"category": "a", "label": t.abbr, "label_color": "#000000"} for t in tiles.TILES}
    legend = maps.tile_map(rows, label_field="label", **STYLE).to_dict()["layer"][0]["encoding"]["color"]["legend"]
    for key in ("labelColor", "titleColor"):
        rgb = [int(legend[key].lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
        assert max(rgb) <= 0x40, legend  # dark enough for 4.5:1 on white several times over


def test_given_links_each_force_on_either_map_is_a_link_to_its_address():
    """A click follows the force's own address (Vega's href), on its shape and on its label."""
    rows = {t.code: {"category": "a", "label": t.abbr, "label_color": "#000000"} for t in tiles.TILES}
    links = {t.code: f"force?force={t.code}&offence=rape" for t in tiles.TILES}
    square = {"type": "Polygon", "coordinates": [[[0, 51], [0, 52], [1, 52], [1, 51], [0, 51]]]}
    feats = boundaries.features({"E23000001": json.dumps(square)},
                                {"E23000001": {"name": "Met", "category": "a", "symbol": "▲"}})
    for spec in (maps.tile_map(rows, label_field="label", links=links, **STYLE).to_dict(),
                 maps.geography_map(feats, symbol_field="symbol", links=links, **STYLE).to_dict()):
        assert "params" not in spec  # a link, not a selection the page must answer
        for layer in spec["layer"]:
            assert layer["encoding"]["href"] == {"field": "href", "type": "nominal"}
            values = values_of(spec, layer)
            assert values and all(v["href"] == links[v["code"]] for v in values)
