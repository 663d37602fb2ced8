"""A force's pillar profile: every NOM pillar's indicators against England and Wales.

One row per indicator (``metrics.registry``, in pillar order), saying whether the release can
give it for this force and, where it can, the force's figure, England and Wales's and the
force's funnel position from the same comparison the compare page draws
(``analysis.comparison.compare_forces``, limits adjusted for over-dispersion by its default
rule), so the profile and /compare never disagree. A position is a symbol and words; the
profile has no red or green, and "higher" is only said outside the limits, with the measure's
direction of good written out beside it.

Honest about coverage: an indicator the release does not hold says "not in this release"; a
force MI indicator the force did not supply says "force MI not supplied"; a hidden figure stays
[c]. Frames in, frames out: the figures come from ``queries.metric_table`` (public tier) by the
caller.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import polars as pl

from analysis.comparison import NOT_COMPARED, NOT_SHOWN, SYMBOLS, WITHIN, compare_forces
from db.reference import PILLARS
from metrics.format import fmt_value, has_value
from metrics.registry import (
    DIRECTION_WORDS,
    INDICATOR,
    METRICS,
    Metric,
    missing_from_source,
    source_needed,
)

# Availability of one indicator for the force.
SHOWN = "shown"
NOT_IN_RELEASE = "not in this release"
MI_NOT_SUPPLIED = "force MI not supplied"
HIDDEN = "not shown ([c])"
NO_FIGURE = "no figure for this period"
AVAILABILITY = (SHOWN, HIDDEN, NO_FIGURE, MI_NOT_SUPPLIED, NOT_IN_RELEASE)
COMPARED_MARK = "●"  # within the limits: a mark of its own, so no row relies on an empty cell

SCHEMA = {"pillar": pl.Int64, "pillar_name": pl.String, "metric": pl.String, "indicator": pl.String,
          "availability": pl.String, "value_text": pl.String, "interval_text": pl.String,
          "national_text": pl.String, "position": pl.String, "marker": pl.String,
          "position_words": pl.String, "direction": pl.String, "numerator": pl.Float64,
          "denominator": pl.Float64, "value": pl.Float64, "lower": pl.Float64, "upper": pl.Float64,
          "flag": pl.String}


@dataclass(frozen=True)
class MetricFigures:
    """What ``queries.metric_table`` gave for one indicator over the profile's period."""

    by_force: pl.DataFrame  # area="all", grain="period"
    national: dict  # the England and Wales row ({} when none)


def wanted(coverage: Collection[str], metrics: tuple[Metric, ...] = METRICS) -> list[Metric]:
    """The indicators whose figures the caller should read: those the release holds."""
    return [m for m in metrics if missing_from_source(m, coverage, "") is None]


def profile_frame(code: str, figures: Mapping[str, MetricFigures], coverage: Collection[str],
                  reference: pl.DataFrame, *, metrics: tuple[Metric, ...] = METRICS,
                  pillar: int | None = None) -> pl.DataFrame:
    """One row per indicator (``SCHEMA``), pillars in order; ``pillar`` keeps one pillar only.

    ``figures`` maps a metric id to its tables (missing: not read, because not in the release);
    ``reference`` is the force list ``compare_forces`` needs (code, region, nom_phase)."""
    names = {p[0]: p[1] for p in PILLARS}
    rows = []
    for m in sorted(metrics, key=lambda x: x.pillar):
        if pillar is not None and m.pillar != pillar:
            continue
        base = {"pillar": m.pillar, "pillar_name": names.get(m.pillar, ""), "metric": m.id,
                "indicator": m.label, "direction": DIRECTION_WORDS[m.direction]}
        rows.append({**base, **_indicator(code, m, figures.get(m.id), coverage, reference)})
    return pl.DataFrame(rows, schema=SCHEMA)


def _national_text(national: dict | None, metric: Metric) -> str:
    """England and Wales's figure, or its symbol when it has none ([c] stays [c])."""
    national = national or {}
    if has_value(national.get("value")):
        return fmt_value(national["value"], metric.unit)
    return national.get("flag") or ("[x]" if national else "")


def _unavailable(status: str, metric: Metric, national: dict | None = None, flag: str = "[x]") -> dict:
    flag = "[c]" if status == HIDDEN else (flag or "[x]")
    return {"availability": status, "value_text": flag, "interval_text": "",
            "national_text": _national_text(national, metric), "position": None,
            "marker": "[c]" if status == HIDDEN else "–", "position_words": status, "flag": flag}


def force_rows(codes: Collection[str], m: Metric, fig: MetricFigures | None, coverage: Collection[str],
               reference: pl.DataFrame) -> dict[str, dict]:
    """``_indicator`` for many forces with one comparison of all forces (the pillars grid):
    each force's availability, figures and position, as its profile would show them."""
    comp = None
    if fig is not None and source_needed(m) in coverage and fig.by_force.height:
        comp = compare_forces(fig.by_force, fig.national, reference, m)
    return {code: _indicator(code, m, fig, coverage, reference, comp) for code in codes}


def _indicator(code: str, m: Metric, fig: MetricFigures | None, coverage: Collection[str],
               reference: pl.DataFrame, comp=None) -> dict:
    """Availability, figures and position of one indicator for the force (``comp``: the
    comparison of all forces when the caller already made it)."""
    if source_needed(m) not in coverage or fig is None:
        return _unavailable(MI_NOT_SUPPLIED if m.kind == INDICATOR else NOT_IN_RELEASE, m)
    mine = fig.by_force.filter(pl.col("area_code") == code) if fig.by_force.height else fig.by_force
    if mine.height == 0:
        return _unavailable(MI_NOT_SUPPLIED if m.kind == INDICATOR else NO_FIGURE, m, fig.national)
    row = mine.row(0, named=True)
    if not has_value(row.get("value")):
        flag = row.get("flag") or ""
        if flag == "[c]":
            return _unavailable(HIDDEN, m, fig.national)
        if m.kind == INDICATOR and not has_value(row.get("denominator")):
            return _unavailable(MI_NOT_SUPPLIED, m, fig.national, flag)
        return _unavailable(NO_FIGURE, m, fig.national, flag)
    comp = comp or compare_forces(fig.by_force, fig.national, reference, m)
    me = comp.frame.row(by_predicate=pl.col("code") == code, named=True)
    key = me["position"] or (NOT_COMPARED if has_value(me["value"]) else NOT_SHOWN)
    marker = COMPARED_MARK if key == WITHIN else (SYMBOLS.get(key) or "–")
    words = me["position_words"] if key != NOT_COMPARED else _not_compared_words(m)
    return {"availability": SHOWN, "value_text": me["value_text"], "interval_text": me["interval_text"],
            "national_text": _national_text(fig.national, m),
            "position": None if key == NOT_COMPARED else key, "marker": marker, "position_words": words,
            "numerator": row.get("numerator"), "denominator": row.get("denominator"), "value": row.get("value"),
            "lower": row.get("lower"), "upper": row.get("upper"), "flag": row.get("flag") or ""}


def _not_compared_words(m: Metric) -> str:
    if m.unit == "count":
        return "not compared: a count depends on the force's size (see the rate per 1,000 residents)"
    return "not compared with England and Wales (no England and Wales figure to compare with)"


def counts(frame: pl.DataFrame) -> dict[str, int]:
    """Indicators by availability, for the summary (every key of ``AVAILABILITY`` present)."""
    got = dict(frame.group_by("availability").len().iter_rows()) if frame.height else {}
    return {k: int(got.get(k, 0)) for k in AVAILABILITY}
