"""Disclosure control: the one place that decides what a public user may see.

A package: ``markers`` (the symbols and tiers), ``rules`` (what one cell shows, judged alone),
``families``, ``grid``, ``line_rule``, ``lp_check`` and ``linked`` (the protection of a whole
release: every count any public output shows, hidden once so no arithmetic across outputs gives
a small count back), ``lookup`` (where a table's rows sit in that protection), ``loss`` (what
it costs) and ``display`` (markers in tables, the rules in words). The common names are
re-exported here.

Every public table (``queries.metric_table``, ``queries.outcome_mix``, and through them charts,
downloads and the command line) applies :func:`apply_disclosure` to each cell and then hides
what the release's stored protection hides (``db.protection``), so a cell hidden on one screen
cannot be read off another, nor worked out from several.

Markers are the UK statistical symbols (GSS guidance on symbols in tables): ``[c]``
confidential (suppressed), ``[x]`` not available, ``[z]`` not applicable, ``[u]`` low
reliability. The threshold defaults to 5 and can be set with the environment variable
``RASSO_DISCLOSURE_THRESHOLD`` (read when the rules are applied, never at import).

Two tiers: ``public`` (the default, everything below) and ``restricted`` (signed-in analysts:
no ``[c]`` suppression, but ``[x]``, ``[z]`` and ``[u]`` still apply because they describe the
data, not the audience). Case-level records never reach the public tier:
:func:`assert_public_safe`.
"""

from metrics.disclosure.display import (
    DEFAULT_DECIMALS,
    NOT_APPLICABLE_COLUMNS,
    RULES_TEXT,
    VALUE_DECIMALS,
    format_for_display,
    rules_text,
)
from metrics.disclosure.markers import (
    CONFIDENTIAL,
    LOW_RELIABILITY,
    MARKERS,
    NOT_APPLICABLE,
    NOT_AVAILABLE,
    PUBLIC,
    RESTRICTED,
    TIERS,
)
from metrics.disclosure.rules import (
    CASE_LEVEL_COLUMNS,
    DEFAULT_THRESHOLD,
    NUMBER_COLUMNS,
    CaseLevelDataError,
    DisclosureSettingError,
    apply_disclosure,
    apply_disclosure_for,
    assert_public_safe,
    disclosure_threshold,
)

__all__ = [
    "CASE_LEVEL_COLUMNS",
    "CONFIDENTIAL",
    "DEFAULT_DECIMALS",
    "DEFAULT_THRESHOLD",
    "LOW_RELIABILITY",
    "MARKERS",
    "NOT_APPLICABLE",
    "NOT_APPLICABLE_COLUMNS",
    "NOT_AVAILABLE",
    "NUMBER_COLUMNS",
    "PUBLIC",
    "RESTRICTED",
    "RULES_TEXT",
    "TIERS",
    "VALUE_DECIMALS",
    "CaseLevelDataError",
    "DisclosureSettingError",
    "apply_disclosure",
    "apply_disclosure_for",
    "assert_public_safe",
    "disclosure_threshold",
    "format_for_display",
    "rules_text",
]
