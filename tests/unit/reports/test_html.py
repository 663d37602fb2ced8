"""One self-contained HTML file from a hand-made pack (reports.html): nothing fetched, a drawn SVG
per chart, labels, captions and the attribution where a reader needs them."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import altair as alt
import pandas as pd
import polars as pl
import pytest

from charts.trend import trend_chart
from helpers.frames import quarters_frame
from metrics.registry import metric
from reports import Pack, Section
from reports.html import SYNTHETIC_LABEL, render_html

BARS = pd.DataFrame({"group": ["Charged", "Victim withdrew", "Evidential difficulties"], "share": [4.0, 41.0, 30.0]})


class _Document(HTMLParser):
    """Every start tag with its attributes, and the text inside each tag name asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[str] = []
        self.text: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self.stack.append(tag)

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop() != tag:
            pass

    def handle_data(self, data):
        if self.stack:
            self.text.setdefault(self.stack[-1], []).append(data)


def _parse(text: str) -> _Document:
    doc = _Document()
    doc.feed(text)
    return doc


def _pack(*, synthetic: bool = True, title: str = "Avon and Somerset: briefing") -> Pack:
    # clip=True makes Vega write a clip path with an id: two such charts must not share one
    bars = alt.Chart(BARS).mark_bar(clip=True).encode(x="group:N", y="share:Q")
    trend = trend_chart(quarters_frame(["", "", "[u]", "", "", ""], [3.0, 3.5, 2.0, 4.0, 4.5, 5.0]),
                        metric("charge_rate"))
    table = pl.DataFrame({"Period": ["2024-25 Q1", "2024-25 Q2"], "Value": ["3.1%", "[c]"]})
    return Pack(
        title=title, subtitle="Adult rape, 12 months to Sep 2026.", release_label="release 3, sample",
        tier="Public", synthetic=synthetic, narrative=["First sentence.", "Second sentence."],
        sections=[Section("Outcomes", "Most investigations ended with the victim withdrawing.", table, bars),
                  Section("Charge rate trend", "It rose.", table, trend, notes=["Caveat: small numbers."]),
                  Section("Clipped again", "The same bars.", table, bars),
                  Section("Not in this release", "Release 3 holds no case-level data.", pl.DataFrame())],
        citation="RASSO Outcomes Dashboard, release 3, cite me",
        attribution="Contains public sector information licensed under the Open Government Licence v3.0.")


@pytest.fixture(scope="module")
def rendered() -> str:
    return render_html(_pack())


def test_nothing_is_fetched(rendered):
    doc = _parse(rendered)
    references = [(tag, key, value) for tag, attrs in doc.tags for key, value in attrs.items()
                  if key in ("src", "href", "xlink:href", "srcset", "data", "action", "poster")]
    assert [r for r in references if not str(r[2]).startswith("#")] == []
    assert {tag for tag, _ in doc.tags}.isdisjoint({"script", "link", "img", "iframe", "object", "embed"})
    assert not re.search(r"@import|url\(\s*['\"]?(https?:)?//", rendered)
    # every internal link points at an element that exists
    ids = [attrs["id"] for _, attrs in doc.tags if attrs.get("id")]
    assert len(ids) == len(set(ids)), "duplicate ids: two charts would share a clip path"
    targets = {str(v)[1:] for _, _, v in references} | set(re.findall(r"url\(#([^)]+)\)", rendered))
    assert targets and targets <= set(ids)


def test_one_drawn_svg_per_chart_with_a_name(rendered):
    pack = _pack()
    svgs = re.findall(r"<svg\b.*?</svg>", rendered, flags=re.S)
    assert len(svgs) == pack.charts == 3
    for svg, section in zip(svgs, [s for s in pack.sections if s.chart is not None], strict=True):
        assert 'role="img"' in svg and f"<title>Chart: {section.title}." in svg
    # the bar charts draw one mark per bar, the trend a line and its points
    for svg in (svgs[0], svgs[2]):
        rects = re.search(r'class="mark-rect role-mark[^"]*"[^>]*>(.*?)</g>', svg, flags=re.S)
        assert rects and rects.group(1).count("<path") == len(BARS)
    assert 'class="mark-line role-mark' in svgs[1] and 'class="mark-symbol role-mark' in svgs[1]


def test_summary_beside_each_chart_and_each_table_captioned(rendered):
    doc = _parse(rendered)
    captions = doc.text["caption"]
    assert captions == ["Data: Outcomes", "Data: Charge rate trend", "Data: Clipped again"]
    assert rendered.count("<figcaption>") == 3
    for summary in ("Most investigations ended with the victim withdrawing.", "It rose.",
                    "Release 3 holds no case-level data."):
        assert summary in rendered
    headers = [attrs for tag, attrs in doc.tags if tag == "th"]
    assert headers and all(a.get("scope") == "col" for a in headers)
    assert '<td class="num">3.1%</td>' in rendered and '<td>2024-25 Q1</td>' in rendered
    assert [t for t in doc.text["h2"] if t not in ("Summary", "Contents")] == [
        "Outcomes", "Charge rate trend", "Clipped again", "Not in this release"]
    assert "Caveat: small numbers." in rendered


def test_synthetic_label_attribution_release_citation_tier(rendered):
    header, footer = rendered.split("<main>")[0], rendered.split("</main>")[1]
    for part in (header, footer):
        assert SYNTHETIC_LABEL in part
    assert "@bottom-left" in rendered  # on every printed page too
    assert "Open Government Licence v3.0" in footer and "cite me" in footer
    assert "release 3, sample" in header and "release 3, sample" in footer
    assert "Public" in header
    published = render_html(_pack(synthetic=False))
    assert SYNTHETIC_LABEL not in published and "@bottom-left" not in published
    assert "Open Government Licence v3.0" in published


def test_print_styles_and_escaping():
    text = render_html(_pack(title='Force <b>"A" & B</b>'))
    assert "<b>" not in text and "Force &lt;b&gt;&quot;A&quot; &amp; B&lt;/b&gt;" in text
    assert "size: A4" in text and "break-before: page" in text and "table-header-group" in text
    assert text.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in text
