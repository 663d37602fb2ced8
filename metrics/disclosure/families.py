"""The counts every public output is made of, and how they add up: what the release is protected over.

Why this module exists: an attacker with every public output of a release can add and subtract
any of them. So disclosure control is decided once per release over every count a public output
can show, and each output only looks its cells up. This module names those counts.

A **family** is one kind of count. Each family's cells are indexed by four dimensions, each a tree
whose internal nodes are published totals (a cell of a parent is the sum of its children's
cells, with the other three coordinates fixed):

* ``area_code``: every force (43 territorial and BTP) -> :data:`TERRITORIAL` (the 43 forces, the
  England and Wales of rates per head) -> :data:`NATIONAL` (England and Wales with BTP,
  ``TERRITORIAL`` + ``BTP``);
* ``period_key``: quarters (``YYYYQ``, as everywhere) -> the financial year holding them
  (``YYYY0``), for complete financial years inside the release only; and, as a second parent,
  quarters -> the 12 months ending at a quarter with the same quarter of the year as the
  release's last quarter (``ye_key``: the last quarter's key + 5, so ``YYYY6`` to ``YYYY8``),
  for complete such windows inside the release only. Why the second parent: the dashboard's
  default period is the latest 12 months and its year-earlier comparison; as nodes they are
  protected like any total and can be shown where a quarter inside them is hidden. A release
  ending in a Q4 has none (its 12-month windows are its financial years). So the period
  dimension is not a tree: a quarter can have two parents;
* ``offence``: ``adult_rape`` + ``child_rape`` -> ``rape``; ``rape`` + ``other_sexual`` ->
  ``all_sexual``. Families that do not split by offence have the one node ``all_sexual``;
* ``category``: for the outcome families, Home Office outcome groups (the leaves) -> ``all``
  (their total); other families have the one node ``all``.

Other spans of quarters (12 months ending at another quarter of the year, a span the user
picks, the lagged cohort of ``outcome_not_assigned_after_year``) are not nodes: they are published only where every quarter
inside them is shown (see ``span_hidden``), so they add nothing an attacker did not have.

Force MI families are counts of their own. Where a force MI count is by definition the same
count as a Home Office one (offences recorded, investigations closed) or as another MI count
(devices taken), :data:`LINKS` says so, and the protection hides both or neither, cell for cell.
"""

from __future__ import annotations

from dataclasses import dataclass

from metrics import registry as reg

# ---------------------------------------------------------------- dimensions and their nodes

DIMENSIONS = ("area_code", "period_key", "offence", "category")
NATIONAL = "K04000001"
"""England and Wales with BTP: the same code the metric tables give the national row."""
TERRITORIAL = "K04000001-T"
"""England and Wales without BTP (the 43 territorial forces): the national row of rates per head."""
BTP = "BTP"
ALL = "all"
"""The category node of families without categories, and the total of the outcome groups."""
OFFENCE_LEAVES = ("adult_rape", "child_rape", "other_sexual")
OFFENCE_PARENTS = {"rape": ("adult_rape", "child_rape"), "all_sexual": ("rape", "other_sexual")}
NO_OFFENCE = "all_sexual"
"""The offence node of families that do not split by offence (force MI)."""


def fy_key(quarter: int) -> int:
    """The period key of the financial year holding ``quarter`` (``20243`` -> ``20240``)."""
    return (quarter // 10) * 10


def is_year_key(period_key: int) -> bool:
    return period_key % 10 == 0


WINDOW_OFFSET = 5
"""A window's key is its last quarter's + 5: its last digit (6, 7 or 8) is neither a quarter nor a
financial year, and it sorts just after the financial year of its last quarter."""


def ye_key(last_quarter: int) -> int:
    """The period key of the 12 months ending at ``last_quarter`` (``20262`` -> ``20267``).

    Raises ValueError for a Q4: those 12 months are the financial year (``fy_key``), one node."""
    if last_quarter % 10 not in (1, 2, 3):
        raise ValueError(f"12 months ending at {last_quarter} are not a window node (a Q4 ends a financial year)")
    return last_quarter + WINDOW_OFFSET


WINDOW_DIGITS = (6, 7, 8)
"""The last digits of window keys (ending a Q1, Q2, Q3)."""


def is_window_key(period_key: int) -> bool:
    return period_key % 10 in WINDOW_DIGITS


def window_last(period_key: int) -> int:
    """The last quarter of a window key (``20267`` -> ``20262``)."""
    return period_key - WINDOW_OFFSET


def window_quarters(period_key: int) -> list[int]:
    """The four quarters of a window key, oldest first (``20267`` -> 20253, 20254, 20261, 20262)."""
    last = window_last(period_key)
    year, q = divmod(last, 10)
    return [(year - (q + k <= 0)) * 10 + (q + k - 1) % 4 + 1 for k in (-3, -2, -1, 0)]


WINDOWS_KEPT = 2
"""The latest 12 months and the 12 months before them (the headline and its change on the year).
All windows chained every quarter together: 56% of a 30,000-case release's cells hidden, not 39%."""


def window_keys(span: tuple[int, int]) -> list[int]:
    """The window keys of a release over ``span`` (first, last quarter), newest first: the
    :data:`WINDOWS_KEPT` latest 12 months ending at a quarter with ``last``'s quarter of the year
    and lying wholly inside the span. None when ``last`` is a Q4 (its years are the financial years)."""
    first, last = span
    if last % 10 == 4:
        return []
    out, end = [], last
    while len(out) < WINDOWS_KEPT and window_quarters(ye_key(end))[0] >= first:
        out.append(ye_key(end))
        end -= 10
    return out


PART_DIGITS = (5, 9)
"""The last digits of part-year keys: ``YYYY5`` the first part of financial year YYYY, ``YYYY9``
the second."""


def window_parts(window: int) -> list[tuple[int, list[int]]]:
    """The part-years (key, quarters) of a window holding two or more quarters: the end of one
    financial year, the start of the next. Why: an attacker with the year and the window learns a
    shared part's total (the year less its other quarters), then the window less it. As nodes
    (protected as if published, never shown) the line rule sees that arithmetic."""
    qs = window_quarters(window)
    out = []
    for fy, digit in ((qs[0] // 10, 9), (qs[-1] // 10, 5)):
        mine = [q for q in qs if q // 10 == fy]
        if len(mine) >= 2:
            out.append((fy * 10 + digit, mine))
    return out


def window_of(quarter: int, span: tuple[int, int]) -> int | None:
    """The window key of the release over ``span`` holding ``quarter``; None if none does."""
    return next((w for w in window_keys(span) if quarter in window_quarters(w)), None)


# ---------------------------------------------------------------- families

RECORDED = "recorded"
CLOSED = "outcomes_closed"
RECORDED_BASIS = "outcomes_recorded"


@dataclass(frozen=True)
class Family:
    """One kind of count and where its leaf cells come from.

    ``source``: ``recorded_offences``, ``outcomes`` (with ``basis``) or ``indicator_value`` (with
    ``indicator`` and ``column``, numerator or denominator). ``by_offence``: whether the offence
    dimension has the five groups or just ``all_sexual``. ``by_category``: outcome groups.
    ``open_group_included``: on the recorded basis outcome 0 ('not yet assigned') is a group;
    on the closed basis it is never counted.
    """

    id: str
    source: str
    by_offence: bool = False
    by_category: bool = False
    basis: str | None = None
    indicator: str | None = None
    column: str | None = None
    open_group_included: bool = False
    stock: bool = False
    """An end-of-quarter position (open investigations, staff), not a flow: never summed over quarters."""


def _mi(name: str, indicator: str, column: str, *, stock: bool = False) -> Family:
    return Family(f"mi:{name}", "indicator_value", indicator=indicator, column=column, stock=stock)


FAMILIES: dict[str, Family] = {f.id: f for f in (
    Family(RECORDED, "recorded_offences", by_offence=True),
    Family(CLOSED, "outcomes", by_offence=True, by_category=True, basis=reg.BASIS_CLOSED),
    Family(RECORDED_BASIS, "outcomes", by_offence=True, by_category=True, basis=reg.BASIS_RECORDED,
           open_group_included=True),
    _mi("cps_referred", "cps_referral_rate", "numerator"),
    _mi("closed", "cps_referral_rate", "denominator"),
    _mi("repeat_suspects", "repeat_suspect_share", "numerator"),
    _mi("suspects_identified", "repeat_suspect_share", "denominator"),
    _mi("repeat_charged", "repeat_suspect_charge_rate", "numerator"),
    _mi("repeat_closed", "repeat_suspect_charge_rate", "denominator"),
    _mi("isva_referred", "isva_referral_rate", "numerator"),
    _mi("recorded", "isva_referral_rate", "denominator"),
    _mi("trained", "trained_investigator_share", "numerator", stock=True),
    _mi("investigators", "trained_investigator_share", "denominator", stock=True),
    _mi("open_investigations", "investigator_caseload", "numerator", stock=True),
    _mi("still_open_after_year", "outcome_not_assigned_after_year", "numerator"),
    _mi("devices_taken", "device_taken_share", "numerator"),
    _mi("devices_returned_28d", "device_return_28d_rate", "numerator"),
)}


@dataclass(frozen=True)
class Link:
    """Two families that hold the same count: ``family`` everywhere equals ``other`` at
    (``offence``, ``category``) for every area and period. The protection hides both or neither."""

    family: str
    other: str
    offence: str = NO_OFFENCE
    category: str = ALL


STOCK_OF_FLOWS = "mi:open_investigations"
"""Open investigations at a quarter's end change by offences recorded less investigations closed
in it, so two published positions give the flows between them: published only up to a force's
first quarter with a hidden recorded or closed count (see ``span_hidden``)."""

LINKS: tuple[Link, ...] = (
    Link("mi:recorded", RECORDED),
    Link("mi:closed", CLOSED),
)


# ---------------------------------------------------------------- what each metric shows


@dataclass(frozen=True)
class CountRef:
    """One count a metric table shows: a family, its category node (an outcome group name, or
    ``all``) and whether the offence node is the group asked for or ``all_sexual``.

    ``lag``: the quarters, relative to the row's quarter, that the count spans when it is not
    the row's own quarter (``(-7, -4)``: offences recorded four to seven quarters earlier).
    ``types``: for outcome families, the outcome types the category must hold exactly (checked
    against the outcome groups of the database when looked up).
    """

    family: str
    category: str = ALL
    types: tuple[int, ...] = ()
    by_offence: bool = True
    lag: tuple[int, int] | None = None


def _indicator_ref(metric: reg.Metric, column: str) -> CountRef | None:
    for f in FAMILIES.values():
        if f.indicator == metric.id and f.column == column:
            return CountRef(f.id, by_offence=False)
    return None


_SHARED_MI = {
    ("cps_referral_rate", "denominator"): CountRef(CLOSED, by_offence=False),
    ("isva_referral_rate", "denominator"): CountRef(RECORDED, by_offence=False),
    ("device_taken_share", "denominator"): CountRef(RECORDED, by_offence=False),
    ("device_return_28d_rate", "denominator"): CountRef("mi:devices_taken", by_offence=False),
    ("investigator_caseload", "denominator"): CountRef("mi:investigators", by_offence=False),
    ("outcome_not_assigned_after_year", "denominator"): CountRef(RECORDED, by_offence=False, lag=(-7, -4)),
}
"""Force MI counts that are by definition another family's count (see :data:`LINKS`)."""


def counts_of(metric: reg.Metric) -> tuple[CountRef | None, CountRef | None]:
    """The (numerator, denominator) counts a metric table shows; None where there is no count
    (medians of days, whose 'numerator' is days; populations, which are not counts of people)."""
    if metric.kind == reg.RECORDED_COUNT:
        return CountRef(RECORDED), None
    if metric.kind == reg.RECORDED_RATE:
        return CountRef(RECORDED), None
    if metric.kind == reg.OUTCOME_SHARE:
        family = CLOSED if metric.basis == reg.BASIS_CLOSED else RECORDED_BASIS
        return (CountRef(family, category="", types=metric.numerator_types),
                CountRef(family, category=ALL, types=metric.denominator_types))
    if metric.kind == reg.INDICATOR:
        refs = []
        for column in ("numerator", "denominator"):
            refs.append(_SHARED_MI.get((metric.id, column)) or _indicator_ref(metric, column))
        return refs[0], refs[1]
    return None, None


def group_of_types(types: tuple[int, ...], groups: dict[int, str], *, family: str) -> str:
    """The category node holding exactly ``types``: one outcome group, or ``all`` for every
    type the family counts. ``groups`` maps outcome type -> Home Office outcome group.

    Raises ValueError when the types are not one group: such a measure could not be protected
    with the rest and must not be published.
    """
    counted = {t for t in groups if FAMILIES[family].open_group_included or t != 0}
    if set(types) == counted:
        return ALL
    names = {groups.get(t) for t in types}
    if len(names) == 1:
        name = names.pop()
        if name is not None and {t for t, g in groups.items() if g == name} == set(types):
            return name
    raise ValueError(f"outcome types {sorted(types)} are not one Home Office outcome group")
