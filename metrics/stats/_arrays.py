"""Array plumbing shared by the statistics modules: scalars, lists, Series in; NaN for nulls."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl


def _arr(x: Any) -> np.ndarray:
    """Float numpy array from a scalar, sequence or polars Series (nulls -> NaN)."""
    if isinstance(x, pl.Series):
        return x.cast(pl.Float64).fill_null(float("nan")).to_numpy().astype(float)
    return np.asarray(x, dtype=float)


def _is_scalar(*xs: Any) -> bool:
    return all(np.ndim(x) == 0 and not isinstance(x, pl.Series) for x in xs)


def _out(scalar: bool, *arrays: np.ndarray) -> tuple:
    if scalar:
        return tuple(float(a) for a in arrays)
    return tuple(np.asarray(a, dtype=float) for a in arrays)


def scipy_stats():
    """``scipy.stats``, imported where a function first needs it: the import costs about 0.7 s,
    most of the dashboard's start-up and of any command that computes nothing."""
    from scipy import stats

    return stats


def _z(confidence: float) -> float:
    st = scipy_stats()
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    return float(st.norm.ppf(1 - (1 - confidence) / 2))


def _level_suffix(level: float) -> str:
    """0.95 -> '95', 0.998 -> '998' (column names of funnel limits)."""
    return f"{level * 100:g}".replace(".", "")
