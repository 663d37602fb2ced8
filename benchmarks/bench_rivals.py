"""The overview's figures three ways: ours, a typical analyst's pandas, and DuckDB on Parquet.

The figures are the overview's for adult rape in England and Wales: the four headline figures for
the latest 12 months and the 12 before, the four trends by quarter over the whole release, and
the outcome mix of the latest 12 months. Ours are compared in the restricted tier (every count
as it is, no disclosure protection), since the alternatives protect nothing; every figure must
agree exactly (medians to floating-point rounding), or the benchmark stops.

- pandas: ``read_sql`` of the release's rows on every interaction, then ``groupby``, as an
  analyst's notebook or a small Dash app does.
- DuckDB: the fact tables copied once to Parquet (not timed), then SQL over the files: a columnar
  engine with no server, the practical lower bound.
"""

from __future__ import annotations

import math
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import polars as pl
from sqlalchemy import Engine, select

from db.schema import case_record, offence, outcome_type, outcomes, recorded_offences
from metrics.periods import add_quarters
from metrics.registry import ASSIGNED
from queries import metric_table, outcome_mix, release_info

GROUP = "adult_rape"
SUBGROUP, AGE_BAND = "rape", "adult"
CHARGED, NOT_SUPPORTED = (1,), (14, 16)
TILES = ("recorded_offences", "charge_rate", "victim_does_not_support_rate", "median_days_to_charge")

Figures = dict[tuple, float]


@dataclass(frozen=True)
class View:
    release_id: int
    first: int  # the release's first and last quarter (the trends)
    last: int
    period: tuple[int, int]  # the latest 12 months (the headline figures and the outcome mix)
    previous: tuple[int, int]

    @classmethod
    def of(cls, engine: Engine, release_id: int) -> View:
        info = release_info(engine, release_id)
        last = info.last_quarter
        period = (add_quarters(last, -3), last)
        return cls(release_id, info.first_quarter, last, period,
                   (add_quarters(last, -7), add_quarters(last, -4)))


# --------------------------------------------------------------------------- ours


def ours(engine: Engine, view: View) -> Figures:
    figures: Figures = {}
    common = {"release_id": view.release_id, "offence_group": GROUP, "area": "national", "tier": "restricted"}
    for metric_id in TILES:
        spans = {"q": (view.first, view.last, "quarter"), "now": (*view.period, "period"),
                 "before": (*view.previous, "period")}
        for label, (lo, hi, grain) in spans.items():
            table = metric_table(engine, metric_id=metric_id, first_quarter=lo, last_quarter=hi, grain=grain, **common)
            for row in table.iter_rows(named=True):
                key = row["period_end"] if label == "q" else label
                _put(figures, metric_id, key, row)
    mix = outcome_mix(engine, first_quarter=view.period[0], last_quarter=view.period[1], basis="closed",
                      grain="period", **common)
    for row in mix.iter_rows(named=True):
        figures[("mix", row["ho_group"])] = float(row["count"])
    return figures


def _put(figures: Figures, metric_id: str, key, row: dict) -> None:
    if metric_id == "median_days_to_charge":
        figures[(metric_id, key, "value")] = row["value"]
        figures[(metric_id, key, "n")] = row["denominator"]
    else:
        figures[(metric_id, key, "numerator")] = row["numerator"]
        if metric_id != "recorded_offences":
            figures[(metric_id, key, "denominator")] = row["denominator"]


def _assemble(view: View, quarterly: dict[str, pd.DataFrame], window, medians, mix: dict[str, float]) -> Figures:
    """Figures from per-quarter sums (columns per figure), a ``window(lo, hi)`` sum function,
    ``medians(lo, hi)`` -> {quarter or window: (median, n)} and the mix; the layout ``ours`` gives."""
    figures: Figures = {}
    for metric_id, frame in quarterly.items():
        for q, row in frame.iterrows():
            if view.first <= q <= view.last:
                for column, value in row.items():
                    figures[(metric_id, int(q), column)] = float(value)
        for label, (lo, hi) in (("now", view.period), ("before", view.previous)):
            for column, value in window(metric_id, lo, hi).items():
                figures[(metric_id, label, column)] = float(value)
    for key, (median, n) in medians.items():
        figures[("median_days_to_charge", key, "value")] = median
        figures[("median_days_to_charge", key, "n")] = float(n)
    figures.update({("mix", g): float(c) for g, c in mix.items()})
    return figures


# --------------------------------------------------------------------------- pandas


def pandas_figures(engine: Engine, view: View) -> Figures:
    """Read the release's rows, then group them, as an analyst would on each interaction."""
    rid = view.release_id
    with engine.connect() as conn:
        codes = pd.read_sql(select(offence.c.code, offence.c.subgroup, offence.c.age_band), conn)
        groups = pd.read_sql(select(outcome_type.c.type, outcome_type.c.ho_group), conn)
        rec = pd.read_sql(select(recorded_offences).where(recorded_offences.c.release_id == rid), conn)
        out = pd.read_sql(select(outcomes).where(outcomes.c.release_id == rid), conn)
        cases = pd.read_sql(select(case_record).where(case_record.c.release_id == rid), conn)
    adult = set(codes.loc[(codes.subgroup == SUBGROUP) & (codes.age_band == AGE_BAND), "code"])
    rec = rec[rec.offence_code.isin(adult)]
    closed = out[(out.basis == "closed") & out.offence_code.isin(adult) & out.outcome_type.isin(ASSIGNED)]
    quarterly = {"recorded_offences": rec.groupby("quarter")["count"].sum().to_frame("numerator")}
    for metric_id, types in (("charge_rate", CHARGED), ("victim_does_not_support_rate", NOT_SUPPORTED)):
        num = closed[closed.outcome_type.isin(types)].groupby("quarter")["count"].sum()
        den = closed.groupby("quarter")["count"].sum()
        quarterly[metric_id] = pd.DataFrame({"numerator": num, "denominator": den}).fillna(0.0)

    def window(metric_id, lo, hi):
        frame = quarterly[metric_id]
        return frame[(frame.index >= lo) & (frame.index <= hi)].sum()

    charged = cases[cases.offence_code.isin(adult) & (cases.outcome_type == 1)]
    medians = {int(q): (float(d.median()), d.size) for q, d in charged.groupby("outcome_quarter")["days_to_outcome"]}
    for label, (lo, hi) in (("now", view.period), ("before", view.previous)):
        days = charged.loc[charged.outcome_quarter.between(lo, hi), "days_to_outcome"]
        medians[label] = (float(days.median()), days.size)
    now = closed[closed.quarter.between(*view.period)].merge(groups, left_on="outcome_type", right_on="type")
    mix = now.groupby("ho_group")["count"].sum().to_dict()
    return _assemble(view, quarterly, window, medians, mix)


# --------------------------------------------------------------------------- DuckDB


def parquet_copy(engine: Engine, view: View, folder: Path) -> dict[str, str]:
    """The release's fact tables and the two look-up tables as Parquet files."""
    tables = {"recorded": select(recorded_offences).where(recorded_offences.c.release_id == view.release_id),
              "outcomes": select(outcomes).where(outcomes.c.release_id == view.release_id),
              "cases": select(case_record.c.offence_code, case_record.c.outcome_type,
                              case_record.c.outcome_quarter, case_record.c.days_to_outcome)
              .where(case_record.c.release_id == view.release_id),
              "offence": select(offence), "outcome_type": select(outcome_type)}
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    with engine.connect() as conn:
        for name, stmt in tables.items():
            paths[name] = str(folder / f"{name}.parquet")
            pl.read_database(stmt, conn, infer_schema_length=None).write_parquet(paths[name])
    return paths


DUCK_QUARTERLY = """
WITH codes AS (SELECT code FROM offence WHERE subgroup = ? AND age_band = ?)
SELECT quarter,
  COALESCE(SUM(count) FILTER (WHERE outcome_type = 1), 0) AS charged,
  COALESCE(SUM(count) FILTER (WHERE outcome_type IN (14, 16)), 0) AS not_supported,
  SUM(count) AS assigned
FROM outcomes WHERE basis = 'closed' AND outcome_type BETWEEN 1 AND 22
  AND offence_code IN (SELECT code FROM codes)
GROUP BY quarter"""
DUCK_RECORDED = """
SELECT quarter, SUM(count) AS numerator FROM recorded
WHERE offence_code IN (SELECT code FROM offence WHERE subgroup = ? AND age_band = ?) GROUP BY quarter"""
DUCK_MEDIANS = """
SELECT outcome_quarter, median(days_to_outcome), COUNT(*) FROM cases
WHERE outcome_type = 1 AND offence_code IN (SELECT code FROM offence WHERE subgroup = ? AND age_band = ?)
GROUP BY outcome_quarter"""
DUCK_MEDIAN_WINDOW = """
SELECT median(days_to_outcome), COUNT(*) FROM cases
WHERE outcome_type = 1 AND outcome_quarter BETWEEN ? AND ?
  AND offence_code IN (SELECT code FROM offence WHERE subgroup = ? AND age_band = ?)"""
DUCK_MIX = """
SELECT t.ho_group, SUM(o.count) FROM outcomes o JOIN outcome_type t ON t.type = o.outcome_type
WHERE o.basis = 'closed' AND o.outcome_type BETWEEN 1 AND 22 AND o.quarter BETWEEN ? AND ?
  AND o.offence_code IN (SELECT code FROM offence WHERE subgroup = ? AND age_band = ?)
GROUP BY t.ho_group"""


def duckdb_connection(paths: dict[str, str]):
    import duckdb

    con = duckdb.connect()
    for name, path in paths.items():
        con.read_parquet(path).create_view(name)
    return con


def duckdb_figures(con, view: View) -> Figures:
    grp = [SUBGROUP, AGE_BAND]
    q = con.execute(DUCK_QUARTERLY, grp).df().set_index("quarter").astype(float)
    quarterly = {"recorded_offences": con.execute(DUCK_RECORDED, grp).df().set_index("quarter").astype(float),
                 "charge_rate": q[["charged", "assigned"]].set_axis(["numerator", "denominator"], axis=1),
                 "victim_does_not_support_rate": q[["not_supported", "assigned"]].set_axis(
                     ["numerator", "denominator"], axis=1)}

    def window(metric_id, lo, hi):
        frame = quarterly[metric_id]
        return frame[(frame.index >= lo) & (frame.index <= hi)].sum()

    medians = {int(qr): (float(m), n) for qr, m, n in con.execute(DUCK_MEDIANS, grp).fetchall()}
    for label, (lo, hi) in (("now", view.period), ("before", view.previous)):
        m, n = con.execute(DUCK_MEDIAN_WINDOW, [lo, hi, *grp]).fetchone()
        medians[label] = (float(m) if m is not None else math.nan, n)
    mix = dict(con.execute(DUCK_MIX, [*view.period, *grp]).fetchall())
    return _assemble(view, quarterly, window, medians, mix)


# --------------------------------------------------------------------------- agreement


def disagreements(ours_: Figures, theirs: Figures) -> list[str]:
    """Every figure one side has and the other lacks or gives differently (zeros may be absent)."""
    out = []
    for key in sorted(set(ours_) | set(theirs), key=str):
        a, b = ours_.get(key), theirs.get(key)
        a = 0.0 if a is None and key[-1] != "value" else a
        b = 0.0 if b is None and key[-1] != "value" else b
        if a is None or b is None:
            if not (a is None and (b is None or math.isnan(b))) and not (b is None and math.isnan(a)):
                out.append(f"{key}: ours {a}, theirs {b}")
        elif not (a == b or (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-12)):
            out.append(f"{key}: ours {a}, theirs {b}")
    return out


def _timed(fn, runs: int) -> tuple[list[float], object]:
    seconds, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        seconds.append(time.perf_counter() - start)
    return seconds, result


def compare(engine: Engine, release_id: int, folder: Path, runs: int) -> dict:
    """Each approach's figures and times; raises AssertionError when any figure differs from ours."""
    view = View.of(engine, release_id)
    ours_s, mine = _timed(lambda: ours(engine, view), runs)
    pandas_s, theirs = _timed(lambda: pandas_figures(engine, view), runs)
    start = time.perf_counter()
    paths = parquet_copy(engine, view, folder)
    copy_s = time.perf_counter() - start
    con = duckdb_connection(paths)
    duck_s, duck = _timed(lambda: duckdb_figures(con, view), runs)
    con.close()
    result = {"figures": len(mine), "pandas_disagrees": disagreements(mine, theirs),
              "duckdb_disagrees": disagreements(mine, duck),
              "ours_direct_seconds": ours_s, "pandas_seconds": pandas_s, "duckdb_seconds": duck_s,
              "parquet_copy_seconds": copy_s,
              "ours_direct_median": statistics.median(ours_s), "pandas_median": statistics.median(pandas_s),
              "duckdb_median": statistics.median(duck_s)}
    for rival in ("pandas", "duckdb"):  # a ratio to a different answer would mean nothing
        if result[f"{rival}_disagrees"]:
            raise RuntimeError(f"{rival} disagrees with ours: {result[f'{rival}_disagrees'][:10]}")
    return result
