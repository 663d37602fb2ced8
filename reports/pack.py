"""The model of a printable report: what any pack holds, with no idea of how it is drawn.

Generic on purpose: the force briefing pack is one use, and a page can hand its own sections
(an SPC chart, a before/after panel) to the same renderer without the renderer knowing them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import altair as alt
import polars as pl


@dataclass(frozen=True)
class Section:
    """One chart (or none) with its summary in words and its data as a table: the pages' rule
    that a chart is never alone holds on paper too.

    ``table`` is shown as it is, every cell as text: format it for reading first
    (``words.tables.reading_table``). ``notes`` are caveats printed under the table.
    """

    title: str
    summary: str
    table: pl.DataFrame
    chart: alt.TopLevelMixin | None = None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Pack:
    """A whole report: who and what it is about, the release it comes from, the tier it was
    made for, whether the data are synthetic, a narrative to read aloud, the sections, and the
    citation and attribution that must travel with any figure taken from it."""

    title: str
    subtitle: str
    release_label: str
    tier: str
    synthetic: bool
    narrative: list[str]
    sections: list[Section]
    citation: str
    attribution: str
    generated: str = ""  # when it was made, in words (left out when empty)

    @property
    def charts(self) -> int:
        """How many sections draw a chart (each becomes one inline SVG)."""
        return sum(1 for s in self.sections if s.chart is not None)
