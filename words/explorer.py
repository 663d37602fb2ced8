"""The data explorer's words: what the table is, when it is mostly hidden, and how to rebuild it.

Why here: the command line and the Polars snippet under the table must rebuild exactly the table
shown, so they are generated from the same spec the page queried with, never typed by hand.
"""

from __future__ import annotations

import shlex

import polars as pl

from metrics.disclosure import CONFIDENTIAL, NOT_AVAILABLE
from metrics.explorer_spec import BASIS_WORDS, COUNT_MEASURES, DIMENSIONS, TableSpec, command_args
from metrics.offence_groups import OFFENCE_GROUPS
from metrics.registry import METRICS_BY_ID
from words.tables import display_frame

MOSTLY_HIDDEN = 0.5
"""Above this share of rows hidden, the page says so and suggests a coarser table."""
COARSER = {"quarter": "year", "rolling": "year", "force": "region", "region": "national",
           "nom_phase": "national", "offence_code": "offence_group", "outcome_type": "outcome_group"}


def row_count(table: pl.DataFrame) -> str:
    """'120 rows, 30 of them hidden ([c])', and periods the public view does not offer ([x])."""
    flags = table["flag"] if "flag" in table.columns else pl.Series([], dtype=pl.String)
    hidden, unoffered = (flags == CONFIDENTIAL).sum(), (flags == NOT_AVAILABLE).sum()
    parts = [f"{table.height:,} row{'' if table.height == 1 else 's'}"]
    if hidden:
        parts.append(f"{hidden:,} of them hidden ([c])")
    if unoffered:
        parts.append(f"{unoffered:,} not available ([x]: periods over a hidden quarter that are not quarters, "
                     "financial years or the headline twelve months are not offered "
                     "in the public view)")
    return ", ".join(parts)


def mostly_hidden_advice(spec: TableSpec, hidden_share: float) -> str | None:
    """Advice when most rows are hidden: which coarser dimension would show more ('' none left)."""
    if hidden_share <= MOSTLY_HIDDEN:
        return None
    swaps = [f"{DIMENSIONS[d].words} -> {DIMENSIONS[COARSER[d]].words}" for d in spec.by if d in COARSER]
    tip = ("try a coarser table: " + "; ".join(swaps)) if swaps else "try a wider offence group or a longer span"
    return (f"{hidden_share:.0%} of these rows are hidden by disclosure control (their counts are small, or would "
            f"give a small count back); {tip}.")


def command_line(spec: TableSpec, release_id: int, fmt: str = "csv") -> str:
    """The shell command that writes this table (quoted for a POSIX shell)."""
    out = ["-o", f"table.{fmt}"] if fmt != "csv" else []
    return shlex.join(["rasso", *command_args(spec, release_id, fmt), *out])


def polars_snippet(spec: TableSpec, release_id: int) -> str:
    """Python that rebuilds the table as a Polars frame from the same release and database."""
    fields = [f"measure={spec.measure!r}", f"by={spec.by!r}", f"offence={spec.offence!r}"]
    if spec.measure == "outcomes":
        fields.append(f"basis={spec.basis!r}")
    fields += [f"{k}={v!r}" for k, v in (("start", spec.start), ("end", spec.end)) if v]
    if spec.filters:
        fields.append(f"filters={spec.filters!r}")
    if spec.tier != "public":
        fields.append(f"tier={spec.tier!r}")
    return "\n".join([
        "# run in the dashboard's folder; RASSO_DB_URL names the database (default: rasso.sqlite)",
        "from db.engine import make_engine",
        "from metrics.explorer_spec import TableSpec",
        "from queries.explorer import explore",
        "",
        f"spec = TableSpec({', '.join(fields)})",
        f"table = explore(make_engine(), spec, release_id={release_id}).table  # a polars.DataFrame",
        "print(table)",
    ])


def _number(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"


def chart_summary(frame: pl.DataFrame, kind: str, value: str) -> str:
    """One or two sentences on what the chart draws: its series and where each ends."""
    shown = frame.filter(pl.col(value).is_not_null())
    hidden = frame.height - shown.height
    tail = (f" {hidden:,} hidden figure{'s are' if hidden != 1 else ' is'} left out ([c] or [x] in the table)."
            if hidden else "")
    if shown.height == 0:
        return "Every figure of this table is hidden, so nothing is drawn." + tail
    if kind == "bar":
        top = shown.sort(value, descending=True).row(0, named=True)
        return (f"{shown.height:,} bars, one per row; the largest is {top['series']} at {_number(top[value])}."
                + tail)
    parts = []
    for name, rows in shown.sort("period_end").group_by("series", maintain_order=True):
        last = rows.row(rows.height - 1, named=True)
        parts.append(f"{name[0]}: {_number(last[value])} in {last['period']}")
    return f"{len(parts)} line{'s' if len(parts) != 1 else ''}, latest shown figure of each: {'; '.join(parts)}." + tail


SCREEN_NAMES = {
    "period": "Period", "period_end": "Period end (code)", "area_code": "Area code", "area_name": "Area",
    "region": "Region", "nom_phase": "NOM phase", "offence_group": "Offence group", "offence_code": "Offence code",
    "offence_description": "Offence", "outcome_group": "Outcome group", "outcome_type": "Outcome type",
    "outcome_description": "Outcome", "victim_age_band": "Victim age band", "victim_sex": "Victim sex",
    "relationship": "Relationship", "count": "Count", "numerator": "Numerator", "denominator": "Denominator",
    "value": "Value", "lower": "95% interval lower", "upper": "95% interval upper", "flag": "Symbol",
}


def screen_table(table: pl.DataFrame, spec: TableSpec) -> pl.DataFrame:
    """The rows as people read them: numbers formatted with the symbol in place of a hidden one,
    offence groups by name, plain headers (files keep the machine names of the dictionary)."""
    unit = METRICS_BY_ID[spec.measure].unit if spec.is_metric else "count"
    shown = display_frame(table, unit)
    if "offence_group" in shown.columns:
        shown = shown.with_columns(pl.col("offence_group").replace({g.id: g.label for g in OFFENCE_GROUPS.values()}))
    return shown.rename({c: SCREEN_NAMES[c] for c in shown.columns if c in SCREEN_NAMES})


def value_title(spec: TableSpec) -> str:
    """The value axis of the explorer's chart."""
    if spec.is_metric:
        m = METRICS_BY_ID[spec.measure]
        return f"{m.label} ({m.unit.replace('_', ' ')})"
    return {"outcomes": "Outcomes", "recorded": "Offences recorded", "cases": "Cases"}[spec.measure]


def describe(spec: TableSpec) -> str:
    """The table in words: 'Outcomes assigned (investigations closed in the period) by police
    force, financial year and outcome group'."""
    if spec.is_metric:
        measure = METRICS_BY_ID[spec.measure].label
    else:
        measure = COUNT_MEASURES[spec.measure]
        measure += f" ({BASIS_WORDS[spec.basis]})" if spec.measure == "outcomes" else ""
    by = [DIMENSIONS[d].words for d in spec.by]
    joined = ", ".join(by[:-1]) + (" and " if len(by) > 1 else "") + by[-1] if by else ""
    return f"{measure} by {joined}" if by else measure
