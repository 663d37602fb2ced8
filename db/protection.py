"""The disclosure protection of a release: decided once, at load time, and persisted with it.

Why persisted: every public output of a release (pages, downloads, exports, revisions) must
hide the same cells, and an attacker holding an earlier edition too must learn nothing from the
difference. So the protection is computed inside the load's transaction (a failure leaves the
database as it was) with the previous edition as its prior, stored as the list of hidden node
cells (``disclosure_cell``) and a summary row (``disclosure_run``), and only looked up afterwards.

``hidden_cells`` is what every public table looks its cells up in (through
``queries.protection``); ``rasso disclosure-report`` and the public tier of ``rasso revisions``
read the same run through ``release_cells``. It reads the stored rows when the release was
protected at the threshold asked for; otherwise (a release loaded before protection existed or
before migration 0004, or another threshold) it computes the protection in memory, the same
way, without writing, and keeps the answer for the process.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import polars as pl
from sqlalchemy import Connection, delete, insert, select

import settings
from db.bulk import bulk_insert
from db.protection_leaves import read_leaves, release_span
from db.schema import disclosure_cell, disclosure_run, release
from metrics.disclosure import disclosure_threshold
from metrics.disclosure.grid import KEYS, build_grid, published
from metrics.disclosure.linked import protect_cells

HIDDEN_SCHEMA = {"family": pl.String, "area_code": pl.String, "period_key": pl.Int64, "offence": pl.String,
                 "category": pl.String, "reason": pl.String}
REASONS = ("primary", "secondary", "carried", "linked")


@dataclass(frozen=True)
class ProtectionSummary:
    """What one protection run decided, as stored in ``disclosure_run``."""

    release_id: int
    threshold: int
    prior_release_id: int | None
    cells: int
    hidden_by_reason: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    checked: bool = False
    """True when every hidden cell's range was checked by linear programming, not only by the line rule."""
    created_at: str = ""

    @property
    def hidden(self) -> int:
        return sum(self.hidden_by_reason.values())

    def _reasons(self) -> str:
        parts = ", ".join(f"{r} {self.hidden_by_reason[r]:,}" for r in REASONS if self.hidden_by_reason.get(r))
        return f" ({parts})" if parts else ""

    def describe_hidden(self) -> str:
        """'312 of 40,120 (primary 150, secondary 140, ...)'; 'no counts' for a release without any."""
        if not self.cells:
            return "no counts"
        return f"{self.hidden:,} of {self.cells:,}{self._reasons()}, {'LP-checked' if self.checked else 'line rule'}"

    def describe(self) -> str:
        """'312 of 40,120 cells hidden (primary 150, ...) at threshold 5'."""
        if not self.cells:
            return "no counts to protect"
        how = "checked by linear programming" if self.checked else "line rule only"
        return (f"{self.hidden:,} of {self.cells:,} cells hidden{self._reasons()} at threshold {self.threshold}"
                f" ({how})")


def lp_check_at_load() -> bool:
    """Whether loads check every hidden cell by linear programming (``RASSO_PROTECTION_CHECK=lp``).

    Off by default: at 600,000 cases (the first start) its first round alone took 115 s of CPU
    against 4.5 s for the line rule, and it leaves 942 cells in doubt to mend over further rounds
    (benchmarks/RESULTS.md, "The LP check at load"), too long for a first start."""
    return settings.protection_check() == "lp"


def _empty_hidden() -> pl.DataFrame:
    return pl.DataFrame(schema=HIDDEN_SCHEMA)


def stored_run(conn: Connection, release_id: int) -> ProtectionSummary | None:
    row = conn.execute(select(disclosure_run).where(disclosure_run.c.release_id == release_id)).first()
    return None if row is None else _summary(row)


def _summary(row) -> ProtectionSummary:
    m = row._mapping
    return ProtectionSummary(int(m["release_id"]), int(m["threshold"]), m["prior_release_id"], int(m["cells"]),
                             json.loads(m["hidden_by_reason"] or "{}"), float(m["seconds"]), bool(m["checked"]),
                             str(m["created_at"]))


def stored_runs(conn: Connection) -> dict[int, ProtectionSummary]:
    """Every stored protection run, by release id (for ``rasso releases``)."""
    return {int(r.release_id): _summary(r) for r in conn.execute(select(disclosure_run))}


def _persisted_hidden(conn: Connection, release_id: int, families=None) -> pl.DataFrame:
    c = disclosure_cell.c
    stmt = select(c.family, c.area_code, c.period_key, c.offence, c.category, c.reason).where(
        c.release_id == release_id)
    if families is not None:
        stmt = stmt.where(c.family.in_(list(families)))
    return pl.DataFrame(conn.execute(stmt).all(), schema=HIDDEN_SCHEMA, orient="row")


def prior_edition(conn: Connection, release_id: int) -> int | None:
    """The edition a release is protected against: its stored run's prior, else the release it superseded."""
    run = stored_run(conn, release_id)
    if run is not None:
        return run.prior_release_id
    return conn.execute(select(release.c.supersedes).where(release.c.id == release_id)).scalar_one_or_none()


def _node_values(leaves: pl.DataFrame, span: tuple[int, int]) -> pl.DataFrame:
    """Every node cell with its value as the engine computes it (its own grid and sums: no
    second definition of the trees here); null where the source did not provide the count."""
    cells = published(build_grid(leaves.rename({"quarter": "period_key"}), span).cells)
    return cells.select(*KEYS, value=pl.when(pl.col("is_null")).then(None).otherwise(pl.col("value")))


def release_cells(conn: Connection, release_id: int, threshold: int) -> pl.DataFrame:
    """Every node cell of a release with its value and reason, as published at ``threshold``:
    the stored hidden set on the release's node values when stored at that threshold, else the
    protection computed in memory (with its prior edition, computed the same way)."""
    leaves, span = read_leaves(conn, release_id)
    if span is None or leaves.height == 0:
        return pl.DataFrame(schema={**HIDDEN_SCHEMA, "value": pl.Float64})
    run = stored_run(conn, release_id)
    if run is not None and run.threshold == threshold:
        hidden = _persisted_hidden(conn, release_id)
        cells = _node_values(leaves, span).join(hidden, on=list(KEYS), how="left")
        return cells.with_columns(pl.col("reason").fill_null(""))
    return _compute(conn, release_id, threshold, leaves, span)


def _compute(conn: Connection, release_id: int, threshold: int, leaves: pl.DataFrame,
             span: tuple[int, int]) -> pl.DataFrame:
    prior_id = prior_edition(conn, release_id)
    prior = release_cells(conn, prior_id, threshold) if prior_id is not None else None
    if prior is not None and prior.height == 0:
        prior = None
    return protect_cells(leaves, span=span, threshold=threshold, prior=prior, verify=lp_check_at_load())


def protect_release(conn: Connection, release_id: int, *, threshold: int | None = None,
                    prior_release_id: int | None = None) -> ProtectionSummary:
    """Protect a release and store the result, inside the caller's transaction.

    ``prior_release_id``: the edition it revises (the published head it was copied from, the
    synthetic release a next edition was made from); its shown cells are known to an attacker
    and its hidden cells stay hidden where unchanged. Replaces a stored run of the release.
    """
    t = disclosure_threshold(threshold)
    verify = lp_check_at_load()
    started = time.perf_counter()
    leaves, span = read_leaves(conn, release_id)
    hidden = _empty_hidden()
    cells = 0
    if span is not None and leaves.height:
        prior = release_cells(conn, prior_release_id, t) if prior_release_id is not None else None
        out = protect_cells(leaves, span=span, threshold=t, verify=verify,
                            prior=prior if prior is not None and prior.height else None)
        cells = out.height
        hidden = out.filter(pl.col("reason") != "").select(list(HIDDEN_SCHEMA))
    by_reason = {r: n for r, n in hidden.group_by("reason").len().iter_rows()}
    summary = ProtectionSummary(release_id, t, prior_release_id, cells, dict(sorted(by_reason.items())),
                                round(time.perf_counter() - started, 3), verify)
    conn.execute(delete(disclosure_cell).where(disclosure_cell.c.release_id == release_id))
    conn.execute(delete(disclosure_run).where(disclosure_run.c.release_id == release_id))
    conn.execute(insert(disclosure_run).values(
        release_id=release_id, threshold=t, prior_release_id=prior_release_id, cells=cells,
        hidden=summary.hidden, hidden_by_reason=json.dumps(summary.hidden_by_reason, sort_keys=True),
        seconds=summary.seconds, checked=verify, created_at=datetime.now(UTC)))
    bulk_insert(conn, disclosure_cell, hidden.with_columns(pl.lit(release_id, dtype=pl.Int64).alias("release_id")))
    return summary


def hidden_cells(conn: Connection, release_id: int, *, threshold: int | None = None,
                 families=None) -> pl.DataFrame:
    """The hidden node cells of a release (``family, area_code, period_key, offence, category,
    reason``); every other node cell is shown. ``families``: only these families."""
    t = disclosure_threshold(threshold)
    run = stored_run(conn, release_id)
    if run is not None and run.threshold == t:
        by_family = _kept(_STORED, _cache_key(conn, release_id, t, run.created_at), dict)
        wanted = sorted(families) if families is not None else None
        missing = None if wanted is None else [f for f in wanted if f not in by_family]
        if missing is None or missing:
            # each family read once per process, whatever families a table asks for with it (a
            # table of outcomes and one of outcomes and recorded offences share the outcomes')
            read = _persisted_hidden(conn, release_id, missing)
            by_family.update({f: read.filter(pl.col("family") == f) for f in missing or read["family"].unique()})
            if wanted is None:
                return read
        return pl.concat([by_family[f] for f in wanted], how="vertical") if wanted else _empty_hidden()
    created = conn.execute(select(release.c.created_at).where(release.c.id == release_id)).scalar_one_or_none()
    if created is None:
        return _empty_hidden()
    hidden = _computed_hidden(conn, _cache_key(conn, release_id, t, created))
    return hidden if families is None else hidden.filter(pl.col("family").is_in(list(families)))


def _cache_key(conn: Connection, release_id: int, threshold: int, created) -> tuple:
    return (conn.engine.url.render_as_string(hide_password=True), release_id, threshold, str(created))


_COMPUTED: dict[tuple, pl.DataFrame] = {}
_STORED: dict[tuple, pl.DataFrame] = {}
_SPANS: dict[tuple, tuple[int, int] | None] = {}
_KEPT = 16


def _kept(cache: dict, key: tuple, read):
    """``read()`` once per key in this process, the oldest of ``_KEPT`` answers dropped first.

    Why it cannot go stale: the key holds the database, the release, the threshold and the
    creation time of the release or of its stored run; a release never changes once written and
    a new run of its protection has a new time. Every public table reads the hidden cells, so
    reading them once saves a query of tens of thousands of rows per table at full scale."""
    if key not in cache:
        if len(cache) >= _KEPT:
            cache.pop(next(iter(cache)))
        cache[key] = read()
    return cache[key]


def _computed_hidden(conn: Connection, key: tuple) -> pl.DataFrame:
    """The in-memory protection of a release with no stored run at this threshold."""
    _url, release_id, threshold, _created = key
    return _kept(_COMPUTED, key, lambda: release_cells(conn, release_id, threshold)
                 .filter(pl.col("reason") != "").select(list(HIDDEN_SCHEMA)))


def protection_report(conn: Connection, release_id: int, *, threshold: int | None = None) -> pl.DataFrame:
    """The information loss of a release's protection (``metrics.disclosure.loss``)."""
    from metrics.disclosure.loss import information_loss

    return information_loss(release_cells(conn, release_id, disclosure_threshold(threshold)))


def protected_span(conn: Connection, release_id: int) -> tuple[int, int] | None:
    """The span of quarters the release's protection lays its time nodes over (None without
    counts), read once per release in this process (three scans of the count tables)."""
    created = conn.execute(select(release.c.created_at).where(release.c.id == release_id)).scalar_one_or_none()
    if created is None:
        return None
    return _kept(_SPANS, _cache_key(conn, release_id, 0, created), lambda: release_span(conn, release_id))
