"""The pillars page's blocks: the force x indicator grid (chart, words, linked table, download) and
the drill-down into one indicator (England and Wales trend, funnel plot, spread across forces).

Figures come through ``queries.metric_table`` (public tier, cached in ``components.data``), once
per indicator for all forces and once for England and Wales, as the pillar profile reads them
(``reports.reader.read_figures``); positions come from ``analysis.pillar_grid``.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence

import polars as pl
import streamlit as st

from analysis import comparison as cmp
from analysis.pillar_grid import NAME_ORDER, distribution, grid_frame, wide_frame
from analysis.pillar_profile import MetricFigures
from charts.funnel import funnel_chart
from charts.pillar_grid import grid_chart, strip_chart
from charts.trend import trend_chart
from components import data, vega
from components.banners import caveat
from components.chart_block import (
    SUMMARY_PREFIX,
    chart_block,
    download_file,
    download_meta,
    screen_citation,
)
from components.context import Context, set_context
from components.controls import widget_to_url
from components.force_links import force_href
from metrics.registry import BASIS_LABELS, Metric, metric
from reports.reader import read_figures
from words import comparison as cmp_words
from words import pillar_profile as profile_words
from words import pillars as say
from words.summaries import trend_summary, window_summary

DOWNLOAD_COLUMNS = {"code": "code", "name": "name", "metric": "metric", "numerator": "numerator",
                    "denominator": "denominator", "value": "value", "lower": "lower", "upper": "upper",
                    "flag": "flag", "position_words": "position"}


def pillar_figures(ctx: Context, metrics: Sequence[Metric]) -> dict[str, MetricFigures]:
    """Each of the pillar's indicators the release holds, for every force and for England and Wales."""
    return read_figures(functools.partial(data.metric_tables, ctx.url, tier=ctx.tier), ctx.release.coverage or (),
                        release_id=ctx.release_id, offence=ctx.state.offence, first_quarter=ctx.period.first,
                        last_quarter=ctx.period.last, metrics=tuple(metrics))


def pillar_grid(ctx: Context, metrics: Sequence[Metric], figures: dict[str, MetricFigures]) -> pl.DataFrame:
    return grid_frame(metrics, figures, ctx.release.coverage or (), data.forces(ctx.url))


def settle_state(ctx: Context, metric_id: str, sort: str) -> Context:
    """The context with the indicator and order the page shows (``analysis.pillar_grid`` chose
    them from the address), written back to the address, so links, downloads and citations name
    what is on screen."""
    state = ctx.state.with_(metric=metric_id, sort=None if sort == NAME_ORDER else sort)
    if state == ctx.state:
        return ctx
    st.query_params["metric"] = metric_id
    if state.sort is None and "sort" in st.query_params:
        del st.query_params["sort"]
    ctx = dataclasses.replace(ctx, state=state)
    set_context(ctx)
    return ctx


def _md(text: str) -> str:
    """A table cell as written: '[c]' must not start a link, '|' must not end the cell."""
    return "".join("\\" + c if c in "\\`*_[]<>#|~" else c for c in str(text))


def linked_table(ctx: Context, wide: pl.DataFrame) -> str:
    """The grid as a Markdown table: each force's name links to its profile."""
    labels = wide.columns[2:]
    lines = ["| Force | " + " | ".join(_md(c) for c in labels) + " |",
             "|---|" + "---|" * len(labels)]
    for row in wide.iter_rows(named=True):
        link = f"[{_md(row['name'])}]({force_href(ctx, row['code'])})"
        lines.append(f"| {link} | " + " | ".join(_md(row[c] or "") for c in labels) + " |")
    return "\n".join(lines)


def grid_block(ctx: Context, *, pillar: int, pillar_name: str, grid: pl.DataFrame, order: list[str],
               metrics: Sequence[Metric], missing: Sequence[Metric]) -> None:
    """The grid: title, chart, summary, key, the table with links to profiles, the download."""
    title = say.grid_title(pillar, pillar_name, ctx.period.label)
    with st.container(border=True, key="chart-pillar-grid"):
        st.subheader(title)
        vega.show(vega.spec(grid_chart, grid, order), title=title)
        st.markdown(f"{SUMMARY_PREFIX} {say.grid_summary(grid, metrics, missing)}")
        if mixing := say.mixing_caveat(metrics, ctx.group.label):
            st.caption(f"Caveat: {mixing}")
        st.caption(f"Key: {profile_words.LEGEND} Colour repeats the mark; the mark and the value are "
                   f"in every cell.  \n{profile_words.METHOD}")
        with st.expander("The grid as a table, with a link to each force's profile", expanded=True):
            st.markdown(linked_table(ctx, wide_frame(grid, order)))
            table = grid.select(list(DOWNLOAD_COLUMNS)).rename(DOWNLOAD_COLUMNS)
            meta = download_meta(key="pillar-grid", release_id=ctx.release_id, citation=ctx.citation(), basis=None)
            blob, file_name = download_file(table, meta, None)
            st.download_button("Download these rows (CSV)", data=blob, file_name=file_name, mime="text/csv",
                               key="download-pillar-grid", icon=":material/download:")
            st.caption(f"Each force's row links to its profile. Cite as: {screen_citation(ctx.citation(), ctx.release.label)}")


def pillar_to_url() -> None:
    """The pillar picker: a new pillar opens at its own first indicator, forces in name order."""
    widget_to_url("pillar", "pil_pillar")
    for key in ("metric", "sort"):
        if key in st.query_params:
            del st.query_params[key]


def sort_to_url() -> None:
    """The sort picker writes a metric id; alphabetical order is the default, so no key."""
    value = st.session_state.get("pil_sort")
    if value and value != NAME_ORDER:
        st.query_params["sort"] = value
    elif "sort" in st.query_params:
        del st.query_params["sort"]


def drill_down(ctx: Context, m: Metric, figures: dict[str, MetricFigures], grid: pl.DataFrame) -> None:
    """One indicator: the England and Wales trend with milestones, its funnel plot and the spread
    across forces; or, when the release has no source for it, why nothing is drawn (the notice
    naming the file that would supply it is under the indicator table, said once)."""
    if ctx.missing_reason(m) or m.id not in figures:
        caveat(say.not_drawn(m, [metric(k) for k in figures]))
        return
    basis = BASIS_LABELS[m.basis]
    common = {"unit": m.unit, "basis": basis, "citation": ctx.citation(), "release_id": ctx.release_id,
              "metric": m}
    trend = data.metric_table(ctx.url, tier=ctx.tier, release_id=ctx.release_id, metric_id=m.id, offence_group=ctx.state.offence,
                              area="national", first_quarter=ctx.first_quarter, last_quarter=ctx.last_quarter,
                              grain="quarter")
    if trend.height:
        chart_block(title=f"{m.label}, England and Wales, by quarter", key=f"pillar-trend-{m.id}",
                    chart=vega.spec(trend_chart, trend, m, window=ctx.period), table=trend, caveat=m.caveat or None,
                    summary=f"{trend_summary(trend, m, ctx.group.label)} "
                            f"{window_summary(trend, ctx.period, 'quarter', m.unit)}", **common)
    fig = figures[m.id]
    comp = cmp.compare_forces(fig.by_force, fig.national, data.forces(ctx.url), m)
    words = cmp_words.position_summary(comp, m, ctx.group.label, ctx.period.label)
    if comp.kind is None:
        caveat(cmp_words.not_compared_reason(m) or "A median has no funnel plot: the grid marks a force "
               "above or below only when its 95% interval excludes the England and Wales median.")
    elif comp.frame["position"].drop_nulls().len() == 0:
        caveat(f"No funnel plot of {m.phrase} for {ctx.period.label}: no force, or no England and Wales "
               "figure, can be shown for it (too few cases). Choose a longer period or a broader offence group.")
    else:
        chart_block(title=f"{m.label} against its denominator, with 95% and 99.8% limits", key=f"pillar-funnel-{m.id}",
                    chart=vega.spec(funnel_chart, comp, m), summary=words, table=cmp.table(comp).filter(pl.col("value").is_not_null()),
                    caveat="Limits around the England and Wales value, as on the force comparison page; "
                           "forces not shown ([c]) are left out.", **common)
    rows = distribution(grid, m.id)
    if rows.height == 0:
        caveat(say.distribution_summary(rows, m, fig.national, grid["code"].n_unique()))
        return
    chart_block(title=f"{m.label}: the spread across forces, {ctx.period.label}", key=f"pillar-spread-{m.id}",
                chart=vega.spec(strip_chart, rows, m, fig.national.get("value")),
                summary=say.distribution_summary(rows, m, fig.national, grid["code"].n_unique()),
                table=rows.select(list(DOWNLOAD_COLUMNS)).rename(DOWNLOAD_COLUMNS).drop("metric"),
                caveat="One lane per position against England and Wales; the dashed line is England and Wales.",
                **common)
