"""The briefing pack as one download on a page (the force profile calls ``briefing_download``).

The pack is built only when the button is pressed (Streamlit calls ``data`` then, outside the
script run): its queries and drawing every chart to SVG take a second or more, which no rerun of
the page should pay. So the function given to the button uses nothing from the session; it
closes over plain values and the engine looked up here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import streamlit as st

from components import data
from components.chart_block import chart_block
from components.context import Context
from db.releases import Release
from metrics.periods import Period
from metrics.registry import BASIS_LABELS, Metric
from reports import Section
from reports.force_brief import brief_for, force_pack, pack_file_name
from reports.html import render_html
from words.tables import reading_table

LABEL = "Download the briefing pack (HTML)"
HELP = ("One self-contained file: it opens in any browser without a network connection and prints "
        "on A4 (or save it as PDF from the browser's print dialog). It holds the headline figures, "
        "the narrative, every chart with its summary and data table, the release, citation and "
        "attribution.")


def briefing_download(url: str, *, release: Release, force_code: str, offence: str, period: Period,
                      extra_sections: Sequence[Section] = (), narrative: Sequence[str] | None = None,
                      citation: str | None = None, key: str = "briefing-pack") -> str:
    """The download button of one force's pack for the view shown (its offence group, period and
    ``release``, the page's ``ctx.release``); ``extra_sections``, ``narrative`` and ``citation``
    are the page's own (see ``reports.force_brief.force_pack``). Returns the file's name."""
    engine = data.engine_for(url)
    sections, words = list(extra_sections), None if narrative is None else list(narrative)

    def build() -> bytes:
        brief = brief_for(engine, release_id=release.id, force_code=force_code, offence=offence, period=period)
        pack = force_pack(brief, extra_sections=sections, narrative=words, citation=citation)
        return render_html(pack).encode("utf-8")

    name = pack_file_name(force_code=force_code, offence=offence, period=period, release_id=release.id,
                          synthetic=release.synthetic)
    st.download_button(LABEL, data=build, file_name=name, mime="text/html", on_click="ignore",
                       icon=":material/download:", key=key, help=HELP)
    st.caption("The briefing pack opens offline and prints on A4."
               + (" It is labelled synthetic throughout." if release.synthetic else ""))
    return name


def block(ctx: Context, section: Section, metric: Metric | None, *, key: str, unit: str | None = None,
          basis: str | None = None) -> Section:
    """Draw ``section`` as a chart block and return it as the pack prints it (its table formatted
    for reading), so a chart is defined once for the screen and for paper."""
    unit = unit or metric.unit
    basis = basis or (BASIS_LABELS[metric.basis] if metric else None)
    chart_block(title=section.title, chart=section.chart, summary=section.summary, table=section.table,
                unit=unit, basis=basis, citation=ctx.citation(), release_id=ctx.release_id, key=key,
                metric=metric, caveat=" ".join(section.notes) or None)
    return replace(section, table=reading_table(section.table, unit, metric))
