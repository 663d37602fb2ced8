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
import time
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
from ingest import chain, content, files
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
MAX_TOLERANCE_M = 6_400.0  # coarser than this, a force area is no longer recognisable
MIN_BYTES_PER_VERTEX = 14  # '[-1.2345,51.2345],' is 18 bytes; fewer digits make it shorter
SIMPLIFY_SECONDS = 30  # of CPU, checked between steps; one step is bounded by the vertex limits


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


def to_geojson(geom) -> str:
    """Compact GeoJSON at 4 decimals (~10 m), rounded in numpy rather than per vertex in Python."""
    rounded = shapely.transform(geom, lambda xy: np.round(xy, 4))
    mapping = shapely.geometry.mapping(rounded)
    return json.dumps({"type": mapping["type"], "coordinates": mapping["coordinates"]},
                      separators=(",", ":"))


def _simplify_all(metric: np.ndarray, areas: np.ndarray, tolerance: float, cache: dict) -> np.ndarray:
    """Every shape simplified at ``tolerance``; one that would lose too much of its area (a thin
    or spiky shape) is simplified again at a quarter of it, down to the minimum.

    Tolerances are all the start times a power of two, so ``cache`` (shape, tolerance) -> shape
    spares a spiky shape being simplified again at each step at the tolerances it fell back to."""
    tols = np.full(len(metric), tolerance)
    out = np.empty(len(metric), dtype=object)
    todo = np.ones(len(metric), dtype=bool)
    while todo.any():
        for i in np.flatnonzero(todo):
            key = (i, tols[i])
            if key not in cache:
                cache[key] = shapely.simplify(metric[i], tols[i], preserve_topology=True)
            out[i] = cache[key]
        lost = np.abs(shapely.area(out) - areas) > SMALL_AREA_RATIO * areas
        todo = (shapely.is_empty(out) | lost) & todo & (tols > MIN_TOLERANCE_M)
        tols[todo] /= 4
    return out


def _finish(simple: np.ndarray, metric: np.ndarray, codes: list[str]) -> dict[str, str]:
    """Reproject once, snap to the grid, orient clockwise, write GeoJSON text."""
    wgs = gpd.GeoSeries(simple, crs=27700).to_crs(4326).to_numpy()
    out = {}
    for i, code in enumerate(codes):
        shape = _polygonal(shapely.set_precision(wgs[i], GRID_DEGREES))
        if shape.is_empty:  # a shape smaller than the grid: keep it at a finer one
            original = gpd.GeoSeries([metric[i]], crs=27700).to_crs(4326).iloc[0]
            shape = _polygonal(shapely.set_precision(original, 1e-6))
        out[code] = to_geojson(shapely.orient_polygons(shape, exterior_cw=True))
    return out


def simplify(frame: gpd.GeoDataFrame, budget: int | None = None, path: Path | None = None,
             ) -> tuple[dict[str, str], float]:
    """Code -> GeoJSON text of the simplified, clockwise shape; and the tolerance used (metres).

    The tolerance doubles until the set fits ``budget``. Each step is measured in vertices (cheap)
    and only a set that should fit is reprojected, snapped and written out: snapping a shape of
    thousands of vertices costs a fifth of a second, and the earlier design snapped and wrote every
    shape at every step (43 spiky shapes of 8,000 vertices: minutes of CPU, and 4 MB stored when
    the budget could not be met). Now a set that cannot fit, or takes longer than
    ``SIMPLIFY_SECONDS`` of CPU, is refused instead of stored."""
    budget = BUDGET_BYTES if budget is None else budget
    deadline = time.process_time() + SIMPLIFY_SECONDS
    metric = frame.to_crs(27700).geometry.to_numpy()
    areas = shapely.area(metric)
    codes = [str(c) for c in frame["code"]]
    tolerance, cache = START_TOLERANCE_M, {}
    while True:
        simple = _simplify_all(metric, areas, tolerance, cache)
        if int(shapely.get_num_coordinates(simple).sum()) * MIN_BYTES_PER_VERTEX <= budget:
            out = _finish(simple, metric, codes)
            size = sum(len(v) for v in out.values())
            if size <= budget:
                return out, tolerance
        if tolerance >= MAX_TOLERANCE_M:
            raise IngestError(f"the shapes do not simplify to the {budget:,}-byte budget even at "
                              f"{tolerance:,.0f} m (spiky or overlapping shapes?): is this a police "
                              "force area boundary file?", file=path)
        if time.process_time() > deadline:
            raise IngestError(f"simplifying the shapes took more than {SIMPLIFY_SECONDS} s of CPU (at "
                              f"{tolerance:,.0f} m): use a generalised file (BUC or BGC)", file=path)
        tolerance *= 2


def load_boundaries(engine: Engine, paths: list[Path], progress=None) -> LoadReport:
    if len(paths) != 1:
        raise IngestError("load one boundary file at a time")
    path = paths[0]
    done = chain.already_loaded(engine, paths, source=SOURCE, kind=None)
    if done is not None:
        return LoadReport(SOURCE, None, f"already loaded as release {done} ({path.name}); nothing changed")
    if progress:
        progress(0.1, f"reading {path.name}")
    frame, column, source_crs = read_boundaries(path)
    repaired = validate(frame, path)
    shapes_sha = content.geometry_digest(list(frame["code"]), frame.geometry)
    if same := content.same_as_head(engine, SOURCE, shapes_sha):
        return LoadReport(SOURCE, None, f"already loaded as release {same} (it holds the same shapes); "
                                        "nothing changed")
    if progress:
        progress(0.4, "simplifying")
    try:
        shapes, tolerance = simplify(frame, path=path)
    except shapely.errors.GEOSException as exc:  # a shape that make_valid could not repair
        raise IngestError(f"a shape cannot be simplified: {str(exc).splitlines()[0][:120]}", file=path) from None
    size = sum(len(v) for v in shapes.values())
    with engine.begin() as conn:
        head = chain.head_release(conn, SOURCE)
        release_id = create_release(
            conn, source=SOURCE, label=f"Police force area boundaries: {path.name}", synthetic=False,
            files=[path], parameters={"kind": SOURCE, "code_column": column, "source_crs": source_crs,
                                      "tolerance_m": tolerance, "geojson_bytes": size,
                                      "repaired": repaired,
                                      content.CONTENT_KEY: shapes_sha})
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
