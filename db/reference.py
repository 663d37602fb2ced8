"""Reference facts: forces, offence codes, outcome types, NOM pillars and phases.

Written from ``shared/domain.md`` (sections 1-4), which cites its public sources. Anything that
file marks as unverified is left out rather than guessed: only the 7 verified October 2022 early
adopters are labelled as such; every other non-pathfinder force is "national roll-out".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Force:
    code: str
    name: str
    region: str
    population_mid2023: int | None
    aliases: tuple[str, ...] = ()


POPULATION_SOURCE = (
    "ONS mid-2023 population estimates aggregated to police force areas, rounded to 100; "
    "from ONS Police force area data tables, year ending December 2024, Table P3"
)
POPULATION_YEAR = 2023

FORCES: tuple[Force, ...] = (
    Force("E23000001", "Metropolitan Police", "London", 8_931_800, ("Metropolitan Police Service", "Met Police", "metropolitan")),
    Force("E23000034", "City of London", "London", 13_500, ("London, City of", "City of London Police", "city-of-london")),
    Force("E23000002", "Cumbria", "North West", 505_100),
    Force("E23000003", "Lancashire", "North West", 1_570_400),
    Force("E23000004", "Merseyside", "North West", 1_456_600),
    Force("E23000005", "Greater Manchester", "North West", 2_948_600, ("Greater Manchester Police",)),
    Force("E23000006", "Cheshire", "North West", 1_119_500),
    Force("E23000007", "Northumbria", "North East", 1_480_300),
    Force("E23000008", "Durham", "North East", 642_700),
    Force("E23000013", "Cleveland", "North East", 588_400),
    Force("E23000009", "North Yorkshire", "Yorkshire and The Humber", 834_400),
    Force("E23000010", "West Yorkshire", "Yorkshire and The Humber", 2_402_200),
    Force("E23000011", "South Yorkshire", "Yorkshire and The Humber", 1_407_100),
    Force("E23000012", "Humberside", "Yorkshire and The Humber", 950_500),
    Force("E23000014", "West Midlands", "West Midlands", 2_980_900),
    Force("E23000015", "Staffordshire", "West Midlands", 1_161_700),
    Force("E23000016", "West Mercia", "West Midlands", 1_325_300),
    Force("E23000017", "Warwickshire", "West Midlands", 617_800),
    Force("E23000018", "Derbyshire", "East Midlands", 1_077_900),
    Force("E23000019", "Nottinghamshire", "East Midlands", 1_173_800),
    Force("E23000020", "Lincolnshire", "East Midlands", 782_800),
    Force("E23000021", "Leicestershire", "East Midlands", 1_154_400),
    Force("E23000022", "Northamptonshire", "East Midlands", 802_300),
    Force("E23000023", "Cambridgeshire", "East of England", 919_100),
    Force("E23000024", "Norfolk", "East of England", 931_900),
    Force("E23000025", "Suffolk", "East of England", 776_400),
    Force("E23000026", "Bedfordshire", "East of England", 729_200),
    Force("E23000027", "Hertfordshire", "East of England", 1_215_400),
    Force("E23000028", "Essex", "East of England", 1_896_600),
    Force("E23000029", "Thames Valley", "South East", 2_584_900),
    Force("E23000030", "Hampshire", "South East", 2_035_900, ("Hampshire and Isle of Wight", "Hampshire & Isle of Wight")),
    Force("E23000031", "Surrey", "South East", 1_228_700),
    Force("E23000032", "Kent", "South East", 1_897_100),
    Force("E23000033", "Sussex", "South East", 1_736_000),
    Force("E23000035", "Devon and Cornwall", "South West", 1_822_200, ("Devon & Cornwall",)),
    Force("E23000036", "Avon and Somerset", "South West", 1_784_500, ("Avon & Somerset",)),
    Force("E23000037", "Gloucestershire", "South West", 659_300),
    Force("E23000038", "Wiltshire", "South West", 756_400),
    Force("E23000039", "Dorset", "South West", 788_900),
    Force("W15000001", "North Wales", "Wales", 692_000),
    Force("W15000002", "Gwent", "Wales", 595_400),
    Force("W15000003", "South Wales", "Wales", 1_354_400),
    Force("W15000004", "Dyfed-Powys", "Wales", 522_600, ("Dyfed Powys",)),
)

BTP = Force("BTP", "British Transport Police", "National (non-territorial)", None, ("BTP",))
"""Polices the railways: no area and no resident population, so never in per-head rates."""

TERRITORIAL_CODES = frozenset(f.code for f in FORCES)

NATIONAL_CODE = "K04000001"
NATIONAL_NAME = "England and Wales"
"""ONS code and name of England and Wales, the area the 43 forces (and BTP, for counts) add up to."""

# --- NOM phases --------------------------------------------------------------------------------

PATHFINDER = "pathfinder"
EARLY_ADOPTER = "early_adopter"
NATIONAL = "national_rollout"

PHASE_LABELS = {
    PATHFINDER: "Pathfinder (2021)",
    EARLY_ADOPTER: "Early adopter (Oct 2022)",
    NATIONAL: "National roll-out (Jul 2023)",
}

MILESTONES: tuple[tuple[date, str], ...] = (
    (date(2021, 6, 1), "Soteria Bluestone launched in Avon and Somerset (pathfinders, 2021)"),
    (date(2022, 10, 1), "Early adopters join (Oct 2022)"),
    (date(2023, 7, 10), "National roll-out to all 43 forces (Jul 2023)"),
    (date(2024, 11, 30), "Target: all forces adopted the NOM (Nov 2024)"),
)

_PATHFINDER_SOURCE = (
    "Police Oracle 109474; Home Office, Operation Soteria year one report (2022): Avon and Somerset "
    "first (Bluestone, launched June 2021 per NPCC), then deep dives from September 2021"
)
_EARLY_SOURCE = "Police Oracle 109849 and the force's own 2022 announcement (verified individually)"
_NATIONAL_SOURCE = "NPCC release, 10 July 2023: all 43 territorial forces begin implementing the NOM"

NOM_PHASES: dict[str, tuple[str, date, str]] = {
    "E23000036": (PATHFINDER, date(2021, 6, 1), _PATHFINDER_SOURCE),
    "E23000001": (PATHFINDER, date(2021, 9, 1), _PATHFINDER_SOURCE),
    "E23000008": (PATHFINDER, date(2021, 9, 1), _PATHFINDER_SOURCE),
    "E23000014": (PATHFINDER, date(2021, 9, 1), _PATHFINDER_SOURCE),
    "W15000003": (PATHFINDER, date(2021, 9, 1), _PATHFINDER_SOURCE),
    "E23000005": (EARLY_ADOPTER, date(2022, 10, 1), _EARLY_SOURCE),
    "E23000030": (EARLY_ADOPTER, date(2022, 10, 1), _EARLY_SOURCE),
    "W15000001": (EARLY_ADOPTER, date(2022, 10, 1), _EARLY_SOURCE),
    "W15000002": (EARLY_ADOPTER, date(2022, 10, 1), _EARLY_SOURCE),
    "E23000038": (EARLY_ADOPTER, date(2022, 10, 1), _EARLY_SOURCE),
    "E23000007": (EARLY_ADOPTER, date(2022, 10, 1), _EARLY_SOURCE),
    "W15000004": (EARLY_ADOPTER, date(2022, 10, 1), _EARLY_SOURCE),
}
NATIONAL_START = date(2023, 7, 10)


def nom_phase(code: str) -> tuple[str, date, str]:
    """Phase, start date and source note for a force (BTP follows the national roll-out)."""
    return NOM_PHASES.get(code, (NATIONAL, NATIONAL_START, _NATIONAL_SOURCE))


# --- Offences ----------------------------------------------------------------------------------

# code, description, subgroup, age band (age band is the dashboard's reading of the name)
OFFENCES: tuple[tuple[str, str, str, str], ...] = (
    ("19C", "Rape of a female aged 16 and over", "rape", "adult"),
    ("19F", "Rape of a male aged 16 and over", "rape", "adult"),
    ("19D", "Rape of a female child under 16", "rape", "child"),
    ("19E", "Rape of a female child under 13", "rape", "child"),
    ("19G", "Rape of a male child under 16", "rape", "child"),
    ("19H", "Rape of a male child under 13", "rape", "child"),
    ("17A", "Sexual assault on a male aged 13 and over", "other_sexual", "adult"),
    ("17B", "Sexual assault on a male child under 13", "other_sexual", "child"),
    ("20A", "Sexual assault on a female aged 13 and over", "other_sexual", "adult"),
    ("20B", "Sexual assault on a female child under 13", "other_sexual", "child"),
    ("21", "Sexual activity involving a child under 13", "other_sexual", "child"),
    ("22A", "Causing sexual activity without consent", "other_sexual", "adult"),
    ("22B", "Sexual activity involving a child under 16", "other_sexual", "child"),
    ("23", "Incest or familial sexual offences", "other_sexual", "mixed"),
    ("70", "Sexual activity etc. with a person with a mental disorder", "other_sexual", "adult"),
    ("71", "Abuse of children through sexual exploitation", "other_sexual", "child"),
    ("72", "Trafficking for sexual exploitation", "other_sexual", "adult"),
    ("73", "Abuse of position of trust of a sexual nature", "other_sexual", "child"),
    ("88A", "Sexual grooming", "other_sexual", "child"),
    ("88C", "Other miscellaneous sexual offences", "other_sexual", "mixed"),
    ("88D", "Unnatural sexual offences", "other_sexual", "mixed"),
    ("88E", "Exposure and voyeurism", "other_sexual", "mixed"),
)

# --- Outcome types -----------------------------------------------------------------------------

G_OPEN = "Not yet assigned an outcome"
G_CHARGE = "Charged/Summonsed"
G_OOC_FORMAL = "Out-of-court (formal)"
G_OOC_INFORMAL = "Out-of-court (informal)"
G_TIC = "Taken into consideration"
G_PREVENTED = "Prosecution prevented or not in the public interest"
G_EVID_SUPPORTS = "Evidential difficulties (suspect identified; victim supports action)"
G_VICTIM = "Evidential difficulties (victim does not support action)"
G_NO_SUSPECT = "Investigation complete – no suspect identified"
G_TRANSFERRED = "Responsibility for further investigation transferred to another body"
G_FURTHER = "Further investigation to support formal action not in the public interest"
G_NFIB = "National Fraud Intelligence Bureau filed (fraud only)"

OUTCOME_TYPES: tuple[tuple[int, str, str], ...] = (
    (0, "Not yet assigned an outcome", G_OPEN),
    (1, "Charged/Summonsed", G_CHARGE),
    (2, "Caution – youths", G_OOC_FORMAL),
    (3, "Caution – adults", G_OOC_FORMAL),
    (4, "Taken into consideration", G_TIC),
    (5, "Offender died", G_PREVENTED),
    (6, "Penalty Notice for Disorder", G_OOC_FORMAL),
    (7, "Cannabis/Khat warning", G_OOC_FORMAL),
    (8, "Community resolution", G_OOC_INFORMAL),
    (9, "Prosecution not in the public interest (CPS)", G_PREVENTED),
    (10, "Formal action against the offender is not in the public interest (police)", G_PREVENTED),
    (11, "Prosecution prevented – suspect under age of criminal responsibility", G_PREVENTED),
    (12, "Prosecution prevented – suspect too ill", G_PREVENTED),
    (13, "Prosecution prevented – victim/key witness dead or too ill", G_PREVENTED),
    (14, "Evidential difficulties: suspect not identified; victim does not support further action", G_VICTIM),
    (15, "Evidential difficulties: suspect identified; victim supports action", G_EVID_SUPPORTS),
    (16, "Evidential difficulties: suspect identified; victim does not support further action", G_VICTIM),
    (17, "Prosecution time limit expired", G_PREVENTED),
    (18, "Investigation complete – no suspect identified", G_NO_SUSPECT),
    (19, "National Fraud Intelligence Bureau filed", G_NFIB),
    (20, "Responsibility for further investigation transferred to another body", G_TRANSFERRED),
    (21, "Further investigation to support formal action not in the public interest", G_FURTHER),
    (22, "Diversionary, educational or intervention activity", G_OOC_INFORMAL),
)

# --- NOM pillars -------------------------------------------------------------------------------

_ORDER_NOTE = "Order as in every source; only pillar 4 is numbered explicitly in a source (domain.md 1.2)"
PILLARS: tuple[tuple[int, str, str, str], ...] = (
    (1, "Suspect-focused investigation",
     "Investigations focus on the suspect's behaviour and context, not the victim's credibility.", _ORDER_NOTE),
    (2, "Repeat suspects: identification and disruption",
     "Identify repeat and serial suspects and disrupt their offending, including civil orders.", _ORDER_NOTE),
    (3, "Victim engagement and procedural justice",
     "Victim-centred, procedurally just engagement so that victims can stay with an investigation.", _ORDER_NOTE),
    (4, "Learning, development and wellbeing",
     "Specialist training, accreditation and wellbeing of RASSO investigators.",
     "Numbered 4 explicitly in Policing Insight's account of the NOM findings"),
    (5, "Data-driven performance",
     "Better use of data: intelligence, analysis and data quality that show how change is measured.", _ORDER_NOTE),
    (6, "Digital forensics",
     "Proportionate digital requests, fast device return and effective digital evidence.", _ORDER_NOTE),
)


def normalise_name(name: str) -> str:
    """The key force names are matched on: drop footnote tags, '&' -> 'and', fold case and spacing."""
    text = re.sub(r"\[[^\]]*\]", " ", str(name))
    text = text.replace("&", " and ").lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    text = re.sub(r"\b(police|constabulary|service)\b", " ", text)
    return " ".join(text.split())


def alias_rows() -> list[dict[str, str]]:
    """Every spelling we accept for each force, normalised, including the name itself."""
    rows: dict[str, str] = {}
    for f in (*FORCES, BTP):
        for spelling in (f.name, *f.aliases):
            rows[normalise_name(spelling)] = f.code
    return [{"alias": a, "code": c} for a, c in sorted(rows.items())]
