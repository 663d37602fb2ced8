"""The outcomes and timeliness page in words: each chart's summary, from the same frame.

Hidden figures are never guessed: a sentence about a [c] figure says it is not shown and why.
"""

from __future__ import annotations

import polars as pl

from metrics.disclosure import CONFIDENTIAL
from words.summaries import HIDDEN_WHY

_TAIL = ((25, "p75", "one in four"), (10, "p90", "one in ten"))


def _pct(x: float | None) -> str:
    return f"{x:.1f}%" if x is not None else f"not shown ({CONFIDENTIAL})"


def mix_over_time_summary(mix: pl.DataFrame, group_label: str, basis_label: str) -> str:
    """The latest period's largest group, and how its share moved since the first period."""
    shown = mix.filter(pl.col("share").is_not_null())
    if shown.height == 0:
        return f"No outcome figures for {group_label.lower()} can be shown for these periods."
    last_end, first_end = shown["period_end"].max(), shown["period_end"].min()
    last = shown.filter(pl.col("period_end") == last_end).sort("share", descending=True).row(0, named=True)
    text = (f"{basis_label}: in {last['period']}, the largest outcome group for {group_label.lower()} was "
            f"'{last['ho_group']}' ({last['share']:.1f}%).")
    first = shown.filter((pl.col("period_end") == first_end) & (pl.col("ho_group") == last["ho_group"]))
    if first_end != last_end and first.height:
        text += f" In {first['period'][0]} it was {first['share'][0]:.1f}%."
    hidden = mix.filter(pl.col("flag") == CONFIDENTIAL).height
    if hidden:
        text += f" {hidden} figure{'s are' if hidden > 1 else ' is'} not shown ({CONFIDENTIAL}: {HIDDEN_WHY})."
    return text


def open_summary(rows: pl.DataFrame) -> str:
    """Outcome 0 on the recorded basis: how much of each period's recording is still open."""
    shown = rows.filter(pl.col("share").is_not_null()).sort("period_end")
    if shown.height == 0:
        return "No share of offences without an outcome can be shown for these periods."
    last = shown.row(-1, named=True)
    return (f"Of the offences recorded in {last['period']}, {last['share']:.1f}% had no outcome assigned yet "
            "at the end of this release. Recent periods always have more still open: they have had "
            "less time to be investigated, so the share falls as the release ages.")


def journey_summary(frame: pl.DataFrame, group_label: str) -> str:
    """The latest cohort's journey in one sentence."""
    if frame.height == 0:
        return "No cohort can be followed in this release."
    last_end = frame["period_end"].max()
    rows = {r["stage"]: r for r in frame.filter(pl.col("period_end") == last_end).to_dicts()}
    cohort = next(iter(rows.values()))["cohort"]
    recorded = rows.get("Recorded", {})
    if recorded.get("count") is None:
        return f"The {cohort} cohort of {group_label.lower()} is not shown ({CONFIDENTIAL}: {HIDDEN_WHY})."
    parts = [f"a suspect was identified for {_pct(rows['Suspect identified']['share'])}",
             f"{_pct(rows['Referred to the CPS']['share'])} were referred to the CPS",
             f"{_pct(rows['Charged or summonsed']['share'])} had been charged or summonsed"]
    return (f"Of the {recorded['count']:,.0f} offences of {group_label.lower()} recorded in {cohort}, "
            f"{', '.join(parts[:2])} and {parts[2]} by the end of the release. Later cohorts have had "
            "less time, so their later stages are not yet complete.")


def days_summary(frame: pl.DataFrame, *, what: str, area_label: str) -> str:
    """The latest shown period's median with its interval, and the long tail in words."""
    shown = frame.filter(pl.col("p50").is_not_null()).sort("period_end")
    if shown.height == 0:
        return (f"No days to {what} can be shown for {area_label}: too few cases in every period "
                f"({CONFIDENTIAL}).")
    r = shown.row(-1, named=True)
    interval = (f" (95% interval {r['lower']:,.0f} to {r['upper']:,.0f})"
                if r["lower"] is not None and r["upper"] is not None else "")
    tail = "; ".join(f"{words} took more than {r[col]:,.0f} days" for _, col, words in _TAIL)
    return (f"{area_label}, {r['period']}: the median time from report to {what} was {r['p50']:,.0f} days"
            f"{interval}. Half took between {r['p25']:,.0f} and {r['p75']:,.0f} days; {tail}.")


def force_days_summary(frame: pl.DataFrame, *, what: str, period_label: str) -> str:
    """How many forces have a median shown, and the range of their medians (no ranking)."""
    shown = frame.filter(pl.col("p50").is_not_null())
    hidden = frame.height - shown.height
    if shown.height == 0:
        return f"No force has enough cases for a median time to {what} in {period_label} ({CONFIDENTIAL})."
    if shown.height == 1:
        text = (f"In {period_label}, one force has enough cases for a median: {shown['p50'][0]:,.0f} days "
                f"from report to {what}. ")
    else:
        text = (f"In {period_label}, force medians of days from report to {what} ranged from "
                f"{shown['p50'].min():,.0f} to {shown['p50'].max():,.0f} days across {shown.height} forces. ")
    text += ("Intervals are wide where a force has few cases, so forces are not ranked.")
    if hidden:
        text += f" {hidden} force{'s have' if hidden > 1 else ' has'} too few cases to show ({CONFIDENTIAL})."
    return text


def outcomes_page_disclosure(threshold: int) -> list[str]:
    """How the outcomes and timeliness page protects what it shows (for the methodology page)."""
    return [
        "Outcome mix: outcome groups only, as the release's protection holds them. Outcome types "
        "within a group are described, not counted: counts by type need the restricted tier, because "
        "the protection is over groups and a public table of types would give back a hidden type (the "
        "group less its shown types). Outcome 0 (not yet assigned) is shown apart as a share of every "
        "offence recorded; the other groups are shares of the decisions made, hidden wherever the "
        "total or outcome 0 is hidden.",
        "Case journey: England and Wales only, one cohort per financial year of recording. The "
        "recorded and charged stages are the recorded-offence count and the charged group of the "
        "outcomes on the recorded basis, hidden exactly where the release's protection hides them. "
        "Suspect identified and referred to the CPS are counts no published table holds: each is "
        f"hidden [c] when it is 1 to {threshold - 1}, when its difference from another shown stage of "
        f"the same cohort is 1 to {threshold - 1}, and when it is the only hidden figure of a sum of "
        "offence groups (adult + child rape = rape; rape + other sexual offences = all sexual "
        "offences). In a later edition, a middle stage that changed is hidden too where a revised "
        "count of offences recorded in its cohort is hidden in either edition (the two editions' "
        "figures would otherwise give that revision back). A percentage of a cohort whose recorded "
        "count is hidden is hidden too.",
        "Days to charge and to outcome: the 10th, 25th, 50th, 75th and 90th percentiles, never the "
        "fastest or slowest case (each is one case) and never counts of cases by number of days. A "
        "period or force with fewer cases than the measure's minimum shows every percentile as [c], "
        "and the number of cases behind a percentile is not shown.",
    ]
