"""The pillars page in words: the indicator table, coverage notices, the grid's legend and summary,
and the distribution across forces.

Built from the frames the page draws (``analysis.pillar_grid``), so the words cannot disagree
with the grid. The marks are the pillar profile's (``words.pillar_profile.LEGEND``): a force is
called higher or lower only outside the funnel limits, and nothing relies on colour.
"""

from __future__ import annotations

from collections.abc import Collection

import polars as pl

from analysis.comparison import (
    ABOVE_INNER,
    ABOVE_OUTER,
    BELOW_INNER,
    BELOW_OUTER,
    NOT_COMPARED,
    NOT_SHOWN,
    WITHIN,
)
from analysis.pillar_grid import position_counts
from analysis.pillar_profile import COMPARED_MARK, SHOWN
from metrics.format import fmt_value
from metrics.registry import (
    AVAILABILITY_LABELS,
    BASIS_LABELS,
    CASE_LEVEL,
    DIRECTION_WORDS,
    FORCE_MI,
    HOLDS_CASES,
    HOLDS_INDICATORS,
    HOLDS_OUTCOMES,
    HOLDS_RECORDED,
    PUBLIC,
    Metric,
    missing_from_source,
    source_needed,
)

# Which file supplies each kind of source: what a release without it should load.
SUPPLIED_BY = {
    HOLDS_RECORDED: "the Home Office police recorded crime tables (`rasso ingest prc`)",
    HOLDS_OUTCOMES: "the Home Office outcomes open data tables (`rasso ingest outcomes`)",
    HOLDS_CASES: "case-level records (the synthetic sample, `rasso sample`; no published file has them)",
    HOLDS_INDICATORS: "the force management-information template (`rasso ingest indicators`; the "
                      "template is on the methodology page)",
}
SOURCE_WORDS = {PUBLIC: "Home Office open data", FORCE_MI: "force management information",
                CASE_LEVEL: "case-level records"}
NOT_AVAILABLE = "not available in this release"
# The grid's colour key, with the mark each cell also carries: colour is never the only signal.
GRID_LEGEND = {
    ABOVE_OUTER: "▲▲ above the 99.8% limit",
    ABOVE_INNER: "▲ above the 95% limit (a median: its interval above)",
    WITHIN: f"{COMPARED_MARK} within the limits",
    BELOW_INNER: "▼ below the 95% limit (a median: its interval below)",
    BELOW_OUTER: "▼▼ below the 99.8% limit",
    NOT_COMPARED: "– not compared (a count)",
    NOT_SHOWN: "[c] / [x] not shown or no figure",
}
# The strip plot's lanes: short, as the lane label already says what the colour and shape say.
STRIP_LANES = {ABOVE_OUTER: "▲▲ above (99.8%)", ABOVE_INNER: "▲ above (95%)", WITHIN: f"{COMPARED_MARK} within",
               BELOW_INNER: "▼ below (95%)", BELOW_OUTER: "▼▼ below (99.8%)", NOT_COMPARED: "– not compared"}
SORT_NAME_LABEL = "Force name (A to Z)"


def supplied_by(m: Metric) -> str:
    return SUPPLIED_BY[source_needed(m)]


def not_available(m: Metric) -> str:
    """What the grid and the drill-down say instead of a proxy or an empty chart."""
    return f"{m.label}: {NOT_AVAILABLE}. It would be supplied by {supplied_by(m)}."


def not_drawn(m: Metric, held: Collection[Metric]) -> str:
    """The drill-down of an indicator the release lacks: its notice is already under the
    indicator table, so this says only why nothing is drawn and what can be chosen instead."""
    return (f"Nothing is drawn for {m.phrase}: this release does not hold it (the notice under "
            f"Indicators says which file would). Indicators of this pillar it holds: "
            f"{', '.join(h.label for h in held)}.")


def no_grid(pillar: int, release_id: int, missing: Collection[Metric]) -> str:
    """The pillar's one notice when the release holds none of its indicators."""
    files = list(dict.fromkeys(supplied_by(m) for m in missing))
    return (f"Pillar {pillar} is {NOT_AVAILABLE}: none of its {len(missing)} indicators is in release "
            f"{release_id}, so there is no grid and no drill-down. They would be supplied by "
            f"{' and '.join(files)}.")


def in_release(m: Metric, coverage: Collection[str]) -> str:
    return "Yes" if missing_from_source(m, coverage, "") is None else f"No: load {supplied_by(m)}"


def indicator_table(metrics: Collection[Metric], coverage: Collection[str]) -> pl.DataFrame:
    """The pillar's indicators, as the methodology page defines them, with what this release holds."""
    rows = [{"Indicator": m.label, "Definition": m.definition, "Numerator": m.numerator,
             "Denominator": m.denominator, "Direction of good": DIRECTION_WORDS[m.direction],
             "Basis": BASIS_LABELS[m.basis], "Availability": AVAILABILITY_LABELS[m.availability],
             "In this release": in_release(m, coverage)}
            for m in metrics]
    return pl.DataFrame(rows)


def sources_sentence(metrics: Collection[Metric], pillar: int) -> str:
    """How many of the pillar's indicators come from each kind of source."""
    counts: dict[str, int] = {}
    for m in metrics:
        counts[m.availability] = counts.get(m.availability, 0) + 1
    parts = [f"{n} from {SOURCE_WORDS[k]}" for k, n in counts.items()]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return (f"Pillar {pillar} has {len(metrics)} indicators: {listed}. The synthetic sample "
            "supplies every one of them (force management information is simulated from its cases); "
            "a release of published data holds only the Home Office figures.")


def mixing_caveat(metrics: Collection[Metric], group_label: str) -> str | None:
    """Said beside the grid when its columns count different cases: different bases, or force
    MI indicators that do not split by offence group."""
    parts = []
    bases = list(dict.fromkeys(BASIS_LABELS[m.basis].lower() for m in metrics))
    if len(bases) > 1:
        parts.append(f"These indicators use different bases ({'; '.join(bases)}): they count different "
                     "groups of cases, so one column cannot be set against another.")
    whole = [m.phrase for m in metrics if not m.by_offence]
    if whole and len(whole) < len(metrics):
        parts.append(f"Force management information ({', '.join(whole)}) covers all RASSO cases, not "
                     f"only {group_label.lower()}.")
    elif whole:
        parts.append(f"Force management information covers all RASSO cases, not only {group_label.lower()}.")
    return " ".join(parts) or None


def grid_title(pillar: int, pillar_name: str, period_label: str) -> str:
    return f"Pillar {pillar}, {pillar_name.lower()}: each force against England and Wales, {period_label}"


def _indicator_sentence(frame: pl.DataFrame, m: Metric, forces: int) -> str:
    got = position_counts(frame, m.id)
    shown = got.get(SHOWN, 0)
    text = f"{m.label}: {shown} of {forces} forces shown"
    if m.unit == "count":
        return text + " (a count is not compared: bigger forces record more)."
    above = got.get(ABOVE_INNER, 0) + got.get(ABOVE_OUTER, 0)
    below = got.get(BELOW_INNER, 0) + got.get(BELOW_OUTER, 0)
    within = got.get(WITHIN, 0)
    return (text + f"; {above} above and {below} below the limits, {within} within them "
            f"({DIRECTION_WORDS[m.direction].lower()}).")


def grid_summary(frame: pl.DataFrame, metrics: Collection[Metric], missing: Collection[Metric]) -> str:
    """Per indicator: how many forces are shown and how many lie outside the limits."""
    forces = frame["code"].n_unique() if frame.height else 0
    text = " ".join(_indicator_sentence(frame, m, forces) for m in metrics)
    if missing:
        text += f" Left out of the grid, as this release does not hold them: {', '.join(m.phrase for m in missing)}."
    return (text + " A force inside the limits is not better or worse than England and Wales; the "
            "indicators are on different bases and are not added up.").strip()


def sort_label(m: Metric | None) -> str:
    return SORT_NAME_LABEL if m is None else f"{m.label} (highest first)"


def distribution_summary(rows: pl.DataFrame, m: Metric, national: dict, forces: int) -> str:
    """The spread of force values in words: range, middle half and England and Wales."""
    if rows.height == 0:
        return f"No force has a figure for {m.phrase} that can be shown in this period."
    values = rows["value"]
    low, high = rows.row(0, named=True), rows.row(rows.height - 1, named=True)
    text = (f"{rows.height} of {forces} forces have a figure for {m.phrase}. They range from "
            f"{fmt_value(low['value'], m.unit)} ({low['name']}) to {fmt_value(high['value'], m.unit)} "
            f"({high['name']})")
    if rows.height >= 4:
        q1, q3 = values.quantile(0.25, "linear"), values.quantile(0.75, "linear")
        text += f"; the middle half lie between {fmt_value(q1, m.unit)} and {fmt_value(q3, m.unit)}"
    text += "."
    if national.get("value") is not None:
        text += f" England and Wales: {fmt_value(national['value'], m.unit)}."
    return text + " A force's place in this spread is not a ranking: see the funnel plot for which differ by more than chance."
