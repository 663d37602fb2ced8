"""The next edition of a synthetic release, revised the way a later Home Office edition is.

Why: disclosure control must hold across two consecutive editions (an attacker holds both), so
the audit and the tests need a realistic pair. A later edition of the same quarters differs from
the first in three ways, all made here on the case records so that every table derived from them
stays consistent (the tables are derived again with the original's generator effects):

* outcomes assigned late: some investigations of recent quarters that were open (outcome 0) now
  have an outcome, dated between the offence and the original extract, so counts move from
  type 0 to other types on the recorded basis and the matching closed-basis outcomes appear;
* corrections to recorded offences in the last four quarters: a few records cancelled, a few
  added (downward and upward revisions);
* corrections to outcomes in the last four quarters: a few closed investigations reclassified.

The new release is labelled synthetic, supersedes the original, records every changed value as a
revision (as a newer published file does: ``rasso revisions`` lists them) and is protected with the
original as its prior edition, in one transaction.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from sqlalchemy import Engine, select

from db.bulk import bulk_insert
from db.protection import protect_release
from db.releases import create_release, finish_release, get_release
from db.revisions import record_revisions
from db.schema import case_record, indicator_value, outcomes, recorded_offences
from metrics.periods import add_quarters, quarter_end
from sample_data.derive import derive_tables
from sample_data.generator import ForceEffects

LATE_OUTCOME_QUARTERS = 8
"""Open investigations of this many recent quarters may have an outcome in the next edition."""
LATE_OUTCOME_SHARE = 0.15
CORRECTED_QUARTERS = 4
CORRECTION_SHARE = 0.004
"""Share of the records of the last four quarters cancelled, added, and reclassified (each)."""


class NotSynthetic(ValueError):
    """Only a synthetic release (with its generator parameters) can have a synthetic next edition."""


def _read_cases(engine: Engine, release_id: int) -> pl.DataFrame:
    cols = [c for c in case_record.c if c.name != "release_id"]
    with engine.connect() as conn:
        rows = conn.execute(select(*cols).where(case_record.c.release_id == release_id)
                            .order_by(case_record.c.case_id)).all()
    frame = pl.DataFrame([tuple(r) for r in rows], schema=[c.name for c in cols], orient="row",
                         infer_schema_length=None)
    return frame.with_columns(pl.col("outcome_type").cast(pl.Int16),
                              pl.col("recorded_quarter", "outcome_quarter").cast(pl.Int32))


def _quarter_of(dates: pl.Expr) -> pl.Expr:
    """The financial quarter key of a date (April-June = Q1)."""
    month = dates.dt.month()
    fy = dates.dt.year() - (month < 4).cast(pl.Int32)
    return (fy * 10 + ((month - 4) % 12) // 3 + 1).cast(pl.Int32)


def _late_outcomes(cases: pl.DataFrame, rng: np.random.Generator, last: int) -> pl.DataFrame:
    """Close a share of the recent open investigations, with outcome types drawn from the closed
    investigations of the same offence code (so the mix looks like the force data's)."""
    extract = quarter_end(last)
    recent = (pl.col("outcome_type") == 0) & (pl.col("recorded_quarter") > add_quarters(last, -LATE_OUTCOME_QUARTERS))
    pick = rng.random(cases.height) < LATE_OUTCOME_SHARE
    chosen = cases.with_columns(_pick=recent & pl.Series(pick))
    closed = cases.filter(pl.col("outcome_type") != 0)
    types = closed["outcome_type"].to_numpy()
    new_type = rng.choice(types, size=cases.height) if types.size else np.ones(cases.height, dtype=np.int16)
    span = (pl.lit(extract) - pl.col("recorded_date")).dt.total_days()
    days = (pl.Series(rng.random(cases.height)) * (span + 1)).floor().cast(pl.Int32)
    return chosen.with_columns(
        outcome_type=pl.when("_pick").then(pl.Series(new_type).cast(pl.Int16)).otherwise("outcome_type"),
        days_to_outcome=pl.when("_pick").then(days).otherwise("days_to_outcome"),
    ).with_columns(
        outcome_date=pl.when("_pick").then(pl.col("recorded_date") + pl.duration(days=pl.col("days_to_outcome")))
        .otherwise("outcome_date"),
    ).with_columns(
        outcome_quarter=pl.when("_pick").then(_quarter_of(pl.col("outcome_date"))).otherwise("outcome_quarter"),
    ).drop("_pick")


def _corrections(cases: pl.DataFrame, rng: np.random.Generator, last: int) -> pl.DataFrame:
    """Cancel, add and reclassify a few records of the last four quarters."""
    window = pl.col("recorded_quarter") > add_quarters(last, -CORRECTED_QUARTERS)
    in_window = cases.with_row_index("_i").filter(window)["_i"].to_numpy()
    n = max(3, int(round(CORRECTION_SHARE * in_window.size))) if in_window.size else 0
    if n == 0:
        return cases
    cancel, dup, reclass = (rng.choice(in_window, size=min(n, in_window.size), replace=False) for _ in range(3))
    added = cases[np.sort(dup)].with_columns(
        case_id=pl.int_range(cases["case_id"].max() + 1, cases["case_id"].max() + 1 + len(dup), dtype=pl.Int64))
    closed_types = cases.filter(pl.col("outcome_type") != 0)["outcome_type"].unique().sort().to_numpy()
    is_reclass = np.zeros(cases.height, dtype=bool)
    is_reclass[reclass] = True
    new_type = rng.choice(closed_types, size=cases.height) if closed_types.size else np.ones(cases.height)
    revised = cases.with_columns(outcome_type=pl.when(pl.Series(is_reclass) & (pl.col("outcome_type") != 0))
                                 .then(pl.Series(new_type).cast(pl.Int16)).otherwise("outcome_type"))
    keep = np.ones(cases.height, dtype=bool)
    keep[cancel] = False
    return pl.concat([revised.filter(pl.Series(keep)), added.cast(revised.schema)])


def revise_cases(cases: pl.DataFrame, *, last_quarter: int, seed: int) -> pl.DataFrame:
    """The case records of the next edition (same quarters, later extract); same seed, same edition."""
    rng = np.random.default_rng([seed, 41])
    return _corrections(_late_outcomes(cases, rng, last_quarter), rng, last_quarter)


def next_edition(engine: Engine, release_id: int, *, seed: int) -> int:
    """Write the next edition of synthetic release ``release_id`` as a new release; return its id."""
    original = get_release(engine, release_id)
    if original is None or not original.synthetic or "seed" not in original.parameters:
        raise NotSynthetic(f"release {release_id} is not a synthetic sample: only those have a synthetic next edition")
    p = original.parameters
    first, last, gen_seed = int(p["first_quarter"]), int(p["last_quarter"]), int(p["seed"])
    cases = revise_cases(_read_cases(engine, release_id), last_quarter=last, seed=seed)
    data = derive_tables(cases, first_quarter=first, last_quarter=last, seed=gen_seed,
                         fx=ForceEffects.draw(gen_seed))
    with engine.begin() as conn:
        new_id = create_release(conn, source="synthetic", synthetic=True,
                                label=f"Synthetic sample: next edition of release {release_id} (seed {seed})",
                                parameters={**p, "edition_of": release_id, "edition_seed": seed})
        counts = {}
        for table, frame in ((recorded_offences, data.recorded), (outcomes, data.outcomes),
                             (indicator_value, data.indicators), (case_record, data.cases)):
            counts[table.name] = bulk_insert(conn, table, frame.with_columns(release_id=pl.lit(new_id)).select(
                [c.name for c in table.columns if c.name in frame.columns or c.name == "release_id"]))
        for table in (recorded_offences, outcomes, indicator_value):
            record_revisions(conn, table, new_id, release_id, quarters=[])
        finish_release(conn, new_id, first_quarter=first, last_quarter=last, row_counts=counts,
                       supersedes=release_id)
        protect_release(conn, new_id, prior_release_id=release_id)
    return new_id

