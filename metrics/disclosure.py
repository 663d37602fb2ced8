"""Disclosure control: the one place that decides what a public user may see.

Charts, tables, downloads and the command line all pass their frames through
:func:`apply_disclosure` before showing them, so a cell hidden on one screen cannot be read
off another. The published Home Office tables are already public, but the dashboard lets people
cross-filter (force x quarter x child rape code x outcome), which can produce cells of one to
four about identifiable victims; hence a display rule, applied the same way everywhere.

Markers are the UK statistical symbols (GSS guidance on symbols in tables): ``[c]``
confidential (suppressed), ``[x]`` not available, ``[z]`` not applicable, ``[u]`` low
reliability. The threshold defaults to 5 and can be set with the environment variable
``RASSO_DISCLOSURE_THRESHOLD`` (read when the rules are applied, never at import).

Two tiers: ``public`` (the default, everything below) and ``restricted`` (signed-in analysts:
no ``[c]`` suppression, but ``[x]``, ``[z]`` and ``[u]`` still apply because they describe the
data, not the audience). Case-level records never reach the public tier:
:func:`assert_public_safe`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import polars as pl

import settings
from metrics.errors import QueryError
from settings import SettingsError

__all__ = [
    "CONFIDENTIAL",
    "LOW_RELIABILITY",
    "NOT_APPLICABLE",
    "NOT_AVAILABLE",
    "RULES_TEXT",
    "CaseLevelDataError",
    "apply_disclosure",
    "apply_disclosure_for",
    "assert_public_safe",
    "disclosure_threshold",
    "format_for_display",
    "rules_text",
    "unprotected_groups",
]

CONFIDENTIAL = "[c]"
NOT_AVAILABLE = "[x]"
NOT_APPLICABLE = "[z]"
LOW_RELIABILITY = "[u]"
MARKERS = {
    CONFIDENTIAL: "confidential: hidden to protect the people counted",
    NOT_AVAILABLE: "not available: the source did not provide the figure",
    NOT_APPLICABLE: "not applicable",
    LOW_RELIABILITY: "low reliability: based on few cases, interpret with care",
}

PUBLIC = "public"
RESTRICTED = "restricted"
TIERS = (PUBLIC, RESTRICTED)

DEFAULT_THRESHOLD = settings.DEFAULT_DISCLOSURE_THRESHOLD
THRESHOLD_ENV = "RASSO_DISCLOSURE_THRESHOLD"

# columns that only case-level (record-per-victim) data carry; never in the public tier
CASE_LEVEL_COLUMNS = ("case_id",)

NUMBER_COLUMNS = ("numerator", "denominator", "value", "lower", "upper")
_VALUE_COLUMNS = ("value", "lower", "upper")
_KEPT_FLAGS = (CONFIDENTIAL, NOT_AVAILABLE, NOT_APPLICABLE)
_SHOWN_FLAGS = ("", LOW_RELIABILITY)


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


def _groupings(group_by: str | Sequence[str] | Sequence[Sequence[str]] | None) -> list[list[str]]:
    """None -> []; "period" -> [["period"]]; ["a", "b"] -> [["a", "b"]]; [["a"], ["b"]] as is."""
    if group_by is None:
        return []
    if isinstance(group_by, str):
        return [[group_by]]
    items = list(group_by)
    if items and all(isinstance(g, str) for g in items):
        return [list(items)]
    return [[g] if isinstance(g, str) else list(g) for g in items]


def apply_disclosure(
    frame: pl.DataFrame,
    *,
    tier: str = PUBLIC,
    threshold: int | None = None,
    min_denominator: int = 0,
    group_by: str | Sequence[str] | Sequence[Sequence[str]] | None = None,
    unit: str | None = None,
    hide_first: str | None = None,
) -> pl.DataFrame:
    """Apply the disclosure rules; return the frame with hidden numbers null and a ``flag``.

    ``hide_first`` names a boolean column: among the candidates for a secondary cell, rows where
    it is true are taken first (e.g. a total such as all rape rather than adult rape, the
    measure most people read).

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
       max(threshold, min_denominator) is ``[c]``: value, interval and numerator are nulled
       (otherwise numerator / denominator gives the rate back) and the denominator too when it
       is below the threshold;
    5. rates and proportions on a denominator from min_denominator to 2 x min_denominator - 1
       are ``[u]``, low reliability: still shown, with the marker.

    Secondary suppression (public tier, when ``group_by`` is given): ``group_by`` names the
    columns that identify cells adding up to one published total (e.g. ``["period"]`` when the
    forces of a quarter add up to England and Wales). In every group with exactly one hidden
    numerator, the shown cell with the smallest non-zero numerator is also made ``[c]``, so the
    hidden count cannot be recovered by subtracting the others from the total. The complement
    is chosen deterministically: smallest numerator, ties to the earliest row; a zero cell is
    used only when the group has no non-zero candidate. Denominators of rates get the same
    treatment (a group with exactly one hidden denominator has its smallest shown denominator
    hidden too, with that row's rate). Several margins can be protected at
    once by passing a list of groupings (``[["period"], ["force_code"]]``); the rule is then
    repeated until no grouping has a group with a single hidden cell. A group whose only cell is
    suppressed cannot be protected by cell suppression: :func:`unprotected_groups` lists such
    groups so the caller can hide their total.

    Restricted tier: rules 1, 2, 4 (``[z]``/``[x]`` only) and 5; nothing is ``[c]``.
    """
    if tier not in TIERS:
        raise QueryError(f"tier must be one of {TIERS}, got {tier!r}")
    if "numerator" not in frame.columns:
        raise ValueError("apply_disclosure needs a 'numerator' column")
    assert_public_safe(frame, tier)
    t = disclosure_threshold(threshold)
    public = tier == PUBLIC
    rate_floor = max(t, int(min_denominator or 0))

    cols = set(frame.columns)
    has_den = "denominator" in cols
    if unit is None:
        is_rate = has_den and frame["denominator"].null_count() < frame.height
    else:
        is_rate = has_den and unit != "count"
    count_rules = unit != "days"

    num = pl.col("numerator").cast(pl.Float64)
    den = pl.col("denominator").cast(pl.Float64) if has_den else pl.lit(None, dtype=pl.Float64)
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
        pl.when(given.is_in(list(_KEPT_FLAGS))).then(given)
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
    out = frame.with_columns(_flag=flag, _pre=given.is_in(list(_KEPT_FLAGS))).with_columns(
        _hide_num=pl.col("_pre") | (pl.col("_flag") == CONFIDENTIAL),
        _hide_den=pl.col("_pre") | small_den_count.fill_null(False),
        _hide_val=pl.col("_flag").is_in(list(_KEPT_FLAGS)),
        _row=pl.int_range(pl.len(), dtype=pl.Int64),
    )

    if public:
        measures = [("numerator", "_hide_num")] if count_rules else []
        if is_rate:
            measures.append(("denominator", "_hide_den"))
        for _ in range(out.height + 1):
            changed = False
            for keys in _groupings(group_by):
                for column, hide in measures:
                    picked = _pick_complements(out, keys, column, hide, hide_first)
                    if picked:
                        changed = True
                        chosen = pl.col("_row").is_in(picked)
                        out = out.with_columns(
                            pl.when(chosen).then(pl.lit(CONFIDENTIAL)).otherwise("_flag").alias("_flag"),
                            (pl.col(hide) | chosen).alias(hide),
                            (pl.col("_hide_val") | chosen).alias("_hide_val"),
                        )
            if not changed:
                break

    updates = {"numerator": pl.when("_hide_num").then(None).otherwise(pl.col("numerator"))}
    if has_den:
        updates["denominator"] = pl.when("_hide_den").then(None).otherwise(pl.col("denominator"))
    for c in _VALUE_COLUMNS:
        if c in cols:
            updates[c] = pl.when("_hide_val").then(None).otherwise(pl.col(c))
    out = out.with_columns(**updates).with_columns(flag=pl.col("_flag"))
    return out.drop(["_flag", "_pre", "_hide_num", "_hide_den", "_hide_val", "_row"])


def _pick_complements(frame: pl.DataFrame, keys: list[str], column: str, hide: str,
                      hide_first: str | None = None) -> list[int]:
    """Rows whose ``column`` must also be hidden so no group of ``keys`` hides exactly one.

    Cells whose numbers were missing in the source (given [x]/[z]) are not counted: they are
    not part of what the published total reveals.
    """
    counted = pl.col(hide) & ~pl.col("_pre")
    hidden_in_group = counted.sum().over(keys)
    x = pl.col(column).cast(pl.Float64)
    candidates = frame.filter(
        (hidden_in_group == 1) & ~pl.col(hide) & ~pl.col("_pre") & x.is_not_null()
    )
    if candidates.is_empty():
        return []
    later = ~pl.col(hide_first).fill_null(False) if hide_first else pl.lit(False)
    chosen = (
        candidates.with_columns(_zero=x == 0, _later=later, _x=x)
        .sort(["_zero", "_later", "_x", "_row"])
        .group_by(keys, maintain_order=True)
        .first()
    )
    return chosen["_row"].to_list()


def unprotected_groups(frame: pl.DataFrame, group_by: str | Sequence[str]) -> pl.DataFrame:
    """Groups (after :func:`apply_disclosure`) with exactly one ``[c]`` cell.

    Their published total would give the hidden count away, so the caller must hide the total
    (or the whole group). Empty when secondary suppression succeeded.
    """
    keys = _groupings(group_by)[0]
    hidden = pl.col("flag") == CONFIDENTIAL
    aggs = [(hidden & pl.col("numerator").is_null()).sum().alias("hidden_numerators")]
    if "denominator" in frame.columns:
        aggs.append((hidden & pl.col("denominator").is_null()).sum().alias("hidden_denominators"))
    else:
        aggs.append(pl.lit(0, dtype=pl.UInt32).alias("hidden_denominators"))
    return (
        frame.group_by(keys, maintain_order=True)
        .agg(aggs)
        .filter((pl.col("hidden_numerators") == 1) | (pl.col("hidden_denominators") == 1))
    )


def apply_disclosure_for(
    frame: pl.DataFrame,
    metric: Any,
    *,
    tier: str = PUBLIC,
    threshold: int | None = None,
    group_by: str | Sequence[str] | Sequence[Sequence[str]] | None = None,
) -> pl.DataFrame:
    """:func:`apply_disclosure` with the unit and minimum denominator of a registry metric."""
    return apply_disclosure(
        frame,
        tier=tier,
        threshold=threshold,
        min_denominator=getattr(metric, "min_denominator", 0),
        group_by=group_by,
        unit=getattr(metric, "unit", None),
    )


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
                texts.append(fl if fl in _KEPT_FLAGS else missing)
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
        f"larger of {t} and the minimum stated for that measure; its count is hidden too, so "
        "the rate cannot be worked out from the other figures.",
        "When a table has a total and only one cell in it would be hidden, the next smallest "
        "cell is hidden as well, so the hidden figure cannot be found by subtraction. Force "
        "figures are protected against the England and Wales total, against the quarters of "
        "their financial year, and across offence groups (all rape is adult plus child rape; "
        "all sexual offences are rape plus other sexual offences), so every view of a force "
        "hides the same cells.",
        "The marker [u] (low reliability) flags a rate or percentage based on fewer than twice "
        "the minimum number of cases for that measure. It is shown, but treat it with care.",
        "The marker [x] means the figure is not available from the source; the marker [z] "
        "means not applicable (for example, a percentage of zero cases).",
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
