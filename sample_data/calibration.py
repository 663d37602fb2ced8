"""Calibration targets for the synthetic generator, in one place so they can be checked.

Every number here is an anchor a reviewer can compare with ``shared/domain.md`` section 6 (police
recorded sexual offences and rape, England and Wales) and ``shared/data/PROVENANCE-outcomes.md``
sections 1.5 and 3 (a real outcomes file; published charge rates), or a modelling choice marked as
such. ``python -m benchmarks.calibration`` prints every year's figures beside the published ones. The
generator reads only from here, so re-calibrating never means touching the sampling code.
"""

from __future__ import annotations

# --- Volumes -----------------------------------------------------------------------------------

# National recorded sexual offences (all codes) and rape, by financial year (start year).
# Anchors: domain.md section 6 (2015-16 36.3k rape; 2016-17 41.2k; 2018-19 58.7k; YE Mar 2020
# 59.1k rape / 163.2k sexual; YE Sep 2022 70.6k / 199.0k; YE Mar 2023 68.9k; YE Mar 2025 209.1k
# sexual). 2017-18, 2020-21 and later rape figures are interpolations, not published values.
ANNUAL_SEXUAL: dict[int, int] = {
    2015: 106_000, 2016: 121_000, 2017: 150_000, 2018: 160_000, 2019: 163_000, 2020: 155_000,
    2021: 194_000, 2022: 197_000, 2023: 200_000, 2024: 209_000, 2025: 210_000,
}
ANNUAL_RAPE: dict[int, int] = {
    2015: 36_300, 2016: 41_200, 2017: 54_000, 2018: 58_700, 2019: 59_100, 2020: 55_000,
    2021: 67_000, 2022: 69_000, 2023: 68_000, 2024: 70_000, 2025: 71_000,
}
GROWTH_AFTER_LAST_YEAR = 0.012
"""Yearly growth assumed for financial years after the last calibrated one (modelling choice)."""

# Burn-in (offences recorded before the first quarter, for the carried-in cases; generator).
BURN_IN_YEARS = 8
"""Years simulated before the first quarter: MAX_DAYS is 8 years, so no offence recorded earlier
could still be open on the first day, and the carried-in cases are complete."""
RAPE_BEFORE = (2013, 20_751)
"""Rape recorded in 2013-14 (domain.md 6, [P]). 2014-15 is interpolated geometrically between it
and 2015-16 (~27.5k; not a published value); all sexual offences keep 2015-16's rape share."""
RAPE_GROWTH_BEFORE = 0.04
"""Yearly growth of recording before 2013-14 (modelling choice: slower than the 2013-2016 rise,
when sexual offence recording was lower; no published anchor in domain.md)."""

SEASONALITY = (1.02, 1.04, 0.97, 0.97)
"""Relative volume by financial quarter (Apr-Jun, Jul-Sep, Oct-Dec, Jan-Mar): mild summer peak."""

LOCKDOWN_QUARTER = 20201
LOCKDOWN_FACTOR = 0.78
"""April-June 2020: the first lockdown cut recorded sexual offences sharply (domain.md 12)."""

BTP_SHARE = 0.01
FORCE_VOLUME_SD = 0.15
"""Force volume = population x lognormal(0, sd): recording practice differs between forces."""
FORCE_TREND_SD = 0.015
"""Per-year drift of a force's share (log scale), so forces do not all move in lock-step."""

# Offence mix, as shares within the subgroup (modelling choice close to published proportions).
RAPE_MIX: dict[str, float] = {
    "19C": 0.575, "19F": 0.045, "19D": 0.17, "19E": 0.105, "19G": 0.045, "19H": 0.06,
}
OTHER_MIX: dict[str, float] = {
    "20A": 0.34, "88E": 0.12, "22B": 0.085, "88A": 0.055, "20B": 0.07, "21": 0.06, "88C": 0.10,
    "17A": 0.03, "17B": 0.02, "22A": 0.035, "23": 0.015, "70": 0.006, "71": 0.03, "72": 0.003,
    "73": 0.012, "88D": 0.002,
}
OFFENCE_MIX_SD = 0.10
"""Force-specific lognormal perturbation of the offence mix."""

# --- Victims -----------------------------------------------------------------------------------

AGE_BANDS = ("0-12", "13-15", "16-17", "18-24", "25-39", "40-59", "60+")
_ADULT16 = (0, 0, 0.08, 0.33, 0.37, 0.18, 0.04)
_ADULT18 = (0, 0, 0, 0.36, 0.40, 0.20, 0.04)
_TEEN_UP = (0, 0.16, 0.10, 0.27, 0.28, 0.15, 0.04)
_MIXED = (0.12, 0.12, 0.07, 0.20, 0.28, 0.16, 0.05)
AGE_BY_OFFENCE: dict[str, tuple[float, ...]] = {
    "19C": _ADULT16, "19F": _ADULT16, "19D": (0, 1, 0, 0, 0, 0, 0), "19G": (0, 1, 0, 0, 0, 0, 0),
    "19E": (1, 0, 0, 0, 0, 0, 0), "19H": (1, 0, 0, 0, 0, 0, 0),
    "17A": _TEEN_UP, "20A": _TEEN_UP, "17B": (1, 0, 0, 0, 0, 0, 0), "20B": (1, 0, 0, 0, 0, 0, 0),
    "21": (1, 0, 0, 0, 0, 0, 0), "22A": _ADULT16, "22B": (0, 1, 0, 0, 0, 0, 0),
    "23": (0.35, 0.30, 0.10, 0.08, 0.10, 0.05, 0.02), "70": _ADULT18,
    "71": (0.15, 0.55, 0.30, 0, 0, 0, 0), "72": (0, 0, 0.08, 0.45, 0.40, 0.07, 0),
    "73": (0, 0.45, 0.55, 0, 0, 0, 0), "88A": (0.30, 0.70, 0, 0, 0, 0, 0),
    "88C": _MIXED, "88D": _MIXED, "88E": _MIXED,
}

# Probability the victim is female where the code does not fix it.
FEMALE_SHARE: dict[str, float] = {
    "19C": 1.0, "19D": 1.0, "19E": 1.0, "20A": 1.0, "20B": 1.0,
    "19F": 0.0, "19G": 0.0, "19H": 0.0, "17A": 0.0, "17B": 0.0,
    "21": 0.78, "22A": 0.85, "22B": 0.86, "23": 0.80, "70": 0.72, "71": 0.85, "72": 0.92,
    "73": 0.80, "88A": 0.82, "88C": 0.75, "88D": 0.45, "88E": 0.72,
}

RELATIONSHIPS = ("partner", "ex_partner", "family", "acquaintance", "stranger", "online", "other")
REL_CHILD = (0.00, 0.00, 0.45, 0.33, 0.07, 0.08, 0.07)  # victim under 13
REL_TEEN = (0.07, 0.03, 0.18, 0.40, 0.09, 0.17, 0.06)  # victim 13-17
REL_ADULT = (0.22, 0.15, 0.05, 0.33, 0.13, 0.05, 0.07)
REL_BY_OFFENCE: dict[str, tuple[float, ...]] = {
    "23": (0, 0, 1.0, 0, 0, 0, 0),
    "88A": (0, 0, 0.05, 0.20, 0.05, 0.65, 0.05),
    "88E": (0.03, 0.03, 0.04, 0.20, 0.55, 0.12, 0.03),
    "72": (0, 0.02, 0.03, 0.35, 0.25, 0.10, 0.25),
    "73": (0, 0, 0.05, 0.35, 0, 0.05, 0.55),
}

SUSPECT_IDENTIFIED = (0.99, 0.99, 0.99, 0.95, 0.38, 0.72, 0.90)
"""P(suspect identified) by relationship, in the order of RELATIONSHIPS."""
NOT_SUPPORTED_WHEN_NO_SUSPECT = 0.30
"""Of closures with no suspect identified, the share that are outcome 14 rather than 18."""

REPEAT_SUSPECT = (0.22, 0.30)
"""P(repeat suspect | identified) before the NOM and two years after its start."""
ISVA_ADULT = (0.50, 0.70)
ISVA_CHILD = (0.30, 0.45)
DEVICE_TAKEN = (0.40, 0.30)
DEVICE_TAKEN_ONLINE = (0.65, 0.55)
DEVICE_DAYS_MEDIAN = (90.0, 30.0)
DEVICE_DAYS_SIGMA = 0.85

# --- Outcomes ----------------------------------------------------------------------------------
# Outcome groups used by the generator: 0 adult rape, 1 child rape, 2 other sexual (victim 16+
# or mixed), 3 other sexual with a child victim (under 16).
GROUPS = ("adult_rape", "child_rape", "other_adult", "other_child")

# Probability of a charge among identified-suspect investigations, before the NOM, 2019 level.
# Child rape is charged far more often than adult rape: in the real 2018/19 file the closed basis
# is 2.6% for adult rape and 4.0% for all rape (PROVENANCE-outcomes.md 1.5).
CHARGE_BASE = (0.027, 0.070, 0.070, 0.074)
CHARGE_LOG_ODDS_PATH: dict[float, float] = {
    2015.25: 0.6, 2016.75: 0.45, 2018.0: 0.1, 2019.25: 0.0, 2020.25: 0.15,
}
"""National change in the log-odds of a charge, by when the charge is decided (knots, linear in
between, flat outside). The charge rate fell from 2015-16 to 2019 (the Rape Monitoring Group's 7%
and 6.8% for 2015/16 and 2016/17, 4.2% for 2017/18; PROVENANCE-outcomes.md 3). From 2020 charges
came more slowly (COVID_CHARGE_SLOWDOWN), and the level that keeps the published 1.4-1.6% of
2020-2022 is slightly above 2019's. The later rise is the NOM's (NOM_CHARGE_LOG_ODDS)."""
NOM_CHARGE_LOG_ODDS = 0.45
"""Log-odds gained two years after a force's NOM start (odds x1.57), following the roll-out
(pathfinders 2021, early adopters October 2022, every force from July 2023). It carries the
published rise from 1.4-1.6% (2021-22) to 2.6-2.7% (2023-24, 2024) and the NPCC's +38% adult rape
charges in 2023; tested in tests/db/test_sample_data.py against the TEST_ targets below."""
NOM_OTHER_SEXUAL = 0.5
"""Share of the NOM effects that other sexual offences get (the NOM targets rape first)."""
FORCE_CHARGE_SD = 0.10
FORCE_CHARGE_OUTLIERS = (0.75, 0.60, -0.60)
"""Three forces get a large extra effect so a funnel plot shows real outliers."""

# P(victim does not support, outcome 16 | identified, not charged).
WITHDRAW_BASE = (0.45, 0.30, 0.40, 0.28)
WITHDRAW_TREND = 0.25
"""Log-odds rise from 2015 to 2020 (victim withdrawal grew), held after."""
NOM_WITHDRAW_LOG_ODDS = -0.15
FORCE_WITHDRAW_SD = 0.15
FORCE_WITHDRAW_OUTLIERS = (0.45, -0.40)

# Relative weights of the remaining outcome types (identified suspect, not 1, not 16).
OTHER_TYPES = (15, 20, 21, 10, 9, 13, 5, 12, 17, 11, 2, 3, 8, 22)
OTHER_WEIGHTS: dict[str, tuple[float, ...]] = {
    #                 15   20   21   10   9    13   5    12   17   11   2    3    8    22
    "adult_rape":  (27.0, 4.0, 3.0, 2.5, 1.2, 1.0, 0.3, 0.3, 0.2, 0.2, 0.2, 0.4, 0.2, 0.2),
    "child_rape":  (22.0, 3.0, 6.0, 5.0, 1.5, 0.8, 0.3, 0.2, 0.1, 3.0, 1.0, 0.3, 0.8, 2.0),
    "other_adult": (20.0, 4.0, 3.0, 3.0, 1.0, 1.0, 0.3, 0.3, 0.5, 0.2, 0.5, 2.5, 2.5, 1.0),
    "other_child": (18.0, 3.0, 6.0, 6.0, 1.5, 0.5, 0.2, 0.2, 0.2, 3.0, 2.0, 0.8, 3.0, 4.0),
}

# P(referred to the CPS) by eventual outcome; 1 (charge) and 9 (CPS decision) always.
CPS_REFERRAL: dict[int, float] = {1: 1.0, 9: 1.0, 15: 0.14, 16: 0.02, 21: 0.08, 12: 0.2, 13: 0.1}
CPS_REFERRAL_OTHER = 0.02

# --- Timing (days from recording to outcome) ---------------------------------------------------
# Lognormal per outcome type: (median days, sigma). A mixture: many early closures, slow charges
# (DAYS[1] is the long investigation; FAST_CHARGE_SHARE of charges come soon after the report).
DAYS: dict[int, tuple[float, float]] = {
    1: (530.0, 0.50), 14: (75.0, 0.60), 18: (95.0, 0.50), 16: (100.0, 0.60), 15: (420.0, 0.60),
    20: (60.0, 0.70), 9: (420.0, 0.60),
}
DAYS_OTHER = (140.0, 0.75)
# Trade-off, stated openly: a median of 100-150 days to any outcome and more than half of the last
# year's rapes still open cannot both hold for one duration distribution (the median sits where
# half are closed). The mixture above keeps the open share (> 50%) and lands the closed-basis
# median for rape at about 170-180 days, above the 98 days published for 2019/20.
FAST_CHARGE_SHARE = 0.25
FAST_CHARGE_DAYS = (30.0, 1.0)
"""Charges that come soon after the report (suspect arrested, charged and remanded): the share of
charges and their (median days, sigma). The rest follow DAYS[1], a long investigation."""
LATE_WITHDRAWAL = (0.22, 420.0, 0.55)
"""Share of outcome-16 closures that come late in a long investigation, their median and sigma."""
STALLED_SHARE = 0.03
STALLED_FACTOR = (4.0, 0.5)
"""A few investigations stall for years (median x4): some offences stay open for a long time."""
OTHER_SEXUAL_SPEED = 0.75
"""Other sexual offences are resolved faster than rape (factor on the median)."""
COVID_SLOWDOWN = 1.12
COVID_CHARGE_SLOWDOWN = 1.28
COVID_WINDOW = ("2019-10-01", "2022-06-30")
COVID_CHARGE_WINDOW = ("2020-01-01", "2022-09-30")
"""Investigations in progress during the pandemic took longer (factor on the median days), and
charges most (court and CPS backlogs): the published median days to charge rose from 395
(2019/20) to 465 and 467 (2020/21, 2021/22)."""
NOM_SPEEDUP = 0.90
"""Factor on days to outcome two years after a force's NOM start."""
FORCE_DAYS_SD = 0.12
MAX_DAYS = 2922  # 8 years
ANCHOR_DAYS = 180
"""Effects of period and NOM phase are read at recording date + this: when decisions are made."""
CHARGE_ANCHOR_DAYS = 600
"""The charge odds are read about when a charge is decided: this many days after recording (near
the median of DAYS[1]) for a long investigation, FAST_CHARGE_DAYS[0] for a quick charge."""
NOM_RAMP_DAYS = 730
"""Effects build up linearly over two years after a force's NOM start."""

# --- Staffing (for the pillar 4 indicators) ----------------------------------------------------
CASES_PER_INVESTIGATOR_YEAR = 22.0
"""Investigators = force's recorded volume over the last year / this (x force factor)."""
INVESTIGATOR_GROWTH_NOM = 0.20
TRAINED_SHARE = (0.40, 0.85)
INDICATOR_FIRST_QUARTER = 20191
"""Force management information before 2019-20 is not realistic, so indicators start here."""

# --- What the calibration tests hold the sample to (tests/db/test_sample_data.py) -----------------
# Two measures must not be confused. The published rape charge/summons rates (1.4-2.7%) are on the
# *recorded* basis at publication: charges by the bulletin's extract, a few months after the
# period, to offences recorded in it. The dashboard's charge rate is on the *closed* basis (charges
# over all outcomes assigned in the period), which runs well above it: in the real 2018/19 file it
# is 4.0% against 2.2% (PROVENANCE-outcomes.md 1.5). So the tests rebuild the published measure
# from the case records and hold it to the published figures, and hold the closed basis to the
# real file's 2018/19 value.
# Measured at full scale by ``python -m benchmarks.calibration`` (figures in benchmarks/RESULTS.md).
PUBLISHED_EXTRACT_DAYS = 120
"""Days from the end of a published period to the extract its charge rate counts charges up to
(modelling assumption: bulletins appear about four months after the period ends)."""
PUBLISHED_CHARGE_RATES: tuple[tuple[str, str, str, int, float, str], ...] = (
    # (period, first day, last day, days to the extract, published rate, source)
    ("2018/19 (January 2020 edition)", "2018-04-01", "2019-03-31", 210, 0.022,
     "PROVENANCE-outcomes.md 1.5, sanity-check table, all rape: 1,323 of 59,502 (real file)"),
    ("YE Mar 2021", "2020-04-01", "2021-03-31", PUBLISHED_EXTRACT_DAYS, 0.015,
     "PROVENANCE-outcomes.md 3, YE Jun 2021 row (YE Mar 2021: 1.5%, infocomma)"),
    ("YE Jun 2021", "2020-07-01", "2021-06-30", PUBLISHED_EXTRACT_DAYS, 0.014,
     "domain.md 6 table (ITV); PROVENANCE-outcomes.md 3"),
    ("calendar 2020", "2020-01-01", "2020-12-31", PUBLISHED_EXTRACT_DAYS, 0.016,
     "PROVENANCE-outcomes.md 3, 2020 row: 843 of 52,210 (the Guardian)"),
    ("YE Sep 2022", "2021-10-01", "2022-09-30", PUBLISHED_EXTRACT_DAYS, 0.016,
     "domain.md 6 table; PROVENANCE-outcomes.md 3: 1,130 of 70,633 (The Times)"),
    ("YE Mar 2024", "2023-04-01", "2024-03-31", PUBLISHED_EXTRACT_DAYS, 0.026,
     "PROVENANCE-outcomes.md 3, YE Mar 2024 row (PA copy in News & Star)"),
    ("calendar 2024", "2024-01-01", "2024-12-31", PUBLISHED_EXTRACT_DAYS, 0.027,
     "domain.md 6 table, YE Sep 2024 row: 2.7% of 2024 rapes (zoonop, weak secondary)"),
)
TEST_PUBLISHED_RATE_TOLERANCE = 0.003
"""Either side of each published rate, at full scale: the unknown extract dates and rounding of the
published figures (sampling noise is about 0.05 percentage points). The old calibration read
0.9-1.4% throughout."""
CLOSED_CHARGE_2018 = {"all_rape": (0.040, 0.004), "adult_rape": (0.026, 0.003)}
"""Closed basis, 2018/19, at full scale: (value, tolerance). PROVENANCE-outcomes.md 1.5, sanity-check table,
closed-basis column: all rape 2,372 of 60,000 (4.0%), adult rape 1,115 of 42,954 (2.6%)."""
PUBLISHED_MEDIAN_DAYS_TO_CHARGE: dict[int, int] = {2018: 381, 2019: 395, 2020: 465, 2021: 467, 2022: 421}
"""Median days from recording to charge, all rape, by financial year of the charge. domain.md 6,
[V] bullet (parallelparliament HL2028; Home Office Data Hub forces only)."""
TEST_MEDIAN_DAYS_TOLERANCE = 30
"""Days either side, at full scale: sampling noise (at 300,000 cases the median of a year's charges
moves by 30-40 days between seeds) and the Data Hub's partial force coverage. The old calibration
read 422 for 2021-22 (45 below) and only +5 days over 2019-20."""
TEST_COVID_MEDIAN_RISE = 30
"""2020-21 and 2021-22 each at least this many days above 2019-20 (published: +70 and +72)."""
TEST_CHARGED_WITHIN_180_DAYS = 0.15
"""Floor on the share of rape charges (closed basis, each year) that come within 180 days of the
report. No published figure; it follows from the published rates above: with charges only after
long investigations, the rate at publication could not reach 1.4-2.7% while the closed basis stays
near 4% (the old calibration had 5-10% and read 0.9-1.4% at publication)."""
NOM_ADULT_RAPE_CHARGE_RISE = (0.38, 0.25, 0.55)
"""Adult rape (19C, 19F) charges, calendar 2023 against 2022: (published, lowest, highest), at
full scale. domain.md 6, [V] NPCC bullet: adult rape charges up 38% in YE Dec 2023. The old
calibration: +17%."""
TEST_CHARGE_RATE = (0.03, 0.085)
"""Closed basis, every year from 2015-16. Around the real 4.0% of 2018/19, falling to ~3.8% in the
pandemic years and rising with the published rate, which nearly doubled from 2021-22 (1.4-1.6%) to
2024 (2.6-2.7%)."""
TEST_CHARGE_RATE_EARLY = (0.045, 0.075)
"""2015-16 and 2016-17: above the later years (the Rape Monitoring Group reported 7% for 2015/16 and
6.8% for 2016/17 on its own basis; PROVENANCE-outcomes.md 3). The carried-in cases supply the
charges of offences recorded before 2015; without them 2015-16 read ~1%."""
TEST_QUARTER_CHARGE_RATE_FLOOR = 0.01
"""Each quarter of 2015-16: the 99% Wilson lower bound of the charge rate lies above this."""
TEST_CHARGE_RATE_PRE_NOM = (0.035, 0.05)
"""2019-20, before the first NOM starts: near the real 2018/19 closed basis (4.0%)."""
TEST_CHARGE_RATE_LATEST = (0.06, 0.085)
"""2025-26, the latest full year: the closed basis after the rise the published rates show."""
TEST_MEDIAN_DAYS_TO_CHARGE = (370, 490)
"""2023-24 to 2025-26 (no published figure after YE Sep 2023's 426): the published range 381-467
with a margin."""
TEST_MEDIAN_DAYS_EARLY = (300, 490)
"""2015-16 to 2017-18 (no published anchor before 2018/19): the same order as the later years,
not the ~120-200 days that records starting cold in 2015 gave."""
