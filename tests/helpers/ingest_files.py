"""Writers of test files in the Home Office published layouts (xlsx, ods, csv), quirks included.

The rows are built here as plain dicts keyed by field; each layout maps fields to one year's
header spelling. Tests compute their expected totals from these rows with their own simple rules,
never through the loader's code.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pandas as pd
import xlsxwriter

OUTCOME_FIELDS = ("financial_year", "financial_quarter", "force_name", "offence_code", "offence_description",
                  "offence_group", "offence_subgroup", "offence_code_expired", "outcome_type",
                  "outcome_description", "outcome_group", "recorded", "closed")

# Header spellings seen in different years (shared/domain.md 5.3 and PROVENANCE.md).
OUTCOMES_2026 = dict(zip(OUTCOME_FIELDS, (
    "Financial Year", "Financial Quarter", "Force Name", "Offence Code", "Offence Description",
    "Offence Group", "Offence Subgroup", "Offence code expired", "Outcome Type", "Outcome Description",
    "Outcome Group", "Outcomes for offences that were recorded in the quarter",
    "Outcomes for investigations closed in the quarter"), strict=True))
OUTCOMES_OLDER = {**OUTCOMES_2026, "offence_code_expired": "Offence Code Expired",
                  "recorded": "Number of Outcomes for offences that were recorded in the quarter",
                  "closed": "Number of Outcomes for investigations that were closed in the quarter"}
OUTCOMES_PROVENANCE = {**{k: v.upper() for k, v in OUTCOMES_2026.items()},
                       "recorded": "Force outcomes for offences\nrecorded in quarter [note 3]",
                       "closed": "Force  outcomes recorded in quarter"}
PRC_FIELDS = ("financial_year", "financial_quarter", "force_name", "offence_description", "offence_group",
              "offence_subgroup", "offence_code", "count")
PRC_HEADERS = dict(zip(PRC_FIELDS, ("Financial Year", "Financial Quarter", "Force Name", "Offence Description",
                                    "Offence Group", "Offence Subgroup", "Offence Code", "Number of Offences"),
                       strict=True))

# Spellings as the files carry them -> the ONS code the test expects.
FORCES = {
    "Avon and Somerset": "E23000036",
    "Leicestershire [note 4]": "E23000021",
    "Metropolitan Police ": "E23000001",
    "London, City of": "E23000034",
    "Devon & Cornwall": "E23000035",
    "Dyfed Powys": "W15000004",
    "British Transport Police": "BTP",
}
NOT_FORCES = ("Action Fraud", "CIFAS", "UK Finance")
OFFENCES = (  # code (as a cell value), description, subgroup
    ("19C", "Rape of a female aged 16 and over", "Rape offences"),
    ("19D", "Rape of a female child under 16", "Rape offences"),
    (21, "Sexual activity involving a child under 13", "Other sexual offences"),
    ("88E", "Exposure and voyeurism", "Other sexual offences"),
)
EXPIRED = ("88D", "Unnatural sexual offences", "Other sexual offences")
# A hypothetical new code (the real Online Safety Act codes are not verified, domain.md 4.2).
NEW_CODE = ("88Z", "Sharing or threatening to share intimate images of a person aged 16 and over",
            "Other sexual offences")
OUTCOME_TYPES = {0: "Not yet assigned an outcome", 1: "Charged/Summonsed",
                 14: "Evidential difficulties: suspect not identified; victim does not support further action",
                 16: "Evidential difficulties: suspect identified; victim does not support further action",
                 18: "Investigation complete - no suspect identified"}


def fy_text(fy: int, style: str = "/") -> str:
    return f"{fy}{style}{(fy + 1) % 100:02d}"


def outcome_rows(fy: int, quarters=(1, 2, 3, 4), *, seed: int = 1, scale: int = 1) -> list[dict]:
    """Rows of one financial year with every quirk of the published outcomes tables."""
    rng = random.Random(seed * 1000 + fy)
    rows = []
    for q in quarters:
        for name in FORCES:
            for code, desc, sub in OFFENCES:
                for t, tdesc in OUTCOME_TYPES.items():
                    rec = rng.randint(0, 40) * scale
                    closed = rng.randint(0, 40) * scale
                    row = {"financial_year": fy_text(fy), "financial_quarter": q, "force_name": name,
                           "offence_code": code, "offence_description": desc, "offence_group": "Sexual offences",
                           "offence_subgroup": sub, "offence_code_expired": None, "outcome_type": t,
                           "outcome_description": tdesc, "outcome_group": tdesc[:20], "recorded": rec,
                           "closed": closed}
                    if t == 0:
                        row["closed"] = "N/A"  # bare N/A in the closed basis for outcome 0
                        row["recorded"] = 0 if code == "19D" else rec  # integer zero kept as zero
                    rows.append(row)
            # expired code: flag x, "N/A - Offence code expired" in the recorded column
            rows.append({"financial_year": fy_text(fy), "financial_quarter": q, "force_name": name,
                         "offence_code": EXPIRED[0], "offence_description": EXPIRED[1],
                         "offence_group": "Sexual offences", "offence_subgroup": EXPIRED[2],
                         "offence_code_expired": "x", "outcome_type": 1, "outcome_description": "Charged",
                         "outcome_group": "Charged", "recorded": "N/A - Offence code expired", "closed": 2})
            rows.append({"financial_year": fy_text(fy), "financial_quarter": q, "force_name": name,
                         "offence_code": NEW_CODE[0], "offence_description": NEW_CODE[1],
                         "offence_group": "Sexual offences", "offence_subgroup": NEW_CODE[2],
                         "offence_code_expired": None, "outcome_type": 18, "outcome_description": "No suspect",
                         "outcome_group": "No suspect", "recorded": 3, "closed": 4})
        for name in NOT_FORCES:  # dropped: not territorial forces
            rows.append({"financial_year": fy_text(fy), "financial_quarter": q, "force_name": name,
                         "offence_code": "53A", "offence_description": "Fraud", "offence_group": "Fraud offences",
                         "offence_subgroup": "Fraud", "offence_code_expired": "x", "outcome_type": 19,
                         "outcome_description": "NFIB filed", "outcome_group": "NFIB", "recorded": ":",
                         "closed": ":"})
        rows.append({"financial_year": fy_text(fy), "financial_quarter": q, "force_name": "Avon and Somerset",
                     "offence_code": "8N", "offence_description": "Assault with injury",
                     "offence_group": "Violence against the person", "offence_subgroup": "Violence with injury",
                     "offence_code_expired": None, "outcome_type": 1, "outcome_description": "Charged",
                     "outcome_group": "Charged", "recorded": 120, "closed": 130})  # dropped: not sexual
    # markers: blank, ':', data not provided, [u1]; and a negative quarterly correction
    quirks = [("recorded", None), ("closed", ":"), ("recorded", "N/A - data not provided"),
              ("closed", "n/a - DATA NOT PROVIDED"), ("recorded", "[u1]"), ("closed", "NA")]
    for (col, value), row in zip(quirks, rows[5:], strict=False):
        row[col] = value
    target = next(r for r in rows if r["outcome_type"] == 14 and r["financial_quarter"] == quarters[0]
                  and r["force_name"] == "Avon and Somerset")
    target["recorded"] = -2
    for r in rows:  # keep the annual total of that key non-negative
        if (r["outcome_type"], r["force_name"], r["offence_code"]) == (14, "Avon and Somerset", target["offence_code"]) \
                and r is not target:
            r["recorded"] = 10
    return rows


def prc_rows(fy: int, quarters=(1, 2, 3, 4), *, seed: int = 2) -> list[dict]:
    rng = random.Random(seed * 1000 + fy)
    rows = []
    for q in quarters:
        for name in FORCES:
            for code, desc, sub in (*OFFENCES, NEW_CODE):
                rows.append({"financial_year": fy_text(fy, "/"), "financial_quarter": q, "force_name": name,
                             "offence_description": desc, "offence_group": "Sexual offences",
                             "offence_subgroup": sub, "offence_code": code, "count": rng.randint(0, 300)})
        for name in NOT_FORCES:
            rows.append({"financial_year": fy_text(fy), "financial_quarter": q, "force_name": name,
                         "offence_description": "Fraud", "offence_group": "Fraud offences",
                         "offence_subgroup": "Fraud", "offence_code": "53A", "count": 0})
        rows.append({"financial_year": fy_text(fy), "financial_quarter": q, "force_name": "Dyfed Powys",
                     "offence_description": "Burglary", "offence_group": "Burglary", "offence_subgroup": "Burglary",
                     "offence_code": "28E", "count": 50})
    rows[3]["count"] = -1  # a negative correction in one quarter
    rows[4]["count"] = ":"
    return rows


# --- what the tests expect, by their own reading of the rows ---------------------------------------

def kept(rows: list[dict]) -> list[dict]:
    return [r for r in rows if r["force_name"] in FORCES and r["offence_group"] == "Sexual offences"]


def as_count(value):
    return value if isinstance(value, int) else None


def total(rows: list[dict], field: str) -> int:
    return sum(as_count(r[field]) or 0 for r in kept(rows))


# --- writers -------------------------------------------------------------------------------------

def _table(rows: list[dict], headers: dict[str, str]) -> list[list]:
    return [list(headers.values())] + [[r.get(f) for f in headers] for r in rows]


def write_csv(path: Path, rows: list[dict], headers: dict[str, str]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        for line in _table(rows, headers):
            w.writerow(["" if v is None else v for v in line])
    return path


def write_xlsx(path: Path, sheets: dict[str, tuple[list[dict], dict[str, str]]], *, cover: bool = True,
               title_rows: int = 0) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    if cover:
        ws = wb.add_worksheet("Cover_sheet")
        ws.write(0, 0, "Police recorded crime outcomes open data tables (test copy)")
        wb.add_worksheet("Notes").write(0, 0, "Note 1: test")
    for name, (rows, headers) in sheets.items():
        ws = wb.add_worksheet(name)
        for i in range(title_rows):
            ws.write(i, 0, f"Title line {i + 1}")
        for i, line in enumerate(_table(rows, headers), start=title_rows):
            for j, v in enumerate(line):
                if v is not None:
                    ws.write(i, j, v)
    wb.close()
    return path


def write_ods(path: Path, sheets: dict[str, tuple[list[dict], dict[str, str]]]) -> Path:
    with pd.ExcelWriter(path, engine="odf") as writer:
        pd.DataFrame({"Notes": ["Test copy in the published layout"]}).to_excel(writer, sheet_name="Notes",
                                                                                index=False)
        for name, (rows, headers) in sheets.items():
            table = _table(rows, headers)
            pd.DataFrame(table[1:], columns=table[0], dtype=object).to_excel(writer, sheet_name=name,
                                                                             index=False)
    return path


def big_outcomes_csv(path: Path, n_rows: int, *, first_fy: int = 2015, seed: int = 3) -> Path:
    """A large outcomes CSV in the 2026 layout (for the benchmark and the kill test)."""
    import numpy as np
    import polars as pl

    from db.reference import FORCES as REF_FORCES
    from db.reference import OFFENCES as REF_OFFENCES

    forces = [f.name for f in REF_FORCES] + ["British Transport Police"]
    types = list(range(0, 23))
    per_quarter = len(forces) * len(REF_OFFENCES) * len(types)
    quarters = -(-n_rows // per_quarter)
    rng = np.random.default_rng(seed)
    q_idx = np.repeat(np.arange(quarters), per_quarter)[:n_rows]
    rest = np.tile(np.arange(per_quarter), quarters)[:n_rows]
    f_idx = rest // (len(REF_OFFENCES) * len(types))
    o_idx = (rest // len(types)) % len(REF_OFFENCES)
    t_idx = rest % len(types)
    fy = first_fy + q_idx // 4
    offences = pl.DataFrame(REF_OFFENCES, schema=["code", "desc", "sub", "band"], orient="row")
    frame = pl.DataFrame({
        "Financial Year": [f"{y}/{(y + 1) % 100:02d}" for y in range(first_fy, first_fy + quarters // 4 + 1)],
    })
    years = frame["Financial Year"].to_numpy()
    out = pl.DataFrame({
        "Financial Year": years[fy - first_fy],
        "Financial Quarter": q_idx % 4 + 1,
        "Force Name": np.array(forces)[f_idx],
        "Offence Code": offences["code"].to_numpy()[o_idx],
        "Offence Description": offences["desc"].to_numpy()[o_idx],
        "Offence Group": "Sexual offences",
        "Offence Subgroup": np.where(offences["sub"].to_numpy()[o_idx] == "rape", "Rape offences",
                                     "Other sexual offences"),
        "Offence code expired": "",
        "Outcome Type": np.array(types)[t_idx],
        "Outcome Description": "description",
        "Outcome Group": "group",
        "Outcomes for offences that were recorded in the quarter": rng.integers(0, 60, n_rows),
        "Outcomes for investigations closed in the quarter": rng.integers(0, 60, n_rows),
    })
    out.write_csv(path)
    return path


def database_checksum(engine) -> dict[str, str]:
    """Table -> sha256 of its sorted rows, so that any insert, update or delete shows."""
    import hashlib

    from sqlalchemy import select

    from db.schema import metadata

    out = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            rows = sorted(repr(tuple(r)) for r in conn.execute(select(table)))
            out[table.name] = hashlib.sha256("\n".join(rows).encode()).hexdigest() + f":{len(rows)}"
    return out
