"""One linear programme of the disclosure audit, kept in HiGHS between solves.

Part of the independent disclosure audit: :mod:`benchmarks.audit_solve` decides what to solve
(rounds, proofs by feasible points), this module only how (HiGHS, warm from the last basis).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

BIG = 1e9
"""Upper bound on every unknown, so one programme can hold many components (a component whose
target could grow without limit reaches it; it is read back as infinite)."""


class Programme:
    """One linear programme A x = b, 0 <= x <= BIG, solved again and again with new objectives.

    HiGHS (the solver scipy's ``linprog`` runs) is kept between solves so each starts from the
    last basis: one programme per hidden number from scratch cost seconds per hundred numbers.
    scipy ships HiGHS as ``scipy.optimize._highspy``; without it ``linprog`` solves each time.
    """

    def __init__(self, a: sparse.csc_matrix, b: np.ndarray):
        self.a, self.b = a, b
        self.highs = None
        try:
            from scipy.optimize._highspy import _core as hc
        except ImportError:  # pragma: no cover - scipy without its bundled HiGHS bindings
            return
        self.hc = hc
        n, m = a.shape[1], a.shape[0]
        lp = hc.HighsLp()
        lp.num_col_, lp.num_row_ = n, m
        lp.col_cost_, lp.col_lower_, lp.col_upper_ = np.zeros(n), np.zeros(n), np.full(n, BIG)
        lp.row_lower_, lp.row_upper_ = b, b
        matrix = hc.HighsSparseMatrix()
        matrix.format_ = hc.MatrixFormat.kColwise
        matrix.num_col_, matrix.num_row_ = n, m
        matrix.start_, matrix.index_, matrix.value_ = a.indptr, a.indices, a.data
        lp.a_matrix_ = matrix
        self.highs = hc._Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.passModel(lp)
        self.all = np.arange(n, dtype=np.int32)

    def solve(self, cost: np.ndarray, *, maximise: bool) -> np.ndarray | None:
        if self.highs is None:
            res = linprog(-cost if maximise else cost, A_eq=self.a, b_eq=self.b, bounds=(0, BIG), method="highs")
            return res.x if res.status == 0 else None
        hc = self.hc
        self.highs.changeObjectiveSense(hc.ObjSense.kMaximize if maximise else hc.ObjSense.kMinimize)
        self.highs.changeColsCost(cost.size, self.all, cost)
        self.highs.run()
        if self.highs.getModelStatus() != hc.HighsModelStatus.kOptimal:
            return None
        return np.asarray(self.highs.getSolution().col_value)
