"""Days from report to outcome or to charge: percentiles per period and area, for a box per year.

Read the same way as the medians of ``queries.metric_table`` (one histogram of days per quarter
and force, framed into periods and areas by the same rule), so the median here is the median
there. The 10th, 25th, 50th, 75th and 90th percentiles are shown, never the smallest or largest
value (each is one case) nor counts of cases per number of days (counts no protection covers).
A cell on fewer cases than the metric's minimum is [c], by the display rule every median uses
(``metrics.disclosure.apply_disclosure``); the public tier never shows how many cases a cell
holds (see ``protection.public_medians``).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import polars as pl
from sqlalchemy import Engine

from metrics import registry as reg
from metrics.disclosure import CONFIDENTIAL, NOT_APPLICABLE, PUBLIC, RESTRICTED, apply_disclosure
from metrics.errors import QueryError
from metrics.stats import median_interval
from queries.framing import KEYS
from queries.metric_table import Request, read_inputs

PERCENTILES = (10, 25, 50, 75, 90)
P_COLUMNS = tuple(f"p{p}" for p in PERCENTILES)
COLUMNS = [*KEYS, "metric", "cases", *P_COLUMNS, "lower", "upper", "flag"]


def day_percentiles(engine: Engine, *, release_id: int, metric_id: str, offence_group: str,
                    area: str = "national", first_quarter: int, last_quarter: int, grain: str = "year",
                    tier: str = "public", threshold: int | None = None) -> pl.DataFrame:
    """Percentiles of days per period x area (``COLUMNS``), with the median's 95% interval.

    ``metric_id`` is a median-of-days metric (``median_days_to_charge``,
    ``median_days_to_outcome``); its minimum number of cases and its outcome filter apply.
    ``cases`` (how many cases a cell holds) is left out in the public tier.
    """
    req = Request.of(metric_id, offence_group, area, first_quarter, last_quarter, grain, tier)
    if req.metric.kind != reg.MEDIAN_DAYS:
        raise QueryError(f"'{metric_id}' is not a measure of days; percentiles need one.")
    with engine.connect() as conn:
        # read as the restricted tier: these cells hold no count a family of the protection covers
        inputs = read_inputs(conn, replace(req, tier=RESTRICTED), release_id, threshold)
    if inputs is None:
        return pl.DataFrame(schema=_schema()).drop("cases" if tier == PUBLIC else [])
    framed = inputs.framing.frame(inputs.counts, req.scope)
    cells = inputs.framing.grid(req.scope).select(KEYS).join(_percentiles(framed), on=KEYS, how="left")
    if req.area not in ("national", "all"):
        cells = cells.filter(pl.col("area_code") == req.area)
    elif req.area == "all":
        territorial = list(inputs.framing.forces.filter(pl.col("territorial"))["code"])
        cells = cells.filter(pl.col("area_code").is_in(territorial))
    cells = cells.filter(pl.col("period_end").is_between(first_quarter, last_quarter))
    return _disclose(cells, req.metric, tier, threshold).sort("period_end", "area_code")


def _percentiles(framed: pl.DataFrame) -> pl.DataFrame:
    """Per cell: cases, the five percentiles (linear interpolation) and the median's interval."""
    rows = []
    for key, part in framed.group_by(*KEYS):
        values = np.repeat(part["days"].to_numpy(), part["n"].to_numpy())
        if values.size == 0:
            continue
        _, lower, upper = median_interval(values)
        rows.append((*key, float(values.size), *np.percentile(values, PERCENTILES).tolist(), lower, upper))
    schema = {k: v for k, v in _schema().items() if k not in ("metric", "flag")}
    return pl.DataFrame(rows, orient="row", schema=schema).fill_nan(None)


def _disclose(cells: pl.DataFrame, m: reg.Metric, tier: str, threshold: int | None) -> pl.DataFrame:
    """The display rule of medians on each cell; a hidden median hides every percentile with it."""
    judged = apply_disclosure(
        cells.with_columns(numerator=pl.lit(None, pl.Float64), denominator=pl.col("cases").fill_null(0.0),
                           value=pl.col("p50")).select(*KEYS, "numerator", "denominator", "value", "lower", "upper"),
        tier=tier, threshold=threshold, min_denominator=m.min_denominator, unit=m.unit)
    flag = judged["flag"]
    if tier == PUBLIC:  # no cases is hidden like too few: the number of cases is not shown
        flag = flag.replace(NOT_APPLICABLE, CONFIDENTIAL)
    hidden = flag == CONFIDENTIAL
    out = cells.with_columns(flag=flag, metric=pl.lit(m.id), lower=judged["lower"], upper=judged["upper"])
    out = out.with_columns(*(pl.when(hidden).then(None).otherwise(pl.col(c)).alias(c) for c in P_COLUMNS))
    return out.select(c for c in COLUMNS if c != "cases" or tier != PUBLIC)


def _schema() -> dict[str, pl.DataType]:
    return {"period": pl.String, "period_end": pl.Int64, "area_code": pl.String, "area_name": pl.String,
            "metric": pl.String, "cases": pl.Float64, **dict.fromkeys(P_COLUMNS, pl.Float64),
            "lower": pl.Float64, "upper": pl.Float64, "flag": pl.String}
