"""Every ``RASSO_`` environment variable in one place, typed, with its default.

Why one module: the database URL, the disclosure threshold, the first-start sample size, the
public address and the contact used to be read (and checked, or not) wherever they were needed.
Here each has one name, one type, one default and one readable error, and the README's table
of settings can be checked against ``SETTINGS``. Values are read from the environment when asked
for (never at import), so a test or a server can change them without reloading modules.

This is the bottom layer: it imports nothing from the project.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_DB_URL = "sqlite:///rasso.sqlite"
DEFAULT_DISCLOSURE_THRESHOLD = 5
DEFAULT_FIRST_START_CASES = 600_000
PROTECTION_CHECKS = ("lines", "lp")
DEFAULT_PROTECTION_CHECK = "lines"
DEFAULT_STATEMENT_TIMEOUT = 60
DEFAULT_WARM_CACHES = True


class SettingsError(ValueError):
    """A setting has a value the product cannot use; the message names it and says what to set."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("RASSO_DB_URL", DEFAULT_DB_URL,
            "database URL: sqlite:///FILE or postgresql://USER@HOST:PORT/DB"),
    Setting("RASSO_DISCLOSURE_THRESHOLD", DEFAULT_DISCLOSURE_THRESHOLD,
            "counts below this are suppressed in the public tier (a whole number, at least 1)"),
    Setting("RASSO_FIRST_START_CASES", DEFAULT_FIRST_START_CASES,
            "cases in the synthetic sample loaded when the app starts on an empty database "
            "(a whole number, at least 1)"),
    Setting("RASSO_PROTECTION_CHECK", DEFAULT_PROTECTION_CHECK,
            "how a release's disclosure protection is checked when it is loaded: 'lines' (every "
            "total against its parts, seconds) or 'lp' (also every hidden cell's range by linear "
            "programming, minutes at national scale)"),
    Setting("RASSO_STATEMENT_TIMEOUT", DEFAULT_STATEMENT_TIMEOUT,
            "seconds one database statement of the app may run before PostgreSQL cancels it and the "
            "page says so (a whole number, at least 1)"),
    Setting("RASSO_WARM_CACHES", DEFAULT_WARM_CACHES,
            "1 (the default): after a page asks for an offence group's figures, the server computes the "
            "same figures for the other offence groups in the background, so changing the group is "
            "quick; 0: only what a page asks for (the test suite sets 0)"),
    Setting("RASSO_BASE_URL", None,
            "the app's public address (http(s)://host[:port][/path]), so citations carry a full "
            "link; unset: citations give the path only"),
    Setting("RASSO_CONTACT", None,
            "who users contact about the deployment (an e-mail address or a web address); "
            "shown in the accessibility statement"),
)


def _raw(name: str, environ: Mapping[str, str] | None) -> str:
    return (os.environ if environ is None else environ).get(name, "").strip()


def _whole_number(name: str, default: int, environ: Mapping[str, str] | None, *, minimum: int = 1) -> int:
    raw = _raw(name, environ)
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
        raise SettingsError(f"{name} must be a whole number, got {raw[:40]!r}")
    value = int(raw)
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, got {value}")
    return value


def db_url(environ: Mapping[str, str] | None = None) -> str:
    """``RASSO_DB_URL``, else the embedded SQLite file ``rasso.sqlite``."""
    return _raw("RASSO_DB_URL", environ) or DEFAULT_DB_URL


def disclosure_threshold(environ: Mapping[str, str] | None = None) -> int:
    """``RASSO_DISCLOSURE_THRESHOLD``, else 5."""
    return _whole_number("RASSO_DISCLOSURE_THRESHOLD", DEFAULT_DISCLOSURE_THRESHOLD, environ)


def protection_check(environ: Mapping[str, str] | None = None) -> str:
    """``RASSO_PROTECTION_CHECK``: 'lines' (the default) or 'lp'."""
    raw = (_raw("RASSO_PROTECTION_CHECK", environ) or DEFAULT_PROTECTION_CHECK).strip().lower()
    if raw not in PROTECTION_CHECKS:
        raise SettingsError(f"RASSO_PROTECTION_CHECK must be 'lines' or 'lp', got {raw[:20]!r}")
    return raw


def first_start_cases(environ: Mapping[str, str] | None = None) -> int:
    """``RASSO_FIRST_START_CASES``, else 600,000 (about a tenth of national volume)."""
    return _whole_number("RASSO_FIRST_START_CASES", DEFAULT_FIRST_START_CASES, environ)


def statement_timeout(environ: Mapping[str, str] | None = None) -> int:
    """``RASSO_STATEMENT_TIMEOUT`` in seconds, else 60."""
    return _whole_number("RASSO_STATEMENT_TIMEOUT", DEFAULT_STATEMENT_TIMEOUT, environ)


def warm_caches(environ: Mapping[str, str] | None = None) -> bool:
    """``RASSO_WARM_CACHES``: '1' (the default) or '0'."""
    raw = _raw("RASSO_WARM_CACHES", environ)
    if raw not in ("", "0", "1"):
        raise SettingsError(f"RASSO_WARM_CACHES must be 0 or 1, got {raw[:20]!r}")
    return raw != "0"


def base_url(environ: Mapping[str, str] | None = None) -> str | None:
    """``RASSO_BASE_URL`` without a trailing slash, or None when not set."""
    raw = _raw("RASSO_BASE_URL", environ)
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment \
            or any(c.isspace() for c in raw):
        raise SettingsError(f"RASSO_BASE_URL must be an address like https://rasso.example.org "
                            f"(http or https, no query), got {raw[:60]!r}")
    return raw.rstrip("/")


def contact(environ: Mapping[str, str] | None = None) -> str | None:
    """``RASSO_CONTACT`` (an e-mail address or a web address), or None when not set.

    Shown as a link, so characters that would break Markdown or HTML are refused."""
    raw = _raw("RASSO_CONTACT", environ)
    if not raw:
        return None
    if len(raw) > 200 or any(c.isspace() or not c.isprintable() or c in "()[]<>`*_\\\"'" for c in raw) \
            or not ("@" in raw or raw.startswith(("http://", "https://"))):
        raise SettingsError(f"RASSO_CONTACT must be an e-mail address or an http(s) address, "
                            f"got {raw[:60]!r}")
    return raw


READERS: dict[str, Callable[[Mapping[str, str] | None], object]] = {
    "RASSO_DB_URL": db_url,
    "RASSO_DISCLOSURE_THRESHOLD": disclosure_threshold,
    "RASSO_FIRST_START_CASES": first_start_cases,
    "RASSO_PROTECTION_CHECK": protection_check,
    "RASSO_STATEMENT_TIMEOUT": statement_timeout,
    "RASSO_WARM_CACHES": warm_caches,
    "RASSO_BASE_URL": base_url,
    "RASSO_CONTACT": contact,
}


def check_all(environ: Mapping[str, str] | None = None) -> list[str]:
    """One message per setting that is set to a value the product cannot use."""
    problems = []
    for read in READERS.values():
        try:
            read(environ)
        except SettingsError as exc:
            problems.append(str(exc))
    return problems
