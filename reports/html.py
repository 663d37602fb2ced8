"""A ``Pack`` as ONE self-contained HTML file: no scripts, no fonts, images or styles fetched.

Why this shape: a briefing pack is e-mailed, opened on a locked-down laptop with no network and
printed. So every chart is drawn here, in Python, to inline SVG (``vl-convert``, with every
external URL refused), the styles are inline, and the print styles lay it out on A4 with each
section on its own page. Accessibility carries over from the pages: headings in order, each
chart an image with a name and its summary in words beside it, and its data as a captioned table.
"""

from __future__ import annotations

import html
import re
from itertools import count

import altair as alt
import polars as pl
import vl_convert as vlc

from reports.pack import Pack, Section

CHART_WIDTH = 640  # px: the plot's width inside an A4 page's margins (the SVG scales to fit)
SYNTHETIC_LABEL = ("SYNTHETIC DATA: generated for demonstration and testing. These are not official "
                   "statistics and describe no real person or force.")
SUMMARY_PREFIX = "In words."
_MARGIN_FONT = "font-family: Arial, Helvetica, sans-serif;"  # page margin boxes do not inherit the body's

CSS = """
:root { color: #0b0c0c; background: #fff; }
body { font-family: Arial, "Helvetica Neue", Helvetica, sans-serif; font-size: 11pt; line-height: 1.4;
       max-width: 190mm; margin: 0 auto; padding: 12px 16px; }
h1 { font-size: 20pt; margin: 0.2em 0; } h2 { font-size: 15pt; margin: 0.4em 0 0.3em; }
.subtitle { font-size: 12pt; margin: 0 0 0.6em; }
.synthetic { border: 3px solid #0b0c0c; background: #fff4d6; padding: 6px 10px; font-weight: bold; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0.6em 0; }
dl.facts dt { font-weight: bold; } dl.facts dd { margin: 0; }
.narrative p { margin: 0.3em 0; }
figure { margin: 0.6em 0; } figure svg { max-width: 100%; height: auto; display: block; }
figcaption, .summary { margin: 0.4em 0; } .summary strong { font-weight: bold; }
.note { font-size: 9.5pt; border-left: 3px solid #505a5f; padding-left: 6px; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; margin: 0.5em 0; }
caption { text-align: left; font-weight: bold; padding: 4px 0; caption-side: top; }
th, td { border: 1px solid #b1b4b6; padding: 2px 5px; text-align: left; vertical-align: top; }
thead th { background: #f3f2f1; }
td:first-child { min-width: 6em; }  /* long names (a pillar, an outcome group) wrap: a table never runs off the page */
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
footer { border-top: 2px solid #0b0c0c; margin-top: 1.2em; padding-top: 0.4em; font-size: 9.5pt; }
@page { size: A4; margin: 14mm 12mm 16mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  section.report-section + section.report-section { break-before: page; }
  figure, tr, .summary, .note { break-inside: avoid; }
  h2 { break-after: avoid; }
  thead { display: table-header-group; }
  nav.contents { display: none; }  /* links without page numbers: no use on paper */
}
"""
_NUMBER = re.compile(r"^[-+−]?[0-9][0-9,]*(?:\.[0-9]+)?(?:%| |$)")
_SYMBOL = re.compile(r"^\[[a-z]\]$")
_PERIOD = re.compile(r"^[0-9]{4}-[0-9]{2}")
_ID = re.compile(r'\bid="([^"]+)"')
_VEGA_ARIA = re.compile(r' (?:role="graphics-[a-z-]+"|aria-roledescription="[^"]*"|aria-label="[^"]*")')


def esc(text: object) -> str:
    """Text for HTML, with quotes escaped (it is used in attributes too)."""
    return html.escape("" if text is None else str(text), quote=True)


def chart_svg(chart: alt.TopLevelMixin, *, label: str, prefix: str = "c") -> str:
    """The chart drawn to an inline SVG element, named for assistive technology.

    A chart that fills its container on screen is given a fixed width (a file has no container).
    ``allowed_base_urls=[]``: vl-convert may fetch nothing while drawing. Element ids get
    ``prefix`` so that two charts in one document never point at each other's clip paths. The
    chart's summary in words sits beside it, so the image needs only its name.
    """
    spec = chart.to_dict()
    if spec.get("width") == "container":
        spec["width"] = CHART_WIDTH
    svg = vlc.vegalite_to_svg(spec, vl_version=_vl_version(spec), allowed_base_urls=[])
    ids = set(_ID.findall(svg))
    for name in sorted(ids, key=len, reverse=True):
        svg = (svg.replace(f'id="{name}"', f'id="{prefix}-{name}"')
               .replace(f"url(#{name})", f"url(#{prefix}-{name})")
               .replace(f'href="#{name}"', f'href="#{prefix}-{name}"'))
    svg = svg[svg.index("<svg"):]  # no XML declaration inside HTML
    svg = _VEGA_ARIA.sub("", svg)  # Vega's roles on each mark group name nothing: one named image
    return svg.replace("<svg ", f'<svg role="img" aria-label="{esc(label)}" ', 1).replace(
        ">", f"><title>{esc(label)}</title>", 1)


def _vl_version(spec: dict) -> str | None:
    """The Vega-Lite version Altair wrote the spec for, as vl-convert names it ('6.4')."""
    found = re.search(r"/v(\d+)\.(\d+)", spec.get("$schema", ""))
    if not found:
        return None
    wanted = f"{found.group(1)}.{found.group(2)}"
    known = vlc.get_vegalite_versions()
    return wanted if wanted in known else known[-1]


def table_html(table: pl.DataFrame, caption: str) -> str:
    """The rows as a captioned table: column headers scoped, numbers right-aligned, every cell
    shown as the text it holds (hidden figures carry their symbol)."""
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in table.columns)
    opens = ['<td class="num">' if _numeric(table[c]) else "<td>" for c in table.columns]
    rows = []
    for row in table.iter_rows():
        cells = "".join(f"{td}{esc(v)}</td>" for v, td in zip(row, opens, strict=True))
        rows.append(f"<tr>{cells}</tr>")
    body = "".join(rows) or f'<tr><td colspan="{max(1, table.width)}">No rows.</td></tr>'
    return f"<table><caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _numeric(column: pl.Series) -> bool:
    """A column of figures (and symbols in place of hidden ones), right-aligned; periods are not."""
    texts = [str(v) for v in column.to_list() if v not in (None, "")]
    return any(_NUMBER.match(t) for t in texts) and all(
        (_NUMBER.match(t) and not _PERIOD.match(t)) or _SYMBOL.match(t) for t in texts)


def section_html(section: Section, number: int) -> str:
    """One section: heading, chart (inline SVG) with its summary as the figure's caption, or
    the summary alone, then notes and the data table."""
    anchor = f"section-{number}"
    parts = [f'<section class="report-section" id="{anchor}" aria-labelledby="{anchor}-h">',
             f'<h2 id="{anchor}-h">{esc(section.title)}</h2>']
    summary = f'<p class="summary"><strong>{SUMMARY_PREFIX}</strong> {esc(section.summary)}</p>'
    table = table_html(section.table, f"Data: {section.title}") if section.table.width else ""
    notes = [f'<p class="note">{esc(note)}</p>' for note in section.notes]
    if section.chart is not None:
        svg = chart_svg(section.chart, label=f"Chart: {section.title}. The summary in words follows it.",
                        prefix=anchor)
        parts += [f'<figure class="chart">{svg}<figcaption>{summary}</figcaption></figure>', *notes, table]
    else:  # a table alone: the figures first (what a reader turns to), then the same in words
        parts += [table, summary, *notes]
    parts.append("</section>")
    return "\n".join(parts)


def _header(pack: Pack) -> str:
    facts = [("Release", pack.release_label), ("Tier", pack.tier)]
    if pack.generated:
        facts.append(("Made", pack.generated))
    rows = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in facts)
    banner = f'<p class="synthetic" role="note">{esc(SYNTHETIC_LABEL)}</p>' if pack.synthetic else ""
    return (f"<header>{banner}<h1>{esc(pack.title)}</h1>"
            f'<p class="subtitle">{esc(pack.subtitle)}</p><dl class="facts">{rows}</dl></header>')


def _contents(pack: Pack) -> str:
    items = "".join(f'<li><a href="#section-{i}">{esc(s.title)}</a></li>'
                    for i, s in enumerate(pack.sections, start=1))
    return f'<nav class="contents" aria-label="Contents"><h2>Contents</h2><ol>{items}</ol></nav>' if items else ""


def _footer(pack: Pack) -> str:
    banner = f'<p class="synthetic">{esc(SYNTHETIC_LABEL)}</p>' if pack.synthetic else ""
    return (f"<footer>{banner}<p><strong>Release:</strong> {esc(pack.release_label)}. "
            f"<strong>Tier:</strong> {esc(pack.tier)}.</p>"
            f'<p class="citation"><strong>Cite as:</strong> {esc(pack.citation)}</p>'
            f'<p class="attribution">{esc(pack.attribution)}</p></footer>')


def render_html(pack: Pack) -> str:
    """The whole pack as one HTML document (a string); write it with UTF-8."""
    ids = count(1)
    sections = "\n".join(section_html(s, next(ids)) for s in pack.sections)
    narrative = "".join(f"<p>{esc(p)}</p>" for p in pack.narrative)
    summary = (f'<section class="narrative" aria-labelledby="narrative-h"><h2 id="narrative-h">Summary</h2>'
               f"{narrative}</section>") if narrative else ""
    page_footer = (f'@page {{ @bottom-left {{ content: "{_css_text(SYNTHETIC_LABEL[:14])}"; font-weight: bold; {_MARGIN_FONT} }} }}'
                   if pack.synthetic else "")
    page_footer += '@page { @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8pt; ' + _MARGIN_FONT + " } }"
    return ("<!DOCTYPE html>\n"
            '<html lang="en-GB"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(pack.title)}</title><style>{CSS}{page_footer}</style></head>\n"
            f"<body>{_header(pack)}{summary}{_contents(pack)}<main>\n{sections}\n</main>{_footer(pack)}"
            "</body></html>\n")


def _css_text(text: str) -> str:
    """A string for a CSS ``content`` value."""
    return text.replace("\\", "\\\\").replace('"', '\\"')
