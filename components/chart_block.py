"""A chart that is never alone: title, basis, chart, summary in words, data table, CSV download.

The brief's accessibility rule is that every chart has a plain-English summary and a data table
generated from the same query result. Building all of them in one function from one frame
makes that impossible to forget and impossible to drift.
"""

from __future__ import annotations

import csv
import io
import re

import altair as alt
import polars as pl
import streamlit as st

from components.banners import basis_label
from metrics.disclosure import format_for_display

SUMMARY_PREFIX = "**In words.**"


def display_frame(table: pl.DataFrame, unit: str, *, thousands: bool = True) -> pl.DataFrame:
    """The rows as shown: numbers formatted, hidden cells as their UK statistical symbol."""
    columns = ("numerator", "denominator", "value", "lower", "upper", "count", "share")
    return format_for_display(table, columns, unit=unit, thousands=thousands)


def csv_bytes(shown: pl.DataFrame, *, citation: str, basis: str | None, release_id: int) -> bytes:
    """Exactly the rows shown, preceded by '#' lines with the citation, release and basis."""
    buffer = io.StringIO()
    buffer.write(f"# {citation}\n")
    buffer.write(f"# Release: {release_id}\n")
    if basis:
        buffer.write(f"# Basis: {basis}\n")
    buffer.write("# Symbols: [c] confidential (small numbers), [x] not available, "
                 "[z] not applicable, [u] low reliability\n")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(shown.columns)
    for row in shown.iter_rows():
        writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue().encode("utf-8")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def chart_block(
    *,
    title: str,
    chart: alt.TopLevelMixin,
    summary: str,
    table: pl.DataFrame,
    unit: str,
    basis: str | None,
    citation: str,
    release_id: int,
    key: str,
    caveat: str | None = None,
) -> None:
    with st.container(border=True, key=f"chart-{key}"):
        st.subheader(title)
        if basis:
            basis_label(basis)
        st.altair_chart(chart, width="stretch", alt=summary)
        st.markdown(f"{SUMMARY_PREFIX} {summary}")
        if caveat:
            st.caption(f"Caveat: {caveat}")
        shown = display_frame(table, unit)
        with st.expander(f"Data table: {title}"):
            st.dataframe(shown, hide_index=True, width="stretch")
            st.download_button(
                "Download these rows (CSV)",
                data=csv_bytes(display_frame(table, unit, thousands=False), citation=citation,
                               basis=basis, release_id=release_id),
                file_name=f"rasso-{_slug(title)}-release-{release_id}.csv",
                mime="text/csv",
                key=f"download-{key}",
                icon=":material/download:",
            )
            st.caption(f"Cite as: {citation}")
