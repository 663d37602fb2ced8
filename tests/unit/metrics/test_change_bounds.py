"""What two editions bound about revised cells (metrics.disclosure.change_bounds), on hand-made
lines of changes."""

from __future__ import annotations

import numpy as np

from metrics.disclosure.change_bounds import Terms, propagate
from metrics.disclosure.change_bounds import unsafe as bounded_unsafe

INF = np.inf


def _year_of_two_late_outcomes(leaf: bool):
    """A year's outcome 0 shown in both editions (8, then 6) and two of its quarters' outcome 0,
    hidden at 1 before and shown as 0 now: variables year, Q1, Q3 on one line."""
    terms = Terms(np.array([0, 3]), np.array([0, 1, 2]), np.array([1.0, -1.0, -1.0]))
    old = (np.array([8.0, 0.0, 0.0]), np.array([8.0, INF, INF]))
    new = (np.array([6.0, 0.0, 0.0]), np.array([6.0, 0.0, 0.0]))
    return propagate(terms, old, new, np.array([False, leaf, leaf]))


def test_a_change_that_is_not_zero_pins_the_hidden_values_it_adds_up_to():
    b = _year_of_two_late_outcomes(leaf=True)
    assert b.old[0][1:].tolist() == [1.0, 1.0] and b.old[1][1:].tolist() == [1.0, 1.0]
    assert bounded_unsafe(b.old[0], b.old[1], 5)[1:].all()


def test_a_total_whose_change_may_be_zero_leaves_them_open():
    b = _year_of_two_late_outcomes(leaf=False)
    assert b.old[0][1:].tolist() == [0.0, 0.0] and b.old[1][1:].tolist() == [2.0, 2.0]
    assert not bounded_unsafe(b.old[0], b.old[1], 5)[1:].any()


def test_bounds_travel_along_lines():
    """a = b + c: a shown in both editions (10, then 13); b shown as 0 and c as 2 before, both
    hidden now. b rose (a revised leaf): by 1 to 5, as c fell by at most its 2; so c is now 0 to 4."""
    terms = Terms(np.array([0, 3]), np.array([0, 1, 2]), np.array([1.0, -1.0, -1.0]))
    old = (np.array([10.0, 0.0, 2.0]), np.array([10.0, 0.0, 2.0]))
    new = (np.array([13.0, 0.0, 0.0]), np.array([13.0, INF, INF]))
    b = propagate(terms, old, new, np.array([False, True, True]))
    assert (b.new[0][1], b.new[1][1]) == (1.0, 5.0)
    assert (b.new[0][2], b.new[1][2]) == (0.0, 4.0)
