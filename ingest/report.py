"""What a load did, in numbers a user can reconcile against the file they loaded."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class LoadReport:
    """The outcome of one ``ingest.load`` call.

    ``release_id`` is None when nothing changed (the files were already loaded).
    """

    kind: str
    release_id: int | None
    message: str
    rows_read: int = 0
    rows_kept: int = 0
    dropped: Counter = field(default_factory=Counter)
    totals_by_year: dict[str, dict[str, float]] = field(default_factory=dict)
    revisions: int = 0
    superseded: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def reconciliation(self) -> str:
        lines = [f"rows read: {self.rows_read:,}", f"rows kept: {self.rows_kept:,}"]
        dropped = sum(self.dropped.values())
        lines.append(f"rows dropped: {dropped:,}")
        for reason, n in sorted(self.dropped.items()):
            lines.append(f"  - {reason}: {n:,}")
        if self.totals_by_year:
            lines.append("totals by year:")
            for year, totals in sorted(self.totals_by_year.items()):
                parts = ", ".join(f"{k} {_fmt(v)}" for k, v in totals.items())
                lines.append(f"  {year}: {parts}")
        if self.release_id is not None and self.superseded is not None:
            lines.append(f"supersedes release {self.superseded}; revised values: {self.revisions:,}")
        lines.extend(self.notes)
        return "\n".join(lines)

    def summary(self) -> str:
        return f"{self.message}\n{self.reconciliation}"


def _fmt(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.1f}"
