"""The disclosure audit's findings as JSON (every hidden number) and a short Markdown summary."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path


def _bucket(findings, t: int) -> dict:
    pinned = [f for f in findings if f.pinned()]
    inside = [f for f in findings if f.inside(t)]
    return {"suppressed": len(findings), "pinned": len(pinned),
            "pinned with true value 1..t-1": sum(1 <= round(f.truth) <= t - 1 for f in pinned),
            "ranges inside 1..t-1": len(inside)}


def summarise(audit, *, cases: int | None = None) -> dict:
    t = audit.threshold
    by_channel = defaultdict(list)
    by_output = defaultdict(list)
    for f in audit.findings:
        by_channel[f.channel].append(f)
        by_output[f"{f.channel} {f.output.split(' ')[2]}"].append(f)
    totals = {"cases": cases, "releases": audit.releases, "threshold": t, **_bucket(audit.findings, t),
              "shown counts 1..t-1": len(audit.shown_small), "model mismatches": len(audit.mismatches),
              **audit.counts, "seconds": {k: round(v, 1) for k, v in audit.timings.items()}}
    return {"totals": totals,
            "by channel": {k: _bucket(v, t) for k, v in sorted(by_channel.items())},
            "by output": {k: _bucket(v, t) for k, v in sorted(by_output.items())}}


def _json_safe(v):
    if isinstance(v, float) and v != v:
        return None
    if isinstance(v, float) and v in (float("inf"), float("-inf")):
        return "inf" if v > 0 else "-inf"
    return v


def write_reports(audit, summary: dict, out: Path) -> None:
    """``out`` (JSON: the summary, every leak, the first mismatches) and ``out`` .md beside it."""
    leaks = [{k: _json_safe(v) for k, v in asdict(f).items()} for f in audit.leaks]
    body = {**summary, "leaks": leaks, "shown small counts": audit.shown_small[:200],
            "model mismatches": audit.mismatches[:200]}
    out.write_text(json.dumps(body, indent=1, default=str))
    out.with_suffix(".md").write_text(markdown(summary, audit))


def markdown(summary: dict, audit) -> str:
    t = summary["totals"]
    lines = ["# Disclosure audit", "",
             f"Releases {t['releases']}, threshold {t['threshold']}: {t['suppressed']:,} suppressed published "
             f"numbers, {t['pinned']:,} pinned exactly ({t['pinned with true value 1..t-1']:,} of them 1..t-1), "
             f"{t['ranges inside 1..t-1']:,} ranges inside 1..t-1; {t['shown counts 1..t-1']:,} counts 1..t-1 shown; "
             f"{t['model mismatches']:,} model mismatches.", "",
             "| channel / output | suppressed | pinned | pinned 1..t-1 | inside 1..t-1 |", "|---|---:|---:|---:|---:|"]
    for section in ("by channel", "by output"):
        for name, b in summary[section].items():
            lines.append(f"| {name} | {b['suppressed']:,} | {b['pinned']:,} | {b['pinned with true value 1..t-1']:,} "
                         f"| {b['ranges inside 1..t-1']:,} |")
    lines += ["", "Examples of leaks (output, row, role: true value, feasible range):", ""]
    for f in audit.leaks[:20]:
        lines.append(f"- {f.output}, {f.row}, {f.role}: {f.truth:g} in [{f.low:.2f}, {f.high:.2f}]")
    return "\n".join(lines) + "\n"
