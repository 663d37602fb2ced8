"""The `rasso` command line: set up the database, load data, list releases, export any view.

Errors a user can cause (unknown metric, force, group or period, an unreachable database, a
bad file) print one readable line and exit with status 2; nothing here prints a traceback for them.
"""

from __future__ import annotations

import functools
import io
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from sqlalchemy.exc import DBAPIError

from db.bootstrap import init_database
from db.engine import DatabaseUnavailable, check_connection, describe, make_engine
from db.migrate import is_current
from db.releases import default_release, get_release, list_releases
from metrics.disclosure import DisclosureSettingError, format_for_display
from metrics.offence_groups import UnknownOffenceGroup
from metrics.periods import PeriodError, parse_period, quarter_label
from metrics.registry import UnknownMetric, metric, missing_from_source

app = typer.Typer(help="RASSO Outcomes Dashboard: data loading and exports.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
export_app = typer.Typer(help="Export a view as a tidy table.", no_args_is_help=True)
app.add_typer(export_app, name="export")

DbOption = Annotated[str | None, typer.Option("--db", help="Database URL (default: RASSO_DB_URL or the embedded rasso.sqlite)")]


class UserError(Exception):
    """Something the user can fix; printed as one line."""


def _user_errors() -> tuple[type[BaseException], ...]:
    from ingest import IngestError  # the ingest package is optional at import time of the CLI
    from queries import QueryError

    return (UserError, DatabaseUnavailable, UnknownMetric, UnknownOffenceGroup, PeriodError,
            QueryError, IngestError, DisclosureSettingError)


def friendly(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except _user_errors() as exc:
            message = str(exc)
        except OSError as exc:  # an output file that cannot be written, a full disk
            message = f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc)
        except DBAPIError as exc:  # locked, lost connection, constraint: the database said no
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            message = f"The database refused the operation ({reason}); nothing was changed."
        typer.echo(f"Error: {message}", err=True)
        raise typer.Exit(2)
    return wrapper


def _engine(db: str | None, *, must_exist: bool = True):
    engine = make_engine(db)
    check_connection(engine)
    if must_exist and not is_current(engine):
        raise UserError(f"The database at {describe(engine)} is not set up or is out of date: run `rasso init` first.")
    return engine


def _progress(fraction: float, message: str) -> None:
    typer.echo(f"  [{fraction:6.1%}] {message}", err=True)


@app.command()
@friendly
def init(db: DbOption = None) -> None:
    """Create or upgrade the schema and load the reference data (safe to repeat)."""
    engine = _engine(db, must_exist=False)
    changed = init_database(engine)
    typer.echo(f"Database ready at {describe(engine)} ({changed} reference rows written).")


@app.command()
@friendly
def sample(
    db: DbOption = None,
    cases: Annotated[int | None, typer.Option(help="Number of synthetic case records (default: the full national scale, about 2 million)")] = None,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same data")] = 2023,
) -> None:
    """Generate realistic synthetic data as a new release (always labelled synthetic)."""
    from sample_data.generator import FULL_SCALE_CASES
    from sample_data.load import load_sample

    cases = FULL_SCALE_CASES if cases is None else cases
    if cases <= 0:
        raise UserError("--cases must be a positive number")
    engine = _engine(db)
    release_id = load_sample(engine, cases=cases, seed=seed, progress=_progress)
    typer.echo(f"Loaded synthetic release {release_id}: {cases:,} cases, seed {seed}.")


class IngestKind(StrEnum):
    outcomes = "outcomes"
    prc = "prc"
    ons_pfa_tables = "ons-pfa-tables"
    boundaries = "boundaries"
    indicators = "indicators"


@app.command()
@friendly
def ingest(
    kind: Annotated[IngestKind, typer.Argument(help="Which published format the files are in")],
    files: Annotated[list[Path], typer.Argument(help="One or more files", exists=False)],
    db: DbOption = None,
) -> None:
    """Load published files (Home Office outcomes or PRC tables, ONS tables, boundaries, force MI)."""
    from ingest import load

    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise UserError(f"File not found: {', '.join(missing)}")
    engine = _engine(db)
    report = load(engine, kind.value, list(files), progress=_progress)
    typer.echo(report.summary())


@app.command()
@friendly
def releases(db: DbOption = None) -> None:
    """List the releases loaded, newest first."""
    frame = list_releases(_engine(db))
    if frame.height == 0:
        typer.echo("No releases loaded. Run `rasso sample` or `rasso ingest`.")
        return
    span = [f"{quarter_label(a)} to {quarter_label(b)}" if a and b else "" for a, b in
            zip(frame["first_quarter"], frame["last_quarter"], strict=True)]
    rows = [", ".join(f"{table} {n:,}" for table, n in json.loads(counts).items() if n)
            for counts in frame["row_counts"]]
    shown = frame.with_columns(data=pl.Series(span, dtype=pl.String), rows=pl.Series(rows, dtype=pl.String)).select(
        "id", "source", "label", "status", "created_at", "data", "rows", "files")
    with pl.Config(tbl_rows=-1, tbl_cols=-1, fmt_str_lengths=120, tbl_width_chars=240,
                   tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True):
        typer.echo(shown)


@app.command()
@friendly
def revisions(
    release: Annotated[int | None, typer.Option(help="Only the revisions a given release made")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="CSV file (standard output if omitted)")] = None,
    db: DbOption = None,
) -> None:
    """List the values a newer published file changed, with old and new values."""
    from ingest import list_revisions

    frame = list_revisions(_engine(db), release)
    if frame.height == 0:
        typer.echo("No revisions recorded.", err=True)
        return
    write_table(frame, "csv", output, displayed=False)


class Grain(StrEnum):
    quarter = "quarter"
    year = "year"


class Tier(StrEnum):
    public = "public"
    restricted = "restricted"


class Format(StrEnum):
    csv = "csv"
    parquet = "parquet"
    xlsx = "xlsx"


def _choose_release(engine, release: int | None):
    if release is None:
        # one rule for the app and the command line (db.releases.default_release)
        rel = default_release(engine)
        if rel is None:
            raise UserError("No data loaded: run `rasso sample` or `rasso ingest outcomes FILE` first.")
        return rel
    rel = get_release(engine, release)
    if rel is None:
        raise UserError(f"Release {release} does not exist: see `rasso releases`.")
    return rel


@export_app.command("metrics")
@friendly
def export_metrics(
    metric_id: Annotated[str, typer.Option("--metric", help="Metric id from the registry, e.g. charge_rate")],
    force: Annotated[str, typer.Option(help="ONS force code, 'all' (each of the 43 forces) or 'national'")] = "national",
    offence: Annotated[str, typer.Option(help="adult_rape, child_rape, rape, other_sexual or all_sexual")] = "adult_rape",
    from_: Annotated[str | None, typer.Option("--from", help="First financial year, e.g. 2019-20")] = None,
    to: Annotated[str | None, typer.Option(help="Last financial year, e.g. 2024-25")] = None,
    grain: Annotated[Grain, typer.Option(help="quarter or year")] = Grain.quarter,
    tier: Annotated[Tier, typer.Option(help="public applies disclosure control; restricted does not")] = Tier.public,
    fmt: Annotated[Format, typer.Option("--format", help="csv, parquet or xlsx")] = Format.csv,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Output file (CSV goes to stdout if omitted)")] = None,
    release: Annotated[int | None, typer.Option(help="Release id (default: the newest data release)")] = None,
    db: DbOption = None,
) -> None:
    """One row per period x area x metric, with intervals; the public tier applies disclosure control."""
    from queries import data_range, metric_table, release_info

    metric(metric_id)  # fail fast on an unknown id, before touching the database
    first = parse_period(from_).first if from_ else None
    last = parse_period(to).last if to else None
    if fmt != Format.csv and output is None:
        raise UserError(f"--format {fmt.value} needs an output file: add -o FILE")
    engine = _engine(db)
    rel = _choose_release(engine, release)
    reason = missing_from_source(metric(metric_id), release_info(engine, rel.id)["coverage"], f"Release {rel.id}")
    if reason:
        raise UserError(reason)
    lo, hi = data_range(engine, rel.id)
    if lo is None:
        raise UserError(f"Release {rel.id} has no recorded-offence or outcome data.")
    first, last = max(first or lo, lo), min(last or hi, hi)
    if first > last:
        raise UserError(f"The period asked for is outside release {rel.id}'s data "
                        f"({quarter_label(lo)} to {quarter_label(hi)}).")
    table = metric_table(engine, release_id=rel.id, metric_id=metric_id, offence_group=offence, area=force,
                         first_quarter=first, last_quarter=last, grain=grain.value, tier=tier.value)
    write_table(table, fmt.value, output, unit=metric(metric_id).unit)
    if output is not None:
        typer.echo(f"Wrote {table.height} rows to {output} (release {rel.id}"
                   f"{', synthetic data' if rel.synthetic else ''}).", err=True)


def write_table(table: pl.DataFrame, fmt: str, output: Path | None, *, unit: str | None = None,
                displayed: bool = True) -> None:
    """Write exactly the rows shown; CSV and Excel show disclosure markers in place of numbers."""
    shown = format_for_display(table, unit=unit) if displayed and fmt in ("csv", "xlsx") else table
    if fmt == "parquet":
        table.write_parquet(output)
    elif fmt == "xlsx":
        shown.write_excel(output, worksheet="data")
    elif output is None:
        buffer = io.StringIO()
        shown.write_csv(buffer)
        sys.stdout.write(buffer.getvalue())
    else:
        shown.write_csv(output)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
