"""The load test's figures from its visits, and their Markdown: ratios to a single user first,
since absolute times on a shared 2-core machine vary from run to run."""

from __future__ import annotations

import math
import statistics
from collections import Counter

from benchmarks.load_client import Visit

PHASES = ("cold", "single", "ten", "loaded")


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (``share`` in 0..1): a value that was observed."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _stats(visits: list[Visit]) -> dict:
    times = [v.seconds for v in visits]
    return {"n": len(visits), "median_s": statistics.median(times), "p95_s": percentile(times, 0.95),
            "max_s": max(times), "median_bytes": int(statistics.median(v.bytes for v in visits)),
            "max_bytes": max(v.bytes for v in visits),
            "median_charts": statistics.median(v.charts for v in visits)}


def by_page(visits: list[Visit]) -> dict[str, dict]:
    pages: dict[str, list[Visit]] = {}
    for v in visits:
        pages.setdefault(v.page, []).append(v)
    return {page: _stats(vs) for page, vs in pages.items()}


def errors(phases: dict[str, list[Visit]]) -> dict:
    """Every error seen, with where and how often; and visits that never finished."""
    counted: Counter = Counter()
    for phase, visits in phases.items():
        for v in visits:
            for e in v.errors:
                counted[(phase, v.page, v.query, e)] += 1
    unfinished = sum(1 for visits in phases.values() for v in visits if not v.finished)
    return {"count": sum(counted.values()), "unfinished": unfinished,
            "list": [{"phase": p, "page": pg, "query": q, "error": e, "times": n}
                     for (p, pg, q, e), n in counted.most_common()]}


def summary(*, cold, single, ten, loaded, memory: dict, meta: dict) -> dict:
    phases = {"cold": cold, "single": single, "ten": ten, "loaded": loaded}
    wall = max(meta.get("load_wall_seconds", meta["seconds"]), 1e-9)
    return {"meta": meta, "pages": {name: by_page(vs) for name, vs in phases.items() if vs},
            "overall": {name: _stats(vs) for name, vs in phases.items() if vs},
            "navigations_per_minute_under_load": round(len(loaded) * 60 / wall, 1),
            "errors": errors(phases), "memory_mb": {k: round(v) for k, v in memory.items()}}


def _label(page: str) -> str:
    return f"/{page}"


def _page_rows(fig: dict) -> list[str]:
    pages = fig["pages"]
    rows = ["| Page | Alone: median / p95 (s) | Under load: median / p95 (s) | Median ratio | "
            "Cold pass: slowest s | Bytes per page (median) | Charts |",
            "|---|---|---|---|---|---|---|"]
    for page, alone in pages["single"].items():
        load = pages.get("loaded", {}).get(page)
        cold = pages.get("cold", {}).get(page)
        under = f"{load['median_s']:.2f} / {load['p95_s']:.2f}" if load else "not reached"
        ratio = f"{load['median_s'] / alone['median_s']:.1f}×" if load else "–"
        first = f"{cold['max_s']:.2f}" if cold else "–"
        rows.append(f"| {_label(page)} | {alone['median_s']:.2f} / {alone['p95_s']:.2f} | {under} | "
                    f"{ratio} | {first} | {alone['median_bytes'] / 1024:,.0f} KB | "
                    f"{alone['median_charts']:g} |")
    return rows


def markdown(fig: dict) -> str:
    meta, overall, errs = fig["meta"], fig["overall"], fig["errors"]
    alone, load = overall["single"], overall.get("loaded")
    lines = [
        f"`python -m benchmarks.load_test --sessions {meta['sessions']} --seconds {meta['seconds']:g}`, "
        f"{meta['date']}, {meta['machine']}, Python {meta['python']}, {meta['database']} database. "
        f"Data: {meta['release'] or 'release caption not seen'}. Load average "
        f"{meta['load_average_before'][0]:.1f} before, {meta['load_average_after'][0]:.1f} after."
        + (f" {meta['note']}" if meta.get("note") else ""),
        "",
        f"WebSocket sessions speaking Streamlit's protocol (`benchmarks/load_client.py`), "
        f"{meta['states']} URL states over {len(meta['pages'])} pages; {meta['sessions']} sessions "
        f"for {meta['seconds']:g} s, pausing {meta['think_seconds']:g} s on average between "
        "navigations. Times are the server's, from the request to the end of the page's run "
        "(the browser's drawing comes on top); bytes are message payloads before WebSocket compression.",
        "",
    ]
    if load:
        lines.append(
            f"**Under load, the median page takes {load['median_s'] / alone['median_s']:.1f}× as long as "
            f"for a single user ({load['median_s']:.2f} s against {alone['median_s']:.2f} s; 95th "
            f"percentile {load['p95_s']:.2f} s against {alone['p95_s']:.2f} s); "
            f"{fig['navigations_per_minute_under_load']:g} navigations a minute served (over "
            f"{meta.get('load_wall_seconds', meta['seconds']):g} s, the last ones finishing after the time); "
            f"{errs['count']} errors and {errs['unfinished']} unfinished runs in all phases.**")
    ten = overall.get("ten")
    if ten:
        lines += ["", f"With {meta.get('concurrent', 10)} sessions each going round every address "
                  f"once at the same time: median {ten['median_s']:.2f} s, 95th percentile "
                  f"{ten['p95_s']:.2f} s."]
    lines += ["", *_page_rows(fig), "", "| Server resident memory | MB |", "|---|---|"]
    lines += [f"| {k} | {v:,} |" for k, v in fig["memory_mb"].items()]
    if errs["list"]:
        lines += ["", "Errors:", ""]
        lines += [f"- {e['phase']}, /{e['page']}?{e['query']}: {e['error']} (×{e['times']})"
                  for e in errs["list"][:50]]
    return "\n".join(lines) + "\n"
