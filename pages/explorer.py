"""Data explorer (/explorer): any measure by any dimensions, as a table, a chart and files.

Thin by design: read the table the address asks for, query it through the one explorer function
(the same one ``rasso export table`` calls, so the files are the same), hand it to the blocks.
"""

from __future__ import annotations

import streamlit as st

from analysis.explorer_state import parse_spec
from components import data
from components import explorer as block
from components.context import get_context
from components.controls import basis_control
from components.page_registry import METHODOLOGY
from metrics.errors import QueryError
from metrics.explorer_spec import BASIS_WORDS
from metrics.registry import METRICS
from reports.explorer_files import explorer_file

ctx = get_context()
spec, notices = parse_spec(ctx.own_params(), offence=ctx.state.offence, basis=ctx.state.basis, tier=ctx.tier)
try:
    explored = block.explore_or_widen(ctx.url, spec, ctx.release_id, notices)
    spec, failure = explored.spec, None
except QueryError as exc:
    explored, failure = None, str(exc)

st.title("Data explorer")
st.markdown(f"Build a table of {ctx.group.label.lower()} (the offence group in the sidebar) from release "
            f"{ctx.release_id}: choose a measure and how to break it down. The address names the table, so a "
            "link to this page is its citation.")
st.page_link(METHODOLOGY.path, label="Definitions of every measure and column, and the disclosure rules",
             icon=":material/menu_book:", query_params=ctx.params(METHODOLOGY.url_path))
for notice in notices:
    st.info(notice, icon=":material/info:")
block.sync_address(spec)

forces = data.forces(ctx.url)
areas = {"force": dict(zip(forces["code"], forces["name"], strict=True)),
         "region": {r: r for r in sorted(set(forces["region"]))},
         "nom_phase": {p: p.replace("_", " ") for p in sorted(set(forces["nom_phase"]))}}
groups = sorted(set(data.outcome_types(ctx.url)["ho_group"]))
block.controls(spec, quarters=(ctx.first_quarter, ctx.last_quarter), area_values=areas, outcome_groups=groups,
               available=[m.id for m in METRICS if not ctx.missing_reason(m)])
if spec.measure == "outcomes":
    basis_control(ctx.state, BASIS_WORDS, key="ex_basis")

if explored is None:
    st.warning(failure, icon=":material/warning:")
    st.stop()
file = explorer_file(explored, ctx.release, base_url=ctx.base_url)
block.table(explored)
block.downloads(file)
block.chart(explored)
block.reproduce(spec, ctx.release_id)
