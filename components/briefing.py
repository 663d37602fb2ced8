"""The briefing pack as one download on a page (the force profile calls ``briefing_download``),
and ``figure_block``, which draws one of the force profile's figures (``reports.force_profile``)
as the pack prints it.

The pack is built only when the button is pressed (Streamlit calls ``data`` then, outside the
script run): its queries and drawing every chart to SVG take a second or more, which no rerun of
the page should pay. So the function given to the button uses nothing from the session; it
closes over plain values and the engine looked up here.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
import streamlit as st

from components import data
from components.banners import caveat
from components.chart_block import chart_block
from components.context import Context
from db.releases import Release
from metrics.periods import Period
from reports import Section
from reports.force_brief import brief_for, force_pack, pack_file_name
from reports.force_profile import Figure
from reports.html import render_html

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


def figure_block(ctx: Context, figure: Figure, *, spec: dict | None = None,
                 screen: pl.DataFrame | None = None) -> None:
    """Draw one of the force profile's figures: its chart block, or in words why there is none
    (``reports.force_profile`` builds the same figure for the pack, so it is defined once for the
    screen and for paper). ``spec`` and ``screen``: its chart's spec and its table as shown, when
    made already (``components.force_view``)."""
    if figure.section is None:
        if figure.caveat:
            caveat(figure.caveat)
        return
    section = figure.section
    chart_block(title=section.title, chart=section.chart if spec is None else spec, summary=section.summary, table=section.table,
                unit=figure.unit, basis=figure.basis, citation=ctx.citation(), release_id=ctx.release_id,
                key=figure.key, metric=figure.metric, caveat=" ".join(section.notes) or None,
                screen=screen)
