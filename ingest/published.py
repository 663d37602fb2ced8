"""Parse and validate Home Office open data tables (outcomes and recorded crime by force).

Everything here happens before the database transaction opens: a file is read in full, every
rule is checked, and only a frame that passed all of them is handed to ``chain`` for writing.
Per-value work runs on the distinct values of a column (a few hundred force names, codes and
years), so a million-row file is parsed with vectorised Polars expressions.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from ingest import reference as ref
from ingest import values
from ingest.errors import IngestError
from ingest.headers import OUTCOMES, PRC, HeaderSpec
from ingest.tabular import Sheet, read_table
from ingest.values import clean_code, parse_counts, parse_quarter, parse_year
from metrics.periods import fy_label

ALTERNATE_FILE = "Outcomes for alternate offences"
SEXUAL_GROUP = "sexual offences"
SEXUAL_SUBGROUPS = ("rape offences", "other sexual offences")


@dataclass
class OffenceSeen:
    description: str
    subgroup: str  # rape | other_sexual
    expired: bool


@dataclass
class Parsed:
    kind: str
    facts: pl.DataFrame
    quarters: list[int]
    offences: dict[str, OffenceSeen]
    files: list[dict]
    rows_read: int = 0
    dropped: Counter = field(default_factory=Counter)
    totals_by_year: dict[str, dict[str, float]] = field(default_factory=dict)


def _norm_text(col: str) -> pl.Expr:
    return (pl.col(col).str.to_lowercase().str.replace_all(r"\[[^\]]*\]", " ")
            .str.replace_all(r"[^a-z0-9]+", " ").str.strip_chars())


def _first_bad(data: pl.DataFrame, mask: pl.Expr, sheet: Sheet, *, column: str, value_col: str,
               problem: str) -> None:
    hit = data.filter(mask).head(1)
    if hit.height:
        raise IngestError(problem, file=sheet.file, sheet=sheet.name, row=hit["_row"][0],
                          column=column, value=hit[value_col][0])


def _map_unique(data: pl.DataFrame, col: str, fn, out: str, dtype) -> pl.DataFrame:
    values = data[col].unique().to_list()
    table = {v: fn(v) for v in values}
    return data.with_columns(pl.col(col).replace_strict(table, default=None, return_dtype=dtype).alias(out))


def _sheet_frame(sheet: Sheet, spec: HeaderSpec, lookups: ref.Lookups, parsed: Parsed) -> pl.DataFrame:
    data = sheet.data
    where = {"file": sheet.file, "sheet": sheet.name}
    parsed.rows_read += data.height

    # Forces: classify each distinct name once.
    _first_bad(data, pl.col("force_name").is_null(), sheet, column=spec.label("force_name"),
               value_col="force_name", problem="the force name is empty")
    classes = {n: ref.classify_force(n, lookups) for n in data["force_name"].unique().to_list()}
    unknown = sorted(n for n, (c, _) in classes.items() if c == "unknown")
    if unknown:
        hit = data.filter(pl.col("force_name") == unknown[0]).head(1)
        raise IngestError(
            "force name not recognised: add the spelling to the force aliases (db/reference.py) "
            "if it is a police force", **where, row=hit["_row"][0], column=spec.label("force_name"),
            value=unknown[0])
    data = data.with_columns(
        pl.col("force_name").replace_strict({n: c for n, (c, _) in classes.items()}).alias("_class"),
        pl.col("force_name").replace_strict({n: code for n, (_, code) in classes.items()},
                                            default=None, return_dtype=pl.String).alias("force_code"),
    )
    _first_bad(data, (pl.col("_class") != "not_force") & pl.col("offence_group").is_null()
               & pl.col("offence_subgroup").is_null(), sheet, column=spec.label("offence_group"),
               value_col="offence_group", problem="the offence group and subgroup are empty (is the row cut short?)")
    is_sexual = (_norm_text("offence_group") == SEXUAL_GROUP) | _norm_text("offence_subgroup").is_in(SEXUAL_SUBGROUPS)
    reason = (pl.when(pl.col("_class") == "not_force").then(pl.lit(ref.DROP_NOT_FORCE))
              .when(~is_sexual.fill_null(False)).then(pl.lit(ref.DROP_NOT_SEXUAL))
              .otherwise(None))
    data = data.with_columns(reason.alias("_drop"))
    for why, n in data.group_by("_drop").len().iter_rows():
        if why is not None:
            parsed.dropped[why] += n
    data = data.filter(pl.col("_drop").is_null()).drop("_drop")
    if data.height == 0:
        return data

    data = _map_unique(data, "financial_year", parse_year, "_fy", pl.Int32)
    _first_bad(data, pl.col("_fy").is_null(), sheet, column=spec.label("financial_year"),
               value_col="financial_year",
               problem="not a financial year (expected like 2024/25, 2024-25 or 2024_25)")
    if wrong := sorted(fy for fy in data["_fy"].drop_nulls().unique().to_list() if values.year_problem(fy)):
        _first_bad(data, pl.col("_fy") == wrong[0], sheet, column=spec.label("financial_year"),
                   value_col="financial_year", problem=values.year_problem(wrong[0]))
    if sheet.sheet_fy is not None:
        _first_bad(data, pl.col("_fy") != sheet.sheet_fy, sheet, column=spec.label("financial_year"),
                   value_col="financial_year",
                   problem=f"the year does not match the sheet name '{sheet.name}'")
    data = _map_unique(data, "financial_quarter", parse_quarter, "_fq", pl.Int32)
    _first_bad(data, pl.col("_fq").is_null() | ~pl.col("_fq").is_between(1, 4), sheet,
               column=spec.label("financial_quarter"), value_col="financial_quarter",
               problem="the financial quarter must be 1, 2, 3 or 4")
    data = data.with_columns((pl.col("_fy") * 10 + pl.col("_fq")).alias("quarter"))

    data = _map_unique(data, "offence_code", clean_code, "offence_code", pl.String)
    _first_bad(data, pl.col("offence_code").is_null(), sheet, column=spec.label("offence_code"),
               value_col="offence_code", problem="the offence code is empty")
    _first_bad(data, ~pl.col("offence_code").str.contains(f"^{values.OFFENCE_CODE.pattern}$"), sheet,
               column=spec.label("offence_code"), value_col="offence_code",
               problem="not a Home Office offence code (a number and up to two letters, like 19C)")

    if spec is OUTCOMES:
        data = _outcome_types(data, sheet)
        _first_bad(data, ~pl.col("outcome_type").is_in(sorted(lookups.outcome_types)), sheet,
                   column=spec.label("outcome_type"), value_col="outcome_type",
                   problem="unknown outcome type (the outcome_type table lists the known ones)")
        data = parse_counts(data, "recorded", label=spec.label("recorded"), **where)
        data = parse_counts(data, "closed", label=spec.label("closed"), **where)
        if "offence_code_expired" in data.columns:
            flag = pl.col("offence_code_expired").str.strip_chars().str.to_lowercase()
            _first_bad(data, flag.is_not_null() & (flag != "") & (flag != "x"), sheet,
                       column=spec.label("offence_code_expired"), value_col="offence_code_expired",
                       problem="the expired flag must be 'x' or blank")
            data = data.with_columns((flag == "x").fill_null(False).alias("_expired"))
        else:
            data = data.with_columns(pl.lit(False).alias("_expired"))
    else:
        data = parse_counts(data, "count", label=spec.label("count"), **where)
        data = data.with_columns(pl.lit(False).alias("_expired"))
    return data


def _outcome_types(data: pl.DataFrame, sheet: Sheet) -> pl.DataFrame:
    def parse(v):
        m = re.fullmatch(r"\s*(\d+)(?:\.0+)?\s*", str(v or ""))
        return int(m.group(1)) if m else None

    data = _map_unique(data, "outcome_type", parse, "_type", pl.Int16)
    hit = data.filter(pl.col("_type").is_null()).head(1)
    if hit.height:
        value = hit["outcome_type"][0]
        if re.fullmatch(r"\s*\d+\s*[a-z]+\s*", str(value or ""), flags=re.I):
            problem = (f"outcome sub-types such as '{value}' come from the '{ALTERNATE_FILE}' file; "
                       "they are already inside types 1, 2 and 3, so loading them would double-count. "
                       "Load the main outcomes open data table instead")
        else:
            problem = "the outcome type must be a whole number from 0 to 22"
        raise IngestError(problem, file=sheet.file, sheet=sheet.name, row=hit["_row"][0],
                          column=OUTCOMES.label("outcome_type"), value=value)
    return data.drop("outcome_type").rename({"_type": "outcome_type"})


def _check_duplicates(all_rows: pl.DataFrame, keys: list[str], where: list[tuple[Path, str | None]]) -> None:
    dup = all_rows.filter(pl.struct(keys).is_duplicated()).sort([*keys, "_src", "_row"]).head(2)
    if dup.height:
        a, b = dup.row(0, named=True), dup.row(1, named=True)
        file, sheet = where[a["_src"]]
        other = where[b["_src"]]
        other_at = f"row {b['_row']}" + ("" if b["_src"] == a["_src"] else f" of {other[0].name}")
        raise IngestError(
            f"duplicate row: the same force, quarter and offence{' and outcome type' if 'outcome_type' in keys else ''} "
            f"appear again at {other_at}", file=file, sheet=sheet, row=a["_row"],
            value=" / ".join(str(a[k]) for k in keys))


def _label(col: str) -> str:
    field = col.removesuffix("_count")
    return (OUTCOMES if field in OUTCOMES.synonyms else PRC).label(field)


def _check_annual(kept: pl.DataFrame, keys: list[str], count_cols: list[str],
                  where: list[tuple[Path, str | None]]) -> None:
    """Quarterly corrections can be negative; a whole year for one force and offence cannot."""
    annual_keys = [k for k in keys if k != "quarter"] + ["_fy"]
    full_years = (kept.group_by("_fy").agg(pl.col("quarter").n_unique().alias("_n"))
                  .filter(pl.col("_n") == 4)["_fy"].to_list())
    kept = kept.filter(pl.col("_fy").is_in(full_years))  # a part-year file has no annual total
    for col in count_cols:
        sums = kept.group_by(annual_keys).agg(pl.col(col).sum().alias("_sum"),
                                              pl.col("_src").first(), pl.col("_row").min())
        bad = sums.filter(pl.col("_sum") < 0).sort("_row").head(1)
        if bad.height:
            r = bad.row(0, named=True)
            file, sheet = where[r["_src"]]
            raise IngestError(
                f"negative annual total {r['_sum']} for {r['force_code']}, offence {r['offence_code']}"
                + (f", outcome type {r['outcome_type']}" if "outcome_type" in r else "")
                + f" in {fy_label(r['_fy'])}: quarterly corrections may be negative, "
                "a year's total may not", file=file, sheet=sheet, row=r["_row"], column=_label(col))


def _check_totals(totals: pl.DataFrame, kept: pl.DataFrame, keys: list[str], count_cols: list[str],
                  territorial: frozenset[str], where: list[tuple[Path, str | None]]) -> None:
    """England and Wales rows, where a file carries them, must equal the sum of its forces."""
    group = [k for k in keys if k != "force_code"]
    for col in count_cols:
        all_forces = kept.group_by(group).agg(pl.col(col).sum().alias("_all"),
                                              pl.col(col).filter(pl.col("force_code").is_in(list(territorial))).sum().alias("_terr"))
        joined = totals.filter(pl.col(col).is_not_null()).join(all_forces, on=group, how="left")
        bad = joined.filter((pl.col(col) != pl.col("_all").fill_null(0)) & (pl.col(col) != pl.col("_terr").fill_null(0))).head(1)
        if bad.height:
            r = bad.row(0, named=True)
            file, sheet = where[r["_src"]]
            raise IngestError(f"the total {r[col]} does not equal the sum of the forces "
                              f"({r['_all'] or 0})", file=file, sheet=sheet, row=r["_row"], column=_label(col))


def parse_files(kind: str, paths: list[Path], lookups: ref.Lookups, progress=None) -> Parsed:
    spec = OUTCOMES if kind == "outcomes" else PRC
    parsed = Parsed(kind, pl.DataFrame(), [], {}, [])
    frames, where = [], []
    for n, path in enumerate(paths):
        if progress:
            progress(0.05 + 0.3 * n / len(paths), f"reading {path.name}")
        sheets = read_table(path, spec)
        details = {"file": path.name, "sheets": []}
        for sheet in sheets:
            frame = _sheet_frame(sheet, spec, lookups, parsed)
            details["sheets"].append({"name": sheet.name, "rows": sheet.data.height})
            if frame.height:
                frames.append(frame.with_columns(pl.lit(len(where), dtype=pl.Int32).alias("_src")))
            where.append((path, sheet.name))
        parsed.files.append(details)
    if not frames:
        raise IngestError(f"no rows for sexual offences in any territorial force (dropped: "
                          f"{dict(parsed.dropped) or 'nothing'})", file=paths[0])
    if progress:
        progress(0.4, "validating")
    count_cols = ["recorded_count", "closed_count"] if kind == "outcomes" else ["count_count"]
    keys = ["force_code", "quarter", "offence_code"] + (["outcome_type"] if kind == "outcomes" else [])
    common = ["_src", "_row", "_class", "_fy", "_expired", "offence_description", "offence_subgroup",
              *keys, *count_cols, *[c.replace("_count", "_reason") for c in count_cols]]
    rows = pl.concat([f.select(common) for f in frames])
    totals = rows.filter(pl.col("_class") == "total")
    kept = rows.filter(pl.col("_class") == "force")
    if totals.height:
        parsed.dropped[ref.DROP_TOTAL] += totals.height
        _check_duplicates(totals, [k for k in keys if k != "force_code"], where)
        _check_totals(totals, kept, keys, count_cols, lookups.territorial, where)
    _check_duplicates(kept, keys, where)
    _check_annual(kept, keys, count_cols, where)
    _collect_offences(kept, parsed, lookups)

    if kind == "outcomes":
        base = ["force_code", "quarter", "offence_code", "outcome_type"]
        facts = pl.concat([
            kept.select(*base, pl.lit(basis).alias("basis"), pl.col(f"{basis}_count").alias("count"),
                        pl.col(f"{basis}_reason").alias("missing_reason"))
            for basis in ("recorded", "closed")
        ])
    else:
        facts = kept.select("force_code", "quarter", "offence_code", pl.col("count_count").alias("count"),
                            pl.col("count_reason").alias("missing_reason"))
    parsed.facts = facts.with_columns(pl.col("quarter").cast(pl.Int32))
    parsed.quarters = sorted(kept["quarter"].unique().to_list())
    for fy, *sums in kept.group_by("_fy").agg(pl.col(c).sum() for c in count_cols).sort("_fy").iter_rows():
        label = fy_label(fy)
        names = ["outcomes (recorded basis)", "outcomes (closed basis)"] if kind == "outcomes" else ["offences"]
        parsed.totals_by_year[label] = dict(zip(names, sums, strict=True))
    by_file = kept.group_by("_src").agg(pl.col("quarter").min().alias("first"), pl.col("quarter").max().alias("last"))
    periods = {w: (f, la) for w, f, la in by_file.iter_rows()}
    for details in parsed.files:
        srcs = [i for i, (p, _) in enumerate(where) if p.name == details["file"]]
        spans = [periods[i] for i in srcs if i in periods]
        details["first_quarter"] = min((s[0] for s in spans), default=None)
        details["last_quarter"] = max((s[1] for s in spans), default=None)
    return parsed


def _collect_offences(kept: pl.DataFrame, parsed: Parsed, lookups: ref.Lookups) -> None:
    info = kept.group_by("offence_code").agg(
        pl.col("offence_description").drop_nulls().first(),
        pl.col("offence_subgroup").drop_nulls().first(),
        pl.col("_expired").any(),
    )
    for code, desc, subgroup, expired in info.iter_rows():
        sub = "rape" if "rape" in str(subgroup or "").lower() else "other_sexual"
        known = lookups.offences.get(code)
        parsed.offences[code] = OffenceSeen(
            description=(desc or (known[0] if known else code)).strip(),
            subgroup=known[1] if known else sub,
            expired=bool(expired),
        )
