"""Header matching: published column names vary by year in case, wording and punctuation.

Each field has a list of known spellings; a header is compared after normalisation (footnote
tags, newlines, punctuation and case removed). An unknown header is an error, never ignored: a
renamed count column silently dropped would load wrong numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.errors import IngestError


def normalise_header(text: object) -> str:
    value = re.sub(r"\[[^\]]*\]", " ", str(text or ""))
    value = value.replace("&", " and ").lower()
    value = re.sub(r"[^a-z0-9]+", " ", value)
    return " ".join(value.split())


@dataclass(frozen=True)
class HeaderSpec:
    """The fields of one published layout: field -> accepted spellings; which are required."""

    name: str
    synonyms: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    anchor: str = "force_name"  # a header row must contain this field

    def lookup(self) -> dict[str, str]:
        table: dict[str, str] = {}
        for field, spellings in self.synonyms.items():
            for spelling in spellings:
                table[normalise_header(spelling)] = field
        return table

    def label(self, field: str) -> str:
        return self.synonyms[field][0]


_COMMON = {
    "financial_year": ("Financial Year", "Year", "Financial Year Label"),
    "financial_quarter": ("Financial Quarter", "Quarter", "Financial Qtr"),
    "force_name": ("Force Name", "Force", "Police Force", "Police Force Area", "PFA Name"),
    "offence_code": ("Offence Code", "HO Offence Code", "Home Office Offence Code"),
    "offence_description": ("Offence Description", "Offence"),
    "offence_group": ("Offence Group",),
    "offence_subgroup": ("Offence Subgroup", "Offence Sub Group", "Offence Sub-group"),
}

OUTCOMES = HeaderSpec(
    name="an outcomes open data table",
    synonyms={
        **_COMMON,
        "offence_code_expired": ("Offence code expired", "Offence Code Expired Flag", "Expired"),
        "outcome_type": ("Outcome Type", "Outcome Type Number", "Outcome Number"),
        "outcome_description": ("Outcome Description",),
        "outcome_group": ("Outcome Group",),
        "recorded": (
            "Outcomes for offences that were recorded in the quarter",
            "Number of Outcomes for offences that were recorded in the quarter",
            "Force outcomes for offences recorded in quarter",
            "Outcomes for offences recorded in the quarter",
            "Number of outcomes for offences recorded in the quarter",
        ),
        "closed": (
            "Outcomes for investigations closed in the quarter",
            "Number of Outcomes for investigations that were closed in the quarter",
            "Force outcomes recorded in quarter",
            "Outcomes for investigations that were closed in the quarter",
            "Number of outcomes for investigations closed in the quarter",
        ),
    },
    required=("financial_year", "financial_quarter", "force_name", "offence_code",
              "offence_description", "offence_group", "offence_subgroup", "outcome_type",
              "recorded", "closed"),
)

PRC = HeaderSpec(
    name="a recorded crime by police force area table",
    synonyms={**_COMMON, "count": ("Number of Offences", "Offence Count", "Number of offences recorded")},
    required=("financial_year", "financial_quarter", "force_name", "offence_code",
              "offence_description", "offence_group", "offence_subgroup", "count"),
)


def match_header(cells: list[object], spec: HeaderSpec) -> dict[str, int] | None:
    """Field -> column index if ``cells`` look like this layout's header row, else None."""
    lookup = spec.lookup()
    found = {lookup[n]: i for i, c in enumerate(cells) if (n := normalise_header(c)) in lookup}
    if spec.anchor not in found or len(found) < 3:
        return None
    return found


def map_header(cells: list[object], spec: HeaderSpec, *, file, sheet, row: int) -> dict[str, int]:
    """Map every header cell to a field; fail on unknown, repeated or missing headers."""
    lookup = spec.lookup()
    mapping: dict[str, int] = {}
    for i, cell in enumerate(cells):
        norm = normalise_header(cell)
        if not norm:
            continue
        field = lookup.get(norm)
        if field is None:
            known = ", ".join(f"'{spec.label(f)}'" for f in spec.synonyms)
            raise IngestError(
                f"unknown column header in {spec.name} (expected one of {known}); "
                "if the publisher renamed a column, add the spelling to ingest/headers.py",
                file=file, sheet=sheet, row=row, column=str(cell).replace("\n", " "),
            )
        if field in mapping:
            raise IngestError(f"two columns mean '{spec.label(field)}'", file=file, sheet=sheet,
                              row=row, column=str(cell).replace("\n", " "))
        mapping[field] = i
    missing = [spec.label(f) for f in spec.required if f not in mapping]
    if missing:
        raise IngestError(
            f"missing column(s) {', '.join(repr(m) for m in missing)} in the header of {spec.name}",
            file=file, sheet=sheet, row=row,
        )
    return mapping
