"""The disclosure audit's small programmes (benchmarks/audit_local.py) decide only what they can
prove: a restriction proves a hidden number safe, a relaxation proves a leak, and a number whose
neighbourhood decides neither is left to the whole programme."""

from __future__ import annotations

import numpy as np
from scipy import sparse

from benchmarks.audit_local import Local

T = 5


def _local(rows: list[list[float]], b: list[float], point: list[float]) -> Local:
    return Local(sparse.csc_matrix(np.array(rows, dtype=float)), np.array(b, dtype=float), np.array(point), T)


def test_a_hidden_number_with_a_wide_partner_is_proven_safe_by_feasible_points():
    """x0 + x1 = 12 (x0 hidden, true 3): the restriction reaches 0 and 12."""
    verdict, low, high = _local([[1, 1]], [12], [3, 9]).decide(np.array([0]), np.array([1.0]))
    assert (verdict, round(low, 6), round(high, 6)) == ("safe", 0, 12)


def test_a_hidden_number_narrowed_inside_one_to_four_is_a_leak():
    """x0 + x1 = 4 and x0 - x2 = 1 (x0 true 3): x0 is 1 to 4."""
    verdict, low, high = _local([[1, 1, 0], [1, 0, -1]], [4, 1], [3, 1, 2]).decide(np.array([0]), np.array([1.0]))
    assert (verdict, round(low, 6), round(high, 6)) == ("leak", 1, 4)


def test_a_pinned_number_is_a_leak():
    """x0 + x1 = 7 and x1 = 4 pin x0 at 3."""
    verdict, low, high = _local([[1, 1], [0, 1]], [7, 4], [3, 4]).decide(np.array([0]), np.array([1.0]))
    assert (verdict, round(low, 6), round(high, 6)) == ("leak", 3, 3)


def test_a_number_its_neighbourhood_cannot_decide_is_left_to_the_whole_programme(monkeypatch):
    """x0 + x1 = 10, x1 + x2 = 10 (x0 truly 0 to 10). With a neighbourhood of one equation, x2
    stays at 3 in the restriction, which pins x0 (no proof of safety), while the relaxation lets
    x0 range over 0 to 10 (no proof of a leak): undecided, never called a leak."""
    import benchmarks.audit_local as audit_local

    monkeypatch.setattr(audit_local, "DEPTH", 1)
    assert _local([[1, 1, 0], [0, 1, 1]], [10, 10], [3, 7, 3]).decide(np.array([0]), np.array([1.0])) is None
