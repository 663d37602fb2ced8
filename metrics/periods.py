"""Home Office periods: financial years (April-March), their quarters, and rolling 12 months.

A quarter is stored as the integer ``fy * 10 + fq``: 20241 is 2024-25 Q1 (April-June 2024).
A period a user picks is a financial year (``2024-25``) or twelve months ending a quarter
(``YE-2026-09``: October 2025 to September 2026).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from metrics.errors import QueryError

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class PeriodError(QueryError):
    """A period string that is not a financial year or a year-ending token."""


def quarter_of(day: date) -> int:
    fy = day.year if day.month >= 4 else day.year - 1
    fq = (day.month - 4) % 12 // 3 + 1
    return fy * 10 + fq


def split(q: int) -> tuple[int, int]:
    return q // 10, q % 10


def add_quarters(q: int, n: int) -> int:
    fy, fq = split(q)
    index = fy * 4 + fq - 1 + n
    return (index // 4) * 10 + index % 4 + 1


def quarters_between(first: int, last: int) -> list[int]:
    out, q = [], first
    while q <= last:
        out.append(q)
        q = add_quarters(q, 1)
    return out


def quarter_start(q: int) -> date:
    fy, fq = split(q)
    month = 4 + 3 * (fq - 1)
    return date(fy + (month > 12), (month - 1) % 12 + 1, 1)


def quarter_end(q: int) -> date:
    return quarter_start(add_quarters(q, 1)) - timedelta(days=1)


def fy_label(fy: int) -> str:
    return f"{fy}-{(fy + 1) % 100:02d}"


def quarter_label(q: int) -> str:
    """'2024-25 Q1'."""
    fy, fq = split(q)
    return f"{fy_label(fy)} Q{fq}"


def quarter_month_label(q: int) -> str:
    """'Apr-Jun 2024': what a non-specialist reads more easily."""
    start, end = quarter_start(q), quarter_end(q)
    return f"{_MONTHS[start.month - 1]}-{_MONTHS[end.month - 1]} {end.year}"


def latest_complete_quarter(today: date | None = None) -> int:
    today = today or date.today()
    return add_quarters(quarter_of(today), -1)


@dataclass(frozen=True)
class Period:
    """A span of whole quarters that a user can ask for: a financial year or a rolling year."""

    first: int
    last: int
    token: str
    label: str

    @property
    def quarters(self) -> list[int]:
        return quarters_between(self.first, self.last)

    def previous(self) -> Period:
        """The same span one year earlier (for change on the year)."""
        return _make(add_quarters(self.first, -4), add_quarters(self.last, -4), kind=self.kind)

    @property
    def kind(self) -> str:
        return "fy" if re.fullmatch(r"\d{4}-\d{2}", self.token) else "ye"


def _make(first: int, last: int, *, kind: str) -> Period:
    if kind == "fy":
        fy = first // 10
        return Period(first, last, fy_label(fy), f"{fy_label(fy)} (April {fy} to March {fy + 1})")
    end = quarter_end(last)
    token = f"YE-{end.year}-{end.month:02d}"
    return Period(first, last, token, f"12 months to {_MONTHS[end.month - 1]} {end.year}")


def financial_year(fy: int) -> Period:
    return _make(fy * 10 + 1, fy * 10 + 4, kind="fy")


def year_ending(q: int) -> Period:
    return _make(add_quarters(q, -3), q, kind="ye")


FIRST_YEAR, LAST_YEAR = 1900, 2999  # wide of any data, narrow enough for date() arithmetic


def _check_year(token: str, year: int) -> None:
    """A PeriodError for a year ``date()`` would refuse ('YE-0000-03', 'YE-9999-12' raised a bare
    ValueError), or that no data can have: callers catch PeriodError only."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodError(f"'{token}': the year {year} is outside {FIRST_YEAR} to {LAST_YEAR}")


def parse_period(token: str) -> Period:
    """'2024-25' or 'YE-2026-09' (year ending a quarter's last month)."""
    token = (token or "").strip()
    # [0-9], not \d: \d also matches Arabic-Indic and other Unicode digits
    m = re.fullmatch(r"([0-9]{4})-([0-9]{2})", token)
    if m:
        fy = int(m.group(1))
        _check_year(token, fy)
        if (fy + 1) % 100 != int(m.group(2)):
            raise PeriodError(f"'{token}' is not a financial year: the years must be consecutive, like 2024-25")
        return financial_year(fy)
    m = re.fullmatch(r"YE-([0-9]{4})-([0-9]{2})", token, flags=re.IGNORECASE)
    if m:
        year, month = int(m.group(1)), int(m.group(2))
        if month not in (3, 6, 9, 12):
            raise PeriodError(f"'{token}': a year must end in March, June, September or December")
        _check_year(token, year)
        return year_ending(quarter_of(date(year, month, 1)))
    raise PeriodError(f"'{token}' is not a period: use a financial year like 2024-25 or YE-2026-09")


def fy_of(q: int) -> int:
    return q // 10


_FY_TEXT = re.compile(r"\s*(\d{4})\s*(?:[-_/]|to)?\s*(\d{2}|\d{4})\s*", flags=re.IGNORECASE)


def parse_fy(text: object) -> int:
    """A financial year as files and sheet names write it, to its start year.

    '2024-25', '2024/25', '2024_25', '2024 25', '2024/2025', '2024 to 2025' -> 2024. The years
    must be consecutive; anything else raises PeriodError. (Every ingest parser uses this, so a
    new spelling is added here once.)
    """
    m = _FY_TEXT.fullmatch(str(text if text is not None else ""))
    if not m:
        raise PeriodError(f"'{text}' is not a financial year (write it like 2024-25)")
    start, end = int(m.group(1)), int(m.group(2))
    if end != ((start + 1) % 100 if len(m.group(2)) == 2 else start + 1):
        raise PeriodError(f"'{text}' is not a financial year: the years must be consecutive, like 2024-25")
    return start


def parse_quarter_label(text: object) -> int:
    """'2024-25 Q1' (as ``quarter_label`` writes it, any financial-year spelling) -> 20241.

    The stored form '20241' is accepted too. Anything else raises PeriodError.
    """
    raw = str(text if text is not None else "")
    m = re.fullmatch(r"\s*(\d{4})([1-4])\s*", raw)
    if m:
        return int(m.group(1)) * 10 + int(m.group(2))
    m = re.fullmatch(r"\s*(.+?)\s*q([1-4])\s*", raw, flags=re.IGNORECASE)
    if not m:
        raise PeriodError(f"'{text}' is not a quarter (write it like 2024-25 Q1)")
    return parse_fy(m.group(1)) * 10 + int(m.group(2))


PERIOD_FORMATS = ("a financial year (2024-25), a quarter (2024-25 Q1) or 12 months ending a quarter "
                  "(YE-2026-09)")


def parse_any_period(token: object) -> Period:
    """Any period the pages show, as a span of quarters: '2024-25', '2024-25 Q1' or 'YE-2026-09'.

    For the command line, which must reproduce every figure a page shows. A quarter is a
    one-quarter span. Anything else, including dates that do not exist (YE-0000-03), raises
    PeriodError naming the formats expected.
    """
    text = str(token if token is not None else "").strip()
    try:
        if m := re.fullmatch(r"(?:YE-)?([0-9]{4})-[0-9]{2}", text, flags=re.IGNORECASE):
            _plausible_year(text, int(m.group(1)))  # before parse_period, whose bounds are wider
            period = _plausible(parse_period(text))
            quarter_end(period.last)  # a year 9999 end has no next quarter: fail here, not later
            return period
        if re.search(r"q[1-4]\s*$", text, flags=re.IGNORECASE):
            q = parse_quarter_label(text)
            period = _plausible(Period(q, q, quarter_label(q), f"{quarter_label(q)} ({quarter_month_label(q)})"))
            quarter_end(q)
            return period
    except (PeriodError, ValueError, OverflowError) as exc:
        raise PeriodError(f"'{_short(text)}' is not a valid period ({_reason(exc)}): expected {PERIOD_FORMATS}") from None
    raise PeriodError(f"'{_short(text)}' is not a period: expected {PERIOD_FORMATS}")


def _short(text: str, limit: int = 24) -> str:
    """The token as typed, cut short: an error message stays one readable line."""
    return text if len(text) <= limit else f"{text[:limit]}…"


FIRST_PLAUSIBLE_YEAR = 1900


def _plausible_year(token: str, year: int, today: date | None = None) -> None:
    """A year no record can be in (before 1900, or after next year) is a typing slip: one
    bound for every period format, so the messages agree."""
    latest = (today or date.today()).year + 1
    if not FIRST_PLAUSIBLE_YEAR <= year <= latest:
        raise PeriodError(f"'{_short(token)}': the year {year} is not between "
                          f"{FIRST_PLAUSIBLE_YEAR} and {latest}")


def _plausible(period: Period, today: date | None = None) -> Period:
    _plausible_year(period.token, fy_of(period.first), today)
    return period


def _reason(exc: Exception) -> str:
    """The cause in a few words, without repeating the token."""
    text = str(exc)
    return text.split(": ", 1)[1] if isinstance(exc, PeriodError) and ": " in text else (
        "no such date" if not isinstance(exc, PeriodError) else "not a period")


def is_year_ending(token: object) -> bool:
    """True for a 'YE-yyyy-mm' token (12 months ending a quarter)."""
    return bool(re.fullmatch(r"\s*YE-\d{4}-\d{2}\s*", str(token or ""), flags=re.IGNORECASE))
