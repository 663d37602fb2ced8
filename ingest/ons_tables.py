"""ONS "Police force area data tables": population and recorded sexual offences by force.

The workbook puts 6-9 title rows above each table, headers carry newlines and ``[note n]`` tags,
suppressed cells hold ``[u1]``/``[x]``/``[z]``, names carry footnote tags and trailing spaces,
and British Transport Police has a row with no area code in Table P1 (stored as ``BTP``). The
43 forces plus BTP must add up to the England and Wales total before anything is written.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import openpyxl
from sqlalchemy import Engine, delete, insert, select, update

from db.protection import protect_release
from db.reference import NATIONAL_CODE, TERRITORIAL_CODES
from db.releases import create_release, finish_release
from db.schema import force_population, ons_force_figures
from ingest import chain, content, files
from ingest.errors import IngestError
from ingest.headers import normalise_header
from ingest.report import LoadReport
from ingest.values import MAX_COUNT

SOURCE = "ons-pfa-tables"
AREA_CODE = re.compile(r"^[EKW]\d{8}$")
MARKER = re.compile(r"^\[[a-z]\d*\]$", re.I)
POPULATION_RANGE = (1_000, 20_000_000)  # City of London has about 8,600 people, the Met about 9 million


def _clean_name(text) -> str:
    return " ".join(re.sub(r"\[[^\]]*\]", " ", str(text or "")).split())


def _sheet(wb, name: str, path: Path):
    for title in wb.sheetnames:
        if title.strip().lower() == name.lower():
            return wb[title]
    raise IngestError(f"sheet '{name}' not found (sheets: {', '.join(s.strip() for s in wb.sheetnames)}); "
                      "is this the ONS Police force area data tables workbook?", file=path)


def _read(ws, path: Path, wanted: dict[str, callable]) -> tuple[list[dict], str]:
    """Rows under the 'Area Code' header, with the wanted columns; and the title (row 1)."""
    rows = ws.iter_rows(values_only=True)
    title, header, at = "", None, 0
    for at, cells in enumerate(rows, start=1):
        if at == 1:
            title = str(cells[0] or "")
        if cells and normalise_header(cells[0]) == "area code":
            header = [normalise_header(c) for c in cells]
            break
    if header is None:
        raise IngestError("no header row starting with 'Area Code'", file=path, sheet=ws.title.strip())
    cols = {}
    for field, test in wanted.items():
        hits = [i for i, h in enumerate(header) if test(h)]
        if len(hits) != 1:
            raise IngestError(f"expected one '{field}' column, found {len(hits)}", file=path,
                              sheet=ws.title.strip(), row=at)
        cols[field] = hits[0]
    out, seen = [], {}
    for n, cells in enumerate(rows, start=at + 1):
        code = str(cells[0] or "").strip()
        name = _clean_name(cells[1] if len(cells) > 1 else "")
        if not code:
            if "british transport police" in name.lower():
                code = "BTP"
            else:
                continue
        elif not AREA_CODE.match(code):
            continue
        rec = {"area_code": code, "area_name": name, "_row": n}
        for field, i in cols.items():
            if field == "area_name":
                continue
            value = cells[i] if i < len(cells) else None
            if isinstance(value, str):
                text = value.strip()
                if MARKER.match(text):
                    rec[field] = (None, text.lower())
                    continue
                raise IngestError("not a number or a marker such as [x]", file=path,
                                  sheet=ws.title.strip(), row=n, column=field, value=value)
            if value is None:
                rec[field] = (None, "[x]")
                continue
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise IngestError("not a number or a marker such as [x]", file=path,
                                  sheet=ws.title.strip(), row=n, column=field, value=value)
            rec[field] = (float(value), None)
        if code in seen:
            raise IngestError(f"{name or code} ({code}) appears twice in the table (also row {seen[code]})",
                              file=path, sheet=ws.title.strip(), row=n, column="Area Code", value=code)
        seen[code] = n
        out.append(rec)
    return out, title


def _check_ranges(path: Path, by1: dict, by3: dict) -> None:
    """Whole numbers in plausible ranges: a population of 0.4 would be stored as 0, 3e9 or 1e300
    would divide every rate by nonsense (or overflow the integer column)."""
    lo, hi = POPULATION_RANGE
    for code in sorted(TERRITORIAL_CODES):
        value = by3[code]["population"][0]
        if value is None or not lo <= value <= hi or value != int(value):
            raise IngestError(f"a force's population must be a whole number from {lo:,} to {hi:,}",
                              file=path, sheet="Table P3", row=by3[code]["_row"], column="population",
                              value=value)
    for r in by1.values():
        value = r["sexual_offences"][0]
        if value is not None and (not 0 <= value <= MAX_COUNT or value != int(value)):
            raise IngestError(f"a count of offences must be a whole number from 0 to {MAX_COUNT:,}",
                              file=path, sheet="Table P1", row=r["_row"], column="sexual_offences",
                              value=value)


def _period(title: str) -> str:
    m = re.search(r"year ending (\w+ \d{4})", title, flags=re.I)
    return f"year ending {m.group(1)}" if m else "unknown period"


def load_ons_tables(engine: Engine, paths: list[Path], progress=None) -> LoadReport:
    if len(paths) != 1:
        raise IngestError("load one ONS Police force area data tables workbook at a time")
    path = paths[0]
    done = chain.already_loaded(engine, paths, source=SOURCE, kind=None)
    if done is not None:
        return LoadReport(SOURCE, None, f"already loaded as release {done} ({path.name}); nothing changed")
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise IngestError("the ONS Police force area data tables are an .xlsx workbook", file=path)
    files.check_workbook(path)
    if progress:
        progress(0.1, f"reading {path.name}")
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # any reader failure means an unreadable file
        raise IngestError(f"cannot be read as xlsx (truncated or not a workbook?): {exc}", file=path) from None
    try:
        p1, title1 = _read(_sheet(wb, "Table P1", path), path, {
            "sexual_offences": lambda h: h == "sexual offences"})
        p3, title3 = _read(_sheet(wb, "Table P3", path), path, {
            "population": lambda h: h.startswith("population"),
            "sexual_offences_rate_per_1000": lambda h: h == "sexual offences"})
        pop_header = next((normalise_header(c.value) for row in _sheet(wb, "Table P3", path).iter_rows(max_row=12)
                           for c in row[2:3] if c.value and "population" in str(c.value).lower()), "")
    finally:
        wb.close()
    period = _period(title1)
    m = re.search(r"mid (\d{4})", pop_header)
    pop_year = int(m.group(1)) if m else None
    if pop_year is None:
        raise IngestError("cannot tell the population year from the Table P3 header", file=path, sheet="Table P3")

    # Validate before writing.
    by1 = {r["area_code"]: r for r in p1}
    by3 = {r["area_code"]: r for r in p3}
    for table, rows in (("Table P1", by1), ("Table P3", by3)):
        missing = sorted(TERRITORIAL_CODES - set(rows))
        if missing:
            raise IngestError(f"forces missing from the table: {', '.join(missing)}", file=path, sheet=table)
    forces_sum = sum(by1[c]["sexual_offences"][0] or 0 for c in TERRITORIAL_CODES)
    btp = by1.get("BTP", {}).get("sexual_offences", (0, None))[0] or 0
    if NATIONAL_CODE in by1 and by1[NATIONAL_CODE]["sexual_offences"][0] is not None:
        total = by1[NATIONAL_CODE]["sexual_offences"][0]
        if abs(forces_sum + btp - total) > 0.5:
            raise IngestError(f"the 43 forces ({forces_sum:,.0f}) plus British Transport Police ({btp:,.0f}) "
                              f"do not add up to the England and Wales total ({total:,.0f})",
                              file=path, sheet="Table P1", row=by1[NATIONAL_CODE]["_row"], column="Sexual offences")
    _check_ranges(path, by1, by3)

    figures = []
    for table, rows, measures in (("Table P1", p1, ("sexual_offences",)),
                                  ("Table P3", p3, ("population", "sexual_offences_rate_per_1000"))):
        for r in rows:
            for measure in measures:
                value, marker = r[measure]
                figures.append({"area_code": r["area_code"], "measure": measure, "area_name": r["area_name"],
                                "period_label": f"mid-{pop_year}" if measure == "population" else period,
                                "value": value, "marker": marker, "source_table": table})
    figures_sha = content.digest(sorted(figures, key=lambda f: (f["source_table"], f["area_code"], f["measure"])))
    if same := content.same_as_head(engine, SOURCE, figures_sha):
        return LoadReport(SOURCE, None, f"already loaded as release {same} (it holds the same figures); "
                                        "nothing changed")
    pop_source = (f"ONS mid-{pop_year} population estimates aggregated to police force areas, rounded to 100; "
                  f"from ONS Police force area data tables, {period}, Table P3 ({path.name})")
    with engine.begin() as conn:
        head = chain.head_release(conn, SOURCE)
        head_id = head.id if head else None
        release_id = create_release(conn, source=SOURCE, label=f"ONS Police force area data tables, {period}",
                                    synthetic=False, files=[path],
                                    parameters={"kind": SOURCE, "sheets": ["Table P1", "Table P3"],
                                                "period": period, "population_year": pop_year,
                                                "title_p1": title1.strip(), "title_p3": title3.strip(),
                                                content.CONTENT_KEY: figures_sha})
        conn.execute(insert(ons_force_figures), [{"release_id": release_id, **f} for f in figures])
        existing = set(conn.execute(select(force_population.c.code)
                                    .where(force_population.c.year == pop_year)).scalars())
        for code in sorted(TERRITORIAL_CODES):
            pop = int(round(by3[code]["population"][0]))
            if code in existing:
                conn.execute(update(force_population).where(force_population.c.code == code,
                                                            force_population.c.year == pop_year)
                             .values(population=pop, source=pop_source))
            else:
                conn.execute(insert(force_population).values(code=code, year=pop_year, population=pop,
                                                             source=pop_source))
        conn.execute(delete(force_population).where(force_population.c.code == "BTP"))
        finish_release(conn, release_id, first_quarter=None, last_quarter=None,
                       row_counts={"ons_force_figures": len(figures), "force_population": 43},
                       supersedes=head_id)
        protect_release(conn, release_id)  # no counts: a run of 0 cells says it was checked
    return LoadReport(
        SOURCE, release_id,
        f"loaded ONS Police force area data tables ({period}) as release {release_id}",
        rows_read=len(p1) + len(p3), rows_kept=len(p1) + len(p3),
        totals_by_year={period: {"sexual offences, 43 forces": forces_sum,
                                 "with British Transport Police": forces_sum + btp},
                        f"mid-{pop_year}": {"population, 43 forces": sum(by3[c]["population"][0] for c in TERRITORIAL_CODES)}},
        superseded=head_id,
        notes=[f"populations for {pop_year} updated for 43 forces (BTP has none)"])
