"""The force comparison in words: who is outside the limits, the ranked order, the selected
force and its peers (words.peers names the peer set), and the over-dispersion notice.

Generated from the same ``Comparison`` frame the maps and plots draw (``analysis.comparison``),
so the words cannot disagree with the pictures. No force inside the limits is called better or
worse. Pure functions: no Streamlit, unit-tested directly.
"""

from __future__ import annotations

from analysis.comparison import (
    ABOVE_INNER,
    ABOVE_OUTER,
    BELOW_INNER,
    BELOW_OUTER,
    DEFAULT_PEER_SET,
    POSITIONS,
    WITHIN,
    Comparison,
    peer_codes,
    peer_rows,
)
from metrics.format import fmt_value, has_value
from metrics.registry import DIRECTION_WORDS, Metric
from words.peers import no_peers, peer_group, peer_intro, peer_noun, phase_words
from words.summaries import HIDDEN_WHY, compare, steps_sentence


def _p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _how_much(phi: float) -> str:
    """'far more' only where the spread is at least twice chance's: at phi 1.4 it read too loud."""
    return "far more" if phi >= 2 else "more"


def overdispersion_notice(comp: Comparison) -> str | None:
    """The words above the funnel when the forces vary more than chance explains, else None.

    Said prominently because it changes which forces are flagged: by default the limits are
    then widened (Spiegelhalter 2005); a user who switched back is told what that shows.
    """
    if comp.kind is None or not comp.od_significant:
        return None
    compared = sum(1 for r in comp.frame.to_dicts() if r["position"] is not None)
    lead = (f"**The forces vary {_how_much(comp.phi)} than chance alone explains** (over-dispersion phi = "
            f"{comp.phi:.1f}, {_p_text(comp.phi_p)}): on limits from chance alone "
            f"{comp.outside_unadjusted} of {compared} forces fall outside the 95% limits. ")
    if comp.adjusted:
        return lead + ("The limits are therefore widened for this extra variation (Spiegelhalter "
                       "2005), so only forces that stand out from the wider spread are flagged. "
                       "Switch off 'Allow for over-dispersion' to see the unadjusted limits.")
    return lead + ("You are seeing the unadjusted limits: many forces fall outside them for reasons "
                   "common to many forces (case mix, recording), not only their own. Switch on "
                   "'Allow for over-dispersion' for the recommended adjusted limits.")


def _names(rows: list[dict]) -> str:
    names = [r["name"] for r in rows]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _count(n: int, what: str = "force") -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def not_compared_reason(metric: Metric) -> str | None:
    if metric.unit == "count":
        return ("Recorded offences are a count: a large force records more offences than a small "
                "one, so forces are not compared on it here. Choose 'Recorded offences per 1,000 "
                "residents' to compare them fairly.")
    return None


def position_summary(comp: Comparison, metric: Metric, group_label: str, period_label: str) -> str:
    """Who is outside the limits, by name, and the rule that the rest are not ranked."""
    rows = comp.frame.to_dicts()
    nat = comp.national
    lead = (f"{metric.label} for {group_label.lower()}, {period_label}: England and Wales "
            f"{fmt_value(nat.get('value'), metric.unit)}.")
    reason = not_compared_reason(metric)
    hidden = [r for r in rows if r["value"] is None]
    parts = [lead]
    if reason:
        parts.append(reason)
    else:
        by = {p: [r for r in rows if r["position"] == p] for p in POSITIONS}
        compared = sum(len(v) for v in by.values())
        if metric.unit == "days":
            parts.append(f"Of {compared} forces compared, {len(by[ABOVE_INNER])} have a 95% interval "
                         f"above the England and Wales median{': ' + _names(by[ABOVE_INNER]) if by[ABOVE_INNER] else ''}; "
                         f"{len(by[BELOW_INNER])} below it{': ' + _names(by[BELOW_INNER]) if by[BELOW_INNER] else ''}.")
        else:
            outside = 0
            for p, text in ((ABOVE_OUTER, "above the upper 99.8% limit"),
                            (ABOVE_INNER, "above the upper 95% limit but not the 99.8% limit"),
                            (BELOW_INNER, "below the lower 95% limit but not the 99.8% limit"),
                            (BELOW_OUTER, "below the lower 99.8% limit")):
                if by[p]:
                    outside += len(by[p])
                    parts.append(f"{_count(len(by[p]))} {'is' if len(by[p]) == 1 else 'are'} {text} "
                                 f"({_names(by[p])}).")
            if not outside:
                parts.append("No force is outside the 95% or 99.8% limits.")
        parts.append(f"{_count(len(by[WITHIN]))} {'is' if len(by[WITHIN]) == 1 else 'are'} within the "
                     "limits: their differences from England and Wales are within the range expected "
                     "by chance, so they are not called better or worse.")
        compared = sum(len(by[p]) for p in POSITIONS)
        if compared >= 20:
            parts.append(f"Even with no real differences, about {compared * 0.05:.0f} of {compared} forces "
                         "would fall outside the 95% limits by chance, so a force outside only those "
                         "limits is a prompt to look, not a finding.")
        if comp.phi_used <= 1 and comp.od_significant:
            parts.append(f"The forces vary {_how_much(comp.phi)} than chance alone would produce (over-dispersion "
                         f"phi = {comp.phi:.1f}), so many of them fall outside these unadjusted limits; "
                         "allowing for over-dispersion shows which stand out from that wider spread.")
        parts.append(f"{DIRECTION_WORDS[metric.direction]}.")
    if hidden:
        parts.append(f"{_count(len(hidden))} not shown ({_names(hidden)}): {HIDDEN_WHY}, "
                     "so left out of the comparison.")
    if comp.phi_used > 1:
        why = "" if comp.od_chosen else ", because the forces vary more than chance explains"
        parts.append(f"Limits widened for over-dispersion (phi = {comp.phi:.2f}{why}).")
    return " ".join(parts)


def ranked_summary(comp: Comparison, metric: Metric) -> str:
    """Highest and lowest, and how many steps between neighbouring ranks are more than chance."""
    rows = sorted((r for r in comp.frame.to_dicts() if r["value"] is not None),
                  key=lambda r: r["value"], reverse=True)
    if not rows:
        return f"No force has a figure for {metric.phrase} that can be shown."
    unit = metric.unit
    top, bottom = rows[0], rows[-1]
    meaningful = sum(1 for a, b in zip(rows, rows[1:], strict=False)
                     if compare(a, b, metric).significant)
    nat = comp.national.get("value")
    include = [r for r in rows if has_value(r["lower"]) and has_value(r["upper"]) and has_value(nat)
               and r["lower"] <= nat <= r["upper"]]
    text = (f"This is not a league table. Forces are sorted by {metric.phrase}, from "
            f"{top['name']} ({fmt_value(top['value'], unit)}) to {bottom['name']} "
            f"({fmt_value(bottom['value'], unit)}); England and Wales is {fmt_value(nat, unit)} "
            f"(the vertical line). ")
    if len(rows) > 1 and unit != "count":
        text += steps_sentence(meaningful, len(rows) - 1) + " "
    if has_value(nat) and metric.unit != "count":
        text += (f"{len(include)} of {len(rows)} forces have a 95% interval that includes the England "
                 "and Wales value.")
    hidden = comp.frame.height - len(rows)
    if hidden:
        text += f" {_count(hidden)} not shown ({HIDDEN_WHY})."
    return text.strip()


_WHERE = {ABOVE_OUTER: "above the 99.8% limit", ABOVE_INNER: "above the 95% limit but within the 99.8% limit",
          WITHIN: "within the limits", BELOW_INNER: "below the 95% limit but within the 99.8% limit",
          BELOW_OUTER: "below the 99.8% limit"}
_WHERE_MEDIAN = {ABOVE_INNER: "its 95% interval is above the England and Wales median",
                 WITHIN: "its 95% interval includes the England and Wales median",
                 BELOW_INNER: "its 95% interval is below the England and Wales median"}


def selected_summary(comp: Comparison, code: str | None, metric: Metric,
                     peer_set: str = DEFAULT_PEER_SET) -> str:
    """Where the selected force and its peers sit, for the words beside every comparison chart.

    E.g. 'Avon and Somerset (ringed and labelled): 12.3% (95% CI 11.0–13.7%), within the limits.
    Of its 4 region peers (smaller rings): 1 above the 95% limit (Dorset), 3 within the limits.'
    Empty when no force is selected.
    """
    rows = comp.rows()
    if not code or code not in rows:
        return ""
    me = rows[code]
    where = _WHERE_MEDIAN if metric.unit == "days" else _WHERE
    text = f"{me['name']} (ringed and labelled): {me['value_text']}"
    if me["interval_text"]:
        text += f" ({me['interval_text']})"
    if me["value"] is None:
        text = f"{me['name']}: not shown ({HIDDEN_WHY}), so it is not on the chart."
    elif me["position"] in where:
        text += f", {where[me['position']]}."
    else:
        text += "; not compared with England and Wales."
    peers = [rows[c] for c in peer_codes(comp, code, peer_set)]
    if not peers:
        return text + no_peers(me, peer_set)
    groups: dict[str, list[dict]] = {}
    for p in peers:
        key = (where.get(p["position"], "not compared") if p["value"] is not None
               else "not shown ([c])")
        groups.setdefault(key, []).append(p)
    order = [*where.values(), "not compared", "not shown ([c])"]
    if len(peers) == 1:
        key = next(iter(groups))
        return text + (f" Its one {peer_noun(peer_set)} {peer_group(me, peer_set)} (smaller ring, labelled with its "
                       f"abbreviation), {peers[0]['name']}, is {key}.")
    parts = [f"{len(groups[k])} {k}" + (f" ({_names(groups[k])})" if k != where.get(WITHIN) else "")
             for k in order if k in groups]
    return text + (f" Of its {len(peers)} {peer_noun(peer_set)}s {peer_group(me, peer_set)} (smaller rings, "
                   f"labelled with their abbreviations): {'; '.join(parts)}.")


def peer_summary(comp: Comparison, code: str, metric: Metric, peer_set: str = DEFAULT_PEER_SET) -> str:
    """The selected force against each peer of ``peer_set``: difference within chance or not."""
    rows = comp.rows()
    me = rows[code]
    peers = [r for r in peer_rows(comp, code, peer_set) if r["code"] != code]
    unit = metric.unit
    text = (f"{peer_intro(me, peer_set)}{me['name']}: {me['value_text']}"
            f"{' (' + me['interval_text'] + ')' if me['interval_text'] else ''}; England and Wales "
            f"{fmt_value(comp.national.get('value'), unit)}. ")
    if me["value"] is None:
        return text + f"Its figure is not shown ({HIDDEN_WHY}), so it is not compared with its peers."
    if not peers:
        return text + no_peers(me, peer_set).strip()
    if unit == "count":
        return text + "Counts depend on a force's size, so forces are not compared on them; use a rate."
    different, same = [], []
    for p in peers:
        if p["value"] is None:
            continue
        (different if compare(me, p, metric).significant else same).append(p)
    if same:
        text += (f"Its difference from {_names(same)} is within the range expected by chance. ")
    if different:
        text += (f"It differs by more than chance from {_names(different)} "
                 f"({'; '.join(p['name'] + ' ' + p['value_text'] for p in different)}). ")
    hidden = [p for p in peers if p["value"] is None]
    if hidden:
        text += f"{_names(hidden)}: not shown ({HIDDEN_WHY})."
    return text.strip()


def force_panel(comp: Comparison, code: str, metric: Metric) -> dict:
    """The selected force's figures for the panel under the maps."""
    r = comp.rows()[code]
    return {"name": r["name"], "value": r["value_text"], "interval": r["interval_text"],
            "national": fmt_value(comp.national.get("value"), metric.unit),
            "position": r["position_words"], "region": r["region"], "category": r["category"],
            "phase": phase_words(r["nom_phase"])}
