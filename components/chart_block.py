"""A chart that is never alone: title, basis, chart, summary in words, data table, CSV download.

The brief's accessibility rule is that every chart has a plain-English summary and a data table
generated from the same query result. Building all of them in one function from one frame
makes that impossible to forget and impossible to drift.
"""

from __future__ import annotations

import functools

import altair as alt
import polars as pl
import streamlit as st

from components import vega
from components.banners import basis_label
from components.context import get_context
from components.page_registry import COMPARE, FORCE
from metrics.markup import plain
from metrics.registry import Metric
from queries.export import ExportMeta, csv_bytes, export_frame
from words.summaries import SYMBOL_WORDS
from words.tables import display_frame, screen_frame

SUMMARY_PREFIX = "**In words.**"
DOWNLOAD_NOTE = ("The file loads with a plain pandas or polars `read_csv`: numbers are numbers, a "
                 "hidden figure is empty with its symbol in the `flag` column, and the release, "
                 "data status, licence and citation are columns of every row.")


def symbols_legend(table: pl.DataFrame) -> str:
    """The symbols the table shows, each with its meaning, for a line under it ('' when none)."""
    flags = set(table["flag"].drop_nulls().to_list()) if "flag" in table.columns else set()
    used = [f"{s} {words}" for s, words in SYMBOL_WORDS.items() if s in flags]
    return ("Symbols: " + "; ".join(used) + ".") if used else ""


def screen_citation(citation: str, release_label: str | None = None) -> str:
    """The citation as a page shows it (Markdown): the release label in it is data (built from
    file names), so that part is escaped; the rest (the view's address) reads as written.
    ``release_label``: the label in the citation (default: the release of this run's context)."""
    label = get_context().release.label if release_label is None else release_label
    return citation.replace(label, plain(label)) if label else citation


def download_meta(*, key: str, release_id: int, citation: str, basis: str | None,
                  metric: Metric | None = None, whole_release: bool = False) -> ExportMeta:
    """What a page's download holds, from the page's context: view, measure, offence group,
    period, basis, tier, release and data status (and the force or setting behind the rows).

    ``whole_release``: the rows span the release whatever period the address chose (the outcome
    mix, the case journey's cohorts), so neither a ``period`` column nor the file name may claim
    the chosen one."""
    ctx = get_context()
    state = ctx.state
    # on /compare the selected force (region peers) and the over-dispersion setting change the rows;
    # on /force every table is one force's
    extra = ()
    if ctx.page_path == COMPARE.url_path:
        extra = tuple(x for x in (state.force, "od" if state.od else None) if x)
    elif ctx.page_path == FORCE.url_path and state.force:
        extra = (state.force,)
    return ExportMeta(release_id=release_id, synthetic=ctx.release.synthetic, citation=citation,
                      view=f"{ctx.page_path or 'overview'}-{key}", metric=metric.id if metric else None,
                      offence_group=state.offence, period=None if whole_release else ctx.period.label,
                      period_token=None if whole_release else ctx.period.token,
                      basis=basis, tier=ctx.tier, extra=extra)


def download_file(table: pl.DataFrame, meta: ExportMeta, unit: str) -> tuple[bytes, str]:
    """The CSV bytes and file name of a table's download (the shared export path)."""
    return download_bytes(table, meta, unit), meta.file_name("csv")


def download_bytes(table: pl.DataFrame, meta: ExportMeta, unit: str) -> bytes:
    """The CSV bytes of a table's download; the download button calls it when pressed."""
    return csv_bytes(export_frame(table, meta, unit=unit))


def chart_block(
    *,
    title: str,
    chart: dict | alt.TopLevelMixin,
    summary: str,
    table: pl.DataFrame,
    unit: str,
    basis: str | None,
    citation: str,
    release_id: int,
    key: str,
    caveat: str | None = None,
    metric: Metric | None = None,
    whole_release: bool = False,
    screen: pl.DataFrame | None = None,
) -> None:
    """``whole_release``: the rows span the whole release, not the chosen period (``download_meta``);
    ``screen``: the table as the screen shows it, when the caller has it already (else made here)."""
    with st.container(border=True, key=f"chart-{key}"):
        st.subheader(title)
        if basis:
            basis_label(basis)
        vega.show(chart, title=title)  # short: the summary is beside it
        st.markdown(f"{SUMMARY_PREFIX} {summary}")
        if caveat:
            st.caption(f"Caveat: {caveat}")
        table_with_download(table, unit=unit, title=title, basis=basis, citation=citation,
                            release_id=release_id, key=key, metric=metric, whole_release=whole_release,
                            screen=screen)


def table_with_download(table: pl.DataFrame, *, unit: str, title: str, basis: str | None, citation: str,
                        release_id: int, key: str, metric: Metric | None = None,
                        whole_release: bool = False, screen: pl.DataFrame | None = None) -> None:
    """The expander under a chart: the rows on screen (with symbols), the CSV download (typed,
    self-describing; see ``queries.export``) and how to read it.

    The file is written when the button is pressed, not on every run (writing each table's CSV
    was a tenth of a warm rerun of /force); no rerun on the click, as the explorer's downloads
    (a rerun raced the deferred file there)."""
    with st.expander(f"Data table: {title}"):
        shown = screen if screen is not None else screen_frame(display_frame(table, unit), unit, metric)
        st.dataframe(shown, hide_index=True, width="stretch")
        if legend := symbols_legend(table):
            st.caption(legend)
        meta = download_meta(key=key, release_id=release_id, citation=citation, basis=basis, metric=metric,
                             whole_release=whole_release)
        st.download_button(
            "Download these rows (CSV)",
            data=functools.partial(download_bytes, table, meta, unit),
            file_name=meta.file_name("csv"),
            mime="text/csv",
            key=f"download-{key}",
            on_click="ignore",
            icon=":material/download:",
        )
        st.caption(f"{DOWNLOAD_NOTE} Column names in the file are the machine names explained in the "
                   "data dictionary on the methodology page.  \nCite as: " + screen_citation(citation))
