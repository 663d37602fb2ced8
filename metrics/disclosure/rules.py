"""The display rules: what each cell of a table shows, judged on the cell alone.

See the package docstring (:mod:`metrics.disclosure`) for the markers, tiers and threshold.
Which counts are hidden to stop arithmetic across tables is not decided here but once per
release (``metrics.disclosure.linked``, stored by ``db.protection``); these rules only ever hide
more (a rate on too few cases, a count of one to four).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

import settings
from metrics.disclosure.markers import (
    CONFIDENTIAL,
    KEPT_FLAGS,
    LOW_RELIABILITY,
    NOT_APPLICABLE,
    NOT_AVAILABLE,
    PUBLIC,
    TIERS,
)
from metrics.errors import QueryError
from settings import SettingsError

DEFAULT_THRESHOLD = settings.DEFAULT_DISCLOSURE_THRESHOLD

# columns that only case-level (record-per-victim) data carry; never in the public tier
CASE_LEVEL_COLUMNS = ("case_id",)

NUMBER_COLUMNS = ("numerator", "denominator", "value", "lower", "upper")
_VALUE_COLUMNS = ("value", "lower", "upper")


class CaseLevelDataError(ValueError):
    """A frame with case-level identifiers was about to reach the public tier."""


class DisclosureSettingError(SettingsError, QueryError):
    """The configured threshold is not usable; the message says what to set."""


def disclosure_threshold(threshold: int | None = None) -> int:
    """The count threshold: the argument, else ``RASSO_DISCLOSURE_THRESHOLD``, else 5.

    The environment is read by the ``settings`` module (one place for every setting)."""
    if threshold is None:
        try:
            return settings.disclosure_threshold()
        except SettingsError as exc:
            raise DisclosureSettingError(str(exc)) from None
    if threshold < 1:
        raise DisclosureSettingError(f"the disclosure threshold must be at least 1, got {threshold}")
    return int(threshold)


def assert_public_safe(frame: pl.DataFrame, tier: str = PUBLIC) -> None:
    """Raise :class:`CaseLevelDataError` if a public-tier frame holds case-level records."""
    if tier != PUBLIC:
        return
    found = [c for c in frame.columns if c in CASE_LEVEL_COLUMNS]
    if found:
        raise CaseLevelDataError(
            f"case-level column(s) {found} cannot be shown in the public tier; aggregate first"
        )


def apply_disclosure(
    frame: pl.DataFrame,
    *,
    tier: str = PUBLIC,
    threshold: int | None = None,
    min_denominator: int = 0,
    unit: str | None = None,
) -> pl.DataFrame:
    """Apply the display rules; return the frame with hidden numbers null and a ``flag``.

    Input columns: ``numerator`` (required), and any of ``denominator``, ``value``, ``lower``,
    ``upper``; an optional ``flag`` column may already hold ``[z]`` or ``[x]`` (or ``[c]``),
    which is kept and the row's numbers nulled. Output ``flag`` is "" when shown as is. ``unit``
    is the metric unit (``count`` ignores denominators; ``days`` judges the row by its number
    of cases, the denominator, because its numerator is not a count of people); with None a
    frame that has a non-null denominator is treated as a rate or proportion.

    Public tier, in order (the first rule that applies sets the flag):

    1. a flag given in the input (``[z]``, ``[x]``, ``[c]``) is kept; numbers are nulled;
    2. a null numerator (data not provided) is ``[x]``; value and interval are nulled;
    3. a numerator from 1 to threshold - 1 is ``[c]``: numerator, value and interval nulled
       (a small denominator is nulled too). True zeros stay 0;
    4. rates and proportions: a zero denominator is ``[z]`` (no rate exists; the zero counts
       stay); a missing denominator is ``[x]``; a denominator below
       max(threshold, min_denominator) is ``[c]``: value and interval are nulled, and the
       denominator too when it is below the threshold. Its counts stay unless rule 3 hides
       them: a count of five or more is not confidential, it is published in other tables
       (hiding it here only makes a reader work it out), and the release's protection decides
       which counts are hidden everywhere;
    5. rates and proportions on a denominator from min_denominator to 2 x min_denominator - 1
       are ``[u]``, low reliability: still shown, with the marker.

    Restricted tier: rules 1, 2, 4 (``[z]``/``[x]`` only) and 5; nothing is ``[c]``.
    """
    if tier not in TIERS:
        raise QueryError(f"tier must be one of {TIERS}, got {tier!r}")
    if "numerator" not in frame.columns:
        raise ValueError("apply_disclosure needs a 'numerator' column")
    assert_public_safe(frame, tier)
    rules = _Rules.of(frame, tier=tier, threshold=threshold, min_denominator=min_denominator, unit=unit)
    return _null_hidden(_primary(frame, rules))


@dataclass(frozen=True)
class _Rules:
    """What the rules need to know about a frame: its tier, threshold and kind of measure."""

    t: int
    public: bool
    is_rate: bool
    count_rules: bool  # False for medians of days: the numerator is not a count of people
    min_denominator: int

    @classmethod
    def of(cls, frame: pl.DataFrame, *, tier: str, threshold: int | None, min_denominator: int,
           unit: str | None) -> _Rules:
        has_den = "denominator" in frame.columns
        if unit is None:
            is_rate = has_den and frame["denominator"].null_count() < frame.height
        else:
            is_rate = has_den and unit != "count"
        return cls(disclosure_threshold(threshold), tier == PUBLIC, is_rate, unit != "days",
                   int(min_denominator or 0))


def _primary(frame: pl.DataFrame, r: _Rules) -> pl.DataFrame:
    """Rules 1 to 5: each row's flag, and which of its numbers to hide (``_hide_*`` columns)."""
    cols = set(frame.columns)
    t, public, is_rate, count_rules, min_denominator = r.t, r.public, r.is_rate, r.count_rules, r.min_denominator
    rate_floor = max(t, min_denominator)
    num = pl.col("numerator").cast(pl.Float64)
    den = pl.col("denominator").cast(pl.Float64) if "denominator" in cols else pl.lit(None, dtype=pl.Float64)
    value = pl.col("value").cast(pl.Float64) if "value" in cols else pl.lit(None, dtype=pl.Float64)
    given = (
        pl.col("flag").cast(pl.String).fill_null("") if "flag" in cols else pl.lit("", pl.String)
    )
    false = pl.lit(False)

    small_num = (num >= 1) & (num < t) if (public and count_rules) else false
    missing = num.is_null() if count_rules else false
    zero_den = (den == 0) if is_rate else false
    missing_den = den.is_null() if is_rate else false
    small_den = (den > 0) & (den < rate_floor) if (is_rate and public) else false
    missing_value = value.is_null() if not count_rules else false
    low_rel = (
        (den >= min_denominator) & (den < 2 * min_denominator)
        if (is_rate and min_denominator and min_denominator > 0)
        else false
    )
    flag = (
        pl.when(given.is_in(list(KEPT_FLAGS))).then(given)
        .when(missing).then(pl.lit(NOT_AVAILABLE))
        .when(small_num).then(pl.lit(CONFIDENTIAL))
        .when(zero_den).then(pl.lit(NOT_APPLICABLE))
        .when(missing_den).then(pl.lit(NOT_AVAILABLE))
        .when(small_den).then(pl.lit(CONFIDENTIAL))
        .when(missing_value).then(pl.lit(NOT_AVAILABLE))
        .when(low_rel).then(pl.lit(LOW_RELIABILITY))
        .otherwise(pl.lit(""))
    )
    # a denominator of 1 to threshold - 1 is itself a small count of people
    small_den_count = (den >= 1) & (den < t) if (is_rate and public) else false
    return frame.with_columns(_flag=flag, _pre=given.is_in(list(KEPT_FLAGS))).with_columns(
        _hide_num=pl.col("_pre") | small_num.fill_null(False),
        _hide_den=pl.col("_pre") | small_den_count.fill_null(False),
        _hide_val=pl.col("_flag").is_in(list(KEPT_FLAGS)),
    )


def _null_hidden(out: pl.DataFrame) -> pl.DataFrame:
    """Null every number marked hidden, set ``flag`` and drop the working columns."""
    updates = {"numerator": pl.when("_hide_num").then(None).otherwise(pl.col("numerator"))}
    if "denominator" in out.columns:
        updates["denominator"] = pl.when("_hide_den").then(None).otherwise(pl.col("denominator"))
    for c in _VALUE_COLUMNS:
        if c in out.columns:
            updates[c] = pl.when("_hide_val").then(None).otherwise(pl.col(c))
    out = out.with_columns(**updates).with_columns(flag=pl.col("_flag"))
    return out.drop(["_flag", "_pre", "_hide_num", "_hide_den", "_hide_val"])

def apply_disclosure_for(
    frame: pl.DataFrame,
    metric: Any,
    *,
    tier: str = PUBLIC,
    threshold: int | None = None,
) -> pl.DataFrame:
    """:func:`apply_disclosure` with the unit and minimum denominator of a registry metric."""
    return apply_disclosure(
        frame,
        tier=tier,
        threshold=threshold,
        min_denominator=getattr(metric, "min_denominator", 0),
        unit=getattr(metric, "unit", None),
    )


