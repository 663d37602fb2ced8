"""The pillars page's force x indicator grid: every force's position on each indicator of a pillar.

Each cell is what that force's pillar profile would show for the indicator (``analysis.
pillar_profile.force_rows``: one comparison of all forces per indicator, through
``analysis.comparison.compare_forces``, the comparison /compare draws), so the grid, the profile
and /compare never disagree. The page also checks here which indicator to drill into and which
to sort by, because only the pillar says which metrics belong to it.

Frames in, frames out: the figures come from ``queries.metric_table`` (public tier) by the caller,
read once per indicator for all forces.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import polars as pl

from analysis.comparison import NOT_COMPARED, NOT_SHOWN
from analysis.pillar_profile import SCHEMA, SHOWN, MetricFigures, force_rows
from analysis.url_state import DEFAULT_METRIC
from metrics.registry import (
    DIRECTION_WORDS,
    METRICS_BY_ID,
    Metric,
    metrics_for_pillar,
    missing_from_source,
)

GRID_SCHEMA = {"code": pl.String, "name": pl.String, "unit": pl.String, "cell_text": pl.String,
               "category_key": pl.String,
               **{k: v for k, v in SCHEMA.items() if k not in ("pillar", "pillar_name")}}
NAME_ORDER = "name"  # the grid's default order: forces alphabetically


def held(metrics: Collection[Metric], coverage: Collection[str]) -> list[Metric]:
    """The pillar's indicators the release can give (its source is loaded)."""
    return [m for m in metrics if missing_from_source(m, coverage, "") is None]


def resolve_metric(pillar: int, metric_id: str, coverage: Collection[str]) -> tuple[Metric, str | None]:
    """The indicator to drill into, and a notice when the address asked for one of another pillar.

    The address always carries a metric (the dashboard's default is the charge rate), so the
    default alone is not a request: a pillar it does not belong to opens at its first indicator
    the release holds, silently."""
    members = metrics_for_pillar(pillar)
    chosen = next((m for m in members if m.id == metric_id), None)
    if chosen is not None:
        return chosen, None
    first = (held(members, coverage) or members)[0]
    if metric_id == DEFAULT_METRIC:
        return first, None
    label = METRICS_BY_ID[metric_id].label if metric_id in METRICS_BY_ID else metric_id
    return first, (f"Ignored `metric` '{metric_id}': {label} is not an indicator of pillar {pillar}. "
                   f"Showing {first.phrase} instead.")


def resolve_sort(pillar: int, sort: str | None) -> tuple[str, str | None]:
    """The metric the grid is sorted by (or ``NAME_ORDER``), and a notice when the address asked
    for a metric of another pillar."""
    if sort is None or sort in {m.id for m in metrics_for_pillar(pillar)}:
        return sort or NAME_ORDER, None
    return NAME_ORDER, (f"Ignored `sort` '{sort}': it is not an indicator of pillar {pillar}. "
                        "Showing forces in alphabetical order instead.")


def grid_frame(metrics: Collection[Metric], figures: Mapping[str, MetricFigures], coverage: Collection[str],
               reference: pl.DataFrame) -> pl.DataFrame:
    """One row per territorial force x indicator (``GRID_SCHEMA``), indicators in registry order.

    ``figures`` maps a metric id to its tables (absent: not read, because not in the release);
    ``reference`` is the force list (code, name, region, nom_phase, territorial)."""
    forces = reference.filter(pl.col("territorial")) if "territorial" in reference.columns else reference
    names = dict(zip(forces["code"], forces["name"], strict=True))
    rows = []
    for m in metrics:
        cells = force_rows(list(names), m, figures.get(m.id), coverage, reference)
        for code, cell in cells.items():
            mark = cell["marker"]
            text = cell["value_text"] if mark in ("–", cell["value_text"]) else f"{cell['value_text']} {mark}"
            key = cell["position"] or (NOT_COMPARED if cell["availability"] == SHOWN else NOT_SHOWN)
            rows.append({"code": code, "name": names[code], "unit": m.unit, "cell_text": text,
                         "category_key": key, "metric": m.id, "indicator": m.label,
                         "direction": DIRECTION_WORDS[m.direction], **cell})
    return pl.DataFrame(rows, schema=GRID_SCHEMA)


def force_order(frame: pl.DataFrame, sort: str = NAME_ORDER) -> list[str]:
    """Force codes in the grid's order: by name, or by the sort indicator's value, highest
    first, forces without a figure last (then by name)."""
    forces = frame.select("code", "name").unique().sort("name")
    if sort == NAME_ORDER or frame.filter(pl.col("metric") == sort).height == 0:
        return forces["code"].to_list()
    values = frame.filter(pl.col("metric") == sort).select("code", "value")
    ordered = forces.join(values, on="code", how="left").sort(
        [pl.col("value").is_null(), pl.col("value"), pl.col("name")], descending=[False, True, False])
    return ordered["code"].to_list()


def wide_frame(frame: pl.DataFrame, order: list[str]) -> pl.DataFrame:
    """One row per force in ``order``: its name, then each indicator's cell text (value and mark)
    under the indicator's label."""
    labels = list(dict.fromkeys(frame["indicator"].to_list()))
    wide = frame.pivot(on="indicator", index=["code", "name"], values="cell_text")
    rank = {code: i for i, code in enumerate(order)}
    wide = wide.with_columns(pl.col("code").replace_strict(rank, return_dtype=pl.Int64).alias("_rank"))
    return wide.sort("_rank").select("code", "name", *labels)


def position_counts(frame: pl.DataFrame, metric_id: str) -> dict[str, int]:
    """For one indicator: forces by position key (compared forces only), and how many were shown."""
    part = frame.filter(pl.col("metric") == metric_id)
    got = dict(part.filter(pl.col("position").is_not_null()).group_by("position").len().iter_rows())
    got[SHOWN] = part.filter(pl.col("availability") == SHOWN).height
    return got


def distribution(frame: pl.DataFrame, metric_id: str) -> pl.DataFrame:
    """The forces with a figure for one indicator, lowest value first (the strip plot's rows)."""
    part = frame.filter((pl.col("metric") == metric_id) & (pl.col("availability") == SHOWN))
    return part.filter(pl.col("value").is_not_null() & pl.col("value").is_finite()).sort("value", "name")
