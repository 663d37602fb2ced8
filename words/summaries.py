"""Plain-English sentences generated from the same frame a chart draws.

A screen-reader user, or anyone who cannot read a chart, gets the same facts in words; and
because the words come from the frame, they cannot drift from the picture. Change is worded by
whether it is statistically meaningful, and "better"/"worse" is never said of a change that
could be chance. No Streamlit here, so the wording is unit-tested directly.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from metrics import stats
from metrics.format import fmt_interval, fmt_value, has_value
from metrics.periods import Period
from metrics.registry import DIRECTION_WORDS, HIGHER_BETTER, LOWER_BETTER, Metric

HIDDEN_WHY = "too few cases, or hidden so that a small count cannot be worked out"
"""Why a figure is [c]: a count of 1 to 4 or a rate on too few cases, or a complement the
release's protection hides (words used wherever a hidden figure is explained)."""

SYMBOL_WORDS = {
    "[c]": f"not shown to protect confidentiality ({HIDDEN_WHY})",
    "[x]": ("not available (not provided by the source, or a period over a hidden quarter that "
            "is not a quarter, financial year or headline twelve months, which the public view does not offer)"),
    "[z]": "not applicable",
    "[u]": "of low reliability",
}
FROM_SOURCE = "not available from the source"
"""[x] on a quarter or financial year: only the source leaves those out (other periods, not nodes of
the release's protection, are [x] where hidden: the public view does not offer them)."""
WINDOW_TITLE = "Selected period"  # written on the band that marks the headline window
RECORDING_CAVEAT = ("Rises can reflect more reporting and better recording, not only more "
                    "offending")


def value_phrase(row: dict, unit: str) -> str:
    """'3.1% (95% CI 2.9–3.3%)', or the reason there is no value."""
    if not has_value(row.get("value")):
        flag = row.get("flag") or "[x]"
        return f"{flag}, {SYMBOL_WORDS.get(flag, 'not available')}"
    interval = fmt_interval(row.get("lower"), row.get("upper"), unit)
    interval = interval[:1].lower() + interval[1:] if unit == "count" else interval  # mid-sentence
    text = fmt_value(row["value"], unit)
    return f"{text} ({interval})" if interval else text


@dataclass(frozen=True)
class Change:
    """The change from a previous period to the current one."""

    direction: str  # "up" | "down" | "unchanged" | "unknown"
    significant: bool | None  # None when it could not be tested
    difference: float | None  # current - previous, in the metric's unit (points for percent)
    method: str  # how significance was judged, for the methodology note

    def words(self, metric: Metric, previous_text: str) -> str:
        """'up from 2.6% in the previous 12 months, a statistically meaningful change'.

        Counts are worded against chance variation ("larger than chance year-to-year variation
        would explain"), never as "statistically meaningful", which a reader takes to mean a
        real rise in offending when it may be more reporting or better recording.
        """
        if self.direction == "unknown":
            return "no comparison with the previous 12 months is possible"
        if self.direction == "unchanged":
            lead = f"unchanged from {previous_text}"
        else:
            lead = f"{self.direction} from {previous_text}"
        if self.significant is None:
            return f"{lead} (not tested for significance)"
        if metric.unit == "count":
            chance = ("larger than chance year-to-year variation would explain" if self.significant
                      else "within the range expected by chance")
            return f"{lead}, {chance} ({RECORDING_CAVEAT.lower()})"
        if not self.significant:
            return f"{lead}, within the range expected by chance (not a statistically meaningful change)"
        judgement = ""
        if metric.direction in (HIGHER_BETTER, LOWER_BETTER) and self.direction != "unchanged":
            good = (self.direction == "up") == (metric.direction == HIGHER_BETTER)
            judgement = "; this is an improvement" if good else "; this is a deterioration"
        return f"{lead}, a statistically meaningful change{judgement}"


def compare(current: dict, previous: dict | None, metric: Metric) -> Change:
    """Test current against previous with the method that fits the unit."""
    if previous is None or not (has_value(current.get("value")) and has_value(previous.get("value"))):
        return Change("unknown", None, None, "")
    diff = current["value"] - previous["value"]
    direction = "up" if diff > 0 else "down" if diff < 0 else "unchanged"
    unit = metric.unit
    n1, d1, n2, d2 = (current.get("numerator"), current.get("denominator"),
                      previous.get("numerator"), previous.get("denominator"))
    if unit == "percent" and all(has_value(x) for x in (n1, d1, n2, d2)):
        result = stats.compare_proportions(n1, d1, n2, d2)
        return Change(direction, result["significant"], diff, "Newcombe interval for a difference of proportions")
    if unit == "count" and has_value(n1) and has_value(n2):
        result = stats.compare_counts(n1, n2)
        return Change(direction, result["significant"], diff, "exact test for a ratio of Poisson counts")
    if unit in ("per_1000", "per_investigator") and all(has_value(x) for x in (n1, d1, n2, d2)):
        result = stats.compare_counts(n1, n2, d1, d2)
        return Change(direction, result["significant"], diff, "exact test for a ratio of Poisson rates")
    if unit == "days" and all(has_value(current.get(k)) and has_value(previous.get(k)) for k in ("lower", "upper")):
        # Two medians: call it meaningful only when the 95% intervals do not overlap (conservative).
        apart = current["lower"] > previous["upper"] or current["upper"] < previous["lower"]
        return Change(direction, bool(apart), diff, "non-overlapping 95% intervals of the medians")
    return Change(direction, None, diff, "")


def headline(metric: Metric, group_label: str, area_name: str, period_label: str,
             current: dict, previous: dict | None, previous_label: str) -> str:
    """The one-sentence summary of a headline figure and its change on the year."""
    change = compare(current, previous, metric)
    prev_text = (f"{fmt_value(previous['value'], metric.unit)} in {previous_label}"
                 if previous is not None and has_value(previous.get("value")) else previous_label)
    return (f"{metric.label} for {group_label.lower()} in {area_name} "
            f"{'was' if has_value(current.get('value')) else 'is'} {value_phrase(current, metric.unit)} "
            f"in {period_label}: {change.words(metric, prev_text)}. "
            f"{DIRECTION_WORDS[metric.direction]}.")


# what one point of a trend is, by grain: (adjective, noun)
TREND_STEPS = {"quarter": ("Quarterly", "quarter"), "year": ("Financial-year", "financial year"),
               "rolling": ("Rolling 12-month", "12-month period")}
# What a point on a trend is, as the trend controls and the notes under a trend name it.
GRAIN_LABELS = {"quarter": "Quarters", "year": "Financial years", "rolling": "Rolling 12 months"}


def trend_summary(frame: pl.DataFrame, metric: Metric, group_label: str, grain: str = "quarter") -> str:
    """Latest point, the point a year earlier, and the range over the series."""
    adjective, step = TREND_STEPS[grain]
    rows = frame.sort("period_end").to_dicts()
    if not rows:
        return f"There are no {adjective.lower()} figures for {metric.phrase} in this selection."
    area = rows[0]["area_name"]
    shown = [r for r in rows if has_value(r.get("value"))]
    latest = rows[-1]
    parts = [f"{adjective} {metric.phrase} for {group_label.lower()} in {area}, "
             f"{rows[0]['period']} to {latest['period']}."]
    parts.append(f"In the latest {step} ({latest['period']}) it was {value_phrase(latest, metric.unit)}")
    year_ago = next((r for r in rows if r["period_end"] == _four_before(latest["period_end"])), None)
    if year_ago is not None:
        change = compare(latest, year_ago, metric)
        prev_text = f"{fmt_value(year_ago.get('value'), metric.unit)} a year earlier ({year_ago['period']})"
        parts[-1] += f", {change.words(metric, prev_text)}"
    parts[-1] += "."
    if shown:
        hi = max(shown, key=lambda r: r["value"])
        lo = min(shown, key=lambda r: r["value"])
        parts.append(f"The highest {step} was {hi['period']} ({fmt_value(hi['value'], metric.unit)}) "
                     f"and the lowest {lo['period']} ({fmt_value(lo['value'], metric.unit)}).")
    if reasons := _symbol_counts(rows, step):
        parts.append(reasons)
    parts.append(DIRECTION_WORDS[metric.direction] + ".")
    return " ".join(parts)


def steps_sentence(meaningful: int, steps: int) -> str:
    """How many steps between neighbouring forces in a ranking are real differences, worded for
    0, 1, some, most and all ('Only 0 of the 37 steps ... is' read badly)."""
    between = "between neighbouring forces"
    if meaningful == 0 and steps == 1:
        return (f"The one step {between} is not a statistically meaningful difference, so the "
                "order could be chance.")
    if meaningful == 0:
        return (f"None of the {steps} steps {between} is a statistically meaningful difference, "
                "so the order is chance: a place or two up or down means nothing.")
    if meaningful == steps:
        return (f"{'The one step' if steps == 1 else f'All {steps} steps'} {between} "
                f"{'is a statistically meaningful difference' if steps == 1 else 'are statistically meaningful differences'}.")
    if meaningful == 1:
        return (f"Only 1 of the {steps} steps {between} is a statistically meaningful difference, "
                "so most of the order is chance: a place or two up or down means nothing.")
    if meaningful * 2 <= steps:
        return (f"Only {meaningful} of the {steps} steps {between} are statistically meaningful "
                "differences, so most of the order is chance: a place or two up or down means "
                "nothing.")
    return (f"{meaningful} of the {steps} steps {between} are statistically meaningful "
            "differences; the others could be chance.")


def _quarters(n: int, step: str = "quarter") -> str:
    return f"{n} {step}{'' if n == 1 else 's'}"


def _symbol_counts(rows: list[dict], step: str = "quarter") -> str:
    """'2 of 46 quarters have no figure: 1 is [c], not shown...; 1 is [x], not available...'.

    Hidden quarters are counted by their symbol, with the symbol's meaning in words; [u]
    quarters have a figure but are counted too, as they need care.
    """
    hidden = [r for r in rows if not has_value(r.get("value"))]
    low = sum(1 for r in rows if has_value(r.get("value")) and r.get("flag") == "[u]")
    out = []
    if hidden:
        counts: dict[str, int] = {}
        for r in hidden:
            flag = r.get("flag") if r.get("flag") in SYMBOL_WORDS else "[x]"
            counts[flag] = counts.get(flag, 0) + 1
        verb = "has" if len(hidden) == 1 else "have"
        words = SYMBOL_WORDS if "12-month" in step else {**SYMBOL_WORDS, "[x]": FROM_SOURCE}
        reasons = [f"{n} {'is' if n == 1 else 'are'} {flag}, {words[flag]}" for flag, n in counts.items()]
        joined = "; ".join(reasons)
        out.append(f"{len(hidden)} of {_quarters(len(rows), step)} {verb} no figure: {joined}.")
    if low:
        out.append(f"{_quarters(low, step).capitalize()} {'is' if low == 1 else 'are'} [u]: shown, but "
                   f"{SYMBOL_WORDS['[u]']} (too few cases), so read {'it' if low == 1 else 'them'} "
                   "with care.")
    return " ".join(out)


def _four_before(q: int) -> int:
    from metrics.periods import add_quarters

    return add_quarters(q, -4)


def outcome_mix_summary(frame: pl.DataFrame, group_label: str, period_label: str, basis_label: str) -> str:
    """The largest outcome groups, with their shares, in words."""
    rows = [r for r in frame.to_dicts() if has_value(r.get("share"))]
    if not rows:
        return f"No outcome figures can be shown for {group_label.lower()} in {period_label}."
    area = rows[0]["area_name"]
    total = rows[0].get("denominator")
    rows.sort(key=lambda r: r["share"], reverse=True)
    top = "; ".join(f"{r['ho_group']} {r['share']:.1f}%" for r in rows[:3])
    charged = next((r for r in rows if r["ho_group"].lower().startswith("charge")), None)
    text = (f"Basis: {basis_label.lower()}. Of {total:,.0f} outcomes for {group_label.lower()} in {area} "
            f"in {period_label}, the largest groups were: {top}.") if has_value(total) else (
        f"Basis: {basis_label.lower()}. The largest outcome groups for {group_label.lower()} in "
        f"{period_label} were: {top}.")
    if charged is not None and charged not in rows[:3]:
        text += f" Charged or summonsed: {charged['share']:.1f}%."
    hidden = len(frame) - len(rows)
    if hidden:
        text += (f" {hidden} {'group is' if hidden == 1 else 'groups are'} not shown to protect "
                 "confidentiality.")
    return text


def window_summary(frame: pl.DataFrame, window: Period, grain: str, unit: str) -> str:
    """The sentence that says which period the band marks (and its figure, when one point of
    the series is exactly that period), so the mark is in the words as well as the picture."""
    text = (f"The grey band labelled '{WINDOW_TITLE}' marks {window.label}, the period of the "
            "headline figures; the line shows the whole series.")
    same = grain == "rolling" or (grain == "year" and window.kind == "fy")
    rows = frame.filter(pl.col("period_end") == window.last).to_dicts() if same else []
    if rows:
        text += f" The point at its end is that period: {value_phrase(rows[0], unit)}."
    return text
