"""The force profile read aloud: five or six sentences a senior officer could say in a meeting.

Every sentence is built from the frames the page draws (the headline row, the SPC frame, the
before/after panel), so the narrative cannot say a number the charts do not show. It claims no
more than the statistics: a force inside the funnel limits is not better or worse, a change
within chance is called that, and a before/after difference is a description, never evidence
that the National Operating Model caused it. A hidden figure ([c]) is said to be hidden.
"""

from __future__ import annotations

import polars as pl

from analysis.force_profile import BeforeAfter, judgeable
from db.reference import PHASE_LABELS
from metrics.format import fmt_value, has_value
from metrics.periods import quarter_label
from metrics.registry import DIRECTION_WORDS, Metric
from words.spc import STEP_NOUNS, latest_signal
from words.summaries import HIDDEN_WHY, SYMBOL_WORDS

NOT_CAUSAL = "this is a description, not evidence that the model caused it"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _window(q: tuple[int, int]) -> str:
    return f"{quarter_label(q[0])} to {quarter_label(q[1])}"


def figure_sentence(h: dict, metric: Metric, group_label: str, period_label: str) -> str:
    """'Charge outcomes for adult rape in Avon and Somerset were 4.4% (95% CI ...) in the 12
    months to Sep 2026, against 3.9% for England and Wales.'"""
    where = f"{metric.label} for {group_label.lower()} in {h['name']}"
    national = f"England and Wales {fmt_value(h['national'], metric.unit)}" if has_value(h["national"]) else ""
    if not has_value(h["value"]):
        flag = h["flag"] or "[x]"
        why = HIDDEN_WHY if flag == "[c]" else SYMBOL_WORDS.get(flag, "not available")
        return f"{where} in {period_label} is not shown ({flag}: {why}){'; ' + national if national else ''}."
    text = h["interval_text"]
    interval = f" ({text[:1].lower() + text[1:] if metric.unit == 'count' else text})" if text else ""
    return f"{where} was {h['value_text']}{interval} in {period_label}{', against ' + national if national else ''}."


def position_sentence(h: dict) -> str:
    """The funnel position in the words of /compare."""
    if not has_value(h["value"]):
        return ""
    if h["position"] is None:
        return "It is not compared with England and Wales on this measure."
    return f"Against England and Wales it is {h['position_words']}."


def peer_sentence(h: dict, metric: Metric, peer_noun: str) -> str:
    if not h["peers"]:
        return f"It has no {peer_noun}s to compare with."
    if h["peer_average"] is None:
        return f"None of its {h['peers']} {peer_noun}s has a figure that can be shown ({HIDDEN_WHY})."
    of = (f"its {h['peers']} {peer_noun}s" if h["peers_shown"] == h["peers"] else
          f"the {h['peers_shown']} of its {h['peers']} {peer_noun}s with a figure shown")
    return f"The average of {of} is {fmt_value(h['peer_average'], metric.unit)}."


def spc_sentence(frame: pl.DataFrame, step: str) -> str:
    """The latest signal, or that the recent figures vary within the process limits."""
    shown = frame.filter(pl.col("value").is_not_null()).height
    if not judgeable(frame) or frame["centre"].is_null().all():
        return f"There are too few {STEP_NOUNS[step]} with a figure shown to judge its trend."
    latest = latest_signal(frame, step)
    if latest:
        return f"On its own trend, {latest[:1].lower()}{latest[1:]}"
    return (f"Over the {shown} {STEP_NOUNS[step]} shown, its latest figures show no special-cause "
            "signal: they vary within the range the series routinely shows.")


def start_sentence(ba: BeforeAfter, name: str, metric: Metric) -> str:
    """When the force began the model, then the before/after comparison (or why there is none)."""
    phase = PHASE_LABELS.get(ba.phase, ba.phase or "unknown phase").split(" (")[0].lower()
    then = before_after_sentence(ba, metric)
    return (f"{name} began the National Operating Model in {ba.start:%B %Y} (the {phase} phase); "
            f"{then[:1].lower()}{then[1:]}")


def before_after_sentence(ba: BeforeAfter, metric: Metric) -> str:
    """The before/after comparison in words, or why there is none."""
    if ba.reason == "no_before" or ba.before is None:
        return ("This release has no figures for the four quarters before that start, so there is "
                "no before period to compare with.")
    if ba.reason == "not_after" and ba.after[1] < ba.start_quarter:
        return (f"The chosen period ({_window(ba.after)}) ends before that start, so there is no after "
                "period to compare.")
    if ba.reason == "not_after":
        return (f"The four quarters ending the chosen period ({_window(ba.after)}) are not all after that "
                "start, so there is no after period to compare.")
    before, after = ba.before_row or {}, ba.after_row or {}
    if not (has_value(before.get("value")) and has_value(after.get("value"))):
        hidden = [w for w, r in (("before", before), ("after", after)) if not has_value(r.get("value"))]
        return (f"The figure for the four quarters {' and '.join(hidden)} its start is not shown "
                f"({HIDDEN_WHY}), so the two periods cannot be compared.")
    unit = metric.unit
    b, a = fmt_value(before["value"], unit), fmt_value(after["value"], unit)
    way = ("higher" if after["value"] > before["value"] else "lower" if after["value"] < before["value"]
           else "the same")
    lead = (f"{metric.label} was {b} in the four quarters before ({_window(ba.before)}) and {a} in the "
            f"four quarters to {quarter_label(ba.after[1])}: {way} after than before")
    return f"{lead}{_test_words(ba.test, unit)}; {NOT_CAUSAL}."


def _test_words(test: dict | None, unit: str) -> str:
    if test is None:
        return " (medians are not tested for a difference here; compare their 95% intervals)"
    if test["kind"] == "difference":
        size = (f"a difference of {test['difference']:+.1f} percentage points "
                f"(95% CI {test['lower']:+.1f} to {test['upper']:+.1f})")
    else:
        size = (f"a ratio of {test['ratio']:.2f} "
                f"(95% CI {test['lower']:.2f} to {test['upper']:.2f})")
    judged = ("larger than chance would explain" if test["significant"]
              else "within the range expected by chance")
    return f", {size}, {judged}"


def others_sentence(ba: BeforeAfter, metric: Metric) -> str:
    """The same change among forces that had not started by the end of the after window."""
    o = ba.others
    if not o:
        return ""
    if not o["shown"]:
        return (f"The {o['forces']} forces that had not started by then have no figures shown for both "
                "periods, so they give no comparison.")
    which = (f"the {o['forces']} forces that" if o["shown"] == o["forces"] else
             f"the {o['shown']} of {o['forces']} forces with figures shown that")
    return (f"Among {which} had not started the model by the end of "
            f"{quarter_label(ba.after[1])}, the plain average went from {fmt_value(o['before'], metric.unit)} "
            f"to {fmt_value(o['after'], metric.unit)} over the same quarters.")


def narrative(h: dict, frame: pl.DataFrame, ba: BeforeAfter, metric: Metric, *, group_label: str,
              period_label: str, peer_noun: str, step: str = "quarter") -> list[str]:
    """The sentences, in reading order; empty ones left out."""
    sentences = [
        figure_sentence(h, metric, group_label, period_label),
        position_sentence(h),
        peer_sentence(h, metric, peer_noun),
        spc_sentence(frame, step),
        start_sentence(ba, h["name"], metric),
        others_sentence(ba, metric),
    ]
    if len([s for s in sentences if s]) < 6:
        sentences.append(f"{DIRECTION_WORDS[metric.direction]}.")
    return [s for s in sentences if s]


def paragraph(sentences: list[str]) -> str:
    return _cap(" ".join(sentences))
