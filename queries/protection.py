"""The release's protection as the public tables read it: its hidden node cells and its span.

Why a module: ``metric_table`` and ``outcome_mix`` must read the same protection the same way
(``db.protection`` decides and stores it at load; ``metrics.disclosure.lookup`` maps rows onto
it), and each request reads only the families its counts belong to.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl
from sqlalchemy import Connection

from db.protection import hidden_cells, protected_span
from metrics.disclosure import CONFIDENTIAL, NOT_APPLICABLE, lookup
from metrics.disclosure import families as fam


@dataclass(frozen=True)
class Protection:
    """The hidden node cells of some families of a release, and the span of the release."""

    hidden: pl.DataFrame
    span: tuple[int, int]

    def hidden_rows(self, rows: pl.DataFrame, ref: fam.CountRef | None) -> pl.Series:
        return lookup.hidden_rows(rows, ref, self.hidden, release_span=self.span)

    def span_rows(self, rows: pl.DataFrame, ref: fam.CountRef | None) -> pl.Series:
        """Rows over a span that is not a node: not offered where hidden (``lookup.open_span``)."""
        return lookup.open_span(rows, ref, release_span=self.span)


def read_protection(conn: Connection, release_id: int, refs: Iterable[fam.CountRef | None], *,
                    threshold: int | None) -> Protection | None:
    """The protection covering ``refs``; None when the release holds no counts."""
    span = protected_span(conn, release_id)
    if span is None:
        return None
    families = sorted({r.family for r in refs if r is not None})
    return Protection(hidden_cells(conn, release_id, threshold=threshold, families=families), span)


def public_medians(table: pl.DataFrame, protection: Protection | None, first: pl.Expr) -> pl.DataFrame:
    """Public medians without the number of cases behind them: that number is a count (charges,
    closed investigations) the protection covers in other tables, so showing it here would be a
    second, unprotected copy. A median on no cases is [c] like one on too few, for the same reason.
    A hidden median over a span that is not a node (``first``: each row's first quarter) is not
    offered ([x]), as a count over such a span is: its [c] would say that the span's closed cases
    are few, a count no protected cell holds (the whole-release audit narrowed two to 1..4)."""
    table = table.with_columns(
        denominator=pl.lit(None, pl.Float64),
        flag=pl.when(pl.col("flag") == NOT_APPLICABLE).then(pl.lit(CONFIDENTIAL)).otherwise(pl.col("flag")))
    if protection is None:
        return table
    open_ = protection.span_rows(table.select(_first=first, _last=pl.col("period_end")), fam.CountRef(fam.CLOSED))
    return table.with_columns(flag=pl.when((pl.col("flag") == CONFIDENTIAL) & open_).then(pl.lit(lookup.NOT_OFFERED))
                              .otherwise(pl.col("flag")))
