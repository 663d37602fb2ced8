"""Intervals, funnel limits, SPC rules and comparisons: the one statistics layer.

A package of small modules (``intervals``, ``funnel``, ``spc``, ``comparisons``); every public
name is re-exported here, so callers write ``from metrics import stats; stats.wilson(...)``.

Every chart, table, download and the command line calls these functions, so a rate shown
anywhere carries the same interval and a force is called an outlier by one rule only. They are
pure functions of numbers (numpy / polars in, numpy / polars out): no database, no Streamlit.

Conventions, kept throughout so callers need no special cases:

* inputs may be scalars, lists, numpy arrays or polars Series (nulls become NaN);
* an impossible input (a zero, missing or infinite denominator, a negative count, more
  successes than trials) gives NaN rather than an exception, because one bad cell must not
  blank a whole chart; a funnel's target is a parameter, not a cell, so a non-finite one raises
  ValueError;
* functions that return intervals return numpy arrays, or plain floats when every input was a
  scalar.

Methods and sources (cited in the docstrings below as well):

* proportions: Wilson score interval (Newcombe 1998, Stat Med 17:857-872, method 3);
* counts and rates: exact (Garwood 1936) Poisson interval from chi-square quantiles;
* medians: distribution-free interval from binomial order statistics (Altman et al.,
  *Statistics with Confidence*, 2nd ed., ch. 5);
* funnel plots: Spiegelhalter (2005) "Funnel plots for comparing institutional performance",
  Stat Med 24:1185-1202 (exact limits with interpolation, multiplicative over-dispersion);
* SPC: XmR chart with the NHS England "Making Data Count" rules as implemented in the NHS-R
  package NHSRplotthedots (R/ptd_calculate_point_type.R);
* differences: Newcombe (1998, Stat Med 17:873-890) hybrid score interval (method 10);
  rate ratios: exact conditional (binomial) interval.
"""

from metrics.stats.comparisons import compare_counts, compare_proportions
from metrics.stats.funnel import (
    FUNNEL_ABOVE_INNER,
    FUNNEL_ABOVE_OUTER,
    FUNNEL_BELOW_INNER,
    FUNNEL_BELOW_OUTER,
    FUNNEL_WITHIN,
    OVERDISPERSION_ALPHA,
    estimate_overdispersion,
    funnel_curve,
    funnel_limits,
    funnel_position,
    funnel_tails,
    overdispersion_p_value,
    overdispersion_significant,
)
from metrics.stats.intervals import add_intervals, median_interval, poisson_exact, wilson
from metrics.stats.spc import SIGNALS as SPC_SIGNALS
from metrics.stats.spc import XMR_CONSTANT, spc

__all__ = [
    "FUNNEL_ABOVE_INNER",
    "FUNNEL_ABOVE_OUTER",
    "FUNNEL_BELOW_INNER",
    "FUNNEL_BELOW_OUTER",
    "FUNNEL_WITHIN",
    "OVERDISPERSION_ALPHA",
    "SPC_SIGNALS",
    "XMR_CONSTANT",
    "add_intervals",
    "compare_counts",
    "compare_proportions",
    "estimate_overdispersion",
    "funnel_curve",
    "funnel_limits",
    "funnel_position",
    "funnel_tails",
    "median_interval",
    "overdispersion_p_value",
    "overdispersion_significant",
    "poisson_exact",
    "spc",
    "wilson",
]
