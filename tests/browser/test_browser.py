"""The real thing in a real browser: every page draws its charts and shows no exception.

Starts ``streamlit run dashboard.py`` against a prepared SQLite database, opens each page in
Debian's Chromium through Playwright, waits for the Vega charts, and checks from a screenshot of
each chart that it actually drew (pixels, not just an element). Screenshots go to
``screenshots/`` for a person to look at. Skipped, with the reason, when Chromium or Playwright
is missing, unless ``RASSO_REQUIRE_BROWSER=1`` (CI), where that is a failure.

Each page must also work offline (no request leaves the app's own origin: police networks and
air-gapped machines block the internet), log no console error, pass axe-core's automated
accessibility rules with no serious or critical violation (axe-core comes from npm: ``make
test`` installs it under ``.cache/npm``) and be usable from the keyboard.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from components import page_registry
from components.page_registry import COMPARE
from components.page_registry import PAGES as PAGE_REGISTRY
from db.reference import FORCES
from helpers.browser import (
    SHOTS,
    browser_context,
    need_axe,
    need_browser,
    streamlit_server,
    wait_for_app,
)
from helpers.testdb import SHARED_DATA

BOUNDARIES = SHARED_DATA / "PFA_DEC_2023_EW_BUC.geojson"  # RASSO_SHARED_DATA, as every test reads it
# (url path, file stem, minimum number of charts expected); /compare draws the real map only
# when boundaries are loaded (the fixture loads the ONS file when it is present)
PAGES = [("", "overview", 5), ("methodology", "methodology", 0),
         ("compare?force=E23000005&offence=rape", "compare", 5 if BOUNDARIES.is_file() else 4),
         ("?period=2015-16&grain=rolling", "overview-2015-16-rolling", 5),
         ("force?force=E23000036&offence=all_sexual&grain=rolling", "force", 2),
         ("outcomes?basis=recorded&offence=all_sexual&grain=year&force=E23000005&metric=median_days_to_outcome",
          "outcomes", 6),
         ("pillars?pillar=3&metric=isva_referral_rate", "pillars", 4)]
# Streamlit's own start-up, not the app: on a deep link (/compare) its front end first looks for
# the server under the page's path (/compare/_stcore/health), gets 404 and then finds it at /.
STREAMLIT_PROBE = re.compile(r"/[^/]+/_stcore/(health|host-config)$")

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def browser_ready():
    need_browser()


@pytest.fixture(scope="module")
def browser_db(browser_ready, tmp_path_factory) -> Path:
    """A small synthetic SQLite release (with the ONS boundaries when they are present)."""
    from db.bootstrap import init_database
    from db.engine import make_engine
    from sample_data.load import load_sample

    folder = tmp_path_factory.mktemp("browser")
    db = folder / "rasso.sqlite"
    engine = make_engine(f"sqlite:///{db}")
    init_database(engine)
    load_sample(engine, cases=60_000, seed=11, last_quarter=20262)
    if BOUNDARIES.is_file():
        from ingest import load

        load(engine, "boundaries", [BOUNDARIES])
    engine.dispose()
    return db


@pytest.fixture(scope="module")
def app_url(browser_db):
    """A Streamlit server on a free port over a small synthetic SQLite release."""
    with streamlit_server(browser_db, browser_db.parent / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def page_factory(app_url):
    with browser_context() as context:
        yield context


def drawn_fraction(png: bytes) -> float:
    """Share of pixels that are not (near-)white: a blank chart scores close to zero."""
    from PIL import Image

    histogram = Image.open(io.BytesIO(png)).convert("L").histogram()  # 256 grey levels
    return sum(histogram[:235]) / max(1, sum(histogram))


def _same_origin(url: str, app_url: str) -> bool:
    """A request the app serves itself (or that never leaves the browser: data:, blob:)."""
    return url.startswith((app_url + "/", "data:", "blob:", "about:")) or url == app_url


def watch(page, app_url: str) -> tuple[list[str], list[str]]:
    """Record every request that leaves the app's origin and every console error."""
    offsite: list[str] = []
    console: list[str] = []
    page.on("request", lambda r: None if _same_origin(r.url, app_url) else offsite.append(r.url))

    def on_console(message) -> None:
        where = (message.location or {}).get("url", "")
        if message.type == "error" and not (
                "404" in message.text and STREAMLIT_PROBE.search(where.split("?")[0])):
            console.append(f"{message.text[:300]} ({where})")

    page.on("console", on_console)
    return offsite, console


@pytest.mark.parametrize(("path", "stem", "min_charts"), PAGES)
def test_page_draws_its_charts(page_factory, app_url, path, stem, min_charts):
    SHOTS.mkdir(exist_ok=True)
    page = page_factory.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    offsite, console = watch(page, app_url)
    page.goto(f"{app_url}/{path}", wait_until="domcontentloaded")
    wait_for_app(page)

    page.screenshot(path=str(SHOTS / f"{stem}-top.png"))
    charts = page.locator("[data-testid='stVegaLiteChart']")
    if min_charts:
        charts.first.wait_for(state="visible", timeout=60_000)
        page.wait_for_function(
            f"() => document.querySelectorAll(\"[data-testid='stVegaLiteChart'] canvas, "
            f"[data-testid='stVegaLiteChart'] svg.marks\").length >= {min_charts}",
            timeout=60_000)
    assert charts.count() >= min_charts

    for i in range(charts.count()):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        png = chart.screenshot(path=str(SHOTS / f"{stem}-chart-{i + 1}.png"))
        fraction = drawn_fraction(png)
        assert fraction > 0.02, f"chart {i + 1} on /{path} looks blank ({fraction:.1%} drawn)"
        if stem == "compare" and i < 2:
            # a map: about a quarter of its frame is land or tiles; an outer ring drawn the
            # wrong way round fills the whole frame (the globe minus the force) instead
            assert 0.03 < fraction < 0.7, f"map {i + 1} on /{path}: {fraction:.1%} drawn"

    page.screenshot(path=str(SHOTS / f"{stem}-end.png"))
    assert page.locator("[data-testid='stException']").count() == 0, page.inner_text("body")[:2000]
    body = page.inner_text("body")
    assert "Synthetic data" in body
    if stem == "methodology":
        # drawn as text, not as Markdown task-list checkboxes
        assert "[x] means the figure is not available" in body
        for symbol in ("[x]", "[c]", "[z]", "[u]"):
            assert symbol in body, symbol
        assert page.locator("[data-testid='stMain'] input[type='checkbox']").count() == 0
    assert not errors, errors
    # works offline: the favicon, fonts and icons all come from the app itself
    assert not offsite, f"/{path} fetched from off the app's origin: {offsite}"
    # and the charts draw cleanly (a one-value size scale once logged ~184 Vega 'MNaN' errors)
    assert not console, f"/{path} logged console errors: {console[:5]} ({len(console)} in all)"
    page.close()


@pytest.fixture(scope="module")
def axe_source() -> str:
    return need_axe()


@pytest.mark.parametrize(("path", "stem", "min_charts"), PAGES)
def test_page_passes_axe_with_no_serious_violation(page_factory, app_url, axe_source, path, stem,
                                                   min_charts):
    page = page_factory.new_page()
    page.goto(f"{app_url}/{path}", wait_until="domcontentloaded")
    wait_for_app(page)
    if min_charts:
        page.wait_for_function(
            f"() => document.querySelectorAll(\"[data-testid='stVegaLiteChart'] canvas, "
            f"[data-testid='stVegaLiteChart'] svg.marks\").length >= {min_charts}", timeout=60_000)
    page.add_script_tag(content=axe_source)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    assert result["testEngine"]["version"].startswith("4.")
    bad = [f"{v['impact']} {v['id']}: {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
           for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, f"/{path}: " + "; ".join(bad)
    # every chart's accessible name is short (its title): the summary is the text beside it,
    # not repeated on each toolbar button
    labels = page.eval_on_selector_all("button[aria-label]", "nodes => nodes.map(n => n.getAttribute('aria-label'))")
    assert any(label.startswith("Fullscreen") for label in labels) or not min_charts
    long = [label for label in labels if len(label) > 160]
    assert not long, f"/{path}: {len(long)} aria-labels over 160 characters, e.g. {long[0][:200]}"
    page.close()


def _focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        return {tag: e.tagName, text: (e.innerText || '').trim().slice(0, 80),
                label: e.getAttribute('aria-label') || '', testid: e.dataset.testid || '',
                sidebar: !!e.closest('[data-testid=stSidebar]'), main: !!e.closest('[data-testid=stMain]')}; }""")


def test_keyboard_reaches_a_skip_link_then_the_controls_before_the_content(page_factory, app_url):
    page = page_factory.new_page()
    page.goto(f"{app_url}/compare?force=E23000005&offence=rape", wait_until="domcontentloaded")
    wait_for_app(page)
    page.keyboard.press("Tab")
    first = _focused(page)
    assert first["tag"] == "A" and "skip to main content" in first["text"].lower(), first
    # the global controls come before anything in the main area
    stops = []
    for _ in range(15):
        page.keyboard.press("Tab")
        stops.append(_focused(page))
        if stops[-1]["label"] == "Data release":
            break
    assert stops[-1]["label"] == "Data release", [s["label"] or s["text"] for s in stops]
    assert not any(s["main"] for s in stops), [s["label"] or s["text"] for s in stops]
    assert {"Offence group", "Period"} <= {s["label"] for s in stops}
    # and the skip link works: from the top, Tab then Enter moves focus to the main content
    page.reload(wait_until="domcontentloaded")
    wait_for_app(page)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    after = _focused(page)
    assert after["main"] and not after["sidebar"], after
    page.close()


def test_deep_link_with_a_hostile_value_shows_a_notice(page_factory, app_url):
    page = page_factory.new_page()
    page.goto(f"{app_url}/methodology?offence=rape&force=%3Cscript%3Ealert(1)%3C/script%3E",
              wait_until="domcontentloaded")
    wait_for_app(page)
    body = page.inner_text("body")
    assert "Methodology and data" in body
    assert "Ignored force" in body
    assert page.locator("[data-testid='stException']").count() == 0
    # the valid value survives and the hostile one has left the address
    assert "offence=rape" in page.url and "script" not in page.url
    page.screenshot(path=str(SHOTS / "deep-link-notice.png"), full_page=False)
    page.close()


def test_links_between_pages_carry_the_state(page_factory, app_url):
    page = page_factory.new_page()
    page.goto(f"{app_url}/?offence=child_rape&period=2024-25", wait_until="domcontentloaded")
    wait_for_app(page)
    page.locator("[data-testid='stSidebar'] a", has_text="Methodology and data").click()
    page.wait_for_url("**/methodology**", timeout=30_000)
    wait_for_app(page)
    assert "offence=child_rape" in page.url and "period=2024-25" in page.url
    assert page.locator("[data-testid='stException']").count() == 0
    # and back again, by the link in the page body
    page.locator("[data-testid='stMain'] a", has_text="Back to the national overview").click()
    page.wait_for_function("() => document.querySelector('h1')?.innerText.includes('child rape')",
                           timeout=60_000)
    assert "offence=child_rape" in page.url
    page.close()


def test_a_fresh_servers_first_request_can_be_a_deep_link(page_factory, browser_db, tmp_path):
    """With ``pages/`` beside dashboard.py, Streamlit 1.67 starts in its legacy multipage mode:
    a fresh server's first request for /compare runs pages/compare.py without dashboard.py.
    The page reroutes through dashboard.py, so the view has its force, group, sidebar and
    banner, and the address keeps the query string."""
    with streamlit_server(browser_db, tmp_path / "streamlit.log") as fresh:  # nothing has asked it yet
        page = page_factory.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        elsewhere: list[str] = []  # the guard's own run once fetched its material icon from Google
        page.on("request", lambda r: None if r.url.startswith((fresh, "data:", "blob:"))
                else elsewhere.append(r.url))
        page.goto(f"{fresh}/{COMPARE.url_path}?force=E23000036&offence=rape",
                  wait_until="domcontentloaded")
        wait_for_app(page)
        assert page.locator("h1").first.inner_text() == "Force comparison: all rape"
        # a fresh server draws the real map from a cold cache: wait for the panel under the maps
        page.wait_for_function("() => document.querySelector(\"[data-testid='stMain']\")"
                               "?.innerText.includes('Selected: Avon and Somerset')", timeout=90_000)
        main = page.locator("[data-testid='stMain']").inner_text()
        assert "Selected: Avon and Somerset" in main
        assert "Synthetic data" in main
        sidebar = page.locator("[data-testid='stSidebar']").inner_text()
        assert "Offence group" in sidebar and "Data release" in sidebar
        for registered in PAGE_REGISTRY:
            assert registered.title in sidebar
        assert "force=E23000036" in page.url and "offence=rape" in page.url
        assert page.url.startswith(f"{fresh}/{COMPARE.url_path}?")
        assert page.locator("[data-testid='stException']").count() == 0
        assert "no data context" not in page.inner_text("body")
        assert not errors, errors
        assert not elsewhere, elsewhere
        page.close()


_CELL_EXTENT = """(el) => {
    const cells = [...el.querySelectorAll('td, th')];
    return {cells: cells.length, right: Math.max(...cells.map(c => c.getBoundingClientRect().right)),
            box: el.getBoundingClientRect().right, overflow: el.scrollWidth - el.clientWidth};
}"""


@pytest.mark.parametrize("text", ["Empty where hidden or not available; the reason is in the flag column",
                                  "Rows loaded"])
def test_methodology_text_tables_wrap_at_1400_px(page_factory, app_url, text):
    """The column list and the releases table once cut long text off on the right
    ('Empty where hidden or not a…'): their text is in the page, wrapped inside the table."""
    page = page_factory.new_page()
    page.goto(f"{app_url}/methodology", wait_until="domcontentloaded")
    wait_for_app(page)
    table = page.locator("[data-testid='stTable']", has_text=text)
    # the page may still be drawing its later sections on a busy machine: wait for the table itself
    table.first.wait_for(state="attached", timeout=60_000)
    assert table.count() == 1, f"no text table shows {text!r}"
    table.scroll_into_view_if_needed()
    extent = table.evaluate(_CELL_EXTENT)
    assert extent["cells"] > 2
    assert extent["right"] <= extent["box"] + 1, extent  # no cell runs past the table
    assert extent["overflow"] <= 1 and extent["box"] <= 1400, extent  # and no sideways scrolling
    page.close()


# rolling years (a key /compare keeps for the next page) give a small sample enough cases per point;
# recorded offences per 1,000: most of a force's rolling years are shown even in the small sample.
# Greater Manchester is selected before the click: back must bring that selection back.
CLICK_FROM = f"{COMPARE.url_path}?offence=all_sexual&metric=recorded_per_1000&grain=rolling&force=E23000005"
SELECTED_BEFORE = "Selected: Greater Manchester"


def _open_compare_selected(page, app_url: str) -> str:
    """/compare with Greater Manchester selected; the address it settles on (the app writes every key)."""
    page.goto(f"{app_url}/{CLICK_FROM}", wait_until="domcontentloaded")
    wait_for_app(page)
    panel = page.locator(".st-key-force-panel h3").first
    panel.wait_for(timeout=60_000)  # the panel sits under the maps: drawn after them
    assert panel.inner_text() == SELECTED_BEFORE
    return page.url


def _assert_profile_of_a_clicked_force(page, before: str) -> str:
    """The page is a force's profile (not the selected one) with /compare's other keys; its code."""
    page.wait_for_url("**/force?**", timeout=60_000)
    wait_for_app(page)
    query, start = parse_qs(urlparse(page.url).query), parse_qs(urlparse(before).query)
    names = {f.code: f.name for f in FORCES}
    assert query["force"][0] in names and query["force"] != start["force"]
    for key in ("offence", "grain", "metric", "period", "release"):  # the other keys kept
        assert query[key] == start[key], key
    assert page.locator("h1").first.inner_text() == f"{names[query['force'][0]]}: force profile"
    return query["force"][0]


def _assert_back_on_compare_as_it_was(page, before: str, history_before: int) -> None:
    """Back from the profile is /compare at the address and selection it had before the click,
    after one entry per page (no extra entry holding the clicked force on /compare's path)."""
    assert page.evaluate("history.length") == history_before + 1
    page.go_back()
    page.wait_for_url("**/compare?**", timeout=60_000)
    wait_for_app(page)
    assert page.url == before
    assert page.locator("h1").first.inner_text().startswith("Force comparison")
    panel = page.locator(".st-key-force-panel h3").first
    panel.wait_for(timeout=60_000)
    assert panel.inner_text() == SELECTED_BEFORE  # the selection it had, not the force clicked
    assert page.locator("[data-testid='stException']").count() == 0


@pytest.mark.parametrize("chart_key", ["tile-map", "geo-map"])
def test_clicking_a_force_on_a_map_opens_its_profile_and_back_returns(page_factory, app_url, chart_key):
    if chart_key == "geo-map" and not BOUNDARIES.is_file():
        pytest.skip(f"the real map needs the ONS boundaries at {BOUNDARIES}")
    page = page_factory.new_page()
    before = _open_compare_selected(page, app_url)
    history_before = page.evaluate("history.length")
    chart = page.locator(f".st-key-chart-{chart_key} [data-testid='stVegaLiteChart']")
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    box = chart.bounding_box()
    # the middle of either map is a force (the Midlands), not the sea or a gap between tiles
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.45)
    _assert_profile_of_a_clicked_force(page, before)
    spc = page.locator(".st-key-chart-spc [data-testid='stVegaLiteChart']")
    spc.wait_for(state="visible", timeout=60_000)
    spc.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    png = spc.screenshot(path=str(SHOTS / f"force-from-{chart_key}-spc.png"))
    assert drawn_fraction(png) > 0.02, "the SPC chart looks blank"
    panel = page.locator(".st-key-chart-before-after [data-testid='stVegaLiteChart']")
    if panel.count():
        panel.scroll_into_view_if_needed()
        assert drawn_fraction(panel.screenshot()) > 0.02, "the before/after panel looks blank"
    _assert_back_on_compare_as_it_was(page, before, history_before)
    page.close()


def test_clicking_a_force_in_the_ranked_plot_opens_its_profile_and_back_returns(page_factory, app_url):
    """The ranked plot's points are links too: a click on the top force's point opens its profile."""
    page = page_factory.new_page()
    before = _open_compare_selected(page, app_url)
    history_before = page.evaluate("history.length")
    chart = page.locator(".st-key-chart-ranked [data-testid='stVegaLiteChart']")
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    # Vega draws the plot as SVG and labels each point with its fields: Avon and Somerset's point
    # (neither the selected force nor one of its North West peers, so no ring lies over it)
    point = chart.locator("g.mark-symbol path[aria-label*='shown_name: Avon and Somerset;']")
    assert point.count() == 1
    point.click()
    assert _assert_profile_of_a_clicked_force(page, before) == "E23000036"
    _assert_back_on_compare_as_it_was(page, before, history_before)
    page.close()


def test_the_pillars_grid_links_each_force_to_its_profile(page_factory, app_url):
    """Each row of the grid is a link to that force's profile keeping the address's keys, and
    following it opens that force (in a new tab)."""
    page = page_factory.new_page()
    page.goto(f"{app_url}/pillars?pillar=3&offence=rape", wait_until="domcontentloaded")
    wait_for_app(page)
    links = page.locator("[data-testid='stMain'] a[href^='force?']")
    assert links.count() == 43
    link = page.locator("[data-testid='stMain'] a[href^='force?']", has_text="Avon and Somerset")
    href = link.get_attribute("href")
    assert "force=E23000036" in href and "offence=rape" in href and "pillar=3" in href
    link.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "pillars-grid-links.png"))
    # Streamlit opens a Markdown link in a new tab, leaving the grid where it was
    assert link.get_attribute("target") == "_blank"
    with page.context.expect_page() as opened:
        link.click()
    profile = opened.value
    profile.wait_for_url(f"**/{page_registry.FORCE.url_path}?**", timeout=30_000)
    wait_for_app(profile)
    assert "force=E23000036" in profile.url
    assert profile.locator("h1").first.inner_text() == "Avon and Somerset: force profile"
    assert profile.locator("[data-testid='stException']").count() == 0
    page.close()
