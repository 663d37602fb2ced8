"""Each force against England and Wales: funnel positions, symbols and the words for them.

One frame (``Comparison.frame``) feeds the two maps, the funnel plot, the ranked dot plot, the
peer view, their summaries and their tables, so the words cannot disagree with the pictures.
No Streamlit here: it is unit-tested directly.

Funnel positions (Spiegelhalter 2005) exist for proportions (binomial) and rates (Poisson). A
median has no funnel: a force is marked above or below only when its 95% interval excludes the
England and Wales median. A count (recorded offences) is not compared at all: bigger forces
record more offences, which says nothing about how they do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import polars as pl

from components import palette
from components.summaries import compare, fmt_interval, fmt_value, has_value, steps_sentence
from geo.tiles import ABBREVIATIONS
from metrics import stats
from metrics.registry import DIRECTION_WORDS, Metric

ABOVE_OUTER, ABOVE_INNER, WITHIN = stats.FUNNEL_ABOVE_OUTER, stats.FUNNEL_ABOVE_INNER, stats.FUNNEL_WITHIN
BELOW_INNER, BELOW_OUTER = stats.FUNNEL_BELOW_INNER, stats.FUNNEL_BELOW_OUTER
POSITIONS = (ABOVE_OUTER, ABOVE_INNER, WITHIN, BELOW_INNER, BELOW_OUTER)
NOT_SHOWN = "not shown"
NOT_COMPARED = "not compared"

SYMBOLS = {ABOVE_OUTER: "▲▲", ABOVE_INNER: "▲", WITHIN: "", BELOW_INNER: "▼", BELOW_OUTER: "▼▼",
           NOT_SHOWN: "[c]", NOT_COMPARED: ""}
CATEGORIES = {
    ABOVE_OUTER: "▲▲ above the 99.8% limit",
    ABOVE_INNER: "▲ above the 95% limit only",
    WITHIN: "within the limits (no symbol)",
    BELOW_INNER: "▼ below the 95% limit only",
    BELOW_OUTER: "▼▼ below the 99.8% limit",
    NOT_SHOWN: "[c] not shown (too few cases) or no figure",
    NOT_COMPARED: "not compared (see below)",
}
CATEGORY_COLORS = {
    ABOVE_OUTER: palette.DARK_BLUE,
    ABOVE_INNER: "#6E9BC5",  # a lighter step of dark blue
    WITHIN: "#D9D9D9",
    BELOW_INNER: "#F7A57C",  # a lighter step of orange
    BELOW_OUTER: palette.DARK_PINK,
    NOT_SHOWN: "#FFFFFF",
    NOT_COMPARED: "#EFEFEF",
}
DARK_FILLS = {ABOVE_OUTER, BELOW_OUTER}  # white label text on these
SHAPES = {ABOVE_OUTER: "triangle-up", ABOVE_INNER: "diamond", WITHIN: "circle",
          BELOW_INNER: "square", BELOW_OUTER: "triangle-down"}
WORDS = {
    ABOVE_OUTER: "above the 99.8% limit: higher than England and Wales by more than chance would "
                 "explain (chance puts a force this high about 1 time in 1,000)",
    ABOVE_INNER: "above the 95% limit but within the 99.8% limit: possibly higher than England and "
                 "Wales; a difference this size arises by chance about 1 time in 40",
    WITHIN: "within the limits: not distinguishable from England and Wales; not better or worse",
    BELOW_INNER: "below the 95% limit but within the 99.8% limit: possibly lower than England and "
                 "Wales; a difference this size arises by chance about 1 time in 40",
    BELOW_OUTER: "below the 99.8% limit: lower than England and Wales by more than chance would "
                 "explain (chance puts a force this low about 1 time in 1,000)",
    NOT_SHOWN: "not shown: too few cases to publish",
    NOT_COMPARED: "not compared with England and Wales",
}
MEDIAN_CATEGORIES = {**CATEGORIES,
                     ABOVE_INNER: "▲ 95% interval above the England and Wales median",
                     WITHIN: "95% interval includes the England and Wales median",
                     BELOW_INNER: "▼ 95% interval below the England and Wales median"}
MEDIAN_WORDS = {
    ABOVE_INNER: "above: its 95% interval lies above the England and Wales median",
    WITHIN: "its 95% interval includes the England and Wales median: not distinguishable from it",
    BELOW_INNER: "below: its 95% interval lies below the England and Wales median",
}
_SCALE = {"percent": 100.0, "per_1000": 1000.0, "per_investigator": 1.0}


def funnel_kind(metric: Metric) -> str | None:
    """Binomial for proportions, Poisson for rates, None where a funnel does not apply."""
    if metric.unit == "percent":
        return "binomial"
    if metric.unit in ("per_1000", "per_investigator"):
        return "poisson"
    return None


@dataclass(frozen=True)
class Comparison:
    frame: pl.DataFrame  # one row per territorial force (see ``compare_forces``)
    national: dict  # the England and Wales row of the metric table
    kind: str | None  # "binomial" | "poisson" | None
    scale: float  # display value = numerator / denominator * scale
    phi: float  # estimated over-dispersion (NaN when not estimable or no funnel)
    phi_used: float  # 1.0 unless the limits allow for over-dispersion and phi > 1
    phi_p: float  # p-value of 'no over-dispersion' (NaN when not estimable)
    categories: dict[str, str]  # position key -> legend text (medians word it differently)
    od_significant: bool = False  # the over-dispersion test is significant (stats rule)
    adjusted: bool = False  # the limits allow for over-dispersion (chosen, or by default)
    od_chosen: bool = False  # True when the user chose; False when the default applied
    outside_unadjusted: int = 0  # forces outside the 95% limits without the adjustment

    @property
    def target(self) -> float | None:
        """England and Wales value on the 0-1 (or per unit) scale the funnel uses."""
        n, d = self.national.get("numerator"), self.national.get("denominator")
        return n / d if has_value(n) and has_value(d) and d > 0 else None

    def rows(self) -> dict[str, dict]:
        return {r["code"]: r for r in self.frame.to_dicts()}


def compare_forces(forces_table: pl.DataFrame, national: dict, reference: pl.DataFrame,
                   metric: Metric, *, overdispersion: bool | None = None) -> Comparison:
    """Attach each force's funnel position, symbol and words to the metric table (area="all").

    ``reference`` is the force list (code, name, region). Forces whose value is hidden ([c] and
    other markers) keep their row with position "not shown" and are left out of the funnel.

    ``overdispersion``: True or False is the user's choice; None (the default) follows
    Spiegelhalter (2005): the limits allow for over-dispersion exactly when the test for it is
    significant (:func:`metrics.stats.overdispersion_significant`).
    """
    regions = dict(zip(reference["code"], reference["region"], strict=True))
    rows = forces_table.to_dicts()
    kind = funnel_kind(metric)
    scale = _SCALE.get(metric.unit, 1.0)
    shown = [r for r in rows if has_value(r.get("value"))]
    target = None
    if kind and has_value(national.get("numerator")) and has_value(national.get("denominator")) and national["denominator"] > 0:
        target = national["numerator"] / national["denominator"]
    usable = [r for r in shown if has_value(r.get("numerator")) and has_value(r.get("denominator")) and r["denominator"] > 0]
    phi = math.nan
    if target is not None and usable and target > 0 and (kind == "poisson" or target < 1):
        phi = stats.estimate_overdispersion([r["numerator"] for r in usable],
                                            [r["denominator"] for r in usable], target, kind=kind)
    phi_p = stats.overdispersion_p_value(phi, len(usable)) if has_value(phi) else math.nan
    significant = has_value(phi) and stats.overdispersion_significant(phi, len(usable))
    adjusted = significant if overdispersion is None else bool(overdispersion)
    phi_used = phi if adjusted and has_value(phi) and phi > 1 else 1.0
    positions: dict[str, str | None] = {}
    outside_unadjusted = 0
    if target is not None and usable:
        nums, dens = [r["numerator"] for r in usable], [r["denominator"] for r in usable]
        labels = stats.funnel_position(nums, dens, target, kind=kind, phi=phi_used)
        positions = dict(zip([r["area_code"] for r in usable], labels.to_list(), strict=True))
        plain = labels if phi_used <= 1 else stats.funnel_position(nums, dens, target, kind=kind)
        outside_unadjusted = sum(1 for p in plain.to_list() if p not in (None, WITHIN))
    elif metric.unit == "days" and has_value(national.get("value")):
        nat = national["value"]
        for r in shown:
            if has_value(r.get("lower")) and has_value(r.get("upper")):
                positions[r["area_code"]] = (ABOVE_INNER if r["lower"] > nat else
                                             BELOW_INNER if r["upper"] < nat else WITHIN)

    categories = MEDIAN_CATEGORIES if metric.unit == "days" else CATEGORIES
    out = []
    for r in rows:
        code = r["area_code"]
        pos = positions.get(code)
        if not has_value(r.get("value")):
            key = NOT_SHOWN
        elif pos is None:
            key = NOT_COMPARED
        else:
            key = pos
        words = (MEDIAN_WORDS.get(key) if metric.unit == "days" and key in MEDIAN_WORDS else WORDS[key])
        if key == NOT_SHOWN:
            flag = r.get("flag") or "[c]"
            words = f"not shown to protect confidentiality ({flag})" if flag == "[c]" else f"not available ({flag})"
        out.append({
            "code": code, "name": r["area_name"], "abbr": ABBREVIATIONS.get(code, code),
            "region": regions.get(code, ""), "numerator": r.get("numerator"),
            "denominator": r.get("denominator"), "value": r.get("value"), "lower": r.get("lower"),
            "upper": r.get("upper"), "flag": r.get("flag") or "", "position": pos,
            "category": categories[key], "symbol": SYMBOLS[key] if key != NOT_SHOWN else (r.get("flag") or "[c]"),
            "position_words": words,
            "value_text": fmt_value(r.get("value"), metric.unit) if has_value(r.get("value")) else (r.get("flag") or "[x]"),
            "interval_text": fmt_interval(r.get("lower"), r.get("upper"), metric.unit),
        })
    schema = {"code": pl.String, "name": pl.String, "abbr": pl.String, "region": pl.String,
              "numerator": pl.Float64, "denominator": pl.Float64, "value": pl.Float64,
              "lower": pl.Float64, "upper": pl.Float64, "flag": pl.String, "position": pl.String,
              "category": pl.String, "symbol": pl.String, "position_words": pl.String,
              "value_text": pl.String, "interval_text": pl.String}
    frame = pl.DataFrame(out, schema=schema).sort("name")
    return Comparison(frame=frame, national=national, kind=kind, scale=scale, phi=phi, phi_used=phi_used,
                      phi_p=phi_p, categories=categories, od_significant=bool(significant),
                      adjusted=bool(adjusted and kind is not None), od_chosen=overdispersion is not None,
                      outside_unadjusted=outside_unadjusted)


def _p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def overdispersion_notice(comp: Comparison) -> str | None:
    """The words above the funnel when the forces vary more than chance explains, else None.

    Said prominently because it changes which forces are flagged: by default the limits are
    then widened (Spiegelhalter 2005); a user who switched back is told what that shows.
    """
    if comp.kind is None or not comp.od_significant:
        return None
    compared = sum(1 for r in comp.frame.to_dicts() if r["position"] is not None)
    lead = (f"**The forces vary far more than chance alone explains** (over-dispersion phi = "
            f"{comp.phi:.1f}, {_p_text(comp.phi_p)}): on limits from chance alone "
            f"{comp.outside_unadjusted} of {compared} forces fall outside the 95% limits. ")
    if comp.adjusted:
        return lead + ("The limits are therefore widened for this extra variation (Spiegelhalter "
                       "2005), so only forces that stand out from the wider spread are flagged. "
                       "Switch off 'Allow for over-dispersion' to see the unadjusted limits.")
    return lead + ("You are seeing the unadjusted limits: many forces fall outside them for reasons "
                   "common to many forces (case mix, recording), not only their own. Switch on "
                   "'Allow for over-dispersion' for the recommended adjusted limits.")


def map_rows(comp: Comparison) -> dict[str, dict]:
    """Per force, the fields the maps draw and show in their tooltips."""
    out = {}
    for r in comp.frame.to_dicts():
        key = next((k for k, c in comp.categories.items() if c == r["category"]), NOT_COMPARED)
        out[r["code"]] = {
            "name": r["name"], "abbr": r["abbr"], "category": r["category"], "symbol": r["symbol"],
            "label": f"{r['abbr']}\n{r['symbol']}" if r["symbol"] else r["abbr"],
            "label_color": "#FFFFFF" if key in DARK_FILLS else palette.TEXT,
            "value_text": r["value_text"], "interval_text": r["interval_text"] or "—",
            "position_words": r["position_words"],
        }
    return out


# The City of London lies inside the Metropolitan Police area on the real map, a few pixels
# across, so its symbol would be printed on top of the Met's. ONS code, stable across releases.
CITY_OF_LONDON = "E23000034"


def geography_rows(rows: dict[str, dict]) -> dict[str, dict]:
    """``map_rows`` for the real map: the City of London keeps its colour and tooltip but not its
    printed symbol (the tile map, the lists and the tables still show it)."""
    return {code: ({**r, "symbol": ""} if code == CITY_OF_LONDON else r) for code, r in rows.items()}


def table(comp: Comparison) -> pl.DataFrame:
    """The rows a table or download shows: figures and the position in words."""
    return comp.frame.select("code", "name", "region", "numerator", "denominator", "value", "lower",
                             "upper", "flag", pl.col("position_words").alias("position"))


# --- words -----------------------------------------------------------------------------------


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
            parts.append(f"The forces vary far more than chance alone would produce (over-dispersion "
                         f"phi = {comp.phi:.1f}), so many of them fall outside these unadjusted limits; "
                         "allowing for over-dispersion shows which stand out from that wider spread.")
        parts.append(f"{DIRECTION_WORDS[metric.direction]}.")
    if hidden:
        parts.append(f"{_count(len(hidden))} not shown ({_names(hidden)}): too few cases to publish, "
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
        text += f" {_count(hidden)} not shown (too few cases)."
    return text.strip()


def peer_rows(comp: Comparison, code: str) -> list[dict]:
    """The selected force and the other forces of its region, highest value first."""
    rows = comp.rows()
    region = rows[code]["region"]
    return sorted((r for r in rows.values() if r["region"] == region),
                  key=lambda r: (r["value"] is None, -(r["value"] or 0)))


def peer_codes(comp: Comparison, code: str | None) -> list[str]:
    """The selected force's peers (today: the other forces of its region), for marking on charts."""
    if not code or code not in comp.rows():
        return []
    return [r["code"] for r in peer_rows(comp, code) if r["code"] != code]


_WHERE = {ABOVE_OUTER: "above the 99.8% limit", ABOVE_INNER: "above the 95% limit but within the 99.8% limit",
          WITHIN: "within the limits", BELOW_INNER: "below the 95% limit but within the 99.8% limit",
          BELOW_OUTER: "below the 99.8% limit"}
_WHERE_MEDIAN = {ABOVE_INNER: "its 95% interval is above the England and Wales median",
                 WITHIN: "its 95% interval includes the England and Wales median",
                 BELOW_INNER: "its 95% interval is below the England and Wales median"}


def selected_summary(comp: Comparison, code: str | None, metric: Metric) -> str:
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
        text = f"{me['name']}: not shown (too few cases), so it is not on the chart."
    elif me["position"] in where:
        text += f", {where[me['position']]}."
    else:
        text += "; not compared with England and Wales."
    peers = [rows[c] for c in peer_codes(comp, code)]
    if not peers:
        return text + f" It has no other force in its region ({me['region']})."
    groups: dict[str, list[dict]] = {}
    for p in peers:
        key = (where.get(p["position"], "not compared") if p["value"] is not None
               else "not shown as too few cases")
        groups.setdefault(key, []).append(p)
    order = [*where.values(), "not compared", "not shown as too few cases"]
    if len(peers) == 1:
        key = next(iter(groups))
        return text + (f" Its one region peer in {me['region']} (smaller ring, labelled with its "
                       f"abbreviation), {peers[0]['name']}, is {key}.")
    parts = [f"{len(groups[k])} {k}" + (f" ({_names(groups[k])})" if k != where.get(WITHIN) else "")
             for k in order if k in groups]
    return text + (f" Of its {len(peers)} region peers in {me['region']} (smaller rings, "
                   f"labelled with their abbreviations): {'; '.join(parts)}.")


def peer_summary(comp: Comparison, code: str, metric: Metric) -> str:
    """The selected force against each region peer: difference within chance or not."""
    rows = comp.rows()
    me = rows[code]
    peers = [r for r in peer_rows(comp, code) if r["code"] != code]
    unit = metric.unit
    text = (f"Region peers: the other forces of {me['region']}. These are geographic neighbours, "
            f"not a verified 'most similar' group. {me['name']}: {me['value_text']}"
            f"{' (' + me['interval_text'] + ')' if me['interval_text'] else ''}; England and Wales "
            f"{fmt_value(comp.national.get('value'), unit)}. ")
    if me["value"] is None:
        return text + "Its figure is not shown (too few cases), so it is not compared with its peers."
    if not peers:
        return text + "It has no other force in its region."
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
        text += f"{_names(hidden)}: not shown (too few cases)."
    return text.strip()


def force_panel(comp: Comparison, code: str, metric: Metric) -> dict:
    """The selected force's figures for the panel under the maps."""
    r = comp.rows()[code]
    return {"name": r["name"], "value": r["value_text"], "interval": r["interval_text"],
            "national": fmt_value(comp.national.get("value"), metric.unit),
            "position": r["position_words"], "region": r["region"], "category": r["category"]}
