"""The SPC chart in words: each special-cause signal, and what no signal means.

Built from the episodes of the same frame the chart draws (``analysis.force_profile``), so the
words and the marked points agree. A signal is called a signal of change, never an
improvement or a deterioration on its own: the reader is told the direction of good
separately.
"""

from __future__ import annotations

import polars as pl

from analysis.force_profile import Episode, episodes, judgeable
from metrics.format import fmt_value

# One legend label per rule: the chart marks each with its own shape and colour.
SIGNAL_LABELS = {
    "beyond limits": "Beyond a process limit",
    "run above centre": "Run of 7+ above the centre line",
    "run below centre": "Run of 7+ below the centre line",
    "rising trend": "6+ rising in a row",
    "falling trend": "6+ falling in a row",
    "two of three high": "2 of 3 near the upper limit",
    "two of three low": "2 of 3 near the lower limit",
}
NO_SIGNAL = "No special cause"
STEP_NOUNS = {"quarter": "quarters", "year": "financial years", "rolling": "rolling years"}


def _span(e: Episode, step: str, total: int) -> str:
    n = e.last - e.first + 1
    if e.at_end and n < total:
        return f"the last {n} {STEP_NOUNS[step]} ({e.periods[0]} to {e.periods[-1]})"
    return f"the {n} {STEP_NOUNS[step]} from {e.periods[0]} to {e.periods[-1]}"


def episode_sentence(e: Episode, frame: pl.DataFrame, step: str = "quarter") -> str:
    """One sentence for a run, a trend or two of three near a limit, e.g. 'The last 8 quarters
    (...) are all above the centre line: a sustained shift.'"""
    span = _span(e, step, frame.height)
    lead = span[:1].upper() + span[1:]
    if e.signal == "beyond limits":
        return beyond_sentence([e], frame)
    if e.signal.startswith("run"):
        side = "above" if "above" in e.signal else "below"
        return f"{lead} are all {side} the centre line: a sustained shift."
    if e.signal.endswith("trend"):
        way = "rose" if e.signal.startswith("rising") else "fell"
        return f"{lead} each {way} on the one before: a trend."
    side = "upper" if e.signal.endswith("high") else "lower"
    rows = frame.slice(e.first, e.last - e.first + 1)
    near = int(rows["two_of_three"].sum()) if "two_of_three" in rows.columns else len(e.periods)
    if near <= 3:
        where = ", ".join(p for p, r in zip(e.periods, rows.to_dicts(), strict=True)
                          if r.get("two_of_three", True))
        return (f"Two of three points in a row are close to the {side} process limit ({where}): "
                "an early warning of change.")
    return (f"From {e.periods[0]} to {e.periods[-1]}, {near} points lie close to the {side} process limit, "
            "at least two in every three in a row: an early warning of change.")


def _listed(periods: list[str], most: int = 6) -> str:
    shown = ", ".join(periods[:most])
    return shown + (f" and {len(periods) - most} more" if len(periods) > most else "")


def beyond_sentence(found: list[Episode], frame: pl.DataFrame) -> str:
    """Every point beyond a process limit in one sentence, above and below apart."""
    rows = frame.to_dicts()
    points = [rows[i] for e in found for i in range(e.first, e.last + 1)]
    high = [r["period"] for r in points if r["value"] > r["upper_limit"]]
    low = [r["period"] for r in points if r["value"] < r["lower_limit"]]
    parts = [f"{len(p)} {'point is' if len(p) == 1 else 'points are'} {where} ({_listed(p)})"
             for p, where in ((high, "above the upper process limit"), (low, "below the lower process limit")) if p]
    text = " and ".join(parts)
    return f"{text[:1].upper()}{text[1:]}: unusual variation, worth looking into."


def spc_summary(frame: pl.DataFrame, label: str, unit: str, step: str = "quarter") -> str:
    """Centre line and limits, then each signal, or the absence of any; then why rolling years
    are missing where the public view does not offer them."""
    return _spc_text(frame, label, unit, step) + _not_offered(frame, step)


def _not_offered(frame: pl.DataFrame, step: str) -> str:
    """Rolling years that are [x]: twelve months over a hidden quarter are not offered in the
    public view (only the latest two are protected as figures of their own)."""
    if step != "rolling" or "flag" not in frame.columns:
        return ""
    n = frame.filter(pl.col("value").is_null() & (pl.col("flag") == "[x]")).height
    if not n:
        return ""
    return (f" {n} rolling {'year is' if n == 1 else 'years are'} [x]: twelve months over a hidden quarter "
            "are not offered in the public view (the methodology page says why); the quarters show which.")


def _spc_text(frame: pl.DataFrame, label: str, unit: str, step: str) -> str:
    shown = frame.filter(pl.col("value").is_not_null())
    if shown.height < 2 or frame["centre"].is_null().all():
        return (f"Too few {STEP_NOUNS[step]} with a figure shown ({shown.height}) to draw process "
                "limits, so no special-cause signal can be judged.")
    if not judgeable(frame):
        return (f"Too few {STEP_NOUNS[step]} with a figure shown ({shown.height} of {frame.height}) to "
                "draw process limits: the hidden ones are those with small counts, so a line through the "
                "shown ones alone would mislead, and no special-cause signal can be judged.")
    r = frame.row(0, named=True)
    text = (f"{label}: {shown.height} {STEP_NOUNS[step]} with a figure, centre line (mean) "
            f"{fmt_value(r['centre'], unit)}, process limits {fmt_value(r['lower_limit'], unit)} to "
            f"{fmt_value(r['upper_limit'], unit)}. ")
    found = episodes(frame)
    if not found:
        return text + ("No special-cause signal: no point beyond the limits, no run of 7 or more on "
                       "one side of the centre line, no 6 rising or falling in a row and no 2 of 3 "
                       "close to a limit. The variation is what this series routinely shows.")
    beyond = [e for e in found if e.signal == "beyond limits"]
    rest = [episode_sentence(e, frame, step) for e in found if e.signal != "beyond limits"]
    return text + " ".join(([beyond_sentence(beyond, frame)] if beyond else []) + rest)


def latest_signal(frame: pl.DataFrame, step: str = "quarter") -> str | None:
    """The sentence for the episode that reaches the latest point, if any (for the narrative)."""
    found = [e for e in episodes(frame) if e.at_end]
    return episode_sentence(found[-1], frame, step) if found else None
