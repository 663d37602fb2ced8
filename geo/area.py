"""The area of a stored force boundary (WGS84 GeoJSON), for population density.

Computed on a sphere of the Earth's mean radius (the ring formula of Chamberlain and Duquette,
2007, "Some algorithms for polygons on a sphere", JPL): no projection library is needed, and for
areas the size of a police force the result is within about half a percent of an equal-area
projection, far finer than the density comparison needs. Ring direction is ignored (the stored
outer rings run clockwise for d3-geo): the outer ring counts and holes are taken away.
"""

from __future__ import annotations

import json
import math

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius


def ring_area_km2(ring: list[list[float]]) -> float:
    """Unsigned area of one closed ring of (longitude, latitude) points."""
    total = 0.0
    for (lon1, lat1), (lon2, lat2) in zip(ring, ring[1:], strict=False):
        total += math.radians(lon2 - lon1) * (2 + math.sin(math.radians(lat1)) + math.sin(math.radians(lat2)))
    return abs(total) * EARTH_RADIUS_KM ** 2 / 2


def _polygon_km2(polygon: list[list[list[float]]]) -> float:
    if not polygon:
        return 0.0
    return max(ring_area_km2(polygon[0]) - sum(ring_area_km2(r) for r in polygon[1:]), 0.0)


def area_km2(geometry: dict | str) -> float:
    """Area of a Polygon or MultiPolygon (a dict, or GeoJSON text as stored) in square kilometres."""
    geom = json.loads(geometry) if isinstance(geometry, str) else geometry
    if geom["type"] == "Polygon":
        return _polygon_km2(geom["coordinates"])
    if geom["type"] == "MultiPolygon":
        return sum(_polygon_km2(p) for p in geom["coordinates"])
    raise ValueError(f"a force boundary must be a Polygon or MultiPolygon, not {geom['type']!r}")
