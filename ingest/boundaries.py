"""Police force area boundaries: any ONS vintage and format in, one small WGS84 shape per force out.

ONS publishes the areas as GeoJSON, zipped shapefile and GeoPackage, in British National Grid or
WGS84, with the code column named for the vintage (PFA23CD, PFA24CD, ...). We detect the column,
reproject to EPSG:4326, repair invalid shapes, and simplify in metres until the whole set fits a
browser budget. Rings are oriented with exterior rings clockwise: Vega (d3-geo) reads polygons on
the sphere that way, and an anticlockwise exterior (the RFC 7946 planar convention) would be drawn
as the whole globe minus the force.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pyproj
import shapely
from sqlalchemy import Engine, insert

from db.protection import protect_release
from db.reference import TERRITORIAL_CODES
from db.releases import create_release, finish_release
from db.schema import boundary
from ingest import chain, files
from ingest.errors import IngestError
from ingest.report import LoadReport

SOURCE = "boundaries"
CODE_COLUMN = re.compile(r"^pfa(\d\d)cd$", re.I)
BUDGET_BYTES = 250_000  # the whole set of 43 shapes, as stored GeoJSON text
START_TOLERANCE_M = 100.0
MIN_TOLERANCE_M = 5.0
GRID_DEGREES = 1e-4  # ~10 m: finer than any screen map needs
ENGLAND_AND_WALES = (-6.7, 49.8, 2.0, 56.0)  # west, south, east, north (degrees, WGS84), Scilly included
MAX_VERTICES = 200_000  # of one shape; ONS full-resolution (BFC) areas stay under it
MAX_TOTAL_VERTICES = 2_000_000
SMALL_AREA_RATIO = 0.2  # a shape that loses more than this share of its area is simplified less


def _layers(path: Path) -> list[str | None]:
    try:
        names = [row[0] for row in pyogrio.list_layers(_source(path))]
    except Exception as exc:  # any reader failure means an unreadable file
        raise IngestError(f"cannot be read as a GeoJSON, zipped shapefile or GeoPackage: {exc}", file=path) from None
    return names or [None]


def _source(path: Path) -> str:
    return f"/vsizip/{path}" if path.suffix.lower() == ".zip" else str(path)


def _check_declared_crs(path: Path) -> None:
    """A GeoJSON 'crs' member GDAL cannot resolve is dropped with a warning and the file read as
    WGS84; a file that names a CRS we do not know is refused instead of being guessed at."""
    if path.suffix.lower() not in (".geojson", ".json"):
        return
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
        fh.seek(max(0, path.stat().st_size - (1 << 16)))
        tail = fh.read()
    m = re.search(rb'"crs"\s*:\s*\{[^{}]*"properties"\s*:\s*\{[^{}]*"name"\s*:\s*"([^"]{1,200})"', head + tail)
    if m is None:
        return
    name = m.group(1).decode("utf-8", "replace")
    try:
        pyproj.CRS.from_user_input(name)
    except pyproj.exceptions.CRSError:
        raise IngestError("the file names a coordinate reference system that is not known", file=path,
                          value=name) from None


def read_boundaries(path: Path) -> tuple[gpd.GeoDataFrame, str, str]:
    """(frame with 'code' and geometry in EPSG:4326, code column, source CRS)."""
    files.check_size(path)
    _check_declared_crs(path)
    seen_columns: list[str] = []
    for layer in _layers(path):
        try:
            frame = gpd.read_file(_source(path), layer=layer)
        except Exception as exc:  # any reader failure means an unreadable file
            raise IngestError(f"cannot read layer {layer!r}: {exc}", file=path) from None
        matches = sorted((c for c in frame.columns if CODE_COLUMN.match(str(c))), reverse=True)
        seen_columns.extend(str(c) for c in frame.columns)
        if not matches:
            continue
        column = matches[0]
        crs = frame.crs
        if crs is None:
            minx, miny, maxx, maxy = frame.total_bounds
            if minx >= -180 and maxx <= 180 and miny >= -90 and maxy <= 90:
                frame = frame.set_crs(4326)
            else:
                raise IngestError("the file has no coordinate reference system (for a shapefile, "
                                  "include the .prj file in the zip)", file=path)
        source_crs = frame.crs.to_string()
        frame = frame.to_crs(4326)
        out = gpd.GeoDataFrame({"code": frame[column].astype(str).str.strip()}, geometry=frame.geometry,
                               crs=4326)
        return out, str(column), source_crs
    raise IngestError("no police force area code column (PFA23CD, PFA24CD, ...) in the file; columns: "
                      + ", ".join(dict.fromkeys(seen_columns)), file=path)


def validate(frame: gpd.GeoDataFrame, path: Path) -> int:
    """Exactly the 43 known codes, each once, non-empty; repairs invalid shapes, returns how many."""
    codes = list(frame["code"])
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    if dupes:
        raise IngestError(f"codes appear more than once: {', '.join(dupes)}", file=path)
    unknown = sorted(set(codes) - TERRITORIAL_CODES)
    if unknown:
        raise IngestError(f"codes that are not territorial police force areas: {', '.join(unknown[:10])}",
                          file=path)
    missing = sorted(TERRITORIAL_CODES - set(codes))
    if missing:
        raise IngestError(f"police force areas missing from the file: {', '.join(missing)}", file=path)
    empty = [c for c, g in zip(codes, frame.geometry, strict=True) if g is None or g.is_empty]
    if empty:
        raise IngestError(f"empty geometry for {', '.join(empty)}", file=path)
    _check_shapes(frame, path)
    invalid = ~frame.geometry.is_valid
    repaired = int(invalid.sum())
    if repaired:
        frame.loc[invalid, "geometry"] = frame.geometry[invalid].make_valid()
    return repaired


def _check_shapes(frame: gpd.GeoDataFrame, path: Path) -> None:
    """Polygons only, of finite coordinates inside England and Wales, of a size we can simplify.

    The extent check is what catches a wrong CRS: latitude and longitude swapped, WGS84 labelled
    as Web Mercator or British National Grid, or a garbage CRS all land the shapes elsewhere."""
    total = 0
    for code, geom in zip(frame["code"], frame.geometry, strict=True):
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            raise IngestError(f"the shape of {code} is a {geom.geom_type}: a police force area must be "
                              "a Polygon or MultiPolygon", file=path)
        coords = shapely.get_coordinates(geom)
        if not np.isfinite(coords).all():
            raise IngestError(f"the shape of {code} has coordinates that are not finite numbers "
                              "(NaN or infinity)", file=path)
        total += len(coords)
        if len(coords) > MAX_VERTICES or total > MAX_TOTAL_VERTICES:
            raise IngestError(f"the shape of {code} has {len(coords):,} vertices ({total:,} so far): "
                              f"more than the limits ({MAX_VERTICES:,} a shape, {MAX_TOTAL_VERTICES:,} in all); "
                              "use a generalised file (BUC or BGC)", file=path)
        minx, miny, maxx, maxy = geom.bounds
        west, south, east, north = ENGLAND_AND_WALES
        if minx < west or maxx > east or miny < south or maxy > north:
            raise IngestError(
                f"the shape of {code} lies outside England and Wales (longitude {minx:.2f} to {maxx:.2f}, "
                f"latitude {miny:.2f} to {maxy:.2f}): is the coordinate reference system right, "
                "or are latitude and longitude swapped?", file=path)


def _polygonal(geom):
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)


def _round(coords):
    if isinstance(coords, (list, tuple)) and coords and isinstance(coords[0], (int, float)):
        return [round(coords[0], 4), round(coords[1], 4)]
    return [_round(c) for c in coords]


def to_geojson(geom) -> str:
    mapping = shapely.geometry.mapping(geom)
    return json.dumps({"type": mapping["type"], "coordinates": _round(mapping["coordinates"])},
                      separators=(",", ":"))


def simplify(frame: gpd.GeoDataFrame, budget: int = BUDGET_BYTES) -> tuple[dict[str, str], float]:
    """Code -> GeoJSON text of the simplified, clockwise shape; and the tolerance used (metres)."""
    metric = frame.to_crs(27700)
    tolerance = START_TOLERANCE_M
    while True:
        out = {}
        for code, geom in zip(metric["code"], metric.geometry, strict=True):
            tol = tolerance
            simple = geom.simplify(tol, preserve_topology=True)
            while (simple.is_empty or abs(simple.area - geom.area) > SMALL_AREA_RATIO * geom.area) and tol > MIN_TOLERANCE_M:
                tol /= 4
                simple = geom.simplify(tol, preserve_topology=True)
            wgs = gpd.GeoSeries([simple], crs=27700).to_crs(4326).iloc[0]
            wgs = _polygonal(shapely.set_precision(wgs, GRID_DEGREES))
            if wgs.is_empty:
                wgs = _polygonal(shapely.set_precision(gpd.GeoSeries([geom], crs=27700).to_crs(4326).iloc[0], 1e-6))
            out[code] = to_geojson(shapely.orient_polygons(wgs, exterior_cw=True))
        size = sum(len(v) for v in out.values())
        if size <= budget or tolerance > 5000:
            return out, tolerance
        tolerance *= 2


def load_boundaries(engine: Engine, paths: list[Path], progress=None) -> LoadReport:
    if len(paths) != 1:
        raise IngestError("load one boundary file at a time")
    path = paths[0]
    done = chain.already_loaded(engine, paths, source=SOURCE, kind=None)
    if done is not None:
        return LoadReport(SOURCE, None, f"already loaded: {path.name} is release {done}; nothing changed")
    if progress:
        progress(0.1, f"reading {path.name}")
    frame, column, source_crs = read_boundaries(path)
    repaired = validate(frame, path)
    if progress:
        progress(0.4, "simplifying")
    try:
        shapes, tolerance = simplify(frame)
    except shapely.errors.GEOSException as exc:  # a shape that make_valid could not repair
        raise IngestError(f"a shape cannot be simplified: {str(exc).splitlines()[0][:120]}", file=path) from None
    size = sum(len(v) for v in shapes.values())
    with engine.begin() as conn:
        head = chain.head_release(conn, SOURCE)
        release_id = create_release(
            conn, source=SOURCE, label=f"Police force area boundaries: {path.name}", synthetic=False,
            files=[path], parameters={"kind": SOURCE, "code_column": column, "source_crs": source_crs,
                                      "tolerance_m": tolerance, "geojson_bytes": size,
                                      "repaired": repaired})
        conn.execute(insert(boundary), [{"release_id": release_id, "force_code": c, "geojson": g}
                                        for c, g in sorted(shapes.items())])
        finish_release(conn, release_id, first_quarter=None, last_quarter=None,
                       row_counts={"boundary": len(shapes)}, supersedes=head.id if head else None)
        protect_release(conn, release_id)  # no counts: a run of 0 cells says it was checked
    notes = [f"code column {column}; source CRS {source_crs}; simplified at {tolerance:g} m to "
             f"{size / 1024:.0f} KB of GeoJSON"]
    if repaired:
        notes.append(f"{repaired} invalid geometries repaired with make_valid")
    return LoadReport(SOURCE, release_id, f"loaded 43 police force area boundaries as release {release_id}",
                      rows_read=len(frame), rows_kept=len(shapes), superseded=head.id if head else None,
                      notes=notes)
