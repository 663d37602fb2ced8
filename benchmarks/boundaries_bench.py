"""Benchmark: simplifying police force area boundaries at load (issue 13: 43 shapes of 8,000
vertices took five minutes of CPU and stored 607 KB).

Times ``read_boundaries`` + ``validate`` and ``simplify`` in CPU seconds (the machine is shared, so
wall time says little) for three sets: 43 near-circles of 8,000 slightly jagged vertices, 43 spiky
stars of 8,000 vertices (each spike kilometres long, so no tolerance simplifies them without
losing area) and, when the shared data folder is there, the real ONS BUC file. Appends the figures
to benchmarks/RESULTS.md under "Boundaries". Run: ``python -m benchmarks.boundaries_bench``.
"""

from __future__ import annotations

import json
import math
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.results import write_section

ROOT = Path(__file__).resolve().parents[1]
VERTICES = 8_000
BEFORE = ("Before the change (commit 99ebf8d: every shape snapped and written out at every doubling "
          "of the tolerance), this script on the same shapes: jagged 3.62 s, 215,166 bytes stored; "
          "spiky 114.01 s, 4,191,261 bytes stored at 6,400 m (the 250 KB budget not met, stored "
          "anyway); real BUC 0.10 s, 137,351 bytes.")


def _shape(lon: float, lat: float, low: float, seed: int) -> list[list[list[float]]]:
    rnd = random.Random(seed)  # noqa: S311 - seeded for a reproducible benchmark shape, protects nothing
    ring = []
    for k in range(VERTICES - 1):
        a = 2 * math.pi * k / (VERTICES - 1)
        r = 0.18 * (low + (1 - low) * rnd.random())
        ring.append([lon + 0.2 + r * math.cos(a), lat + 0.2 + r * math.sin(a)])
    return [ring + [ring[0]]]


def _write(path: Path, low: float) -> Path:
    from db.reference import FORCES

    feats = [{"type": "Feature", "properties": {"PFA23CD": f.code, "PFA23NM": f.name},
              "geometry": {"type": "Polygon",
                           "coordinates": _shape(-4.5 + (i % 7) * 0.5, 51.0 + (i // 7) * 0.5, low, i)}}
             for i, f in enumerate(FORCES)]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    return path


def _time(path: Path) -> tuple[float, float, str]:
    from ingest import boundaries
    from ingest.errors import IngestError

    start = time.process_time()
    frame, _, _ = boundaries.read_boundaries(path)
    boundaries.validate(frame, path)
    read = time.process_time() - start
    start = time.process_time()
    try:
        shapes, tolerance = boundaries.simplify(frame, path=path)
        result = f"{sum(len(v) for v in shapes.values()):,} bytes stored at {tolerance:g} m"
    except IngestError as exc:
        result = f"refused: {exc.problem}"
    return read, time.process_time() - start, result


def main() -> None:
    sys.path.insert(0, str(ROOT))
    rows = []
    with tempfile.TemporaryDirectory(prefix="rasso_boundaries_bench_") as tmp:
        sets = [("43 jagged near-circles of 8,000 vertices", _write(Path(tmp) / "jagged.geojson", 0.8)),
                ("43 spiky stars of 8,000 vertices", _write(Path(tmp) / "spiky.geojson", 0.1))]
        shared = Path(os.environ.get("RASSO_SHARED_DATA") or ROOT.parent / "shared" / "data")
        if (shared / "PFA_DEC_2023_EW_BUC.geojson").is_file():
            sets.append(("ONS PFA December 2023 BUC (real)", shared / "PFA_DEC_2023_EW_BUC.geojson"))
        for label, path in sets:
            read, simplify, result = _time(path)
            rows.append(f"| {label} | {read:.2f} | {simplify:.2f} | {result} |")
            print(rows[-1])
    load = os.getloadavg()[0]
    text = "\n".join([
        f"`python -m benchmarks.boundaries_bench`; CPU seconds of this process (load average {load:.1f}).",
        "", "| shapes | read + validate, s | simplify, s | result |", "|---|---:|---:|---|", *rows, "",
        BEFORE]) + "\n"
    write_section("Boundaries", text)


if __name__ == "__main__":
    main()
