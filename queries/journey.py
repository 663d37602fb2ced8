"""The case journey: recorded -> suspect identified -> referred to the CPS -> charged, by cohort.

A cohort is the offences recorded in one financial year (complete years inside the release
only), followed through the case-level records to where each stands at the end of the release.
Only England and Wales is shown, so the middle stages (which no published table holds) are large
counts; the disclosure rules for them are in ``metrics.disclosure.journey``. The first and last
stages are the recorded count and the charged group of the outcomes on the recorded basis, so
they are hidden exactly where the release's protection hides those counts.
"""

from __future__ import annotations

import polars as pl
from sqlalchemy import Connection, Engine

from db import spans
from db.protection import prior_edition, release_cells
from metrics import registry as reg
from metrics.disclosure import CONFIDENTIAL, PUBLIC, disclosure_threshold
from metrics.disclosure import families as fam
from metrics.disclosure.journey import STAGES, protect_middle
from metrics.errors import QueryError
from metrics.offence_groups import OFFENCE_GROUPS
from metrics.offence_groups import offence_group as get_group
from metrics.periods import fy_label, fy_of
from queries import sql
from queries.arguments import TIERS
from queries.explorer_sql import offence_codes
from queries.protection import read_protection

STAGE_LABELS = {"recorded": "Recorded", "suspect_identified": "Suspect identified",
                "referred_cps": "Referred to the CPS", "charged": "Charged or summonsed"}
CHARGE_METRIC = "charge_rate"  # its numerator is the charged outcome group
COLUMNS = {"cohort": pl.String, "period_end": pl.Int64, "stage": pl.String, "count": pl.Float64,
           "share": pl.Float64, "flag": pl.String}


def case_journey(engine: Engine, *, release_id: int, offence_group: str, tier: str = "public",
                 threshold: int | None = None) -> pl.DataFrame:
    """One row per cohort and stage: the count and its percentage of the cohort recorded.

    Empty when the release holds no case-level records (published data alone cannot follow a
    cohort). In the public tier a hidden count is [c], and so is every percentage of a cohort
    whose recorded count is hidden (a percentage and a shown stage would give it back).
    """
    group = get_group(offence_group)
    if tier not in TIERS:
        raise QueryError(f"Unknown tier '{tier}'. Choose public or restricted.")
    charge_types = reg.metric(CHARGE_METRIC).numerator_types
    with engine.connect() as conn:
        counts = _stage_cells(conn, release_id, OFFENCE_GROUPS if tier == PUBLIC else [group.id], charge_types)
        if counts is None:
            return pl.DataFrame(schema=COLUMNS)
        hidden: set = set()
        if tier == PUBLIC:
            hidden = _protected(conn, release_id, counts, charge_types, threshold)
    return _rows(counts, hidden, group.id)


def _stage_cells(conn: Connection, release_id: int, nodes, charge_types: tuple[int, ...]) -> dict | None:
    """Every (cohort, offence node, stage) count of a release; None without case-level records."""
    span = _cohort_span(conn, release_id)
    if span is None:
        return None
    rows = sql.journey_counts(conn, release_id=release_id, first_quarter=span[0], last_quarter=span[1],
                              charge_types=charge_types).join(
        offence_codes(conn, get_group("all_sexual")).select("offence_code", "subgroup", "age_band"),
        on="offence_code", how="inner")
    return {(year, node, stage): n for node in nodes for (year, stage), n in _stage_counts(rows, node, span).items()}


def _cohort_span(conn: Connection, release_id: int) -> tuple[int, int] | None:
    """The complete financial years the release holds both recorded offences and cases for."""
    cases = spans.held_quarters(conn, release_id=release_id, kind=reg.HOLDS_CASES)
    recorded = spans.held_quarters(conn, release_id=release_id, kind=reg.HOLDS_RECORDED)
    if None in (*cases, *recorded):
        return None
    first, last = recorded
    years = [fy for fy in range(fy_of(first), fy_of(last) + 1) if fy * 10 + 1 >= first and fy * 10 + 4 <= last]
    return (years[0] * 10 + 1, years[-1] * 10 + 4) if years else None


def _stage_counts(rows: pl.DataFrame, node: str, span: tuple[int, int]) -> dict[tuple[int, str], int]:
    """One offence group's stages by cohort year, from the counts by code with its subgroup and age band."""
    group = get_group(node)
    if group.subgroup is not None:
        rows = rows.filter(pl.col("subgroup") == group.subgroup)
    if group.age_band is not None:
        rows = rows.filter(pl.col("age_band") == group.age_band)
    years = range(fy_of(span[0]), fy_of(span[1]) + 1)
    by_year = rows.group_by(year=pl.col("quarter") // 10).agg(pl.col(*STAGES).sum())
    found = {r["year"]: r for r in by_year.to_dicts()}
    return {(y, s): int(found.get(y, {}).get(s) or 0) for y in years for s in STAGES}


def _protected(conn: Connection, release_id: int, counts: dict, charge_types: tuple[int, ...],
               threshold: int | None) -> set:
    """The hidden cells: the release's protection of recorded and charged, then the middle rules."""
    refs = (fam.CountRef(fam.RECORDED), fam.CountRef(fam.RECORDED_BASIS))
    protection = read_protection(conn, release_id, refs, threshold=threshold)
    charged = fam.group_of_types(charge_types, sql.outcome_groups(conn), family=fam.RECORDED_BASIS)
    lines = sorted({(year, node) for year, node, _ in counts})
    rows = pl.DataFrame({"_area": [fam.NATIONAL] * len(lines), "_first": [y * 10 + 1 for y, _ in lines],
                         "_last": [y * 10 + 4 for y, _ in lines], "_offence": [n for _, n in lines]})
    hidden = set()
    if protection is not None:
        for stage, ref, category in (("recorded", refs[0], fam.ALL), ("charged", refs[1], charged)):
            hit = protection.hidden_rows(rows.with_columns(_category=pl.lit(category)), ref)
            hidden |= {(y, n, stage) for (y, n), h in zip(lines, hit.to_list(), strict=True) if h}
    t = disclosure_threshold(threshold)
    prior = prior_edition(conn, release_id)
    before = None if prior is None else _stage_cells(conn, prior, OFFENCE_GROUPS, charge_types)
    if before is None:
        return protect_middle(counts, hidden, t)
    return protect_middle(counts, hidden, t, before, _hidden_revisions(conn, release_id, prior, t))


def _hidden_revisions(conn: Connection, release_id: int, prior: int, threshold: int) -> frozenset:
    """The (cohort, offence node) lines holding a force's quarter of offences recorded whose count
    changed from the previous edition and is hidden in either edition."""
    leaf = ((pl.col("family") == fam.RECORDED) & ~pl.col("area_code").is_in([fam.NATIONAL, fam.TERRITORIAL])
            & (pl.col("period_key") % 10).is_in([1, 2, 3, 4]) & pl.col("offence").is_in(fam.OFFENCE_LEAVES))
    keys = ["area_code", "period_key", "offence"]
    new, old = (release_cells(conn, r, threshold).filter(leaf).select(*keys, "value", "reason")
                for r in (release_id, prior))
    both = new.join(old, on=keys, how="full", coalesce=True, suffix="_old")
    moved = both.filter(pl.col("value").ne_missing(pl.col("value_old"))
                        & ((pl.col("reason").fill_null("") != "") | (pl.col("reason_old").fill_null("") != "")))
    parent = {child: node for node, children in fam.OFFENCE_PARENTS.items() for child in children}
    lines = set()
    for quarter, offence in moved.select("period_key", "offence").iter_rows():
        while offence is not None:
            lines.add((fy_of(quarter), offence))
            offence = parent.get(offence)
    return frozenset(lines)


def _rows(counts: dict, hidden: set, node: str) -> pl.DataFrame:
    out = []
    for year in sorted({y for y, n, _ in counts if n == node}):
        cohort = counts[(year, node, "recorded")]
        cohort_hidden = (year, node, "recorded") in hidden
        for stage in STAGES:
            cell = (year, node, stage)
            shown = cell not in hidden
            share = 100 * counts[cell] / cohort if cohort and not cohort_hidden and shown else None
            flag = CONFIDENTIAL if (not shown or cohort_hidden) else ""
            out.append((fy_label(year), year * 10 + 4, STAGE_LABELS[stage],
                        float(counts[cell]) if shown else None, share, flag))
    return pl.DataFrame(out, schema=COLUMNS, orient="row")
