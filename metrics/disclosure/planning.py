"""Which margins a table of cells is protected across: the plan secondary suppression follows.

A force's cell can be given back by subtraction from any total it is part of. This module names
those totals for a metric table, so the query layer only asks for a plan and marks its rows:

* the forces of a period add up to England and Wales (``["period"]``);
* in quarterly views the quarters of a financial year add up to the year (``_fy``), so a year's
  total cannot give back one hidden quarter;
* additive measures shown by force are protected across offence groups too (linked groups):
  adult + child rape = all rape (``_b1``), all rape + other sexual offences = all sexual
  offences (``_b2``); the totals are hidden first (``_total``), being the measure most people
  read.

In the outcome mix the outcome groups of one area and period add up to its total
(:data:`MIX_MARGINS`).

Medians are not sums of their parts and England and Wales alone is one cell per period: neither
has a margin to protect.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from metrics import registry as reg

LINKED_KINDS = (reg.RECORDED_COUNT, reg.RECORDED_RATE, reg.OUTCOME_SHARE)
"""Metric kinds whose offence groups add up (counts and their denominators)."""

RAPE_PARTS = {"adult_rape": "rape", "child_rape": "rape", "rape": "rape"}
"""``_b1``: all rape beside its parts, adult and child rape."""
ALL_SEXUAL_PARTS = {"rape": "all", "other_sexual": "all", "all_sexual": "all"}
"""``_b2``: all sexual offences beside its parts, all rape and other sexual offences."""
TOTAL_GROUPS = ("rape", "all_sexual")
MIX_MARGINS = [["period", "area_code"]]
"""The outcome mix: the outcome groups of one area in one period add up to its total."""
HIDE_FIRST = "_total"


@dataclass(frozen=True)
class Plan:
    """The groupings passed to ``apply_disclosure(group_by=..., hide_first=...)``."""

    group_by: list[list[str]] | None
    hide_first: str | None
    linked: bool
    quarterly: bool


def links_offence_groups(kind: str, *, tier: str, by_force: bool) -> bool:
    """Whether every offence group must be read and protected together for this request.

    Only the public tier suppresses, only views by force have small cells, and only additive
    measures add up across groups."""
    return tier == "public" and by_force and kind in LINKED_KINDS


def plan_margins(kind: str, *, tier: str, by_force: bool, quarterly: bool) -> Plan:
    """The margins a metric table of ``kind`` is protected across (see the module docstring)."""
    linked = links_offence_groups(kind, tier=tier, by_force=by_force)
    if linked:
        group_by = [["offence_group", "period"], ["area_code", "period", "_b1"], ["area_code", "period", "_b2"]]
    else:
        group_by = [["period"]] if by_force and kind != reg.MEDIAN_DAYS else []
    if group_by and quarterly:
        group_by.append(["offence_group", "area_code", "_fy"])
    return Plan(group_by or None, HIDE_FIRST if linked else None, linked, quarterly and bool(group_by))


def mark_margins(cells: pl.DataFrame, plan: Plan) -> pl.DataFrame:
    """Add the columns the plan's groupings name (``_b1``, ``_b2``, ``_total``, ``_fy``)."""
    if plan.linked:
        cells = cells.with_columns(_b1=pl.col("offence_group").replace(RAPE_PARTS),
                                   _b2=pl.col("offence_group").replace(ALL_SEXUAL_PARTS),
                                   _total=pl.col("offence_group").is_in(list(TOTAL_GROUPS)))
    if plan.quarterly:
        cells = cells.with_columns(_fy=pl.col("period_end") // 10)
    return cells
