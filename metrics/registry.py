"""The metric registry: the single source of every metric's label, definition and direction.

Charts, tables, downloads, the methodology page and the command line all read from here, so a
definition is written once. ``kind`` tells the query layer how to compute the numerator and
denominator; everything else is for people.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from metrics.errors import QueryError

# kinds of computation (the query layer dispatches on these)
RECORDED_COUNT = "recorded_count"  # offences recorded in the period
RECORDED_RATE = "recorded_rate"  # offences per 1,000 residents
OUTCOME_SHARE = "outcome_share"  # share of outcomes of some types
MEDIAN_DAYS = "median_days"  # median days from recording to an outcome (case-level)
INDICATOR = "indicator"  # numerator / denominator stored per force x quarter

# bases (every chart says which it uses)
BASIS_RECORDED_PERIOD = "recorded_period"
BASIS_RECORDED = "recorded"
BASIS_CLOSED = "closed"
BASIS_SNAPSHOT = "snapshot"
BASIS_LABELS = {
    BASIS_RECORDED_PERIOD: "Offences recorded in the period",
    BASIS_RECORDED: "Outcomes of offences recorded in the period (status at the data extract)",
    BASIS_CLOSED: "Investigations closed in the period",
    BASIS_SNAPSHOT: "Position at the end of each quarter",
}

PUBLIC = "public"
FORCE_MI = "force_mi"
CASE_LEVEL = "case_level"
AVAILABILITY_LABELS = {
    PUBLIC: "Home Office open data",
    FORCE_MI: "Force management information (not in public data)",
    CASE_LEVEL: "Case-level records (synthetic sample or force data; not in public data)",
}

HIGHER_BETTER = "higher_better"
LOWER_BETTER = "lower_better"
NEUTRAL = "neutral"
DIRECTION_WORDS = {
    HIGHER_BETTER: "Higher is better",
    LOWER_BETTER: "Lower is better",
    NEUTRAL: "Neither higher nor lower is better in itself",
}

ASSIGNED = tuple(t for t in range(1, 23))  # every outcome type except 0, not yet assigned


@dataclass(frozen=True)
class Metric:
    id: str
    label: str
    definition: str
    numerator: str
    denominator: str
    unit: str  # count | per_1000 | percent | days | per_investigator
    direction: str
    pillar: int
    basis: str
    source: str
    availability: str
    kind: str
    min_denominator: int = 0
    numerator_types: tuple[int, ...] = field(default=())
    denominator_types: tuple[int, ...] = field(default=())
    outcome_type: int | None = None  # for MEDIAN_DAYS
    by_offence: bool = True  # False: force MI indicators that do not split by offence group
    caveat: str = ""

    @property
    def is_proportion(self) -> bool:
        return self.unit == "percent"

    @property
    def phrase(self) -> str:
        """The label as it reads mid-sentence: 'victims referred to an ISVA'."""
        return in_sentence(self.label)


def in_sentence(text: str) -> str:
    """Lower-case a label for use mid-sentence, keeping acronyms (ISVA, NOM, CPS) in capitals.

    ``str.lower()`` turned 'Victims referred to an ISVA' into '... an isva'."""
    def word(w: str) -> str:
        return w if sum(c.isupper() for c in w) >= 2 else w.lower()
    return " ".join(word(w) for w in text.split(" "))


HO_OUTCOMES = "Home Office police recorded crime outcomes open data"
HO_PRC = "Home Office police recorded crime by police force area"
ONS_POP = "ONS mid-year population estimates by police force area"

METRICS: tuple[Metric, ...] = (
    Metric(
        "recorded_offences", "Recorded offences",
        "Number of offences recorded by the police in the period.",
        "Offences recorded", "—", "count", NEUTRAL, 5, BASIS_RECORDED_PERIOD, HO_PRC, PUBLIC,
        RECORDED_COUNT,
        caveat="Rises can reflect more reporting and better recording, not only more offending (ONS).",
    ),
    Metric(
        "recorded_per_1000", "Recorded offences per 1,000 residents",
        "Offences recorded per 1,000 resident population per year (mid-year estimate): a quarter's "
        "count is set against a quarter of a year's population, so quarters and years compare. "
        "British Transport Police has no resident population and is excluded.",
        "Offences recorded", "Resident population x years in the period / 1,000", "per_1000", NEUTRAL, 5,
        BASIS_RECORDED_PERIOD, f"{HO_PRC}; {ONS_POP}", PUBLIC, RECORDED_RATE,
        caveat="Population is the latest mid-year estimate loaded, applied to every year.",
    ),
    Metric(
        "charge_rate", "Charge/summons rate",
        "Share of investigations closed in the period that ended in a charge or summons (outcome 1). "
        "Outcome 0 (not yet assigned) is never in the denominator.",
        "Outcomes of type 1 (charged/summonsed)", "Outcomes of types 1-22 assigned in the period",
        "percent", HIGHER_BETTER, 1, BASIS_CLOSED, HO_OUTCOMES, PUBLIC, OUTCOME_SHARE,
        min_denominator=20, numerator_types=(1,), denominator_types=ASSIGNED,
    ),
    Metric(
        "victim_does_not_support_rate", "Victim does not support further action",
        "Share of investigations closed in the period with outcome 14 or 16: evidential difficulties "
        "where the victim does not support (or withdraws support for) further action.",
        "Outcomes of types 14 and 16", "Outcomes of types 1-22 assigned in the period",
        "percent", LOWER_BETTER, 3, BASIS_CLOSED, HO_OUTCOMES, PUBLIC, OUTCOME_SHARE,
        min_denominator=20, numerator_types=(14, 16), denominator_types=ASSIGNED,
        caveat="Not the scorecard's 'victim withdrawal' measure, which uses a different denominator.",
    ),
    Metric(
        "evidential_difficulties_rate", "Evidential difficulties, victim supports action",
        "Share of investigations closed in the period with outcome 15: suspect identified and the "
        "victim supports action, but evidence is insufficient to proceed.",
        "Outcomes of type 15", "Outcomes of types 1-22 assigned in the period",
        "percent", LOWER_BETTER, 1, BASIS_CLOSED, HO_OUTCOMES, PUBLIC, OUTCOME_SHARE,
        min_denominator=20, numerator_types=(15,), denominator_types=ASSIGNED,
    ),
    Metric(
        "no_suspect_rate", "No suspect identified",
        "Share of investigations closed in the period with outcome 18: investigation complete, no "
        "suspect identified.",
        "Outcomes of type 18", "Outcomes of types 1-22 assigned in the period",
        "percent", LOWER_BETTER, 1, BASIS_CLOSED, HO_OUTCOMES, PUBLIC, OUTCOME_SHARE,
        min_denominator=20, numerator_types=(18,), denominator_types=ASSIGNED,
    ),
    Metric(
        "open_rate", "Not yet assigned an outcome",
        "Share of offences recorded in the period that had no outcome (type 0) when the data were "
        "extracted. Recent periods are always high: investigations take months or years.",
        "Offences recorded in the period with outcome 0", "Offences recorded in the period with any row",
        "percent", NEUTRAL, 5, BASIS_RECORDED, HO_OUTCOMES, PUBLIC, OUTCOME_SHARE,
        min_denominator=20, numerator_types=(0,), denominator_types=(0, *ASSIGNED),
        caveat="Falls as time passes; compare periods of the same age only.",
    ),
    Metric(
        "median_days_to_charge", "Median days from recording to charge",
        "Median number of days between an offence being recorded and a charge/summons outcome, for "
        "charges in the period. Interval: distribution-free 95% interval for the median.",
        "Days to charge of each charged case", "Charged cases", "days", LOWER_BETTER, 1,
        BASIS_CLOSED, "Case-level records", CASE_LEVEL, MEDIAN_DAYS, min_denominator=10, outcome_type=1,
        caveat="The Home Office publishes this for Data Hub forces only; it is not in the open data tables.",
    ),
    Metric(
        "median_days_to_outcome", "Median days from recording to any outcome",
        "Median number of days between recording and the outcome, for investigations closed in the period.",
        "Days to outcome of each closed case", "Closed cases", "days", LOWER_BETTER, 1,
        BASIS_CLOSED, "Case-level records", CASE_LEVEL, MEDIAN_DAYS, min_denominator=10, outcome_type=None,
    ),
    Metric(
        "cps_referral_rate", "Referred to the CPS",
        "Share of investigations closed in the period that were referred to the Crown Prosecution "
        "Service for a charging decision or early advice.",
        "Closed investigations referred to the CPS", "Investigations closed in the period",
        "percent", HIGHER_BETTER, 1, BASIS_CLOSED, "Force MI", FORCE_MI, INDICATOR,
        min_denominator=20, by_offence=False,
    ),
    Metric(
        "repeat_suspect_share", "Investigations with a repeat suspect",
        "Share of offences recorded in the period with an identified suspect who is a repeat RASSO "
        "suspect (national definition adopted by July 2025).",
        "Recorded offences whose suspect is a repeat suspect", "Recorded offences with an identified suspect",
        "percent", NEUTRAL, 2, BASIS_RECORDED_PERIOD, "Force MI", FORCE_MI, INDICATOR,
        min_denominator=20, by_offence=False,
        caveat="Identification of repeat suspects improves under the NOM, so a rise can be good news.",
    ),
    Metric(
        "repeat_suspect_charge_rate", "Charge rate where the suspect is a repeat suspect",
        "Share of investigations involving a repeat suspect, closed in the period, that ended in a charge.",
        "Repeat-suspect investigations closed with a charge", "Repeat-suspect investigations closed",
        "percent", HIGHER_BETTER, 2, BASIS_CLOSED, "Force MI", FORCE_MI, INDICATOR,
        min_denominator=20, by_offence=False,
    ),
    Metric(
        "isva_referral_rate", "Victims referred to an ISVA",
        "Share of offences recorded in the period where the victim was referred to an independent "
        "sexual violence adviser.",
        "Recorded offences with an ISVA referral", "Offences recorded in the period",
        "percent", HIGHER_BETTER, 3, BASIS_RECORDED_PERIOD, "Force MI", FORCE_MI, INDICATOR,
        min_denominator=20, by_offence=False,
    ),
    Metric(
        "trained_investigator_share", "RASSO investigators fully trained",
        "Share of officers on RASSO investigation teams who are fully trained and accredited "
        "(end of quarter).",
        "Accredited RASSO investigators", "Officers on RASSO investigation teams",
        "percent", HIGHER_BETTER, 4, BASIS_SNAPSHOT, "Force MI", FORCE_MI, INDICATOR,
        min_denominator=5, by_offence=False,
    ),
    Metric(
        "investigator_caseload", "Open investigations per RASSO investigator",
        "Open RASSO investigations at the end of the quarter per officer on RASSO investigation teams.",
        "Open investigations", "Officers on RASSO investigation teams",
        "per_investigator", LOWER_BETTER, 4, BASIS_SNAPSHOT, "Force MI", FORCE_MI, INDICATOR,
        min_denominator=5, by_offence=False,
    ),
    Metric(
        "outcome_not_assigned_after_year", "Not yet assigned a year after recording",
        "Share of offences recorded four to seven quarters ago that still had no outcome at the end "
        "of the quarter: a data-quality and case-progression indicator.",
        "Offences still without an outcome", "Offences recorded four to seven quarters earlier",
        "percent", LOWER_BETTER, 5, BASIS_RECORDED_PERIOD, "Force MI", FORCE_MI, INDICATOR,
        min_denominator=20, by_offence=False,
    ),
    Metric(
        "device_taken_share", "Victim devices taken",
        "Share of offences recorded in the period where a victim's digital device was taken for examination.",
        "Recorded offences where a victim's device was taken", "Offences recorded in the period",
        "percent", LOWER_BETTER, 6, BASIS_RECORDED_PERIOD, "Force MI", FORCE_MI, INDICATOR,
        min_denominator=20, by_offence=False,
        caveat="Lower means more proportionate digital requests, as the Rape Review asked.",
    ),
    Metric(
        "device_return_28d_rate", "Victim devices returned within 28 days",
        "Share of victim devices taken in the period that were returned within 28 days.",
        "Devices returned within 28 days", "Victim devices taken in the period",
        "percent", HIGHER_BETTER, 6, BASIS_RECORDED_PERIOD, "Force MI", FORCE_MI, INDICATOR,
        min_denominator=10, by_offence=False,
    ),
)

METRICS_BY_ID: dict[str, Metric] = {m.id: m for m in METRICS}


class UnknownMetric(QueryError, KeyError):
    def __str__(self) -> str:
        return f"Unknown metric '{self.args[0]}'. Choose one of: {', '.join(METRICS_BY_ID)}"


def metric(metric_id: str) -> Metric:
    try:
        return METRICS_BY_ID[metric_id]
    except KeyError:
        raise UnknownMetric(metric_id) from None


def metrics_for_pillar(pillar_id: int) -> list[Metric]:
    """The measures of one pillar, in registry order (the pillars page, the methodology page)."""
    return [m for m in METRICS if m.pillar == pillar_id]


INDICATOR_IDS = tuple(m.id for m in METRICS if m.kind == INDICATOR)


# What a release may hold (queries.sql.coverage reports these) and what each kind of metric needs.
HOLDS_RECORDED, HOLDS_OUTCOMES = "recorded", "outcomes"
HOLDS_CASES, HOLDS_INDICATORS = "case_level", "force_mi"
_NEEDS = {
    RECORDED_COUNT: (HOLDS_RECORDED, "recorded-crime counts (Home Office police recorded crime tables)"),
    RECORDED_RATE: (HOLDS_RECORDED, "recorded-crime counts (Home Office police recorded crime tables)"),
    OUTCOME_SHARE: (HOLDS_OUTCOMES, "outcome counts (Home Office outcomes open data tables)"),
    MEDIAN_DAYS: (HOLDS_CASES, "case-level records"),
    INDICATOR: (HOLDS_INDICATORS, "force management information for this indicator"),
}


def source_needed(m: Metric) -> str:
    """Which kind of table a release must hold for this metric (one of the HOLDS_ values)."""
    return _NEEDS[m.kind][0]


def missing_from_source(m: Metric, coverage: Collection[str], source_label: str) -> str | None:
    """Why a release cannot show a metric (None when it can), in words for the page."""
    held, needs = _NEEDS[m.kind]
    if held in coverage:
        return None
    return (f"{m.label}: not in this source. {source_label} has no {needs}, which this measure "
            f"needs; load them to see it.")
