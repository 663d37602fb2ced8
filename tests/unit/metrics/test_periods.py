"""metrics.periods: quarter arithmetic, labels, and the parsers every ingest module uses.

Expected values are written out by hand from the calendar (2024-25 Q1 is April-June 2024).
"""

from __future__ import annotations

from datetime import date

import pytest

from metrics.periods import (
    PeriodError,
    add_quarters,
    financial_year,
    fy_label,
    parse_fy,
    parse_period,
    parse_quarter_label,
    quarter_end,
    quarter_label,
    quarter_month_label,
    quarter_of,
    quarter_start,
    quarters_between,
    year_ending,
)


@pytest.mark.parametrize(("day", "q"), [
    (date(2024, 4, 1), 20241), (date(2024, 6, 30), 20241), (date(2024, 7, 1), 20242),
    (date(2024, 12, 31), 20243), (date(2025, 1, 1), 20244), (date(2025, 3, 31), 20244),
    (date(2025, 4, 1), 20251),
])
def test_quarter_of(day, q):
    assert quarter_of(day) == q


def test_add_quarters_crosses_years_both_ways():
    assert add_quarters(20244, 1) == 20251
    assert add_quarters(20241, -1) == 20234
    assert add_quarters(20242, 8) == 20262
    assert add_quarters(20242, -9) == 20221
    assert add_quarters(20243, 0) == 20243
    assert quarters_between(20233, 20242) == [20233, 20234, 20241, 20242]


def test_quarter_dates_and_labels():
    assert (quarter_start(20243), quarter_end(20243)) == (date(2024, 10, 1), date(2024, 12, 31))
    assert (quarter_start(20244), quarter_end(20244)) == (date(2025, 1, 1), date(2025, 3, 31))
    assert fy_label(2024) == "2024-25" and fy_label(1999) == "1999-00"
    assert quarter_label(20241) == "2024-25 Q1"
    assert quarter_month_label(20241) == "Apr-Jun 2024"
    assert quarter_month_label(20244) == "Jan-Mar 2025"


def test_periods():
    fy = parse_period("2024-25")
    assert (fy.first, fy.last, fy.kind) == (20241, 20244, "fy") and fy == financial_year(2024)
    ye = parse_period("YE-2026-09")
    assert (ye.first, ye.last, ye.kind, ye.token) == (20253, 20262, "ye", "YE-2026-09")
    assert ye == year_ending(20262) and ye.label == "12 months to Sep 2026"
    assert ye.previous() == parse_period("YE-2025-09")
    assert parse_period("ye-2026-03").last == 20254


@pytest.mark.parametrize(("token", "message"), [
    ("2024-26", "consecutive"), ("YE-2026-08", "must end in March, June, September or December"),
    ("", "is not a period"), ("2024/25", "is not a period"), ("Q1 2024", "is not a period"),
])
def test_parse_period_errors(token, message):
    with pytest.raises(PeriodError, match=message):
        parse_period(token)


@pytest.mark.parametrize("text", ["2024-25", "2024/25", "2024_25", "2024 25", "2024/2025", "2024 to 2025",
                                  " 2024 - 25 ", "2024 TO 2025", "2024-2025"])
def test_parse_fy_spellings(text):
    assert parse_fy(text) == 2024


def test_parse_fy_century():
    assert parse_fy("1999-00") == 1999
    assert parse_fy("1999/2000") == 1999


@pytest.mark.parametrize("text", ["2024-26", "2024/2026", "2024-24", "24-25", "2024", "", None, "FY2024-25",
                                  "2024-25 Q1"])
def test_parse_fy_rejects(text):
    with pytest.raises(PeriodError):
        parse_fy(text)


@pytest.mark.parametrize(("text", "q"), [
    ("2024-25 Q1", 20241), ("2024/25 q4", 20244), ("2024_25Q2", 20242), ("2024 to 2025 Q3", 20243),
    ("20241", 20241), (quarter_label(20262), 20262),
])
def test_parse_quarter_label(text, q):
    assert parse_quarter_label(text) == q


@pytest.mark.parametrize("text", ["2024-25 Q5", "2024-25 Q0", "2024-26 Q1", "2024-25", "Q1", "20245", "", None])
def test_parse_quarter_label_rejects(text):
    with pytest.raises(PeriodError):
        parse_quarter_label(text)
