"""The aggregate tables, derived from the synthetic case records so that they always agree.

recorded_offences and outcomes are plain counts of the cases, in the layout of the Home Office
open data (both outcome bases). indicator_value holds the force-MI indicators of the metric
registry; the two staffing indicators need invented staff numbers, drawn here from the force's
own recorded volume so that caseloads stay meaningful at every scale.

Carried-in cases (recorded before ``first_quarter``, open on its first day; see ``generator``)
count where investigations are counted as they close or while open: the closed basis, indicators
on closed investigations, open caseloads. They are not offences recorded in the period, so they
are left out of recorded_offences, the recorded basis and indicators on recorded cohorts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from metrics.periods import quarter_end, quarters_between
from metrics.registry import INDICATOR_IDS
from sample_data import calibration as cal
from sample_data.generator import day_number, nom_ramp

if TYPE_CHECKING:
    from sample_data.generator import ForceEffects, SampleData

_KEYS = ["force_code", "quarter", "offence_code"]


def _in_period(cases: pl.DataFrame, first_quarter: int) -> pl.DataFrame:
    """The offences recorded from ``first_quarter`` on (no carried-in cases)."""
    return cases.filter(pl.col("recorded_quarter") >= first_quarter)


def recorded_table(cases: pl.DataFrame, first_quarter: int) -> pl.DataFrame:
    return (
        _in_period(cases, first_quarter).group_by("force_code", pl.col("recorded_quarter").alias("quarter"), "offence_code")
        .agg(pl.len().cast(pl.Int64).alias("count"))
        .with_columns(pl.lit(None, dtype=pl.String).alias("missing_reason"))
        .sort(_KEYS)
    )


def outcomes_table(cases: pl.DataFrame, first_quarter: int) -> pl.DataFrame:
    """Basis 'recorded' (status at the extract, 0 = open) and 'closed' (no type 0 rows).

    The closed basis includes the carried-in cases: all their outcomes fall from first_quarter on.
    """
    recorded = _in_period(cases, first_quarter).group_by(
        "force_code", pl.col("recorded_quarter").alias("quarter"), "offence_code", "outcome_type"
    ).agg(pl.len().cast(pl.Int64).alias("count")).with_columns(pl.lit("recorded").alias("basis"))
    closed = cases.filter(pl.col("outcome_type") != 0).group_by(
        "force_code", pl.col("outcome_quarter").alias("quarter"), "offence_code", "outcome_type"
    ).agg(pl.len().cast(pl.Int64).alias("count")).with_columns(pl.lit("closed").alias("basis"))
    return (
        pl.concat([recorded, closed])
        .select(*_KEYS, "outcome_type", "basis", "count",
                pl.lit(None, dtype=pl.String).alias("missing_reason"))
        .sort("basis", *_KEYS, "outcome_type")
    )


def _grid(frame: pl.DataFrame, quarter_col: str, forces: list[str], quarters: list[int],
          values: dict[str, pl.Expr]) -> dict[str, np.ndarray]:
    """Aggregate ``values`` by force x quarter into dense (F, Q) arrays (zeros where no cases)."""
    agg = frame.group_by("force_code", pl.col(quarter_col).alias("quarter")).agg(
        **{k: v.cast(pl.Float64) for k, v in values.items()}
    )
    f_index = {f: i for i, f in enumerate(forces)}
    q_index = {q: i for i, q in enumerate(quarters)}
    out = {k: np.zeros((len(forces), len(quarters))) for k in values}
    fi = np.array([f_index[f] for f in agg["force_code"]], dtype=np.int64)
    qi = np.array([q_index.get(q, -1) for q in agg["quarter"]], dtype=np.int64)
    keep = qi >= 0
    for k in values:
        out[k][fi[keep], qi[keep]] = agg[k].to_numpy()[keep]
    return out


def indicator_table(cases: pl.DataFrame, fx: ForceEffects, forces: list[str], first_quarter: int,
                    last_quarter: int, seed: int) -> pl.DataFrame:
    """Every registry indicator for every force x quarter from 2019-20 (or first_quarter) on."""
    all_q = quarters_between(first_quarter, last_quarter)
    start = max(first_quarter, cal.INDICATOR_FIRST_QUARTER)
    shown = [i for i, q in enumerate(all_q) if q >= start]
    if not shown:
        return _empty_indicators()
    closed = cases.filter(pl.col("outcome_type") != 0)
    # recorded_quarter outside all_q (carried-in cases) is dropped by _grid
    rec = _grid(cases, "recorded_quarter", forces, all_q, {
        "n": pl.len(),
        "identified": pl.col("suspect_identified").sum(),
        "repeat": pl.col("repeat_suspect").sum(),
        "isva": pl.col("isva_referred").sum(),
        "device": pl.col("device_taken").sum(),
        "device_28": (pl.col("device_days") <= 28).sum(),
    })
    clo = _grid(closed, "outcome_quarter", forces, all_q, {
        "n": pl.len(),
        "cps": pl.col("referred_cps").sum(),
        "repeat": pl.col("repeat_suspect").sum(),
        "repeat_charged": (pl.col("repeat_suspect") & (pl.col("outcome_type") == 1)).sum(),
    })
    # open at the end of quarter k = carried in + recorded by then - closed by then (cases closed
    # after the extract are open at every quarter end, and have no outcome quarter)
    f_index = {f: i for i, f in enumerate(forces)}
    carried = cases.filter(pl.col("recorded_quarter") < first_quarter)["force_code"]
    carried_in = np.bincount(carried.replace_strict(f_index, return_dtype=pl.Int64).to_numpy(),
                             minlength=len(forces))
    open_end = carried_in[:, None] + np.cumsum(rec["n"], axis=1) - np.cumsum(clo["n"], axis=1)
    cohort = _still_open_after_year(_in_period(cases, first_quarter), forces, all_q)

    rng = np.random.default_rng([seed, 9])
    q_end_day = np.array([day_number(quarter_end(q)) for q in all_q])
    ramp = nom_ramp(q_end_day[None, :], fx.nom_start[:, None])
    last_year = np.stack([rec["n"][:, max(0, k - 3):k + 1].sum(axis=1) * 4 / min(4, k + 1)
                          for k in range(len(all_q))], axis=1)
    staff_factor = rng.lognormal(0, 0.15, len(forces))[:, None]
    investigators = np.maximum(1.0, np.round(
        last_year / cal.CASES_PER_INVESTIGATOR_YEAR * staff_factor * (1 + cal.INVESTIGATOR_GROWTH_NOM * ramp)))
    lo, hi = cal.TRAINED_SHARE
    share = np.clip(lo + (hi - lo) * ramp + rng.normal(0, 0.05, (len(forces), 1)), 0.05, 0.98)
    trained = rng.binomial(investigators.astype(np.int64), share).astype(float)

    values = {
        "cps_referral_rate": (clo["cps"], clo["n"]),
        "repeat_suspect_share": (rec["repeat"], rec["identified"]),
        "repeat_suspect_charge_rate": (clo["repeat_charged"], clo["repeat"]),
        "isva_referral_rate": (rec["isva"], rec["n"]),
        "trained_investigator_share": (trained, investigators),
        "investigator_caseload": (open_end, investigators),
        "outcome_not_assigned_after_year": cohort,
        "device_taken_share": (rec["device"], rec["n"]),
        "device_return_28d_rate": (rec["device_28"], rec["device"]),
    }
    missing = set(INDICATOR_IDS) - set(values)
    if missing:  # a new registry indicator must get a synthetic definition here
        raise RuntimeError(f"no synthetic definition for indicators {sorted(missing)}")
    frames = []
    f_col = np.repeat(np.array(forces, dtype=object), len(shown))
    q_col = np.tile(np.array([all_q[k] for k in shown], dtype=np.int32), len(forces))
    for name in INDICATOR_IDS:
        num, den = values[name]
        frames.append(pl.DataFrame({
            "force_code": pl.Series(f_col, dtype=pl.String), "quarter": q_col,
            "indicator": pl.Series([name] * len(q_col), dtype=pl.String),
            "numerator": num[:, shown].ravel(), "denominator": den[:, shown].ravel(),
        }))
    return pl.concat(frames).sort("indicator", "quarter", "force_code")


def _still_open_after_year(cases: pl.DataFrame, forces: list[str], quarters: list[int]):
    """Of offences recorded 4-7 quarters before each quarter, how many were open at its end.

    Computed from case dates (an outcome after that quarter's end means still open then), not
    from the status at the extract.
    """
    f_index = {f: i for i, f in enumerate(forces)}
    q_index = {q: i for i, q in enumerate(quarters)}
    nq = len(quarters)
    fi = cases["force_code"].replace_strict(f_index, return_dtype=pl.Int64).to_numpy()
    ri = cases["recorded_quarter"].replace_strict(q_index, return_dtype=pl.Int64).to_numpy()
    oi = (cases["outcome_quarter"].replace_strict(q_index, default=nq, return_dtype=pl.Int64)
          .fill_null(nq).to_numpy())
    cube = np.bincount((fi * nq + ri) * (nq + 1) + oi, minlength=len(forces) * nq * (nq + 1))
    cube = cube.reshape(len(forces), nq, nq + 1)
    num = np.zeros((len(forces), nq))
    den = np.zeros((len(forces), nq))
    for k in range(nq):
        if k < 7:  # the whole 4-7 quarter window must lie inside the data
            continue
        block = cube[:, k - 7:k - 3, :]
        den[:, k] = block.sum(axis=(1, 2))
        num[:, k] = block[:, :, k + 1:].sum(axis=(1, 2))
    return num, den


def _empty_indicators() -> pl.DataFrame:
    return pl.DataFrame(schema={"force_code": pl.String, "quarter": pl.Int32, "indicator": pl.String,
                                "numerator": pl.Float64, "denominator": pl.Float64})


def derive_tables(cases: pl.DataFrame, *, first_quarter: int, last_quarter: int, seed: int,
                  fx: ForceEffects) -> SampleData:
    from sample_data.generator import FORCE_CODES, SampleData

    indicators = indicator_table(cases, fx, list(FORCE_CODES), first_quarter, last_quarter, seed)
    return SampleData(cases=cases, recorded=recorded_table(cases, first_quarter),
                      outcomes=outcomes_table(cases, first_quarter), indicators=indicators,
                      first_quarter=first_quarter, last_quarter=last_quarter, seed=seed,
                      carried_in=cases.filter(pl.col("recorded_quarter") < first_quarter).height)

