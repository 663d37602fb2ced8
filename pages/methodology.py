"""Methodology and data (/methodology): generated from the metric registry and the releases table.

Nothing here is typed twice: definitions come from ``metrics.registry``, releases and checksums
from the database, disclosure rules from ``metrics.disclosure``, so this page cannot disagree
with the charts.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

import settings
from components import data
from components.chart_block import screen_citation
from components.context import get_context
from components.controls import sync_widget, widget_to_url
from components.page_registry import OVERVIEW
from components.reference import MILESTONES, PHASE_LABELS, PILLARS, indicator_template
from metrics.dictionary import column_rows, columns_csv, dictionary_csv
from metrics.disclosure import disclosure_threshold, rules_text
from metrics.markup import plain
from metrics.offence_groups import OFFENCE_GROUPS
from metrics.periods import quarter_label
from metrics.registry import AVAILABILITY_LABELS, BASIS_LABELS, DIRECTION_WORDS, METRICS
from metrics.stats import OVERDISPERSION_ALPHA
from words import peers as peer_words
from words.outcomes import outcomes_page_disclosure
from words.summaries import SYMBOL_WORDS

ATTRIBUTION = (
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0.  \n"
    "Contains OS data © Crown copyright and database right 2024.  \n"
    "Contains public sector information licensed under the Open Government Licence v3.0 "
    "(Home Office, Police recorded crime; ONS, Police force area data tables)."
)
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"

ctx = get_context()
pillar_names = {i: name for i, name, *_ in PILLARS}




def escape_brackets(text: str) -> str:
    """'[x] means…' at the start of a list item is a task-list checkbox in Markdown: escape it."""
    return text.replace("[", "\\[").replace("]", "\\]")


def cell(value) -> str:
    """A table cell of the product's own text shown as written: ``st.table`` reads cells as
    Markdown, so '*' and '_' in 'fy*10+quarter' must not turn into emphasis."""
    return "".join("\\" + c if c in "\\`*_[]<>#|~" else c for c in str(value))


def small_table(rows: list[dict], escape=cell) -> None:
    """A small text table that wraps long cells: ``st.dataframe`` cuts them off at 1400 px (its
    cells are one line), and a reader should not have to widen columns to read a definition."""
    st.table(pl.DataFrame([{k: escape(v) for k, v in r.items()} for r in rows]), hide_index=True)


def definition_markdown(m) -> str:
    """One measure's definition as a Markdown block: label, then each field on its own line."""
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
    return "\n".join(lines)


def span(first: int | None, last: int | None) -> str:
    return f"{quarter_label(first)} to {quarter_label(last)}" if first and last else "—"


st.title("Methodology and data")
st.markdown(
    "How every figure in this dashboard is defined, where the data come from, how small numbers "
    "are protected and what to bear in mind when reading the charts."
)
st.page_link(OVERVIEW.path, label="Back to the national overview", icon=":material/arrow_back:",
             query_params=ctx.params(OVERVIEW.url_path))

# --- Definitions ---------------------------------------------------------------------------
st.header("Measures and their definitions")
st.markdown("Grouped by National Operating Model pillar. Sources list the six pillars in the same "
            "order; only pillar 4 is numbered in a published source, so numbers 1–3, 5 and 6 "
            "follow that order.")
sync_widget("meth_pillar", ctx.state.pillar)
st.selectbox("Pillar", options=list(pillar_names), key="meth_pillar", index=None,
             placeholder="All pillars", format_func=lambda i: f"Pillar {i}: {pillar_names[i]}",
             on_change=widget_to_url, args=("pillar", "meth_pillar"),
             help="Show the measures of one pillar; clear the choice to see all six.")
shown_pillars = [p for p in PILLARS if ctx.state.pillar in (None, p[0])]
if ctx.state.pillar is not None:
    st.info(f"Showing pillar {ctx.state.pillar} only: {pillar_names[ctx.state.pillar]}. Clear the "
            "pillar choice above to see the measures of all six pillars.", icon=":material/filter_alt:")
for pillar_id, name, description, _note in shown_pillars:
    st.subheader(f"Pillar {pillar_id}: {name}")
    st.caption(description)
    members = [m for m in METRICS if m.pillar == pillar_id]
    if not members:
        st.markdown("_No measure is defined for this pillar yet._")
    for m in members:
        st.markdown(definition_markdown(m))
st.download_button("Download the data dictionary (CSV)", data=dictionary_csv(pillar_names),
                   file_name="rasso-data-dictionary.csv", mime="text/csv", key="download-dictionary",
                   icon=":material/download:")

st.subheader("Columns of the CSV downloads")
st.markdown("Tables on screen have plain headers; the downloaded files keep these machine names, "
            "so scripts that read them do not break when the wording changes. Each file loads "
            "with a plain pandas or polars `read_csv(path)`: number columns hold only numbers (empty "
            "where a figure is hidden), the symbol is in the `flag` column, and every row carries "
            "its release, data status, licence and citation. `rasso export metrics` writes the "
            "same columns (Excel files add a Notes sheet; Parquet files carry them as metadata).")
small_table([{"Column": r["column"], "Meaning": r["meaning"]} for r in column_rows()])
st.download_button("Download the column list (CSV)", data=columns_csv(),
                   file_name="rasso-csv-columns.csv", mime="text/csv", key="download-columns",
                   icon=":material/download:")

st.subheader("Offence groups")
st.markdown("\n".join(f"- **{g.label}** (`{g.id}`): {g.definition}" for g in OFFENCE_GROUPS.values()))

st.subheader("Bases")
st.markdown("\n".join(f"- **{label}** (`{key}`)" for key, label in BASIS_LABELS.items()))

st.subheader("Statistics")
st.markdown(
    "- Proportions have 95% Wilson score intervals; rates per population and counts have exact "
    "Poisson intervals; medians have a distribution-free 95% interval.\n"
    "- A change on the previous 12 months is tested by the measure's unit:\n"
    "    - percentages: called statistically meaningful when the 95% interval for the difference "
    "(Newcombe's method) does not include zero;\n"
    "    - rates per 1,000 residents and per investigator: called statistically meaningful when "
    "the exact 95% interval for the ratio of the two rates does not include one (no change);\n"
    "    - counts of recorded offences: the same exact interval for the ratio of the two counts; "
    "when it does not include one the change is called larger than chance year-to-year "
    "variation would explain, otherwise within the range expected by chance. A count is a full "
    "count, so this is not doubt about the count, and a rise can reflect more reporting and "
    "better recording;\n"
    "    - medians: called statistically meaningful when the two 95% intervals do not overlap.\n"
    "- A change that cannot be tested (a figure not shown, or a missing interval) is described "
    "without a judgement.\n"
    "- Before/after comparisons around National Operating Model milestones are descriptive and "
    "make no causal claim."
)
st.markdown(
    "**Funnel plots and over-dispersion.** Each force is compared with England and Wales on a funnel "
    "plot (Spiegelhalter 2005): limits at 95% and 99.8% from the exact binomial (percentages) or "
    "Poisson (rates) distribution around the England and Wales value. A force is called above or "
    "below a limit only when the exact probability of a figure that far out is below 2.5% (95%) or "
    "0.1% (99.8%) on that side, so a force at the England and Wales value, or one whose figure "
    "chance could easily produce (as near 0% or 100%), is never flagged. Forces also differ for "
    "reasons besides chance (case mix, recording practice). When the test for this extra variation "
    "('over-dispersion', the sum of squared Winsorised z-scores against chi-squared on one fewer "
    f"degrees of freedom than forces) is significant (p < {OVERDISPERSION_ALPHA:g}), the page says so "
    "and by default widens the limits by the square root of the estimated over-dispersion factor "
    "(the paper's multiplicative model), as Spiegelhalter recommends, so only forces that stand out "
    "from the wider spread are flagged; a switch shows the unadjusted limits, and the address "
    "records the choice (`od=1` adjusted, `od=0` unadjusted). When the test is not significant the "
    "unadjusted limits are used."
)
st.subheader("Peer sets")
st.markdown(peer_words.PEER_SETS_METHOD + "\n\n" + peer_words.SIMILAR_METHOD)
st.caption(peer_words.loaded_groups_line(data.loaded_peer_groups(ctx.url)))
st.subheader("National Operating Model milestones")
st.markdown("\n".join(f"- {d:%d %B %Y}: {text}" for d, text in MILESTONES))
st.caption("Force phases: " + "; ".join(PHASE_LABELS.values()) + ". Only forces verified in a "
           "public source are labelled as early adopters.")

# --- Releases ------------------------------------------------------------------------------
st.header("Data releases loaded")
releases = data.releases(ctx.url)
if len(releases):
    # What a reader looks for first (which data, synthetic or not, which quarters) comes first;
    # row counts and file checksums come last. A static table wraps them, so nothing is cut off.
    rows = [{
        "Release": r.id, "Description": r.label,
        "Synthetic": "Yes" if r.synthetic else "No",
        "Data span": span(r.first_quarter, r.last_quarter),
        "Status": r.status.capitalize(),
        "Loaded": f"{r.created_at:%Y-%m-%d %H:%M}",
        "Rows loaded": ", ".join(f"{k.replace('_', ' ')}: {v:,}" for k, v in r.row_counts.items()),
        "Files": "; ".join(r.files) or "—", "Source": r.source,
    } for r in releases]
    small_table(rows, escape=plain)  # release labels, file names: data
    st.caption("Files are listed with the first 12 characters of their SHA-256 checksum. The release "
               f"shown on the other pages is release {ctx.release_id}.")
else:
    st.markdown("_No releases are loaded._")

# --- Disclosure ----------------------------------------------------------------------------
st.header("Disclosure control")
rules = rules_text().splitlines()
st.markdown(f"**{rules[0]}**\n\n" + "\n".join(f"- {escape_brackets(line)}" for line in rules[1:]
                                                if line.strip()))
st.markdown("**On the outcomes and timeliness page**")
st.markdown("\n".join(f"- {escape_brackets(line)}" for line in outcomes_page_disclosure(disclosure_threshold())))
st.markdown("**Symbols used in tables, charts and downloads**")
st.table(pl.DataFrame({"Symbol": list(SYMBOL_WORDS),
                       "Meaning": [w[:1].upper() + w[1:] for w in SYMBOL_WORDS.values()]}))

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
template = indicator_template()  # None when this build has no loader for force MI
if template is not None:
    st.header("Force management information")
    st.markdown("Pillar indicators that public data lack can be loaded from a force's own "
                "management information with this template: fill it in, then load it with "
                "`rasso ingest indicators FILE`. It becomes a new release that holds indicators "
                "only, so the release shown for outcomes does not change.")
    st.download_button("Download the indicator template (CSV)", data=template,
                       file_name="rasso-indicator-template.csv", mime="text/csv",
                       key="download-indicator-template", icon=":material/download:")

# --- Licence and accessibility -------------------------------------------------------------
st.header("Licence and attribution")
st.markdown(ATTRIBUTION)
st.markdown(f"Licence: [Open Government Licence v3.0]({OGL_URL}) (Crown copyright).")
st.markdown(f"**How to cite this view:** {screen_citation(ctx.citation())}")



def _contact_sentence() -> str:
    """Who to contact, from ``RASSO_CONTACT``; never a promise of a contact that is not given."""
    who = settings.contact()
    if who is None:
        return ("This deployment has not named a contact. If you find a problem or need the "
                "information in another format, tell the team that runs this dashboard (whoever "
                "gave you its address).")
    link = f"[{who}](mailto:{who})" if "@" in who and not who.startswith("http") else f"[{who}]({who})"
    return ("If you find a problem or need the information in another format, contact the team "
            f"that runs this dashboard: {link}.")


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
    + _contact_sentence()
)
