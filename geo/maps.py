"""Altair map charts: the real geography and the equal-area tile map, coloured by category.

Both take GeoJSON Feature dicts (``alt.Data(values=...)``), never a GeoDataFrame, so a chart is
a small JSON spec. Colour always comes with a second cue: the tile map prints each force's
abbreviation and category symbol on its tile, the real map prints the symbol at each force's
label point, and both tooltips say the category in words. Given ``links`` (force code -> address),
each force is a link (Vega's ``href`` channel): a click is a real navigation, so the browser's
history holds the page clicked on as it was, and back returns to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt

from geo import boundaries
from geo.boundaries import outer_rings, signed_area
from geo.tiles import tile_features

GEO_PROJECTION = {"type": "transverseMercator", "rotate": [2, 0, 0]}
"""Close to the British National Grid (central meridian 2 degrees west), so shapes look as on
an Ordnance Survey map rather than stretched north-south as in Mercator."""


SHAPES = "force_shapes"
"""The name of a map's shapes in its spec's ``datasets``."""


@dataclass(frozen=True)
class MapChart:
    """A map and its shapes, kept apart until the spec is written.

    Why: Altair's conversion to a spec walks every value a chart holds, each coordinate of every
    boundary included, and that was most of a cold run of /compare at national scale (about
    0.4 s of it a map); the shapes join the written spec as a named dataset instead, which
    Vega-Lite reads as it would inline values (``components.vega.to_spec``)."""

    chart: alt.LayerChart
    shapes: list[dict]

    def to_dict(self, **kwargs) -> dict:
        return self.with_shapes(self.chart.to_dict(**kwargs))

    def with_shapes(self, spec: dict) -> dict:
        return {**spec, "datasets": {**spec.get("datasets", {}), SHAPES: self.shapes}}


def label_point(geometry: dict) -> tuple[float, float]:
    """A point for a force's symbol: the vertex mean of its largest outer ring (good enough for
    a label at this scale; the shapes are simplified already)."""
    rings = outer_rings(geometry)
    ring = max(rings, key=lambda r: abs(signed_area(r)))
    pts = ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else ring
    return (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))


def _color(field: str, domain: Sequence[str], colors: Sequence[str], title: str) -> alt.Color:
    return alt.Color(f"{field}:N", title=title, scale=alt.Scale(domain=list(domain), range=list(colors)),
                     legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=400,
                                       symbolStrokeColor="#0B0C0C", symbolStrokeWidth=0.5,
                                       # near-black, not the theme's pale grey: WCAG AA contrast
                                       labelColor="#0B0C0C", titleColor="#0B0C0C"))


def _tooltip(fields: Sequence[tuple[str, str]]) -> list[alt.Tooltip]:
    return [alt.Tooltip(f"{f}:N", title=t) for f, t in fields]


def with_links(values: list[dict], links: dict[str, str] | None) -> list[dict]:
    """``values`` with each force's address as ``href`` (unchanged without ``links``)."""
    return values if not links else [{**v, "href": links.get(v.get("code", ""), "")} for v in values]


def linked(chart: alt.Chart, links: dict[str, str] | None) -> alt.Chart:
    """A mark whose data went through ``with_links``: a click on it follows ``href``."""
    return chart.encode(href="href:N") if links else chart


def _shapes(*, field: str, domain, colors, legend_title: str, tooltip, selected: str | None,
            links: dict[str, str] | None) -> alt.Chart:
    """The shapes' layer, reading the dataset ``SHAPES`` (``MapChart``)."""
    is_selected = alt.datum.code == (selected or "")
    return linked(alt.Chart(alt.Data(name=SHAPES))
                  .mark_geoshape(cursor="pointer" if links else alt.Undefined)
                  .encode(color=_color(field, domain, colors, legend_title),
                          strokeWidth=alt.condition(is_selected, alt.value(3.5), alt.value(0.7)),
                          stroke=alt.condition(is_selected, alt.value("#0B0C0C"), alt.value("#8A8A8A")),
                          tooltip=_tooltip(tooltip)), links)


def geography_map(features: list[dict], *, field: str, domain: Sequence[str], colors: Sequence[str],
                  legend_title: str, tooltip: Sequence[tuple[str, str]], symbol_field: str,
                  selected: str | None = None, height: int = 560,
                  links: dict[str, str] | None = None) -> MapChart:
    """The real police force areas, coloured by ``field``, with ``symbol_field`` printed at each
    force's label point (so the category is readable without colour)."""
    shapes = _shapes(field=field, domain=domain, colors=colors, legend_title=legend_title,
                     tooltip=tooltip, selected=selected, links=links)
    points = []
    for f in features:
        lon, lat = label_point(f["geometry"])
        points.append({"code": f["code"], "lon": lon, "lat": lat, "symbol": f.get(symbol_field, ""),
                       **{k: f.get(k) for k, _ in tooltip}})
    # a symbol covers part of its force: it links too, so a click on it is a click on the force
    symbols = linked(alt.Chart(alt.Data(values=with_links(points, links)))
                     .mark_text(fontSize=11, fontWeight="bold", color="#0B0C0C")
                     .encode(longitude="lon:Q", latitude="lat:Q", text="symbol:N", tooltip=_tooltip(tooltip)),
                     links)
    return MapChart(alt.layer(shapes, symbols).project(**GEO_PROJECTION).properties(height=height, width="container"),
                    with_links(features, links))


def boundary_map(shapes: dict[str, str], rows: dict[str, dict], **style) -> MapChart:
    """``geography_map`` of the stored shapes (code -> GeoJSON text) with ``rows`` merged in.

    Why shapes and not features: a page's cached spec is keyed on its builder's arguments, and
    hashing 43 short strings costs little, while hashing the features built from them (nested
    lists of coordinates) took most of a warm rerun of /compare at national scale."""
    return geography_map(boundaries.features(shapes, rows), **style)


def tile_map(rows: dict[str, dict], *, field: str, domain: Sequence[str], colors: Sequence[str],
             legend_title: str, tooltip: Sequence[tuple[str, str]], label_field: str,
             selected: str | None = None, height: int = 560,
             links: dict[str, str] | None = None) -> MapChart:
    """The 43 forces as equal hexagons (``geo.tiles``), each labelled with ``label_field``."""
    values = tile_features(rows)
    shapes = _shapes(field=field, domain=domain, colors=colors, legend_title=legend_title,
                     tooltip=tooltip, selected=selected, links=links)
    labels = linked(alt.Chart(alt.Data(values=with_links(values, links)))
                    .mark_text(fontSize=11, fontWeight="bold", lineBreak="\n", lineHeight=12)
                    .encode(longitude="cx:Q", latitude="cy:Q", text=f"{label_field}:N",
                            color=alt.Color("label_color:N", scale=None),
                            tooltip=_tooltip(tooltip)), links)
    return MapChart(alt.layer(shapes, labels).project(type="identity", reflectY=True)
                    .properties(height=height, width="container"), with_links(values, links))
