"""Stored boundary shapes -> GeoJSON Feature dicts that Vega draws correctly.

Vega (d3-geo) treats polygons as spherical: an outer ring must run clockwise, or d3 draws the
whole globe except the force. The ingest already orients rings that way; this module checks
again (cheaply, on 43 small shapes) so a boundary written by any other route still draws.
The features are plain dicts (``alt.Data(values=...)``), not a GeoDataFrame, so no geospatial
library is needed to show a map.
"""

from __future__ import annotations

import json

from sqlalchemy import Engine

from db.releases import Release
from queries.boundaries import boundary_shapes, latest_boundary_release


def signed_area(ring: list[list[float]]) -> float:
    """Shoelace area in the (lon, lat) plane: positive when the ring runs anticlockwise."""
    total = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        total += x1 * y2 - x2 * y1
    return total / 2


def _oriented(polygon: list[list[list[float]]]) -> list[list[list[float]]]:
    """Outer ring clockwise, holes anticlockwise (the reverse of RFC 7946, as d3-geo wants)."""
    out = []
    for i, ring in enumerate(polygon):
        clockwise = signed_area(ring) < 0
        want_clockwise = i == 0
        out.append(ring if clockwise == want_clockwise else ring[::-1])
    return out


def orient_geometry(geometry: dict) -> dict:
    """A Polygon or MultiPolygon with every ring oriented for d3-geo."""
    kind = geometry.get("type")
    if kind == "Polygon":
        return {"type": kind, "coordinates": _oriented(geometry["coordinates"])}
    if kind == "MultiPolygon":
        return {"type": kind, "coordinates": [_oriented(p) for p in geometry["coordinates"]]}
    raise ValueError(f"a force boundary must be a Polygon or MultiPolygon, not {kind!r}")


def outer_rings(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    return [p[0] for p in geometry["coordinates"]]


def features(shapes: dict[str, str], rows: dict[str, dict] | None = None) -> list[dict]:
    """One Feature per force from code -> GeoJSON geometry text; ``rows[code]`` (name, value,
    position...) is merged into the properties and, for Vega-Lite, the top level of the feature."""
    rows = rows or {}
    out = []
    for code in sorted(shapes):
        geometry = orient_geometry(json.loads(shapes[code]))
        props = {"code": code, **rows.get(code, {})}
        out.append({"type": "Feature", "geometry": geometry, "properties": dict(props), **props})
    return out


def latest_features(engine: Engine) -> tuple[Release | None, dict[str, str]]:
    """The newest boundaries release (or None) and its code -> geometry text."""
    rel = latest_boundary_release(engine)
    if rel is None:
        return None, {}
    return rel, boundary_shapes(engine, rel.id)
