"""One force against England and Wales, its peers and its own past: the frames of /force.

The headline figures reuse the comparison frame of /compare (``analysis.comparison``), so a
force's funnel position reads the same on both pages. The trend is an XmR chart
(``metrics.stats.spc``); the before/after panel compares the four quarters before the force's
National Operating Model start with the four quarters ending the chosen period, with the
comparison methods of ``metrics.stats.comparisons``. Every number here comes from tables the
query layer has already protected; nothing here adds counts up, so nothing here can undo a
suppression (peer and comparator figures are plain averages of values already shown).

No Streamlit, no SQL: the words (``words.narrative``) and the charts take these frames.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import polars as pl

from analysis.comparison import Comparison, peer_codes
from metrics import stats
from metrics.format import has_value
from metrics.periods import add_quarters, quarter_end, quarter_label, quarter_of, quarter_start
from metrics.registry import Metric

# The headline metrics of a force: rates and shares, not counts (a big force records more).
HEADLINE_METRICS = ("charge_rate", "victim_does_not_support_rate", "recorded_per_1000",
                    "median_days_to_charge")
WINDOW = 4  # quarters on each side of the before/after comparison


def peer_average(comp: Comparison, code: str, peer_set: str) -> tuple[float | None, int, int]:
    """The plain average of the peers' shown values, how many were shown, and how many peers.

    An average of values, not a pooled rate: pooling would add up counts, and a pooled count
    less the shown ones would give back a hidden one."""
    rows = comp.rows()
    peers = [rows[c] for c in peer_codes(comp, code, peer_set)]
    shown = [p["value"] for p in peers if has_value(p["value"])]
    return (sum(shown) / len(shown) if shown else None), len(shown), len(peers)


def headline(comp: Comparison, code: str, metric: Metric, peer_set: str) -> dict:
    """The force's figure, England and Wales, its peers' average and its funnel position."""
    me = comp.rows()[code]
    avg, shown, peers = peer_average(comp, code, peer_set)
    return {"metric": metric.id, "label": metric.label, "unit": metric.unit, "name": me["name"],
            "value": me["value"], "lower": me["lower"], "upper": me["upper"], "flag": me["flag"],
            "numerator": me["numerator"], "denominator": me["denominator"],
            "value_text": me["value_text"], "interval_text": me["interval_text"],
            "national": comp.national.get("value"), "peer_average": avg, "peers_shown": shown,
            "peers": peers, "position": me["position"], "position_words": me["position_words"]}


def spc_frame(force_rows: pl.DataFrame, national: pl.DataFrame, all_forces: pl.DataFrame,
              peers: list[str]) -> pl.DataFrame:
    """The force's series with its XmR centre line, process limits and signals, and England
    and Wales and the peers' average for each period as reference lines.

    ``force_rows``, ``national`` and ``all_forces`` are metric tables (one area, England and
    Wales, every force) over the same periods. Hidden values ([c]) stay as gaps: the rules
    treat a gap as breaking a run or a trend, never as a zero.
    """
    rows = force_rows.sort("period_end")
    chart = stats.spc(rows["value"])
    peer_avg = (all_forces.filter(pl.col("area_code").is_in(peers))
                .group_by("period_end").agg(peer_average=pl.col("value").mean(),
                                            peers_shown=pl.col("value").is_not_null().sum()))
    nat = national.select("period_end", pl.col("value").alias("national"))
    return (rows.select("period", "period_end", "value", "lower", "upper", "flag")
            .with_columns(centre=chart["mean"], lower_limit=chart["lower"], upper_limit=chart["upper"],
                          signal=chart["signal"], beyond_limits=chart["beyond_limits"], run=chart["run"],
                          trend=chart["trend"], two_of_three=chart["two_of_three"])
            .join(nat, on="period_end", how="left")
            .join(peer_avg, on="period_end", how="left")
            .sort("period_end"))


@dataclass(frozen=True)
class Episode:
    """Consecutive points that broke the same rule: what the words under the chart describe."""

    signal: str
    first: int  # index of the first point
    last: int  # index of the last point
    periods: tuple[str, ...]
    at_end: bool  # the episode reaches the latest point


def _blocks(flags: list[bool], gap: int = 1) -> list[tuple[int, int]]:
    """(first, last) of each block of True, joining Trues at most ``gap`` apart."""
    out: list[tuple[int, int]] = []
    for i, flag in enumerate(flags):
        if not flag:
            continue
        if out and i - out[-1][1] <= gap:
            out[-1] = (out[-1][0], i)
        else:
            out.append((i, i))
    return out


def episodes(frame: pl.DataFrame) -> list[Episode]:
    """Each rule's episodes in an ``spc_frame``, in time order: a run (one side of the centre), a
    trend (rising or falling), points beyond the limits, two of three near a limit.

    Read from each rule's own column, not from ``signal`` (which names only the first rule a
    point breaks), so a run with a point beyond the limits inside it is still one run."""
    rows = frame.to_dicts()
    periods = [r["period"] for r in rows]
    n = len(rows)
    found: list[Episode] = []

    def add(signal: str, first: int, last: int) -> None:
        found.append(Episode(signal, first, last, tuple(periods[first:last + 1]), last == n - 1))

    above = [bool(r["run"]) and r["value"] is not None and r["value"] > r["centre"] for r in rows]
    below = [bool(r["run"]) and r["value"] is not None and r["value"] < r["centre"] for r in rows]
    for flags, name in ((above, "run above centre"), (below, "run below centre")):
        for a, b in _blocks(flags):
            add(name, a, b)
    for a, b in _blocks([bool(r["trend"]) for r in rows]):
        add("rising trend" if rows[b]["value"] > rows[a]["value"] else "falling trend", a, b)
    for a, b in _blocks([bool(r["beyond_limits"]) for r in rows]):
        add("beyond limits", a, b)
    for a, b in _blocks([bool(r["two_of_three"]) for r in rows], gap=2):
        high = rows[a]["value"] > rows[a]["centre"]
        add("two of three high" if high else "two of three low", a, b)
    return sorted(found, key=lambda e: (e.first, e.last))


@dataclass(frozen=True)
class BeforeAfter:
    """The force's figure in the four quarters before its NOM start and in the latest four."""

    phase: str
    start: date
    start_quarter: int
    after: tuple[int, int]  # first and last quarter of the latest four
    before: tuple[int, int] | None  # None: the release does not reach back that far
    before_row: dict | None = None
    after_row: dict | None = None
    test: dict | None = None  # stats.compare_proportions / compare_counts, after against before
    reason: str = ""  # why no comparison, when there is none
    others: dict | None = None  # forces not started by the end of the latest four: n, before, after


def windows(start: date, first_quarter: int, last_quarter: int) -> tuple[tuple[int, int] | None, tuple[int, int], str]:
    """The before and after windows, and why there is no comparison ('' when there is one)."""
    sq = quarter_of(start)
    before = (add_quarters(sq, -WINDOW), add_quarters(sq, -1))
    after = (add_quarters(last_quarter, -(WINDOW - 1)), last_quarter)
    if before[0] < first_quarter:
        return None, after, "no_before"
    if after[0] < sq:
        return before, after, "not_after"
    return before, after, ""


def test_change(after: dict, before: dict, metric: Metric) -> dict | None:
    """After against before with the method of ``metrics.stats`` that fits the unit; None when
    a figure is hidden or the unit (a median) has no test here."""
    need = ("numerator", "denominator") if metric.unit != "count" else ("numerator",)
    if not all(has_value(r.get(k)) for r in (after, before) for k in need):
        return None
    if metric.unit == "percent":
        out = stats.compare_proportions(after["numerator"], after["denominator"],
                                        before["numerator"], before["denominator"])
        return {**out, "kind": "difference", "difference": 100 * out["difference"],
                "lower": 100 * out["lower"], "upper": 100 * out["upper"]}
    if metric.unit == "count":
        return {**stats.compare_counts(after["numerator"], before["numerator"]), "kind": "ratio"}
    if metric.unit in ("per_1000", "per_investigator"):
        return {**stats.compare_counts(after["numerator"], before["numerator"], after["denominator"],
                                       before["denominator"]), "kind": "ratio"}
    return None


def before_after(code: str, forces: pl.DataFrame, metric: Metric, before_all: pl.DataFrame | None,
                 after_all: pl.DataFrame, windows_: tuple) -> BeforeAfter:
    """The panel's figures from two metric tables (every force, one whole period each)."""
    ref = {r["code"]: r for r in forces.to_dicts()}
    phase, start = ref[code]["nom_phase"], ref[code]["nom_start"]
    before, after, why = windows_
    base = BeforeAfter(phase=phase, start=start, start_quarter=quarter_of(start), after=after,
                       before=before, reason=why)
    after_rows = {r["area_code"]: r for r in after_all.to_dicts()}
    before_rows = {r["area_code"]: r for r in before_all.to_dicts()} if before_all is not None else {}
    mine_after, mine_before = after_rows.get(code), before_rows.get(code)
    result = replace(base, after_row=mine_after, before_row=mine_before)
    if why or mine_after is None or mine_before is None:
        return result
    test = test_change(mine_after, mine_before, metric)
    reason = "" if test is not None else ("hidden" if not (has_value(mine_after.get("value"))
                                                          and has_value(mine_before.get("value")))
                                          else "untested")
    later = [c for c, r in ref.items() if r["territorial"] and r["nom_start"] is not None
             and quarter_of(r["nom_start"]) > after[1] and c != code]
    return replace(result, test=test, reason=reason, others=_others(later, before_rows, after_rows))


def _others(codes: list[str], before_rows: dict, after_rows: dict) -> dict | None:
    """The plain average before and after of the forces that had not started (shown values of
    forces with both); None when there are none."""
    pairs = [(before_rows[c]["value"], after_rows[c]["value"]) for c in codes
             if c in before_rows and c in after_rows
             and has_value(before_rows[c]["value"]) and has_value(after_rows[c]["value"])]
    if not codes:
        return None
    return {"forces": len(codes), "shown": len(pairs),
            "before": sum(p[0] for p in pairs) / len(pairs) if pairs else None,
            "after": sum(p[1] for p in pairs) / len(pairs) if pairs else None}


OTHERS = "Forces not yet started (average)"
_ROW_SCHEMA = {"window": pl.String, "who": pl.String, "numerator": pl.Float64, "denominator": pl.Float64,
               "value": pl.Float64, "lower": pl.Float64, "upper": pl.Float64, "flag": pl.String}


def before_after_rows(ba: BeforeAfter) -> pl.DataFrame:
    """The panel's chart and table rows: the force before and after (with intervals), and the
    not-yet-started forces' plain averages (no interval: an average of forces, not a sample)."""
    rows = []
    for label, window, row in (("Before", ba.before, ba.before_row), ("After", ba.after, ba.after_row)):
        if window is None or row is None:
            continue
        name = f"{label}: {quarter_label(window[0])} to {quarter_label(window[1])}"
        rows.append({"window": name, "who": "This force", **{k: row.get(k) for k in _ROW_SCHEMA if k in row}})
        if ba.others and ba.others["shown"]:
            rows.append({"window": name, "who": OTHERS, "value": ba.others[label.lower()], "flag": ""})
    return pl.DataFrame([{k: r.get(k) for k in _ROW_SCHEMA} for r in rows], schema=_ROW_SCHEMA)


def mix_pair(force_mix: pl.DataFrame, national_mix: pl.DataFrame) -> pl.DataFrame:
    """The force's and England and Wales's outcome mix (``queries.outcome_mix``) in one frame,
    force first: the paired chart and its table read the same rows."""
    return pl.concat([force_mix, national_mix], how="vertical_relaxed")


MIN_SHOWN_SHARE = 0.6
"""The share of a trend's periods that must have a figure shown for an SPC chart to be drawn."""


def shown_points(frame: pl.DataFrame) -> int:
    """How many points of an ``spc_frame`` have a figure shown (an XmR chart needs two)."""
    return frame.height - frame["value"].null_count()


def judgeable(frame: pl.DataFrame) -> bool:
    """Whether an SPC chart of ``frame`` would be honest: two points or more, and at least
    :data:`MIN_SHOWN_SHARE` of its periods shown. Why: the periods disclosure control hides are
    those with small counts (a charge count of 1 to 4), not a random few, so the shown ones alone
    (often the zeros) would draw a centre line far from the force's real figure."""
    shown = shown_points(frame)
    return shown >= 2 and shown >= MIN_SHOWN_SHARE * frame.height


def start_in_series(frame: pl.DataFrame, start: date) -> bool:
    """Whether the force's NOM start falls inside the periods of an ``spc_frame`` (so the chart
    marks it and the words may mention the mark)."""
    ends = frame["period_end"].drop_nulls()
    return bool(len(ends)) and quarter_start(ends.min()) <= start <= quarter_end(ends.max())
