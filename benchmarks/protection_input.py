"""A synthetic full-size input for the release-wide protection, and one timed run of it.

Why synthetic: the protection's cost depends on the shape of a release (forces, quarters, offence
groups, outcome groups, how many cells are small), not on where the counts came from, so a
generator with the shape of a full release measures it without a database.

``python -m benchmarks.protection_input`` prints the figures of one run.
"""

from __future__ import annotations

import time

import numpy as np
import polars as pl

from metrics.disclosure.families import (
    BTP,
    CLOSED,
    FAMILIES,
    NO_OFFENCE,
    OFFENCE_LEAVES,
    RECORDED,
    RECORDED_BASIS,
)
from metrics.disclosure.grid import quarters
from metrics.disclosure.linked import protect_cells

OUTCOME_SHARES = (0.30, 0.04, 0.005, 0.002, 0.002, 0.01, 0.25, 0.08, 0.20, 0.001, 0.01, 0.03, 0.07)
"""Rough shares of the outcome groups (the first is 'not yet assigned', on the recorded basis only)."""
OFFENCE_SHARES = (0.35, 0.15, 0.50)
MI_FIRST = 20191


def synthetic_leaves(*, seed: int = 7, span: tuple[int, int] = (20151, 20244), forces: int = 43,
                     scale: float = 1.0) -> pl.DataFrame:
    """Leaf cells of every family in :data:`FAMILIES` with the shape of a full release: ``forces``
    territorial forces plus BTP, of very unequal size (City of London is tiny), Poisson counts."""
    rng = np.random.default_rng(seed)
    areas = [f"F{i:02d}" for i in range(forces)] + [BTP]
    size = np.r_[rng.lognormal(np.log(400), 0.7, forces), 15.0] * scale
    size[0] = 4.0 * scale
    qs = quarters(span)
    parts = []
    for fam in FAMILIES.values():
        fqs = qs if not fam.id.startswith("mi:") else [q for q in qs if q >= MI_FIRST]
        if not fqs:
            continue
        offences = OFFENCE_LEAVES if fam.by_offence else (NO_OFFENCE,)
        o_share = OFFENCE_SHARES if fam.by_offence else (1.0,)
        shares = OUTCOME_SHARES if fam.id == RECORDED_BASIS else OUTCOME_SHARES[1:]
        cats = [f"g{i:02d}" for i in range(len(shares))] if fam.by_category else ["all"]
        c_share = np.asarray(shares) / sum(shares) if fam.by_category else np.ones(1)
        fam_scale = 1.0 if fam.id in (RECORDED, CLOSED, RECORDED_BASIS) else rng.uniform(0.05, 1.0)
        mean = (size[:, None, None, None] * fam_scale * np.ones(len(fqs))[None, :, None, None]
                * np.asarray(o_share)[None, None, :, None] * c_share[None, None, None, :])
        value = rng.poisson(mean).astype(float)
        grid = np.stack(np.meshgrid(np.arange(len(areas)), np.arange(len(fqs)), np.arange(len(offences)),
                                    np.arange(len(cats)), indexing="ij"), -1).reshape(-1, 4)
        parts.append(pl.DataFrame({
            "family": fam.id,
            "area_code": np.asarray(areas)[grid[:, 0]],
            "quarter": np.asarray(fqs, dtype=np.int64)[grid[:, 1]],
            "offence": np.asarray(offences)[grid[:, 2]],
            "category": np.asarray(cats)[grid[:, 3]],
            "value": value.reshape(-1),
        }).filter(pl.col("value") != 0))
    return pl.concat(parts)


def run(*, seed: int = 7, span: tuple[int, int] = (20151, 20244), threshold: int = 5,
        verify: bool = True, scale: float = 1.0) -> dict[str, float]:
    """Protect one synthetic release; the figures a benchmark records."""
    leaves = synthetic_leaves(seed=seed, span=span, scale=scale)
    start = time.perf_counter()
    out = protect_cells(leaves, span=span, threshold=threshold, verify=verify)
    seconds = time.perf_counter() - start
    counts = dict(out.group_by("reason").len().iter_rows())
    return {"seconds": round(seconds, 2), "leaf_rows": leaves.height, "node_cells": out.height,
            **{f"hidden_{k}": v for k, v in sorted(counts.items()) if k}}


if __name__ == "__main__":
    print(run())
