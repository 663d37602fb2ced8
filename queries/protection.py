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
from metrics.disclosure import families as fam
from metrics.disclosure import lookup


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
