"""The pillar profile in words: its title, a plain summary, the legend and the table on screen.

Built from the profile frame (``analysis.pillar_profile``) the table shows, so the words cannot
disagree with it. A force is called higher or lower only outside the funnel limits, and the
measure's direction of good is written beside it; nothing relies on colour.
"""

from __future__ import annotations

import polars as pl

from analysis.comparison import ABOVE_INNER, ABOVE_OUTER, BELOW_INNER, BELOW_OUTER, WITHIN
from analysis.pillar_profile import (
    COMPARED_MARK,
    HIDDEN,
    MI_NOT_SUPPLIED,
    NO_FIGURE,
    NOT_IN_RELEASE,
    SHOWN,
    counts,
)
from metrics.registry import in_sentence

LEGEND = (f"{COMPARED_MARK} within the funnel limits (not distinguishable from England and Wales); "
          "▲ / ▼ above / below the 95% limit; ▲▲ / ▼▼ above / below the 99.8% limit; – not compared "
          "or no figure; [c] not shown to protect confidentiality. Whether higher is better is "
          "written in each row.")
METHOD = ("Each indicator is compared with England and Wales as on the force comparison page: a "
          "funnel position from the exact binomial (percentages) or Poisson (rates) limits, widened "
          "for over-dispersion when the test for it is significant; a median is compared by its 95% "
          "interval; a count is not compared. Not a score: the indicators are on different bases "
          "and are not added up.")
_OUTSIDE = {ABOVE_OUTER: "above the 99.8% limit", ABOVE_INNER: "above the 95% limit",
            BELOW_INNER: "below the 95% limit", BELOW_OUTER: "below the 99.8% limit"}
SCREEN_COLUMNS = {"pillar_name": "Pillar", "indicator": "Indicator", "marker": "Mark",
                  "value_text": "Force", "interval_text": "95% interval", "national_text": "England and Wales",
                  "position_words": "Against England and Wales", "direction": "Direction",
                  "availability": "Availability"}


def title(force_name: str, period_label: str) -> str:
    return f"Pillar profile: {force_name} against England and Wales, {period_label}"


def _listing(frame: pl.DataFrame) -> str:
    items = [f"{in_sentence(r['indicator'])} ({r['direction'].lower()})" for r in frame.to_dicts()]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def summary(frame: pl.DataFrame, force_name: str) -> str:
    """Plain words: how many indicators can be shown, which lie outside the limits, what is missing."""
    n = counts(frame)
    total = frame.height
    shown = frame.filter(pl.col("availability") == SHOWN)
    compared = shown.filter(pl.col("position").is_not_null())
    text = (f"Of the {total} indicators of the National Operating Model pillars, {n[SHOWN]} can be "
            f"shown for {force_name} and {compared.height} compared with England and Wales.")
    outside = compared.filter(pl.col("position").is_in(list(_OUTSIDE)))
    for key, words in _OUTSIDE.items():
        part = outside.filter(pl.col("position") == key)
        if part.height:
            text += f" {words.capitalize()}: {_listing(part)}."
    within = compared.filter(pl.col("position") == WITHIN).height
    if compared.height:
        text += (f" {within} {'is' if within == 1 else 'are'} within the limits: not distinguishable "
                 "from England and Wales." if within else " None is within the limits.")
    missing = [f"{n[k]} {k}" for k in (NOT_IN_RELEASE, MI_NOT_SUPPLIED, HIDDEN, NO_FIGURE) if n[k]]
    if missing:
        text += f" Not available: {'; '.join(missing)}."
    shown_pillars = set(shown["pillar"].to_list())
    empty = [str(p) for p in dict.fromkeys(frame["pillar"].to_list()) if p not in shown_pillars]
    if empty:
        text += (f" Pillar{'s' if len(empty) > 1 else ''} {', '.join(empty)} "
                 f"{'have' if len(empty) > 1 else 'has'} no indicator that can be shown for {force_name} "
                 "in this period.")
    return text


def screen_table(frame: pl.DataFrame) -> pl.DataFrame:
    """The rows on screen: mark, figures and words, with plain headers."""
    return frame.select(list(SCREEN_COLUMNS)).rename(SCREEN_COLUMNS)
