"""How hidden numbers look: markers in tables and files, and the rules in plain English."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import polars as pl

from metrics.disclosure.markers import (
    KEPT_FLAGS,
    LOW_RELIABILITY,
    NOT_APPLICABLE,
    NOT_AVAILABLE,
    PUBLIC,
    RESTRICTED,
)
from metrics.disclosure.rules import DEFAULT_THRESHOLD, NUMBER_COLUMNS, disclosure_threshold


def _format_number(v: float, decimals: int, thousands: bool) -> str:
    if decimals <= 0:
        return f"{round(v):,d}" if thousands else f"{round(v):d}"
    return f"{v:,.{decimals}f}" if thousands else f"{v:.{decimals}f}"


DEFAULT_DECIMALS = {"numerator": 0, "denominator": 0, "value": 1, "lower": 1, "upper": 1,
                    "count": 0, "share": 1}
VALUE_DECIMALS = {"percent": 1, "per_1000": 2, "days": 0, "count": 0, "per_investigator": 1}
"""Decimal places of a value (and its interval) by metric unit: the same on screen and in files."""
NOT_APPLICABLE_COLUMNS = {"count": ("denominator",), "days": ("numerator",)}
"""Columns that a unit never fills: a count has no denominator, a median no numerator."""


def format_for_display(
    frame: pl.DataFrame,
    columns: Iterable[str] = NUMBER_COLUMNS,
    decimals: int | Mapping[str, int] | None = None,
    *,
    missing: str = NOT_AVAILABLE,
    thousands: bool = False,
    unit: str | None = None,
) -> pl.DataFrame:
    """String versions of the number columns, with markers where numbers are hidden.

    A null number shows the row's flag (``[c]``, ``[x]`` or ``[z]``); a null in a row with no
    such flag shows ``missing`` (``[x]`` by default). In a ``[u]`` row the value keeps its
    number followed by `` [u]``. ``decimals`` is one number for every column or a mapping per
    column (default: counts 0, value and limits by ``unit`` from VALUE_DECIMALS, else 1); the
    columns a unit never fills show ``[z]``. Columns not in the frame are skipped, so
    CSV and Excel exports and on-screen tables show the same markers.
    """
    cols = [c for c in columns if c in frame.columns]
    if isinstance(decimals, int):
        places = dict.fromkeys(cols, decimals)
    else:
        by_unit = dict.fromkeys(("value", "lower", "upper"), VALUE_DECIMALS[unit]) if unit in VALUE_DECIMALS else {}
        places = {**DEFAULT_DECIMALS, **by_unit, **(dict(decimals) if decimals else {})}
    never = NOT_APPLICABLE_COLUMNS.get(unit, ())
    flags = frame["flag"].fill_null("").to_list() if "flag" in frame.columns else [""] * frame.height
    out = {}
    for c in cols:
        d = places.get(c, 1)
        texts = []
        for v, fl in zip(frame[c].to_list(), flags, strict=True):
            if c in never:
                texts.append(NOT_APPLICABLE)
            elif v is None or (isinstance(v, float) and v != v):
                texts.append(fl if fl in KEPT_FLAGS else missing)
            else:
                text = _format_number(float(v), d, thousands)
                if fl == LOW_RELIABILITY and c == "value":
                    text = f"{text} {LOW_RELIABILITY}"
                texts.append(text)
        out[c] = pl.Series(c, texts, dtype=pl.String)
    return frame.with_columns(**out)


def rules_text(threshold: int | None = None, *, tier: str = PUBLIC) -> str:
    """Plain-English statement of the rules, for the methodology page and export notes."""
    t = disclosure_threshold(threshold)
    lines = [
        "How small numbers are protected",
        "",
        f"Counts from 1 to {t - 1} are not shown; they appear as [c] (confidential). "
        "Zeros are real zeros and are shown.",
        "A rate or percentage is shown as [c] when it is based on fewer cases than the "
        f"larger of {t} and the minimum stated for that measure: too few to be reliable. Its "
        "counts are shown unless they are hidden themselves.",
        "Which other figures are hidden is decided once for each release, over every count any "
        "public table, chart, download or export can show: forces, England and Wales with and "
        "without British Transport Police, quarters, financial years and the twelve-month "
        "windows ending in the same quarter of the year as the release, every offence group "
        "(all rape is adult plus child rape; all sexual offences are rape plus other sexual "
        "offences), every outcome group and its total, and force figures that are the same "
        "count as another table's. Where a total would give a hidden figure back by "
        "subtraction, or show that the hidden figures beside it add up to less than "
        f"{t}, more figures are hidden. Every view hides the same figures, and an independent "
        "audit solves the published tables together to check that no hidden count can be "
        "worked out.",
        "Other periods (twelve months ending in another quarter, a span you choose) are shown "
        "only where every quarter inside them is shown, or where what they would hide is "
        "exactly what the shown financial years or headline twelve months around them hide "
        "(anyone could then work them out from what is shown).",
        "Other periods that cannot be shown (twelve months ending in another quarter, a span you "
        "choose) are not offered in the public view: they appear as [x], not [c]. They are not "
        "among the figures the release's protection hides, so the promise that a hidden figure "
        "cannot be worked out is not made for them: their quarters are hidden and protected, but "
        "the quarters together can sometimes be worked out, or narrowed, from other tables. "
        "Protecting every twelve months as well would hide over half of all figures instead of "
        "about two in five, and a span you choose cannot be protected in advance. The headline "
        "twelve months, financial years and quarters are [c] where hidden, and protected.",
        "Medians of days are shown without the number of cases behind them (that number is a "
        "count protected in other tables); a median on too few cases, or on none, is [c].",
        "A later edition keeps hidden what the earlier edition hid where the figure did not "
        "change, hides more where comparing the two editions would give a revised figure back "
        "or show that it is small, "
        "and the public list of revisions shows only figures visible in both editions.",
        "The marker [u] (low reliability) flags a rate or percentage based on fewer than twice "
        "the minimum number of cases for that measure. It is shown, but treat it with care.",
        "The marker [x] means the figure is not available: the source did not provide it, or "
        "the public view does not offer it (a period over a hidden quarter, above); the "
        "marker [z] means not applicable (for example, a percentage of zero cases).",
        "Records about individual cases are never shown or downloadable in the public view.",
    ]
    if tier == RESTRICTED:
        lines.append(
            "You are in the restricted view: small counts are shown. Do not publish them "
            "without applying these rules."
        )
    return "\n".join(lines)


# the default wording; pages that honour a configured threshold call rules_text() instead
RULES_TEXT = rules_text(DEFAULT_THRESHOLD)
