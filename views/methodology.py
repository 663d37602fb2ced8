"""Methodology and data (/methodology): generated from the metric registry and the releases table.

Nothing here is typed twice: definitions come from ``metrics.registry``, releases and checksums
from the database, disclosure rules from ``metrics.disclosure``, so this page cannot disagree
with the charts.
"""

from __future__ import annotations

import csv
import io
import json

import polars as pl
import streamlit as st

from components import data
from components.context import get_context
from components.url_state import to_params
from db.reference import MILESTONES, PHASE_LABELS, PILLARS
from metrics.disclosure import rules_text
from metrics.offence_groups import OFFENCE_GROUPS
from metrics.periods import quarter_label
from metrics.registry import AVAILABILITY_LABELS, BASIS_LABELS, DIRECTION_WORDS, METRICS

ATTRIBUTION = (
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0.  \n"
    "Contains OS data © Crown copyright and database right 2024.  \n"
    "Contains public sector information licensed under the Open Government Licence v3.0 "
    "(Home Office, Police recorded crime; ONS, Police force area data tables)."
)
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"

ctx = get_context()
pillar_names = {i: name for i, name, *_ in PILLARS}


def dictionary_rows() -> list[dict]:
    return [
        {"id": m.id, "label": m.label, "definition": m.definition, "numerator": m.numerator,
         "denominator": m.denominator, "unit": m.unit, "direction": DIRECTION_WORDS[m.direction],
         "basis": BASIS_LABELS[m.basis], "pillar": f"{m.pillar}. {pillar_names.get(m.pillar, '')}",
         "source": m.source, "availability": AVAILABILITY_LABELS[m.availability],
         "minimum_denominator": m.min_denominator, "caveat": m.caveat}
        for m in METRICS
    ]


def dictionary_csv() -> bytes:
    rows = dictionary_rows()
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


st.title("Methodology and data")
st.markdown(
    "How every figure in this dashboard is defined, where the data come from, how small numbers "
    "are protected and what to bear in mind when reading the charts."
)
st.page_link("views/overview.py", label="Back to the national overview", icon=":material/arrow_back:",
             query_params=to_params(ctx.state))

# --- Definitions ---------------------------------------------------------------------------
st.header("Measures and their definitions")
st.markdown("Grouped by National Operating Model pillar. Pillar numbering follows the order used "
            "in every public source; only pillar 4 is numbered explicitly in a source.")
for pillar_id, name, description, _note in PILLARS:
    st.subheader(f"Pillar {pillar_id}: {name}")
    st.caption(description)
    members = [m for m in METRICS if m.pillar == pillar_id]
    if not members:
        st.markdown("_No measure is defined for this pillar yet._")
    for m in members:
        lines = [
            f"**{m.label}** (`{m.id}`)",
            f"- Definition: {m.definition}",
            f"- Numerator: {m.numerator}",
            f"- Denominator: {m.denominator}",
            f"- Direction: {DIRECTION_WORDS[m.direction]}",
            f"- Basis: {BASIS_LABELS[m.basis]}",
            f"- Source: {m.source}",
            f"- Availability: {AVAILABILITY_LABELS[m.availability]}",
        ]
        if m.min_denominator:
            lines.append(f"- Not shown on fewer than {m.min_denominator} cases in the denominator")
        if m.caveat:
            lines.append(f"- Caveat: {m.caveat}")
        st.markdown("\n".join(lines))
st.download_button("Download the data dictionary (CSV)", data=dictionary_csv(),
                   file_name="rasso-data-dictionary.csv", mime="text/csv", key="download-dictionary",
                   icon=":material/download:")

st.subheader("Offence groups")
st.markdown("\n".join(f"- **{g.label}** (`{g.id}`): {g.definition}" for g in OFFENCE_GROUPS.values()))

st.subheader("Bases")
st.markdown("\n".join(f"- **{label}** (`{key}`)" for key, label in BASIS_LABELS.items()))

st.subheader("Statistics")
st.markdown(
    "- Proportions have 95% Wilson score intervals; rates per population and counts have exact "
    "Poisson intervals; medians have a distribution-free 95% interval.\n"
    "- A change on the previous 12 months is called statistically meaningful only when its 95% "
    "interval excludes no change: Newcombe's interval for a difference of proportions, an exact "
    "test for a ratio of counts or rates, and non-overlapping intervals for medians.\n"
    "- Before/after comparisons around National Operating Model milestones are descriptive and "
    "make no causal claim."
)
st.subheader("National Operating Model milestones")
st.markdown("\n".join(f"- {d:%d %B %Y}: {text}" for d, text in MILESTONES))
st.caption("Force phases: " + "; ".join(PHASE_LABELS.values()) + ". Only forces verified in a "
           "public source are labelled as early adopters.")

# --- Releases ------------------------------------------------------------------------------
st.header("Data releases loaded")
releases = data.releases(ctx.url)
if len(releases):
    shown = releases.with_columns(
        pl.col("first_quarter").map_elements(quarter_label, return_dtype=pl.String).alias("first quarter"),
        pl.col("last_quarter").map_elements(quarter_label, return_dtype=pl.String).alias("last quarter"),
        pl.col("row_counts").map_elements(
            lambda s: ", ".join(f"{k}: {v:,}" for k, v in json.loads(s or "{}").items()),
            return_dtype=pl.String).alias("rows"),
    ).select("id", "source", "label", "synthetic", "status", "created_at", "first quarter",
             "last quarter", "rows", "files")
    st.dataframe(shown, hide_index=True, width="stretch")
    st.caption("Files are listed with the first 12 characters of their SHA-256 checksum. The release "
               f"shown on the other pages is release {ctx.release_id}.")
else:
    st.markdown("_No releases are loaded._")

# --- Disclosure ----------------------------------------------------------------------------
st.header("Disclosure control")
rules = rules_text().splitlines()
st.markdown(f"**{rules[0]}**\n\n" + "\n".join(f"- {line}" for line in rules[1:] if line.strip()))

# --- Caveats -------------------------------------------------------------------------------
st.header("Caveats")
st.markdown(
    "- **Recording changes.** Rises in recorded sexual offences can reflect more reporting and "
    "better recording (after the 2014 HMICFRS inspection of crime recording and the National Crime "
    "Recording Standard), not only more offending. Counts dipped during the 2020 lockdowns. New "
    "offence codes (for example Online Safety Act offences from 2024) appear when the data do.\n"
    "- **Different cohorts between stages.** Offences recorded in a period and investigations "
    "closed in it are different groups of cases; police, CPS and courts count different units "
    "over different periods, so the stages do not describe one cohort.\n"
    "- **Outcomes take time.** Offences recorded recently are often still being investigated: "
    "'not yet assigned an outcome' is high for recent periods and shrinks as time passes.\n"
    "- **Timeliness.** Days to charge come from case-level records; the Home Office publishes them "
    "for Data Hub forces only.\n"
    "- **Synthetic data.** A release marked synthetic is generated for demonstration and testing. "
    "Its figures resemble published national magnitudes but are not official statistics and "
    "describe no real person or force."
)

# --- Force MI template -----------------------------------------------------------------------
try:
    from ingest import indicator_template_csv
except ImportError:  # the loader for force MI is not installed in this build
    indicator_template_csv = None
if indicator_template_csv is not None:
    st.header("Force management information")
    st.markdown("Pillar indicators that public data lack can be loaded from a force's own "
                "management information with this template (`rasso load indicators <file>`).")
    st.download_button("Download the indicator template (CSV)", data=indicator_template_csv(),
                       file_name="rasso-indicator-template.csv", mime="text/csv",
                       key="download-indicator-template", icon=":material/download:")

# --- Licence and accessibility -------------------------------------------------------------
st.header("Licence and attribution")
st.markdown(ATTRIBUTION)
st.markdown(f"Licence: [Open Government Licence v3.0]({OGL_URL}) (Crown copyright).")
st.markdown(f"**How to cite this view:** {ctx.citation()}")

st.header("Accessibility statement")
st.markdown(
    "We want as many people as possible to be able to use this dashboard.\n\n"
    "- Every chart has a summary in words and a data table generated from the same figures, and "
    "each table can be downloaded as CSV.\n"
    "- Colours come from the Government Analysis Function palette, chosen to be distinguishable "
    "with common colour-vision deficiencies; no meaning is carried by colour alone: changes are "
    "described in words and whether higher or lower is better is written out.\n"
    "- Every view is a plain web address, so it can be bookmarked, shared and opened with "
    "assistive technology; navigation and controls work with a keyboard.\n"
    "- Known limitations: chart tooltips need a pointer; the data tables carry the same "
    "information. Interactive charts are images to a screen reader, which reads their summary.\n\n"
    "If you find a problem, contact the team that runs this dashboard."
)
