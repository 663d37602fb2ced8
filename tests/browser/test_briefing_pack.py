"""The briefing pack opened from disk in Chromium: no request at all, every chart drawn, A4 print.

The file is written as ``rasso brief`` writes it (``reports.force_brief`` and ``reports.html``)
from the small synthetic release, opened as ``file://`` with every request the page makes
recorded (and refused), then each chart's SVG is checked for drawn marks and for ink in a
screenshot of it. A screenshot and a print to PDF go to ``screenshots/`` for a person to look at.
"""

from __future__ import annotations

import io
import re

import pytest

from db.releases import default_release
from helpers.browser import CHROMIUM, CHROMIUM_ARGS, SHOTS, need_axe, need_browser
from reports.force_brief import TREND_METRICS, brief_for, force_pack
from reports.html import SYNTHETIC_LABEL, render_html

pytestmark = [pytest.mark.browser, pytest.mark.slow]

INK = (0x12, 0x43, 0x6D)  # charts.palette.DARK_BLUE: the trend's line and points


def _write_pack(engine, folder):
    rel = default_release(engine)
    pack = force_pack(brief_for(engine, release_id=rel.id, force_code="E23000001", offence="all_sexual"))
    path = folder / "pack.html"
    path.write_text(render_html(pack), encoding="utf-8")
    return path, pack


def _inked(png: bytes) -> int:
    """Pixels within a small distance of the line colour: the trend really drew."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    return sum(1 for px in image.get_flattened_data() if sum(abs(a - b) for a, b in zip(px, INK, strict=True)) < 60)


def _open(playwright, url: str):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    page = browser.new_page(viewport={"width": 1000, "height": 1400})
    requests, errors = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def refuse_all_but_the_file(route):
        requests.append(route.request.url)
        if route.request.url == url:
            route.continue_()
        else:
            route.abort()

    page.route("**/*", refuse_all_but_the_file)
    page.goto(url, wait_until="load")
    return browser, page, requests, errors


def test_the_pack_opens_offline_and_draws_every_chart(small_db, tmp_path):
    need_browser()
    from playwright.sync_api import sync_playwright

    path, pack = _write_pack(small_db, tmp_path)
    url = path.as_uri()
    with sync_playwright() as p:
        browser, page, requests, errors = _open(p, url)
        try:
            assert requests == [url], f"the pack asked for more than itself: {requests[1:]}"
            assert errors == []
            svgs = page.locator("figure.chart svg")
            assert svgs.count() == pack.charts == len(TREND_METRICS)
            SHOTS.mkdir(exist_ok=True)
            charted = [s for s in pack.sections if s.chart is not None]
            for i, section in enumerate(charted):
                svg = svgs.nth(i)
                # one point per period with a figure (a hidden one has none), counted from its table
                shown = sum(1 for v in section.table["Value"].to_list() if not v.startswith("["))
                assert shown > 0 and svg.locator("g.mark-symbol.role-mark > path").count() == shown, section.title
                png = svg.screenshot(path=str(SHOTS / f"briefing-pack-chart-{i + 1}.png"))
                assert _inked(png) > 12 * shown, f"chart {i + 1} has almost no line or points"
            assert page.get_by_text(SYNTHETIC_LABEL).count() == 2
            page.screenshot(path=str(SHOTS / "briefing-pack.png"), full_page=True)
            _check_print(page, pack)
        finally:
            browser.close()


def _check_print(page, pack) -> None:
    """Printed: A4, each section after the headline figures on a page of its own."""
    page.emulate_media(media="print")
    breaks = page.eval_on_selector_all("section.report-section",
                                       "els => els.map(e => getComputedStyle(e).breakBefore)")
    assert breaks == ["auto"] + ["page"] * (len(pack.sections) - 1)
    pdf = page.pdf(format="A4", print_background=True)
    (SHOTS / "briefing-pack.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pdf.startswith(b"%PDF") and pages >= len(pack.sections)


def test_the_pack_passes_axe(small_db, tmp_path):
    need_browser()
    axe = need_axe()
    from playwright.sync_api import sync_playwright

    path, _ = _write_pack(small_db, tmp_path)
    with sync_playwright() as p:
        browser, page, _, _ = _open(p, path.as_uri())
        try:
            page.add_script_tag(content=axe)
            result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        finally:
            browser.close()
    serious = [(v["id"], v["impact"], len(v["nodes"])) for v in result["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == []
