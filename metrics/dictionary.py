"""The data dictionary: every measure, and every column of the downloads and exports, in words.

Built from the registry here (not on the page) so the methodology page, the command line and
any export share one dictionary and cannot disagree. Pillar names live in ``db.reference``,
which ``metrics`` may not import, so the caller passes them in.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

from metrics.registry import AVAILABILITY_LABELS, BASIS_LABELS, DIRECTION_WORDS, METRICS

# Machine column name -> meaning, for every column a CSV download can carry. The screen shows
# plain headers; the files keep these names so scripts do not break when wording changes.
CSV_COLUMNS: dict[str, str] = {
    "period": "The period in words: a financial year (2024-25), a quarter (2024-25 Q1) or 12 months "
              "to a month.",
    "period_end": "Last quarter of the period, coded fy*10+quarter, e.g. 20241 = April–June 2024 "
                  "(financial year 2024-25, quarter 1).",
    "area_code": "ONS code of the area (K04000001 = England and Wales; E23/W15 codes are police "
                 "force areas).",
    "area_name": "Name of the area.",
    "metric": "Measure identifier: a metric (see the measures in this dictionary) or, in the data explorer, "
              "a count: outcomes (outcomes assigned), recorded (offences recorded) or cases (case-level records).",
    "numerator": "Count of cases the measure counts (see the measure's numerator).",
    "denominator": "Count of cases the measure is out of (see the measure's denominator); empty where "
                   "the measure has none (shown [z] on screen).",
    "value": "The figure, a number: a count, a percentage, a rate or a median, in the measure's unit. "
             "Empty where hidden or not available; the reason is in the flag column.",
    "lower": "Lower end of the 95% interval (for counts: of the range expected from year-to-year "
             "chance variation, Poisson).",
    "upper": "Upper end of the same interval.",
    "flag": "Symbol explaining a missing or qualified figure: [c] confidential, [x] not available, "
            "[z] not applicable, [u] low reliability (the figure is shown but based on few cases or "
            "understated); empty when the figure is shown as it is. Number columns never hold symbols.",
    "offence_group": "Offence group the figures cover (adult_rape, child_rape, rape, other_sexual, "
                     "all_sexual).",
    "basis": "Which cases the figures count: offences recorded in the period, investigations closed "
             "in it, or the position at the end of each quarter.",
    "release": "Identifier of the data release the figures come from.",
    "data_status": "'published' for figures from published files; 'SYNTHETIC - not official "
                   "statistics' for the generated sample.",
    "licence": "Licence the figures are published under.",
    "citation": "How to cite the figures: release, data status, licence and the view they come from.",
    "ho_group": "Home Office outcome group.",
    "count": "Number of outcomes in the group (the outcome mix), of offences at the stage (the case "
             "journey), or, in the data explorer, of what the measure counts in the row's cell.",
    "nom_phase": "National Operating Model phase of the forces summed: pathfinder (2021), early_adopter "
                 "(October 2022) or national_rollout (July 2023).",
    "offence_code": "Home Office offence code (e.g. 19C rape of a female aged 16 and over).",
    "offence_description": "The offence code in words, as the Home Office names it.",
    "outcome_group": "Home Office outcome group (the outcome types it holds are listed on the methodology page).",
    "outcome_type": "Home Office outcome type number (1 charged/summonsed ... 0 not yet assigned).",
    "outcome_description": "The outcome type in words, as the Home Office names it.",
    "victim_age_band": "Age band of the victim when the offence was recorded (case-level records, restricted tier).",
    "victim_sex": "Sex of the victim (F, M or U unknown; case-level records, restricted tier).",
    "relationship": "Relationship of the suspect to the victim (case-level records, restricted tier).",
    "share": "Share of all outcomes in the period on this basis (per cent); on the outcomes page, a "
             "share of the decisions made (outcome 0 'not yet assigned' is a share of every offence "
             "recorded), and in the case journey a share of the offences recorded in the cohort.",
    "cohort": "Case journey: the financial year the offences were recorded in.",
    "stage": "Case journey: recorded, suspect identified, referred to the CPS, charged or summonsed.",
    "cases": "Number of cases a percentile is taken over (restricted tier only).",
    "p10": "10th percentile of days (one in ten took fewer days).",
    "p25": "25th percentile of days (lower quartile).",
    "p50": "Median days (its 95% interval is lower to upper).",
    "p75": "75th percentile of days (upper quartile: one in four took more days).",
    "p90": "90th percentile of days (one in ten took more days).",
    "code": "ONS code of the police force area.",
    "name": "Name of the police force.",
    "region": "Region the force belongs to.",
    "position": "Where the force lies against England and Wales (funnel limits or, for medians, the "
                "95% interval), in words.",
}


def dictionary_rows(pillar_names: Mapping[int, str] | None = None) -> list[dict]:
    """One row per registry measure, with every field a reader needs, in words."""
    names = pillar_names or {}
    return [
        {"id": m.id, "label": m.label, "definition": m.definition, "numerator": m.numerator,
         "denominator": m.denominator, "unit": m.unit, "direction": DIRECTION_WORDS[m.direction],
         "basis": BASIS_LABELS[m.basis],
         "pillar": f"{m.pillar}. {names[m.pillar]}" if m.pillar in names else str(m.pillar),
         "source": m.source, "availability": AVAILABILITY_LABELS[m.availability],
         "minimum_denominator": m.min_denominator, "caveat": m.caveat}
        for m in METRICS
    ]


def column_rows() -> list[dict]:
    """One row per CSV column: its machine name and what it holds."""
    return [{"column": name, "meaning": meaning} for name, meaning in CSV_COLUMNS.items()]


def _csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def dictionary_csv(pillar_names: Mapping[int, str] | None = None) -> bytes:
    """The measures as CSV (one row per measure)."""
    return _csv(dictionary_rows(pillar_names))


def columns_csv() -> bytes:
    """The CSV download columns as CSV (column, meaning)."""
    return _csv(column_rows())
