"""Each force against England and Wales: its funnel position, symbol and position in words.

One frame (``Comparison.frame``) feeds the two maps, the funnel plot, the ranked dot plot, the
peer view, their summaries and their tables, so the words cannot disagree with the pictures.
This module decides (positions, peers); ``charts.positions`` draws the positions (colours,
shapes, map labels) and ``words.comparison`` writes the summaries. No Streamlit, no Altair:
it is unit-tested directly.

Funnel positions (Spiegelhalter 2005) exist for proportions (binomial) and rates (Poisson). A
median has no funnel: a force is marked above or below only when its 95% interval excludes the
England and Wales median. A count (recorded offences) is not compared at all: bigger forces
record more offences, which says nothing about how they do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import polars as pl

from geo.tiles import ABBREVIATIONS
from metrics import stats
from metrics.format import fmt_interval, fmt_value, has_value
from metrics.registry import Metric

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
    NOT_SHOWN: "[c] not shown (protected) or no figure",
    NOT_COMPARED: "not compared (see below)",
}
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
    NOT_SHOWN: "not shown: too few cases, or hidden so that a small count cannot be worked out",
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
# Peer sets defined by a column a force shares with its peers. Computed similar forces and
# loaded groups (HMICFRS most similar groups, from a file) are ``analysis.peers.PeerSet``s.
PEER_FIELDS = {"region": "region", "nom_phase": "nom_phase"}
DEFAULT_PEER_SET = "region"
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

    ``reference`` is the force list (code, name, region and, when known, nom_phase). Forces whose value is hidden ([c] and
    other markers) keep their row with position "not shown" and are left out of the funnel.

    ``overdispersion``: True or False is the user's choice; None (the default) follows
    Spiegelhalter (2005): the limits allow for over-dispersion exactly when the test for it is
    significant (:func:`metrics.stats.overdispersion_significant`).
    """
    regions = dict(zip(reference["code"], reference["region"], strict=True))
    phases = (dict(zip(reference["code"], reference["nom_phase"], strict=True))
              if "nom_phase" in reference.columns else {})
    rows = forces_table.to_dicts()
    kind = funnel_kind(metric)
    shown = [r for r in rows if has_value(r.get("value"))]
    funnel = _funnel(shown, national, metric, kind, overdispersion)
    categories = MEDIAN_CATEGORIES if metric.unit == "days" else CATEGORIES
    out = [_force_row(r, funnel.positions.get(r["area_code"]), metric, categories, regions, phases) for r in rows]
    frame = pl.DataFrame(out, schema=_FRAME_SCHEMA).sort("name")
    return Comparison(frame=frame, national=national, kind=kind, scale=_SCALE.get(metric.unit, 1.0),
                      phi=funnel.phi, phi_used=funnel.phi_used, phi_p=funnel.phi_p,
                      categories=categories, od_significant=funnel.significant,
                      adjusted=bool(funnel.adjusted and kind is not None),
                      od_chosen=overdispersion is not None,
                      outside_unadjusted=funnel.outside_unadjusted)


@dataclass(frozen=True)
class _Funnel:
    """Each compared force's position and the over-dispersion figures behind the limits."""

    positions: dict[str, str | None]  # area code -> position key (absent: not compared)
    phi: float
    phi_p: float
    significant: bool
    adjusted: bool
    phi_used: float
    outside_unadjusted: int


def _funnel(shown: list[dict], national: dict, metric: Metric, kind: str | None,
            overdispersion: bool | None) -> _Funnel:
    """Funnel positions for proportions and rates; for medians, the 95% interval against the
    England and Wales median; none for counts."""
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
    return _Funnel(positions=positions, phi=phi, phi_p=phi_p, significant=bool(significant),
                   adjusted=bool(adjusted), phi_used=phi_used, outside_unadjusted=outside_unadjusted)


_FRAME_SCHEMA = {"code": pl.String, "name": pl.String, "abbr": pl.String, "region": pl.String,
                 "nom_phase": pl.String, "numerator": pl.Float64, "denominator": pl.Float64, "value": pl.Float64,
                 "lower": pl.Float64, "upper": pl.Float64, "flag": pl.String, "position": pl.String,
                 "category": pl.String, "symbol": pl.String, "position_words": pl.String,
                 "value_text": pl.String, "interval_text": pl.String}


def _force_row(r: dict, pos: str | None, metric: Metric, categories: dict[str, str],
               regions: dict[str, str], phases: dict[str, str]) -> dict:
    """One force's row of the comparison frame: its figures, position, symbol and words."""
    code = r["area_code"]
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
    return {
        "code": code, "name": r["area_name"], "abbr": ABBREVIATIONS.get(code, code),
        "region": regions.get(code, ""), "nom_phase": phases.get(code) or "", "numerator": r.get("numerator"),
        "denominator": r.get("denominator"), "value": r.get("value"), "lower": r.get("lower"),
        "upper": r.get("upper"), "flag": r.get("flag") or "", "position": pos,
        "category": categories[key], "symbol": SYMBOLS[key] if key != NOT_SHOWN else (r.get("flag") or "[c]"),
        "position_words": words,
        "value_text": fmt_value(r.get("value"), metric.unit) if has_value(r.get("value")) else (r.get("flag") or "[x]"),
        "interval_text": fmt_interval(r.get("lower"), r.get("upper"), metric.unit),
    }


def table(comp: Comparison) -> pl.DataFrame:
    """The rows a table or download shows: figures and the position in words."""
    return comp.frame.select("code", "name", "region", "numerator", "denominator", "value", "lower",
                             "upper", "flag", pl.col("position_words").alias("position"))


def peer_rows(comp: Comparison, code: str, peer_set=DEFAULT_PEER_SET) -> list[dict]:
    """The selected force and the other forces of its peer set, highest value first.

    ``peer_set`` is a key of ``PEER_FIELDS`` (the same region, or the same NOM phase: a force
    whose group is unknown has no peers) or an ``analysis.peers.PeerSet``, whose members are
    the peers (computed similar forces, a loaded group)."""
    rows = comp.rows()
    members = getattr(peer_set, "peers", None)
    if members is not None:
        wanted = {code, *members}
        chosen = [r for r in rows.values() if r["code"] in wanted]
    else:
        field = PEER_FIELDS[peer_set]
        group = rows[code][field]
        chosen = [r for r in rows.values() if r["code"] == code or (group and r[field] == group)]
    return sorted(chosen, key=lambda r: (r["value"] is None, -(r["value"] or 0)))


def peer_codes(comp: Comparison, code: str | None, peer_set=DEFAULT_PEER_SET) -> list[str]:
    """The selected force's peers in ``peer_set`` (not the force itself), for marking on charts."""
    if not code or code not in comp.rows():
        return []
    return [r["code"] for r in peer_rows(comp, code, peer_set) if r["code"] != code]
