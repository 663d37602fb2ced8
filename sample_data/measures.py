"""The figures the sample is calibrated on, measured from its case records.

One place for how each calibration figure is counted, so the calibration tests
(tests/db/test_sample_data.py) and the calibration report (``python -m benchmarks.calibration``) cannot
count differently. Two charge rates must not be confused: the published rates are charges by the
bulletin's extract to the offences recorded in a period (``charge_rate_as_published``); the
dashboard's is charges over all outcomes assigned in the period (``closed_charge_rates``).
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from db import reference as ref

RAPE_CODES = tuple(o[0] for o in ref.OFFENCES if o[2] == "rape")
ADULT_RAPE_CODES = ("19C", "19F")
_CHARGE = pl.col("outcome_type") == 1


def _of(cases: pl.DataFrame, codes: tuple[str, ...]) -> pl.DataFrame:
    return cases.filter(pl.col("offence_code").is_in(list(codes)))


def charge_rate_as_published(cases: pl.DataFrame, first: date, last: date, extract_days: int,
                             codes: tuple[str, ...] = RAPE_CODES) -> float:
    """Charges by ``last + extract_days`` to offences recorded from ``first`` to ``last``, over them."""
    cohort = _of(cases, codes).filter(pl.col("recorded_date").is_between(first, last))
    extract = last + timedelta(days=extract_days)
    return cohort.filter(_CHARGE & (pl.col("outcome_date") <= extract)).height / cohort.height


def closed_charge_rates(cases: pl.DataFrame, codes: tuple[str, ...] = RAPE_CODES) -> dict[int, float]:
    """Closed basis by financial year of the outcome: charges over all outcomes assigned."""
    closed = _of(cases, codes).filter(pl.col("outcome_type") != 0)
    by = closed.group_by(fy=pl.col("outcome_quarter") // 10).agg(rate=_CHARGE.mean())
    return dict(zip(by["fy"], by["rate"], strict=True))


def _charges_by_year(cases: pl.DataFrame, codes: tuple[str, ...]) -> pl.DataFrame:
    return _of(cases, codes).filter(_CHARGE).with_columns(fy=pl.col("outcome_quarter") // 10)


def median_days_to_charge(cases: pl.DataFrame, codes: tuple[str, ...] = RAPE_CODES) -> dict[int, float]:
    """Median days from recording to charge, by financial year of the charge."""
    by = _charges_by_year(cases, codes).group_by("fy").agg(pl.col("days_to_outcome").median())
    return dict(zip(by["fy"], by["days_to_outcome"], strict=True))


def charged_within(cases: pl.DataFrame, days: int, codes: tuple[str, ...] = RAPE_CODES) -> dict[int, float]:
    """Share of the charges of each financial year that came within ``days`` of the report."""
    by = _charges_by_year(cases, codes).group_by("fy").agg(share=(pl.col("days_to_outcome") <= days).mean())
    return dict(zip(by["fy"], by["share"], strict=True))


def charges_by_calendar_year(cases: pl.DataFrame, codes: tuple[str, ...] = ADULT_RAPE_CODES) -> dict[int, int]:
    """Charges by calendar year of the charge (the NPCC counts years ending December)."""
    by = _of(cases, codes).filter(_CHARGE).group_by(year=pl.col("outcome_date").dt.year()).len()
    return dict(zip(by["year"], by["len"], strict=True))
