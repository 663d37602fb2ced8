"""SPC (XmR) charts with the NHS England Making Data Count rules.

The force profile (/force) draws these for a force's quarterly (or rolling-year) figures; the
rules are those of NHS England's Making Data Count guidance, so a senior officer who has met
SPC charts in health or policing reads them the same way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import polars as pl

from metrics.stats._arrays import _arr

# constant for XmR process limits: 3 / d2 with d2 = 1.128 for moving ranges of two points
XMR_CONSTANT = 2.66
# two sigma as a multiple of the mean moving range: 2 / d2 (the "close to a limit" line)
TWO_SIGMA_CONSTANT = 2 / 1.128
RUN_LENGTH = 7  # Making Data Count: a shift is 7 or more points on one side of the mean
TREND_LENGTH = 6  # Making Data Count: a trend is 6 or more points each rising (or falling)
SIGNALS = ("beyond limits", "run above centre", "run below centre", "rising trend", "falling trend",
           "two of three high", "two of three low")

def _runs(keys: np.ndarray) -> list[tuple[int, int, int]]:
    """Maximal runs of equal non-zero keys as (start, stop, key); zero keys break runs."""
    runs = []
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            if keys[start] != 0:
                runs.append((start, i, int(keys[start])))
            start = i
    return runs


def spc(
    values: Any,
    *,
    run_length: int = RUN_LENGTH,
    trend_length: int = TREND_LENGTH,
    baseline: int | Sequence[bool] | None = None,
) -> pl.DataFrame:
    """XmR (individuals) chart with the Making Data Count special-cause rules.

    Centre line = mean of the baseline points; process limits = mean +/- 2.66 * mean moving
    range (moving ranges of consecutive non-missing baseline points). ``baseline`` is None
    (all points), the number of leading points, or a boolean mask; limits are then projected
    over the whole series.

    Rules, as NHS England's Making Data Count guidance states them ("Making data count:
    strengthening your decisions", 2019) and the NHS-R package NHSRplotthedots implements them
    (R/ptd_calculate_point_type.R, https://rdrr.io/cran/NHSRplotthedots/):

    * ``beyond_limits``: a point above the upper or below the lower process limit;
    * ``run`` (a "shift"): every point of a run of >= ``run_length`` (7) consecutive points on
      the same side of the mean; a point exactly on the mean (or missing) breaks the run;
    * ``trend``: every point of >= ``trend_length`` (6) consecutive points each higher (or
      each lower) than the one before; a repeated value or a missing point breaks it;
    * ``two_of_three``: two or three of any three consecutive points beyond two sigma
      (mean +/- 2/1.128 x mean moving range, the outer third of the limits) on the same side;
      the points beyond two sigma are marked.

    ``signal`` names one rule per point, the first that applies in the order of ``SIGNALS``
    ("beyond limits", "run above centre" / "run below centre", "rising trend" / "falling
    trend", "two of three high" / "two of three low"), else "". Limits are not clipped at zero.
    Fewer than two baseline points give null limits and no limit-based signal.
    """
    y = np.atleast_1d(_arr(values)).ravel()
    mask = _baseline_mask(baseline, y.size)
    mean, lower, upper, sigma = _process_limits(y[mask & np.isfinite(y)])
    finite = np.isfinite(y)
    with np.errstate(invalid="ignore"):
        beyond = finite & ((y > upper) | (y < lower)) if np.isfinite(upper) else np.zeros(y.size, bool)
    run, run_side = _shifts(y, mean, run_length)
    trend, trend_dir = _trends(y, trend_length)
    near, near_side = _two_of_three(y, mean, sigma)
    signal = [_signal(*point) for point in zip(beyond, run, run_side, trend, trend_dir, near, near_side,
                                               strict=True)]
    n = y.size
    return pl.DataFrame(
        {
            "value": pl.Series(y, dtype=pl.Float64).fill_nan(None),
            "mean": pl.Series(np.full(n, mean), dtype=pl.Float64).fill_nan(None),
            "lower": pl.Series(np.full(n, lower), dtype=pl.Float64).fill_nan(None),
            "upper": pl.Series(np.full(n, upper), dtype=pl.Float64).fill_nan(None),
            "beyond_limits": pl.Series(beyond, dtype=pl.Boolean),
            "run": pl.Series(run, dtype=pl.Boolean),
            "trend": pl.Series(trend, dtype=pl.Boolean),
            "two_of_three": pl.Series(near, dtype=pl.Boolean),
            "signal": pl.Series(signal, dtype=pl.String),
            "in_baseline": pl.Series(mask, dtype=pl.Boolean),
        }
    )


def _baseline_mask(baseline: int | Sequence[bool] | None, n: int) -> np.ndarray:
    """Which points set the limits: all (None), the first ``baseline`` ones, or a boolean mask."""
    if baseline is None:
        return np.ones(n, dtype=bool)
    if isinstance(baseline, int | np.integer):
        return np.arange(n) < int(baseline)
    mask = np.asarray(baseline, dtype=bool)
    if mask.shape != (n,):
        raise ValueError("baseline mask must have one entry per value")
    return mask


def _process_limits(base: np.ndarray) -> tuple[float, float, float, float]:
    """Mean, mean +/- 2.66 x mean moving range, and two sigma, of the (finite) baseline points."""
    mean = float(np.mean(base)) if base.size else math.nan
    if base.size < 2:
        return mean, math.nan, math.nan, math.nan
    mr_bar = float(np.mean(np.abs(np.diff(base))))
    return (mean, mean - XMR_CONSTANT * mr_bar, mean + XMR_CONSTANT * mr_bar,
            TWO_SIGMA_CONSTANT * mr_bar)


def _shifts(y: np.ndarray, mean: float, run_length: int) -> tuple[np.ndarray, np.ndarray]:
    """Points in a run of >= ``run_length`` on one side of the mean, and that side (+1 / -1)."""
    n = y.size
    side = np.zeros(n, dtype=int)
    if np.isfinite(mean):
        side = np.where(np.isfinite(y), np.sign(y - mean), 0).astype(int)
    run = np.zeros(n, dtype=bool)
    run_side = np.zeros(n, dtype=int)
    for start, stop, key in _runs(side):
        if stop - start >= run_length:
            run[start:stop] = True
            run_side[start:stop] = key
    return run, run_side


def _trends(y: np.ndarray, trend_length: int) -> tuple[np.ndarray, np.ndarray]:
    """Points in a trend of >= ``trend_length`` rising (or falling) points, and its direction."""
    n = y.size
    # step[i] = +1 if y[i] > y[i-1], -1 if lower, 0 otherwise; a trend of k points is a run
    # of k - 1 equal non-zero steps
    step = np.zeros(n, dtype=int)
    if n > 1:
        with np.errstate(invalid="ignore"):
            d = np.diff(y)
        step[1:] = np.where(np.isfinite(d), np.sign(d), 0).astype(int)
    trend = np.zeros(n, dtype=bool)
    trend_dir = np.zeros(n, dtype=int)
    for start, stop, key in _runs(step):
        if stop - start + 1 >= trend_length:
            first = start - 1
            trend[first:stop] = True
            # a point can end one trend and start the opposite one; the earlier trend wins
            trend_dir[first:stop] = np.where(trend_dir[first:stop] == 0, key, trend_dir[first:stop])
    return trend, trend_dir


def _two_of_three(y: np.ndarray, mean: float, two_sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """Points beyond two sigma that are two (or three) of three consecutive points beyond two
    sigma on the same side, and that side (+1 / -1)."""
    n = y.size
    near = np.zeros(n, dtype=bool)
    side = np.zeros(n, dtype=int)
    if not (np.isfinite(mean) and np.isfinite(two_sigma)) or two_sigma <= 0:
        return near, side
    with np.errstate(invalid="ignore"):
        outer = np.where(np.isfinite(y) & (y > mean + two_sigma), 1,
                         np.where(np.isfinite(y) & (y < mean - two_sigma), -1, 0))
    for start in range(max(0, n - 2)):
        window = outer[start:start + 3]
        for key in (1, -1):
            if int(np.sum(window == key)) >= 2:
                hits = start + np.flatnonzero(window == key)
                near[hits] = True
                side[hits] = key
    return near, side


def _signal(beyond: bool, run: bool, run_side: int, trend: bool, trend_dir: int, near: bool,
            near_side: int) -> str:
    """The first rule a point breaks, in the order of ``SIGNALS``."""
    if beyond:
        return "beyond limits"
    if run:
        return "run above centre" if run_side > 0 else "run below centre"
    if trend:
        return "rising trend" if trend_dir > 0 else "falling trend"
    if near:
        return "two of three high" if near_side > 0 else "two of three low"
    return ""
