"""The data explorer's blocks: the choices (bound to the address), the table, its chart, files.

Each widget starts from the spec the address gave (``analysis.explorer_state``) and a change
writes the whole table's keys back (``metrics.explorer_spec.spec_params``), so the address is
always the table's citation and back/forward and bookmarks work.
"""

from __future__ import annotations

import functools
from dataclasses import replace

import streamlit as st

from analysis.explorer_state import KEYS, changed_keys
from charts.explorer import explorer_chart, plot_frame
from components import data, vega
from components.chart_block import SUMMARY_PREFIX, screen_citation, symbols_legend
from components.controls import sync_widget
from metrics.disclosure import PUBLIC
from metrics.errors import QueryError
from metrics.explorer_spec import COUNT_MEASURES, DIMENSIONS, TableSpec, spec_params
from metrics.periods import quarter_label, quarters_between
from metrics.registry import METRICS
from queries.explorer import Explored
from reports.explorer_files import ExplorerFile
from words import explorer as say

PAGE_ROWS = 1_000
MIME = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "parquet": "application/vnd.apache.parquet"}
FORMAT_NAMES = {"csv": "CSV", "xlsx": "Excel", "parquet": "Parquet"}
NONE = "none"
OUTCOME_MEASURES = ("outcomes", "cases")  # the measures an outcome group or type splits
CASE_DIMS = tuple(d for d, dim in DIMENSIONS.items() if dim.kind == "case")  # restricted tier only
KINDS = {"area": ("Area", ("national", "region", "nom_phase", "force"), "national"),
         "period": ("Period", (NONE, "quarter", "year", "rolling"), "year"),
         "offence": ("Offence", (NONE, "offence_group", "offence_code"), NONE),
         "outcome": ("Outcome", (NONE, "outcome_group", "outcome_type"), "outcome_group")}


def _key(name: str) -> str:
    return f"ex_{name}"


def write_spec(spec: TableSpec) -> None:
    """Replace the explorer's keys in the address with the spec's (other keys stay)."""
    for key in KEYS:
        if key in st.query_params:
            del st.query_params[key]
    for key, value in spec_params(spec).items():
        if key in KEYS:
            st.query_params[key] = value


def sync_address(spec: TableSpec) -> None:
    """Write the table shown into the address when it does not name it already (a bare /explorer,
    or a value the page replaced), so the address is always the table's citation."""
    wanted = {k: v if isinstance(v, list) else [v] for k, v in spec_params(spec).items() if k in KEYS}
    current = {k: st.query_params.get_all(k) for k in KEYS if k in st.query_params}
    if current != wanted:
        write_spec(spec)


def explore_or_widen(url: str, spec: TableSpec, release_id: int, notices: list[str]) -> Explored:
    """The table the address asks for. Where the release cannot give it as asked (a span outside its
    data, a filter value it does not hold: only the data tell, so ``parse_spec`` cannot), the same
    table without the span or the filters, and a notice naming the keys left out, as for any bad
    value in the address. A QueryError no widening cures (too large a table) is raised."""
    try:
        return data.explore(url, spec, release_id)
    except QueryError as exc:
        first = exc
    wider = (replace(spec, start=None, end=None), replace(spec, filters=()),
             replace(spec, start=None, end=None, filters=()))
    for candidate in dict.fromkeys(w for w in wider if w != spec):
        try:
            explored = data.explore(url, candidate, release_id)
        except QueryError:
            continue
        notices.append(f"{changed_keys(spec_params(spec), spec_params(candidate))}: {str(first).rstrip('.')}. "
                       "Showing the table without that part of the address.")
        return explored
    raise first


def _from_widgets(spec: TableSpec) -> None:
    """on_change: the table the widgets now describe, into the address. A filter is kept only while
    its dimension is; a new measure keeps only the dimensions it can be cut by."""
    s = st.session_state
    measure = s[_key("measure")]
    chosen = {kind: s.get(_key(kind), NONE) for kind in KINDS}
    if measure not in OUTCOME_MEASURES:
        chosen["outcome"] = NONE
    if measure not in COUNT_MEASURES and chosen["area"] in ("region", "nom_phase"):
        chosen["area"] = "national"
    case = s.get(_key("case"), [d for d in spec.by if DIMENSIONS[d].kind == "case"]) if measure == "cases" else []
    by = [d for d in chosen.values() if d != NONE] + [d for d in CASE_DIMS if d in case]
    filters = []
    if chosen["area"] == spec.area != "national" and (values := s.get(_key("only_area"))):
        filters.append((spec.area, tuple(values)))
    if chosen["outcome"] == spec.dimension("outcome") == "outcome_group" and (values := s.get(_key("only_outcome"))):
        filters.append(("outcome_group", tuple(values)))
    start, end = s.get(_key("from")), s.get(_key("to"))
    first, last = s.get(_key("bounds"), (None, None))
    write_spec(replace(spec, measure=measure, by=tuple(by), start=None if start == first else start,
                       end=None if end == last else end, filters=tuple(filters)))


def controls(spec: TableSpec, *, quarters: tuple[int, int], area_values: dict[str, dict[str, str]],
             outcome_groups: list[str], available: list[str]) -> None:
    """The choices: measure, one dimension of each kind, the span and two filters."""
    # case-level records (the 'cases' measure) only in the restricted tier: they are never published
    measures = {**{k: v for k, v in COUNT_MEASURES.items() if k != "cases" or spec.tier != PUBLIC},
                **{m.id: f"{m.label} (metric)" for m in METRICS if m.id in available}}
    sync_widget(_key("measure"), spec.measure if spec.measure in measures else "outcomes")
    st.selectbox("Measure", list(measures), format_func=measures.get, key=_key("measure"),
                 on_change=_from_widgets, args=(spec,),
                 help="A count (outcomes assigned, offences recorded) or any metric of the registry.")
    cols = st.columns(4)
    for col, (kind, (label, options, _default)) in zip(cols, KINDS.items(), strict=True):
        if kind == "outcome" and spec.measure not in OUTCOME_MEASURES:
            continue
        offered = [d for d in options if d == NONE or DIMENSIONS[d].public or spec.tier != PUBLIC]
        offered = [d for d in offered if not spec.is_metric or d in (NONE, "national", "force", *KINDS["period"][1],
                                                                     "offence_group")]
        sync_widget(_key(kind), spec.dimension(kind) or NONE)
        col.radio(label, offered, key=_key(kind), on_change=_from_widgets, args=(spec,),
                  format_func=_option_label(kind))
    if spec.tier != PUBLIC and spec.measure == "cases":
        sync_widget(_key("case"), [d for d in spec.by if d in CASE_DIMS])
        st.multiselect("Case-level breakdown (restricted tier)", list(CASE_DIMS), key=_key("case"),
                       format_func=lambda d: DIMENSIONS[d].label, on_change=_from_widgets, args=(spec,),
                       placeholder="Not split")
    if spec.tier == PUBLIC:
        st.caption("Single offence codes, single outcome types and case-level breakdowns (victim age band, sex, "
                   "relationship) need the restricted tier: the public release is protected over offence and "
                   "outcome groups, and a finer table would give hidden counts back.")
    _span_and_filters(spec, quarters, area_values, outcome_groups)


def _option_label(kind: str):
    def label(d: str) -> str:
        if d == NONE:
            return "Whole span" if kind == "period" else "Not split"
        return DIMENSIONS[d].label
    return label


def _span_and_filters(spec: TableSpec, quarters: tuple[int, int], area_values: dict[str, dict[str, str]],
                      outcome_groups: list[str]) -> None:
    labels = [quarter_label(q) for q in quarters_between(*quarters)]
    st.session_state[_key("bounds")] = (labels[0], labels[-1])
    start, end = spec.span()
    chosen = (quarter_label(start.first) if start else labels[0], quarter_label(end.last) if end else labels[-1])
    left, right = st.columns(2)
    for col, name, value, words in ((left, "from", chosen[0], "First"), (right, "to", chosen[1], "Last")):
        sync_widget(_key(name), value if value in labels else labels[0 if name == "from" else -1])
        col.selectbox(f"{words} quarter", labels, key=_key(name), on_change=_from_widgets, args=(spec,),
                      help="The table covers the quarters from the first to the last (a year or 12 months "
                           "only where all four of its quarters are inside).")
    values = area_values.get(spec.area, {})
    kept = dict(spec.filters)
    if values:
        sync_widget(_key("only_area"), [v for v in kept.get(spec.area, ()) if v in values])
        st.multiselect(f"Only these ({DIMENSIONS[spec.area].label.lower()})", list(values), format_func=values.get,
                       key=_key("only_area"), on_change=_from_widgets, args=(spec,), placeholder="All")
    outcome = spec.dimension("outcome")
    if outcome == "outcome_group":
        sync_widget(_key("only_outcome"), [v for v in kept.get(outcome, ()) if v in outcome_groups])
        st.multiselect("Only these outcome groups", outcome_groups, key=_key("only_outcome"),
                       on_change=_from_widgets, args=(spec,), placeholder="All")


def table(explored: Explored) -> None:
    """The rows, paged, with their count, the symbols and advice when most are hidden."""
    spec, rows = explored.spec, explored.table
    st.subheader(say.describe(spec))
    st.caption(f"{explored.span_label}; {spec.tier} tier; release {explored.release_id}. {say.row_count(rows)}.")
    if advice := say.mostly_hidden_advice(spec, explored.hidden_share):
        st.warning(advice, icon=":material/visibility_off:")
    pages = max(1, -(-rows.height // PAGE_ROWS))
    page = st.number_input(f"Page (of {pages}, {PAGE_ROWS:,} rows each)", 1, pages, 1, key=_key("page")) \
        if pages > 1 else 1
    shown = rows.slice((page - 1) * PAGE_ROWS, PAGE_ROWS)
    st.dataframe(say.screen_table(shown, spec), hide_index=True, width="stretch")
    if legend := symbols_legend(rows):
        st.caption(legend + " In the files a hidden number is empty, with its symbol in the `flag` column.")


def chart(explored: Explored) -> None:
    """A line over time or bars across categories, where one fits the table; else why not."""
    value = "value" if explored.spec.is_metric else "count"
    fit = plot_frame(explored.table, value)
    if fit is None:
        st.caption("No chart: the table has too many lines or bars to draw readably (at most 8 lines over time or "
                   "50 bars); the table above is the view.")
        return
    frame, kind = fit
    title = say.describe(explored.spec)
    with st.container(border=True, key="chart-explorer"):
        vega.show(vega.spec(explorer_chart, frame, kind, value=value, y_title=say.value_title(explored.spec),
                            title=title), title=title)
        st.markdown(f"{SUMMARY_PREFIX} {say.chart_summary(frame, kind, value)} The table above holds every figure.")


def downloads(file: ExplorerFile) -> None:
    """Exactly the rows shown, in three formats, each carrying its citation and dictionary."""
    cols = st.columns(3)
    for col, fmt in zip(cols, ("csv", "xlsx", "parquet"), strict=True):
        # Written when clicked: writing the Excel file of a 2,000-row table on every rerun took
        # two thirds of a warm run of this page. No rerun on the click: one raced the deferred
        # file, and a browser test saw the download never start.
        col.download_button(f"Download ({FORMAT_NAMES[fmt]})", data=functools.partial(file.data, fmt),
                            file_name=file.name(fmt), on_click="ignore",
                            mime=MIME[fmt], key=f"download-explorer-{fmt}", icon=":material/download:")
    st.caption("Each file holds exactly the rows above. CSV: the release, data status, licence and citation are "
               "columns of every row. Excel: a 'Dictionary' sheet (every column, the symbols, the measure) and a "
               "'Citation' sheet. Parquet: the same in the file's key-value metadata (`rasso:citation`, "
               "`rasso:dictionary`).  \nCite as: " + screen_citation(file.meta.citation))


def reproduce(spec: TableSpec, release_id: int) -> None:
    with st.expander("Reproduce this table"):
        st.markdown("From the command line (the CSV it writes is byte for byte the CSV download):")
        st.code(say.command_line(spec, release_id), language="bash")
        st.markdown("In Python, as a Polars frame:")
        st.code(say.polars_snippet(spec, release_id), language="python")

