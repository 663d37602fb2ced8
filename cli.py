"""The `rasso` command line: set up the database, load data, list releases, export any view.

Errors a user can cause (unknown metric, force, group or period, an unreachable database, a
bad file) print one readable line and exit with status 2; nothing here prints a traceback for them.

This module is over 300 lines because one Typer app holds every command with its options and help
text; each command is a short function that calls the layers below, and the export checks sit
next to the one command that needs them.
"""

from __future__ import annotations

import functools
import io
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from metrics.periods import (
    PERIOD_FORMATS,
    Period,
    PeriodError,
    add_quarters,
    is_year_ending,
    parse_any_period,
    quarter_label,
)
from metrics.registry import BASIS_LABELS, metric, missing_from_source

if TYPE_CHECKING:
    import polars as pl

    from db.releases import Release

# Polars, SQLAlchemy and the layers below load inside the commands that use them: at the top of
# this module they made `rasso --help` take 0.7 s on a quiet machine and several on a busy one.

app = typer.Typer(help="RASSO Outcomes Dashboard: data loading and exports.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
export_app = typer.Typer(help="Export a view as a tidy table.", no_args_is_help=True)
app.add_typer(export_app, name="export")

DbOption = Annotated[str | None, typer.Option("--db", help="Database URL (default: RASSO_DB_URL or the embedded rasso.sqlite)")]


class UserError(Exception):
    """Something the user can fix; printed as one line."""


def _user_errors() -> tuple[type[BaseException], ...]:
    """Every query error (unknown metric, group, period, force, grain, a disclosure threshold
    that cannot be used...) is a ``QueryError``; with a bad file and an unreachable database
    these are all the errors a user can cause."""
    from db.engine import DatabaseUnavailable
    from ingest import IngestError
    from queries import QueryError

    return (UserError, DatabaseUnavailable, QueryError, IngestError)


def friendly(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from sqlalchemy.exc import DBAPIError

        from db.engine import plain_reason
        from db.time_limit import DatabaseTimeout

        try:
            return func(*args, **kwargs)
        except _user_errors() as exc:
            message = str(exc)
        except OSError as exc:  # an output file that cannot be written, a full disk
            message = f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc)
        except DatabaseTimeout as exc:
            message = f"The database did not answer within {exc.seconds} seconds; nothing was changed."
        except DBAPIError as exc:  # locked, lost connection, constraint: the database said no
            if exc.connection_invalidated:  # the driver's words would name the host and port
                message = f"The connection to the database was lost: {plain_reason(exc)}; nothing was changed."
            else:
                reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
                message = f"The database refused the operation ({reason}); nothing was changed."
        typer.echo(f"Error: {message}", err=True)
        raise typer.Exit(2)
    return wrapper


def _engine(db: str | None, *, must_exist: bool = True):
    from db.engine import check_connection, describe, make_engine
    from db.migrate import is_current

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
    from db.bootstrap import init_database
    from db.engine import describe

    engine = _engine(db, must_exist=False)
    changed = init_database(engine)
    typer.echo(f"Database ready at {describe(engine)} ({changed} reference rows written).")


@app.command()
@friendly
def sample(
    db: DbOption = None,
    cases: Annotated[int | None, typer.Option(help="Number of synthetic case records (default: the full national scale, about 2 million)")] = None,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same data")] = 2023,
    next_edition_of: Annotated[int | None, typer.Option(help="Instead, write the next edition of this synthetic release (revised as a later Home Office edition is; --seed picks the revisions)")] = None,
) -> None:
    """Generate realistic synthetic data as a new release (always labelled synthetic)."""
    from sample_data.generator import FULL_SCALE_CASES
    from sample_data.load import load_sample

    if next_edition_of is not None:
        from sample_data.editions import NotSynthetic, next_edition

        engine = _engine(db)
        try:
            release_id = next_edition(engine, next_edition_of, seed=seed)
        except NotSynthetic as exc:
            raise UserError(str(exc)) from None
        typer.echo(f"Loaded synthetic release {release_id}: the next edition of release {next_edition_of}, seed {seed}.")
        return
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
    peer_groups = "peer-groups"


@app.command()
@friendly
def ingest(
    kind: Annotated[IngestKind, typer.Argument(help="Which published format the files are in")],
    files: Annotated[list[Path], typer.Argument(help="One or more files", exists=False)],
    db: DbOption = None,
) -> None:
    """Load published files (Home Office outcomes or PRC tables, ONS tables, boundaries, force MI, peer groups)."""
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
    """List the releases loaded, newest first, with the cells their disclosure protection hides."""
    import polars as pl

    from db.protection import stored_runs
    from db.releases import list_releases

    engine = _engine(db)
    listed = list_releases(engine)
    if not listed:
        typer.echo("No releases loaded. Run `rasso sample` or `rasso ingest`.")
        return
    with engine.connect() as conn:
        runs = stored_runs(conn)
    shown = pl.DataFrame([{
        "id": r.id, "source": r.source, "label": r.label, "status": r.status,
        "created_at": r.created_at.isoformat(timespec="seconds"),
        "data": f"{quarter_label(r.first_quarter)} to {quarter_label(r.last_quarter)}"
                if r.first_quarter and r.last_quarter else "",
        "rows": ", ".join(f"{table} {n:,}" for table, n in r.row_counts.items() if n),
        "threshold": str(runs[r.id].threshold) if r.id in runs else "",
        "hidden cells": runs[r.id].describe_hidden() if r.id in runs else "not protected",
        "files": "; ".join(r.files),
    } for r in listed], schema={k: pl.Int64 if k == "id" else pl.String for k in (
        "id", "source", "label", "status", "created_at", "data", "rows", "threshold", "hidden cells", "files")})
    with pl.Config(tbl_rows=-1, tbl_cols=-1, fmt_str_lengths=120, tbl_width_chars=280,
                   tbl_hide_dataframe_shape=True, tbl_hide_column_data_types=True):
        typer.echo(shown)


class Tier(StrEnum):
    public = "public"
    restricted = "restricted"


class ReportFormat(StrEnum):
    markdown = "markdown"
    csv = "csv"


@app.command("disclosure-report")
@friendly
def disclosure_report(
    release: Annotated[int | None, typer.Option(help="Release id (default: the newest data release)")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Output file (standard output if omitted)")] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", help="markdown or csv")] = ReportFormat.markdown,
    db: DbOption = None,
) -> None:
    """Information loss of a release's protection: cells hidden by reason, per table and per family."""
    from db.protection import protection_report
    from metrics.disclosure.loss import loss_markdown

    engine = _engine(db)
    info = _choose_release(engine, release)
    with engine.connect() as conn:
        loss = protection_report(conn, info.id)
    if fmt is ReportFormat.csv:
        write_table(loss, "csv", output)
        return
    text_out = loss_markdown(loss, title=f"Disclosure protection of release {info.id}: {info.label}")
    if output is None:
        typer.echo(text_out)
    else:
        output.write_text(text_out + "\n", encoding="utf-8")


@app.command()
@friendly
def revisions(
    release: Annotated[int | None, typer.Option(help="Only the revisions a given release made")] = None,
    tier: Annotated[Tier, typer.Option(help="public: only cells shown in both editions, by protected cell; "
                                            "restricted: every raw revised value")] = Tier.public,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="CSV file (standard output if omitted)")] = None,
    db: DbOption = None,
) -> None:
    """List the values a newer edition changed, with old and new values; the public tier applies disclosure control."""
    from db.releases import get_release
    from ingest import list_revisions

    engine = _engine(db)
    if release is not None and get_release(engine, release) is None:
        raise UserError(f"Release {release} does not exist: see `rasso releases`.")
    frame = list_revisions(engine, release, tier=tier.value)
    if frame.height == 0:
        typer.echo("No revisions recorded." if tier is Tier.restricted else
                   "No revisions of cells shown in both editions.", err=True)
        return
    write_table(_labelled_revisions(engine, frame, tier), "csv", output)


def _labelled_revisions(engine, frame: pl.DataFrame, tier: Tier) -> pl.DataFrame:
    """The tier and each revising release's data status as columns, as ``rasso export`` labels its rows."""
    import polars as pl

    from db.releases import list_releases
    from queries.export import PUBLISHED_STATUS, SYNTHETIC_STATUS

    status = {r.id: SYNTHETIC_STATUS if r.synthetic else PUBLISHED_STATUS for r in list_releases(engine)}
    return frame.with_columns(tier=pl.lit(tier.value),
                              data_status=pl.col("release_id").replace_strict(status, return_dtype=pl.String))


class Grain(StrEnum):
    quarter = "quarter"
    year = "year"


class Format(StrEnum):
    csv = "csv"
    parquet = "parquet"
    xlsx = "xlsx"


# Options the export commands share, written once.
FromOption = Annotated[str | None, typer.Option("--from", help=f"First period: {PERIOD_FORMATS}")]
ToOption = Annotated[str | None, typer.Option(help=f"Last period: {PERIOD_FORMATS}")]
TierOption = Annotated[Tier, typer.Option(help="public applies disclosure control; restricted does not")]
FormatOption = Annotated[Format, typer.Option("--format", help="csv, parquet or xlsx")]
OutputOption = Annotated[Path | None, typer.Option("-o", "--output", help="Output file, or a folder to write a file "
                                                                          "named for its contents (CSV goes to stdout if omitted)")]
ReleaseOption = Annotated[int | None, typer.Option(help="Release id (default: the newest data release)")]


def _choose_release(engine, release: int | None):
    from db.releases import default_release, get_release

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
    from_: FromOption = None,
    to: ToOption = None,
    grain: Annotated[Grain, typer.Option(help="quarter, or year: financial years, or 12 months ending "
                                               "the month of a YE-yyyy-mm --to (or --from)")] = Grain.quarter,
    tier: TierOption = Tier.public,
    fmt: FormatOption = Format.csv,
    output: OutputOption = None,
    release: ReleaseOption = None,
    db: DbOption = None,
) -> None:
    """One row per period x area x metric, with intervals; the public tier applies disclosure control.

    Periods are those the pages show. For example, `--from YE-2026-09 --to YE-2026-09 --grain year` gives the overview's headline figures for the 12 months to September 2026.
    """
    from queries import release_info
    from queries.export import ExportMeta, export_frame, write_export

    m = metric(metric_id)  # fail fast on an unknown id, before touching the database
    start = _period_option("--from", from_)
    end = _period_option("--to", to)
    if start and end and start.first > end.last:
        raise UserError(f"The range is reversed: --from {start.token} starts after --to {end.token} ends; "
                        "swap them.")
    if fmt != Format.csv and output is None:
        raise UserError(f"--format {fmt.value} needs an output file: add -o FILE")
    engine = _engine(db)
    rel = _choose_release(engine, release)
    info = release_info(engine, rel.id)
    reason = missing_from_source(m, info.coverage, f"Release {rel.id}")
    if reason:
        raise UserError(reason)
    lo, hi = info.first_quarter, info.last_quarter  # the span of its outcome or recorded facts
    if lo is None:
        raise UserError(f"Release {rel.id} has no recorded-offence or outcome data.")
    _check_inside(start, end, lo, hi, rel.id)
    first, last = start.first if start else lo, end.last if end else hi
    table = _export_table(engine, grain, first, last, start, end, release_id=rel.id, metric_id=metric_id,
                          offence_group=offence, area=force, tier=tier.value)
    asked = (start.label if start and end and start.token == end.token else
             f"{start.token if start else quarter_label(first)} to {end.token if end else quarter_label(last)}")
    if table.height == 0:
        raise UserError(f"No rows: release {rel.id} has no {m.label.lower()} figures for {force} "
                        f"({offence}) from {quarter_label(first)} to {quarter_label(last)}.")
    meta = ExportMeta(release_id=rel.id, synthetic=rel.synthetic, citation=_citation(info, m.label, offence, asked),
                      view=f"export-{grain.value}", metric=m.id, offence_group=offence, period_token=_span_token(start, end, asked),
                      basis=BASIS_LABELS[m.basis], tier=tier.value, extra=(force,))
    frame = export_frame(table, meta, unit=m.unit)
    measure = {"label": m.label, "definition": m.definition, "numerator": m.numerator,
               "denominator": m.denominator, "unit": m.unit, "source": m.source, "caveat": m.caveat}
    if output is not None and output.is_dir():  # a folder: the file is named for what it holds
        output = output / meta.file_name(fmt.value)
    write_export(frame, fmt.value, output, meta, measure=measure)
    if output is not None:
        typer.echo(f"Wrote {frame.height:,} row{'' if frame.height == 1 else 's'} to {output} (release {rel.id}"
                   f"{', SYNTHETIC data' if rel.synthetic else ''}).", err=True)


@export_app.command("table")
@friendly
def export_table(
    measure: Annotated[str, typer.Option(help="outcomes, recorded, cases (restricted) or a metric id, e.g. charge_rate")] = "outcomes",
    by: Annotated[str, typer.Option(help="Dimensions, comma-separated: national|region|nom_phase|force, "
                                         "quarter|year|rolling, offence_group|offence_code, "
                                         "outcome_group|outcome_type, age_band, sex, relationship")] = "force,year,outcome_group",
    offence: Annotated[str, typer.Option(help="adult_rape, child_rape, rape, other_sexual or all_sexual")] = "adult_rape",
    basis: Annotated[str, typer.Option(help="Outcomes of investigations closed in the period (closed) or of "
                                            "offences recorded in it (recorded)")] = "closed",
    from_: FromOption = None,
    to: ToOption = None,
    filters: Annotated[list[str] | None, typer.Option("--filter", help="Keep rows whose DIMENSION is one of "
                                                                       "the values: DIMENSION=VALUE[|VALUE...]; repeatable")] = None,
    tier: TierOption = Tier.public,
    fmt: FormatOption = Format.csv,
    output: OutputOption = None,
    release: ReleaseOption = None,
    db: DbOption = None,
) -> None:
    """Any measure by any dimensions: the data explorer's table, the same rows as its download.

    For example `rasso export table --measure outcomes --by force,year,outcome_group --offence adult_rape
    --basis closed --format parquet -o t.parquet` gives one row per force, financial year and outcome group."""
    from metrics.explorer_spec import TableSpec, parse_by, parse_filter
    from queries.explorer import explore
    from reports.explorer_files import explorer_file
    from settings import SettingsError, base_url

    spec = TableSpec(measure=measure, by=parse_by(by), offence=offence, basis=basis, start=from_, end=to,
                     tier=tier.value, filters=tuple(parse_filter(f) for f in filters or ())).check()
    if fmt != Format.csv and output is None:
        raise UserError(f"--format {fmt.value} needs an output file: add -o FILE")
    engine = _engine(db)
    rel = _choose_release(engine, release)
    explored = explore(engine, spec, release_id=rel.id)
    try:
        address = base_url()
    except SettingsError as exc:
        raise UserError(str(exc)) from None
    out = explorer_file(explored, rel, base_url=address)
    if output is not None and output.is_dir():
        output = output / out.name(fmt.value)
    if output is None:
        sys.stdout.write(out.data("csv").decode("utf-8"))
        return
    output.write_bytes(out.data(fmt.value))
    typer.echo(f"Wrote {out.frame.height:,} row{'' if out.frame.height == 1 else 's'} to {output} (release {rel.id}"
               f"{', SYNTHETIC data' if rel.synthetic else ''}; {explored.hidden_share:.0%} of rows hidden).", err=True)


@app.command()
@friendly
def brief(
    force: Annotated[str, typer.Option(help="ONS force code, e.g. E23000036")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The HTML file to write, or a folder to write "
                                                               "a file named for its contents")],
    offence: Annotated[str, typer.Option(help="adult_rape, child_rape, rape, other_sexual or all_sexual")] = "adult_rape",
    period: Annotated[str | None, typer.Option(help="Headline period, as the pages take it: a financial year "
                                                    "(2024-25) or 12 months ending a quarter (YE-2026-09); "
                                                    "default the latest 12 months")] = None,
    release: Annotated[int | None, typer.Option(help="Release id (default: the newest data release)")] = None,
    metric: Annotated[str, typer.Option(help="Measure of the trend and the before/after panel, as the force "
                                             "profile's metric= (default charge_rate)")] = "charge_rate",
    peer: Annotated[str | None, typer.Option(help="Peer set: region (default), nom_phase, similar or a loaded "
                                                  "group's name")] = None,
    grain: Annotated[str, typer.Option(help="What a point of the trend is: quarter, year or rolling")] = "quarter",
    basis: Annotated[str, typer.Option(help="Outcome mix basis: closed or recorded")] = "closed",
    db: DbOption = None,
) -> None:
    """Write one force's briefing pack: one self-contained HTML file to print or send (public tier).

    The same file as the force profile's download for the same view (its --metric, --peer,
    --grain and --basis are the page's metric=, peer=, grain= and basis=, with the same defaults)."""
    from dataclasses import replace

    from reports.force_brief import brief_for, pack_file_name
    from reports.force_profile import engine_pack
    from reports.html import render_html
    from settings import SettingsError, base_url

    chosen = _period_option("--period", period)
    if chosen is not None and len(chosen.quarters) != 4:
        raise UserError(f"--period {chosen.token} is one quarter: a briefing pack's headline figures are 12 "
                        "months, a financial year (2024-25) or 12 months ending a quarter (YE-2026-09).")
    engine = _engine(db)
    rel = _choose_release(engine, release)
    the_brief = brief_for(engine, release_id=rel.id, force_code=force, offence=offence)
    if chosen is not None:
        _check_inside(chosen, None, the_brief.release.first_quarter, the_brief.release.last_quarter, rel.id,
                      names=("--period", ""))
        the_brief = replace(the_brief, period=chosen)
    try:
        address = base_url()  # the citation names the page's address, as the page's own does
    except SettingsError as exc:
        raise UserError(str(exc)) from None
    text_out = render_html(engine_pack(engine, the_brief, metric_id=metric, peer=peer, grain=grain, basis=basis,
                                       base_url=address))
    if output.is_dir():
        output = output / pack_file_name(force_code=the_brief.force_code, offence=the_brief.group.id,
                                         period=the_brief.period, release_id=rel.id, synthetic=rel.synthetic)
    output.write_text(text_out, encoding="utf-8")
    typer.echo(f"Wrote the briefing pack of {the_brief.force_name} to {output} (release {rel.id}"
               f"{', SYNTHETIC data' if rel.synthetic else ''}).", err=True)


@app.command()
def bench(
    cases: Annotated[int | None, typer.Option(help="Synthetic cases (default: the full national scale, 2 million; "
                                                   "with --quick, 20,000)")] = None,
    db: Annotated[str | None, typer.Option("--db", help="Database: a SQLite URL (built there or reused), or a "
                                                        "PostgreSQL server URL (a scratch database is made on it); "
                                                        "default an embedded file under .cache/bench/")] = None,
    quick: Annotated[bool, typer.Option(help="Tiny scale, one run of each: a smoke test in under a minute")] = False,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Folder for the report (default benchmarks/)")] = None,
    seed: Annotated[int, typer.Option(help="Random seed of the synthetic sample")] = 2023,
    boundaries: Annotated[Path | None, typer.Option(help="Police force area boundaries to load, so the "
                                                         "comparison's real map is measured too")] = None,
    keep_db: Annotated[bool, typer.Option(help="PostgreSQL: keep the scratch database for the next run")] = False,
) -> None:
    """Measure what users wait for (pages, queries, loading, start-up) against pandas and DuckDB;
    writes report-<backend>-<cases>.md and .json."""
    from benchmarks import bench as b

    if cases is not None and cases <= 0:
        raise typer.BadParameter("--cases must be a positive number")
    options = b.Options(cases=cases or (b.QUICK_CASES if quick else 2_000_000), seed=seed, db=db, quick=quick,
                        boundaries=boundaries, keep_db=keep_db, **({"output": output} if output else {}))
    try:
        _report, md, js = b.run(options)
    except b.BenchError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"Wrote {md} and {js}.")


def _check_inside(start: Period | None, end: Period | None, lo: int, hi: int, release_id: int,
                  names: tuple[str, str] = ("--from", "--to")) -> None:
    """A period outside the release's data is an error naming the span, never clamped silently."""
    span = f"{quarter_label(lo)} to {quarter_label(hi)}"
    for option, period in zip(names, (start, end), strict=True):
        if period and (period.last < lo or period.first > hi):
            raise UserError(f"{option} {period.token} is outside release {release_id}'s data ({span}); "
                            "choose a period inside it.")
        if period and (period.first < lo or period.last > hi):  # part in, part out
            edge, inside = ("starts before", lo) if period.first < lo else ("ends after", hi)
            raise UserError(f"{option} {period.token} {edge} release {release_id}'s data ({span}); "
                            f"use a period inside it, e.g. {option} '{quarter_label(inside)}'.")


def _export_table(engine, grain: Grain, first: int, last: int, start: Period | None, end: Period | None,
                  **query) -> pl.DataFrame:
    """Quarters; or years: financial years, or 12 months ending the month a YE-yyyy-mm period
    names (each computed exactly as the overview's headline figure for that period)."""
    import polars as pl

    from queries import metric_table

    if grain == Grain.quarter:
        return metric_table(engine, first_quarter=first, last_quarter=last, grain="quarter", **query)
    anchor = next((p.last for p in (end, start) if p and is_year_ending(p.token)), None)
    windows = _year_windows(first, last, anchor)
    if not windows:
        raise UserError(f"No complete 12 months from {quarter_label(first)} to {quarter_label(last)}: "
                        "widen the range or use --grain quarter.")
    if windows[-1][1] % 10 == 4:  # financial years: one query
        return metric_table(engine, first_quarter=windows[0][0], last_quarter=windows[-1][1], grain="year", **query)
    return pl.concat([metric_table(engine, first_quarter=a, last_quarter=b, grain="period", **query)
                      for a, b in windows], how="vertical_relaxed")


def _period_option(option: str, token: str | None) -> Period | None:
    if token is None:
        return None
    try:
        return parse_any_period(token)
    except PeriodError as exc:
        raise UserError(f"{option} {exc}") from None


def _year_windows(first: int, last: int, anchor: int | None) -> list[tuple[int, int]]:
    """Whole 12-month spans inside first..last, each ending in the anchor's quarter of the year
    (financial years, ending in Q4, when there is no anchor)."""
    fq = anchor % 10 if anchor else 4
    end = last
    while end % 10 != fq:
        end = add_quarters(end, -1)
    windows = []
    while add_quarters(end, -3) >= first:
        windows.append((add_quarters(end, -3), end))
        end = add_quarters(end, -4)
    return windows[::-1]


def _span_token(start: Period | None, end: Period | None, asked: str) -> str:
    if start and end:
        return start.token if start.token == end.token else f"{start.token}-to-{end.token}"
    return asked


def _citation(info: Release, label: str, offence: str, asked: str) -> str:
    """Like the pages' citation: release, data status, licence and what was asked for."""
    from queries.export import LICENCE

    kind = "SYNTHETIC data, not official statistics; " if info.synthetic else ""
    created = info.created_at
    when = created.strftime("%d %B %Y") if hasattr(created, "strftime") else str(created)
    return (f"RASSO Outcomes Dashboard, release {info.id} ({info.label}, loaded {when}), "
            f"{label}, {offence}, {asked}, exported with rasso export metrics; {kind}contains public "
            f"sector information licensed under the {LICENCE}.")


def write_table(table: pl.DataFrame, fmt: str, output: Path | None) -> None:
    """A plain table (revisions, information loss) as CSV, to a file or standard output."""
    if output is None:
        buffer = io.StringIO()
        table.write_csv(buffer)
        sys.stdout.write(buffer.getvalue())
    else:
        table.write_csv(output)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
