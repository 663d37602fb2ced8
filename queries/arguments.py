"""The arguments every query function shares (tier, grain, span, area), checked one way.

Why here: ``metric_table`` and ``outcome_mix`` take the same arguments, and a bad one must give
the same one-line ``QueryError`` from both (the command line prints it as it is).
"""

from __future__ import annotations

from collections.abc import Iterable

from metrics.errors import QueryError

GRAINS = ("quarter", "year", "rolling", "period")
TIERS = ("public", "restricted")


def check_window(*, tier: str, grain: str, first_quarter: int, last_quarter: int) -> None:
    """Refuse an unknown tier or grain, or a span that ends before it starts."""
    if tier not in TIERS:
        raise QueryError(f"Unknown tier '{tier}'. Choose public or restricted.")
    if grain not in GRAINS:
        raise QueryError(f"Unknown grain '{grain}'. Choose one of: {', '.join(GRAINS)}")
    if first_quarter > last_quarter:
        raise QueryError("The start of the period is after its end.")


def check_area(area: str, force_codes: Iterable[str]) -> None:
    """Refuse an area that is not 'national', 'all' or a force code."""
    if area not in ("national", "all") and area not in set(force_codes):
        raise QueryError(f"Unknown force '{area}'. Use an ONS police force area code such as "
                         f"E23000036, 'BTP', 'national' or 'all'.")
