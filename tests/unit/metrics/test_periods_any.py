"""Every period a page shows can be typed on the command line (issue 7, item 3)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from metrics.periods import (
    PeriodError,
    is_year_ending,
    parse_any_period,
    quarter_label,
    year_ending,
)


@pytest.mark.parametrize(("token", "first", "last"), [
    ("2024-25", 20241, 20244),
    ("2024-25 Q1", 20241, 20241),
    ("2024/25 q3", 20243, 20243),
    ("YE-2026-09", 20253, 20262),
    ("ye-2026-03", 20251, 20254),  # 12 months to March 2026 is financial year 2025-26
])
def test_financial_years_quarters_and_rolling_years(token, first, last):
    period = parse_any_period(token)
    assert (period.first, period.last) == (first, last)


def test_a_quarter_reads_back_as_the_pages_label_it():
    for q in (20151, 20242, 20263):
        assert parse_any_period(quarter_label(q)).first == q
    assert parse_any_period(year_ending(20262).token).last == 20262
    assert is_year_ending("YE-2026-09") and not is_year_ending("2024-25")


@pytest.mark.parametrize("token", ["2099-00", "1066-67", "YE-0000-03", "YE-9999-12", "2024-26", "2024-25 Q5",
                                   "YE-2026-07", "", "20241", "²⁰²⁴-25", "9" * 5000])
def test_malformed_periods_name_the_formats(token):
    with pytest.raises(PeriodError) as info:
        parse_any_period(token)
    message = str(info.value)
    assert "expected a financial year (2024-25), a quarter (2024-25 Q1) or 12 months ending a quarter" in message
    assert len(message) < 400 and "\n" not in message


@pytest.mark.parametrize("token", ["2099-00", "YE-9999-12", "YE-2999-03", "1899-00"])
def test_every_format_states_the_same_year_bounds(token):
    with pytest.raises(PeriodError) as caught:
        parse_any_period(token)
    assert re.search(r"is not between 1900 and \d{4}\)", str(caught.value)), str(caught.value)
    assert f"and {date.today().year + 1})" in str(caught.value)
