"""The files of a data-explorer table: the one builder behind the page's downloads and
``rasso export table``, so the two give the same bytes for CSV and the same values otherwise.

A file carries what it is: the release, data status, licence and a citation naming the table's
address (built from the table's spec, not from the browser, so the command line writes the same
line), as columns, an Excel 'Dictionary' and 'Citation' sheet, or Parquet key-value metadata.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import polars as pl

from db.releases import Release
from metrics.explorer_spec import BASIS_WORDS, COUNT_MEASURES, spec_params
from metrics.offence_groups import OFFENCE_GROUPS
from metrics.periods import quarter_label
from metrics.registry import BASIS_LABELS, METRICS_BY_ID
from queries.explorer import Explored
from queries.export import LICENCE, ExportMeta, export_frame, file_bytes
from words.explorer import describe

PAGE = "explorer"


def explorer_address(explored: Explored) -> str:
    """The path and query string that show this table: '/explorer?measure=outcomes&by=...'."""
    return f"/{PAGE}?{urlencode(spec_params(explored.spec, explored.release_id), doseq=True)}"


@dataclass(frozen=True)
class ExplorerFile:
    """One table ready to write in any format."""

    frame: pl.DataFrame
    meta: ExportMeta
    measure: dict

    def name(self, fmt: str) -> str:
        return self.meta.file_name(fmt)

    def data(self, fmt: str) -> bytes:
        return file_bytes(self.frame, fmt, self.meta, measure=self.measure)


def explorer_file(explored: Explored, release: Release, *, base_url: str | None = None) -> ExplorerFile:
    """The table as files hold it, with its citation and dictionary entries."""
    spec = explored.spec
    address = explorer_address(explored)
    meta = ExportMeta(release_id=release.id, synthetic=release.synthetic, citation=citation(explored, release,
                                                                                             address, base_url),
                      view="explorer", metric=spec.measure, offence_group=spec.offence,
                      period_token=_span_token(explored), basis=_basis(explored), tier=spec.tier,
                      extra=tuple(spec.by))
    unit = METRICS_BY_ID[spec.measure].unit if spec.is_metric else "count"
    return ExplorerFile(export_frame(explored.table, meta, unit=unit), meta, measure_notes(explored))


def citation(explored: Explored, release: Release, address: str, base_url: str | None) -> str:
    """Release, data status, the table in words, its span and tier, its address and the licence."""
    kind = "SYNTHETIC data, not official statistics; " if release.synthetic else ""
    created = release.created_at
    when = created.strftime("%d %B %Y") if hasattr(created, "strftime") else str(created)
    where = f"available at {base_url}{address}" if base_url else f"view {address} (a path on this dashboard's own address)"
    spec = explored.spec
    return (f"RASSO Outcomes Dashboard, release {release.id} ({release.label}, loaded {when}), data explorer: "
            f"{describe(spec)}, {OFFENCE_GROUPS[spec.offence].label.lower()}, {explored.span_label}, "
            f"{spec.tier} tier, {where}; {kind}contains public sector information licensed under the {LICENCE}.")


def measure_notes(explored: Explored) -> dict:
    """What the measure is, for the dictionary sheet and Parquet metadata."""
    spec = explored.spec
    if spec.is_metric:
        m = METRICS_BY_ID[spec.measure]
        return {"label": m.label, "definition": m.definition, "numerator": m.numerator,
                "denominator": m.denominator, "unit": m.unit, "basis": BASIS_LABELS[m.basis], "source": m.source,
                "caveat": m.caveat}
    notes = {"label": COUNT_MEASURES[spec.measure], "unit": "count",
             "offence_group": OFFENCE_GROUPS[spec.offence].definition}
    if spec.measure == "outcomes":
        notes["basis"] = BASIS_WORDS[spec.basis]
        if spec.basis == "closed":
            notes["caveat"] = "Outcome 0 (not yet assigned) is never a closed outcome and is not counted."
    return notes


def _basis(explored: Explored) -> str | None:
    spec = explored.spec
    if spec.is_metric:
        return BASIS_LABELS[METRICS_BY_ID[spec.measure].basis]
    return BASIS_WORDS[spec.basis] if spec.measure == "outcomes" else None


def _span_token(explored: Explored) -> str:
    spec = explored.spec
    if spec.start or spec.end:
        return f"{spec.start or 'start'}-to-{spec.end or 'end'}"
    return f"{quarter_label(explored.first_quarter)}-to-{quarter_label(explored.last_quarter)}"
