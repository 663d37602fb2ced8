"""Load a synthetic release into the database: generate, then write it in one transaction.

Used by ``rasso sample`` and by the dashboard's first start on a fresh machine. The release
row is labelled synthetic and records the generator parameters, so the same numbers can always be
regenerated; a reader either sees the whole release or none of it. Its disclosure protection
(``db.protection``) is computed in the same transaction: a synthetic sample has no prior edition.

``cases`` is the number of offences recorded from the first quarter on (the sum of
recorded_offences). case_record also holds the carried-in cases: offences recorded in the years
before, still under investigation on the first day (see ``generator``), so the closed basis of the
first years includes slow outcomes of earlier offences as real data does. Their number is recorded
in the release parameters as ``carried_in_cases``; case_record has cases + carried_in_cases rows.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine

from db.bulk import bulk_insert
from db.protection import protect_release
from db.releases import create_release, finish_release
from db.schema import case_record, indicator_value, outcomes, recorded_offences
from sample_data.generator import FULL_SCALE_CASES, generate

Progress = Callable[[float, str], None]


def _quiet(_fraction: float, _message: str) -> None:
    return None


def load_sample(
    engine: Engine,
    *,
    cases: int = FULL_SCALE_CASES,
    seed: int = 2023,
    last_quarter: int | None = None,
    progress: Progress | None = None,
) -> int:
    """Generate ``cases`` synthetic records and their tables, load them; return the release id."""
    report = progress or _quiet
    report(0.0, f"Generating {cases:,} synthetic cases (seed {seed})")
    data = generate(cases, seed, last_quarter=last_quarter)
    tables = [
        (recorded_offences, data.recorded),
        (outcomes, data.outcomes),
        (indicator_value, data.indicators),
        (case_record, data.cases),
    ]
    total = sum(frame.height for _, frame in tables)
    done = 0
    report(0.2, "Writing the release")
    with engine.begin() as conn:
        release_id = create_release(
            conn,
            source="synthetic",
            label=f"Synthetic sample: {cases:,} cases, seed {seed}",
            synthetic=True,
            parameters={
                "generator": "sample_data.generator", "cases": cases, "seed": seed,
                "first_quarter": data.first_quarter, "last_quarter": data.last_quarter,
                "carried_in_cases": data.carried_in, "full_scale_cases": FULL_SCALE_CASES,
                "scale": round(cases / FULL_SCALE_CASES, 6),
            },
        )
        row_counts = {}
        for table, frame in tables:
            report(0.2 + 0.8 * done / total, f"Writing {table.name} ({frame.height:,} rows)")
            row_counts[table.name] = bulk_insert(
                conn, table, frame.with_columns(release_id=release_id).select(
                    [c.name for c in table.columns if c.name in frame.columns or c.name == "release_id"]
                )
            )
            done += frame.height
        finish_release(conn, release_id, first_quarter=data.first_quarter,
                       last_quarter=data.last_quarter, row_counts=row_counts)
        report(0.95, "Protecting the release (disclosure control)")
        summary = protect_release(conn, release_id)
    report(1.0, f"Protection: {summary.describe()}")
    report(1.0, f"Loaded synthetic release {release_id}")
    return release_id
