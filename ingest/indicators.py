"""The force management-information template for pillar indicators that public data lacks.

One row per force x quarter x indicator with a numerator and a denominator, so that the
dashboard computes every rate itself (with intervals and disclosure control) rather than trusting
a pre-computed percentage. Indicator ids are the metric ids in ``metrics.registry``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl
from sqlalchemy import Engine

from ingest import chain, content, files
from ingest import reference as ref
from ingest.errors import IngestError
from ingest.headers import normalise_header
from ingest.report import LoadReport
from ingest.values import MAX_COUNT, year_problem
from metrics.periods import PeriodError, fy_label, parse_quarter_label, quarter_label
from metrics.registry import INDICATOR_IDS, metric

COLUMNS = ("force_code", "force_name", "quarter", "indicator", "numerator", "denominator")
REQUIRED = ("quarter", "indicator", "numerator", "denominator")


def indicator_template_csv() -> str:
    """Header plus two example rows (the numbers are examples, not data)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerow(["E23000036", "Avon and Somerset", "2024-25 Q1", "isva_referral_rate", 412, 655])
    writer.writerow(["E23000036", "Avon and Somerset", "2024-25 Q1", "device_return_28d_rate", 37, 58])
    return out.getvalue()


def _quarter(text: str) -> int | None:
    try:
        return parse_quarter_label(text)
    except PeriodError:
        return None


def parse_indicators(path: Path, lookups: ref.Lookups) -> pl.DataFrame:
    if path.suffix.lower() != ".csv":
        raise IngestError("the indicators template is a CSV file", file=path)
    try:
        rows = list(csv.reader(io.StringIO(files.read_text(path), newline="")))
    except csv.Error as exc:
        raise IngestError(f"not a well-formed CSV ({exc})", file=path) from None
    if not rows:
        raise IngestError("the file is empty", file=path)
    header = [normalise_header(h).replace(" ", "_") for h in rows[0]]
    for h, raw in zip(header, rows[0], strict=True):
        if h and h not in COLUMNS:
            raise IngestError(f"unknown column (the template's columns are {', '.join(COLUMNS)})",
                              file=path, row=1, column=raw)
    twice = sorted({h for h in header if h and header.count(h) > 1})
    if twice:
        raise IngestError("a column appears twice in the header", file=path, row=1, column=twice[0])
    missing = [c for c in REQUIRED if c not in header]
    if missing or ("force_code" not in header and "force_name" not in header):
        raise IngestError(f"missing column(s) {', '.join(missing) or 'force_code or force_name'}",
                          file=path, row=1)
    out, seen = [], {}
    for n, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise IngestError(f"{len(cells)} fields where the header has {len(header)} (truncated file?)",
                              file=path, row=n)
        rec = dict(zip(header, (c.strip() for c in cells), strict=True))
        code = rec.get("force_code") or ""
        name = rec.get("force_name") or ""
        if code and code not in lookups.force_codes:
            raise IngestError("unknown force code", file=path, row=n, column="force_code", value=code)
        if name:
            kind, by_name = ref.classify_force(name, lookups)
            if kind != "force":
                raise IngestError("force name not recognised", file=path, row=n, column="force_name", value=name)
            if code and by_name != code:
                raise IngestError(f"force name and code disagree (the name means {by_name})",
                                  file=path, row=n, column="force_name", value=name)
            code = by_name
        if not code:
            raise IngestError("no force code or name", file=path, row=n)
        quarter = _quarter(rec["quarter"])
        if quarter is None:
            raise IngestError("not a quarter (write it like 2024-25 Q1)", file=path, row=n,
                              column="quarter", value=rec["quarter"])
        if why := year_problem(quarter // 10):
            raise IngestError(why, file=path, row=n, column="quarter", value=rec["quarter"])
        ind = rec["indicator"]
        if ind not in INDICATOR_IDS:
            raise IngestError(f"unknown indicator (one of {', '.join(INDICATOR_IDS)})", file=path, row=n,
                              column="indicator", value=ind)
        values = {}
        for col in ("numerator", "denominator"):
            text = rec[col].replace(",", "")
            if text == "" or text.lower() in ("na", "n/a", ":", "[x]"):
                values[col] = None
                continue
            try:
                values[col] = float(text)
            except ValueError:
                raise IngestError("not a number", file=path, row=n, column=col, value=rec[col]) from None
            if not 0 <= values[col] <= MAX_COUNT:  # NaN fails both comparisons
                raise IngestError(f"must be a number from 0 to {MAX_COUNT:,}", file=path, row=n,
                                  column=col, value=rec[col])
        num, den = values["numerator"], values["denominator"]
        if metric(ind).is_proportion and num is not None and den is not None and num > den:
            raise IngestError("numerator is larger than the denominator of a proportion", file=path,
                              row=n, column="numerator", value=rec["numerator"])
        key = (code, quarter, ind)
        if key in seen:
            raise IngestError(f"duplicate row: the same force, quarter and indicator are on row {seen[key]}",
                              file=path, row=n)
        seen[key] = n
        out.append({"force_code": code, "quarter": quarter, "indicator": ind,
                    "numerator": num, "denominator": den})
    if not out:
        raise IngestError("no data rows under the header", file=path)
    return pl.DataFrame(out, schema={"force_code": pl.String, "quarter": pl.Int32, "indicator": pl.String,
                                     "numerator": pl.Float64, "denominator": pl.Float64})


def load_indicators(engine: Engine, paths: list[Path], progress=None) -> LoadReport:
    done = chain.already_loaded(engine, paths, source=chain.PUBLISHED, kind="indicators")
    if done is not None:
        return LoadReport("indicators", None, f"already loaded as release {done} (the same file); nothing changed")
    lookups = ref.read_lookups(engine)
    frames = [parse_indicators(p, lookups) for p in paths]
    rows = pl.concat(frames)
    dup = rows.filter(pl.struct("force_code", "quarter", "indicator").is_duplicated()).head(1)
    if dup.height:
        raise IngestError("the same force, quarter and indicator appear in two files",
                          value=" / ".join(str(v) for v in dup.row(0)))
    if same := content.indicators_held(engine, rows):
        return LoadReport("indicators", None, f"already loaded as release {same} (it holds the same "
                                              "figures for these forces, quarters and indicators); nothing changed")
    quarters = sorted(rows["quarter"].unique().to_list())
    span = f"{quarter_label(quarters[0])} to {quarter_label(quarters[-1])}"
    label = f"Force MI indicators: {', '.join(p.name for p in paths)} ({span})"
    files = [{"file": p.name, "rows": f.height, "indicators": sorted(f["indicator"].unique().to_list())}
             for p, f in zip(paths, frames, strict=True)]
    release_id, old, revisions = chain.write_snapshot(
        engine, kind="indicators", paths=paths, rows=rows, label=label,
        parameters={"files": files, "quarters": quarters},
        keys=rows.select("force_code", "quarter", "indicator"), progress=progress)
    totals = {}
    for q in quarters:
        totals.setdefault(fy_label(q // 10), {"rows": 0})["rows"] += rows.filter(rows["quarter"] == q).height
    return LoadReport("indicators", release_id, f"loaded force indicators ({span}) as release {release_id}",
                      rows_read=rows.height, rows_kept=rows.height, totals_by_year=totals,
                      revisions=revisions, superseded=old)
