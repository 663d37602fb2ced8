"""The data explorer's tables: any measure by any dimensions, protected like every public table.

Why one function for the page, the download and ``rasso export table``: the same
:class:`~queries.explorer_spec.TableSpec` must give the same rows everywhere, so an academic
who cites a table by its address can rebuild it from the command line.

Public tier: counts are cut only where the release's protection has cells (forces, England and
Wales, quarters, financial years and the protected 12-month windows, offence groups, outcome
groups). A force or national row is looked up there as every public table does; a region or NOM
phase is a sum of forces and is shown where every force in it is shown (it is then a sum of shown
numbers), and also where it is the only hidden group of its partition and England and Wales is
shown for the same cell (it is then England and Wales less the other groups, all shown: anyone
can work it out, so a [c] would promise what it cannot keep; see ``_complete``). Any other span of
quarters is shown only where ``metrics.disclosure.lookup`` finds it a sum of shown numbers. Finer
cuts (single offence codes or outcome types, case-level columns) need the restricted tier
(``TableSpec.check`` says why).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine

from db.reference import NATIONAL_CODE, NATIONAL_NAME
from db.time_limit import TimeLimitExceeded, time_limit
from metrics.disclosure import CONFIDENTIAL, PUBLIC, apply_disclosure
from metrics.disclosure import families as fam
from metrics.disclosure.lookup import NOT_OFFERED
from metrics.errors import QueryError
from metrics.explorer_spec import TableSpec
from metrics.offence_groups import offence_group
from metrics.periods import quarter_label
from queries import explorer_cube as cube
from queries import sql
from queries.explorer_sql import offence_codes
from queries.framing import first_quarter_of
from queries.protection import read_protection


@dataclass(frozen=True)
class Limits:
    """What one request may cost: rows returned and seconds of database time."""

    max_rows: int = 100_000
    max_seconds: float = 30.0


LIMITS = Limits()


@dataclass(frozen=True)
class Explored:
    """A table and what it is: the spec, the release and the quarters it covers."""

    table: pl.DataFrame
    spec: TableSpec
    release_id: int
    first_quarter: int
    last_quarter: int

    @property
    def hidden_share(self) -> float:
        """Share of rows hidden ([c]) by disclosure control."""
        if self.table.height == 0:
            return 0.0
        return self.table.filter(pl.col("flag") == CONFIDENTIAL).height / self.table.height

    @property
    def span_label(self) -> str:
        return f"{quarter_label(self.first_quarter)} to {quarter_label(self.last_quarter)}"


def explore(engine: Engine, spec: TableSpec, *, release_id: int, threshold: int | None = None,
            limits: Limits = LIMITS) -> Explored:
    """The table ``spec`` asks for from release ``release_id``; QueryError for anything a user can fix."""
    spec.check()
    try:
        with engine.connect() as conn, time_limit(conn, limits.max_seconds):
            if spec.is_metric:
                table, span = cube.metric_rows(conn, engine, spec, release_id=release_id, threshold=threshold,
                                               max_rows=limits.max_rows)
            else:
                table, span = _count_rows(conn, spec, release_id=release_id, threshold=threshold,
                                          max_rows=limits.max_rows)
    except TimeLimitExceeded:
        raise QueryError(f"The table took longer than {limits.max_seconds:g} seconds to build, the most one "
                         "request may take: choose fewer dimensions or a shorter span.") from None
    table = cube.keep(table, spec)
    return Explored(table, spec, release_id, *span)


def _count_rows(conn, spec: TableSpec, *, release_id: int, threshold: int | None,
                max_rows: int) -> tuple[pl.DataFrame, tuple[int, int]]:
    group = offence_group(spec.offence)
    first, last = cube.window(conn, spec, release_id)
    forces = sql.force_list(conn)
    leaves = cube.read_leaves(conn, spec, release_id=release_id, group=group, span=(first, last),
                              forces=forces, max_rows=max_rows)
    force_rows = cube.frame(leaves, spec, forces, (first, last), codes=offence_codes(conn, group),
                            types=sql.outcome_type_list(conn))
    protection = None
    if spec.tier == PUBLIC:
        protection = read_protection(conn, release_id, [fam.CountRef(_family(spec))], threshold=threshold)
    table = _areas(force_rows, spec, forces, protection, (first, last), threshold)
    return _disclose(table, spec, threshold), (first, last)


def _family(spec: TableSpec) -> str:
    if spec.measure == "recorded":
        return fam.RECORDED
    return fam.CLOSED if spec.basis == "closed" else fam.RECORDED_BASIS


def _areas(rows: pl.DataFrame, spec: TableSpec, forces: pl.DataFrame, protection, span,
           threshold: int | None) -> pl.DataFrame:
    """Force rows -> the area dimension's rows, each with ``_hidden`` (the protection's answer) and
    ``_window`` (its span is twelve months that are not a node: not offered, [x], where hidden)."""
    keys = ["period", "period_end", *cube.other_columns(spec)]
    sums = [pl.col("count").sum(), pl.col("missing").sum()]
    national = rows.group_by(keys).agg(*sums).with_columns(
        area_code=pl.lit(NATIONAL_CODE), area_name=pl.lit(NATIONAL_NAME), _node=pl.lit(fam.NATIONAL))
    if spec.area == "national":
        return national.with_columns(_lookup(national, spec, protection, span))
    rows = rows.with_columns(_node=pl.col("area_code"))
    rows = rows.with_columns(_lookup(rows, spec, protection, span))
    if spec.area == "force":
        return rows
    column = spec.area  # region or nom_phase: a sum of forces, shown where all of them are
    attrs = forces.select(area_code=pl.col("code"), group=pl.col(column))
    groups = (rows.join(attrs, on="area_code").group_by(*keys, "group")
              .agg(*sums, pl.col("_hidden").any(), pl.col("_window").all()).rename({"group": column}))
    if protection is None:
        return groups
    national = national.with_columns(_lookup(national, spec, protection, span))
    return _complete(groups, national, keys, spec, threshold)


def _complete(groups: pl.DataFrame, national: pl.DataFrame, keys: list[str], spec: TableSpec,
              threshold: int | None) -> pl.DataFrame:
    """Show the one hidden group of a partition whose England and Wales row is shown.

    Why: the groups of a column (every region, British Transport Police's "National
    (non-territorial)" among them; every NOM phase, BTP in the national roll-out) partition every
    force and BTP, whose sum is the explorer's England and Wales row (the protection's national
    node, BTP included) for the same period, offence and outcome group. Where that row and every
    other group are shown, the hidden one is their difference: anyone can work it out, and showing
    it adds nothing (as ``lookup.derivable`` and the linked families' shown complements). A group
    counts as hidden if the protection or the cell rule hides it, so two hidden groups (BTP's
    among them) show neither; the cell rule still hides a completed group of 1 to threshold - 1.
    """
    total_shown = (national.filter(~(pl.col("_hidden") | _small(national, spec, threshold)))
                   .select(keys).with_columns(_total_shown=pl.lit(True)))
    groups = groups.with_columns(_dark=pl.col("_hidden") | _small(groups, spec, threshold))
    lone = (pl.col("_dark").sum().over(keys) == 1) & pl.col("_total_shown").fill_null(False)
    return (groups.join(total_shown, on=keys, how="left", nulls_equal=True)
            .with_columns(_hidden=pl.col("_hidden") & ~lone).drop("_dark", "_total_shown"))


def _small(table: pl.DataFrame, spec: TableSpec, threshold: int | None) -> pl.Series:
    """Rows the cell rule hides ([c]: a count of 1 to threshold - 1), as :func:`_disclose` does."""
    flags = apply_disclosure(table.select(numerator=pl.col("count").cast(pl.Float64)), tier=spec.tier,
                             threshold=threshold, unit="count")["flag"]
    return flags == CONFIDENTIAL


def _lookup(rows: pl.DataFrame, spec: TableSpec, protection, span: tuple[int, int]) -> list[pl.Series]:
    if protection is None or rows.height == 0:
        return [pl.Series(name, [False] * rows.height, dtype=pl.Boolean) for name in ("_hidden", "_window")]
    offence = pl.col("offence_group") if "offence_group" in rows.columns else pl.lit(spec.offence)
    category = pl.col("outcome_group") if "outcome_group" in rows.columns else pl.lit(fam.ALL)
    look = rows.with_columns(_area=pl.col("_node"), _first=first_quarter_of(spec.grain or "period", span),
                             _last=pl.col("period_end"), _offence=offence, _category=category)
    ref = fam.CountRef(_family(spec))
    return [protection.hidden_rows(look, ref).alias("_hidden"), protection.span_rows(look, ref).alias("_window")]


def _disclose(table: pl.DataFrame, spec: TableSpec, threshold: int | None) -> pl.DataFrame:
    """The cell rules (a count of 1 to threshold - 1 is [c]), then the protection's hidden cells
    ([x] for a window not offered); [u] on a shown count that sums cells the source marked 'data
    not provided'."""
    shown = apply_disclosure(table.with_columns(numerator=pl.col("count").cast(pl.Float64)),
                             tier=spec.tier, threshold=threshold, unit="count")
    hidden = pl.col("_hidden") | (pl.col("flag") == CONFIDENTIAL)
    return shown.with_columns(
        count=pl.when(hidden).then(None).otherwise(pl.col("count")),
        flag=pl.when(hidden & pl.col("_window")).then(pl.lit(NOT_OFFERED)).when(hidden).then(pl.lit(CONFIDENTIAL))
        .when((pl.col("flag") == "") & (pl.col("missing") > 0)).then(pl.lit("[u]"))
        .otherwise(pl.col("flag"))).select(*cube.key_columns(spec), "count", "flag")
