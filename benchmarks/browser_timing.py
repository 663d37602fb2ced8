"""What a user waits for in a real browser: navigation -> every chart drawn, a filter change ->
settled, and the bytes each page costs (issue 14, item 2).

    python -m benchmarks.browser_timing --db sqlite:////tmp/load.sqlite [--url http://...]

``measure(base_url, states)`` opens each address in Chromium (Playwright), one tab per address
in one browser context (so the app's scripts are fetched once, as a returning user has them),
and reports per address:

- ``drawn_s``: from ``goto`` until the app is idle (no running indicator, no spinner, no stale
  element) and every Vega chart has drawn (a canvas with an area or an SVG with marks), the
  same for half a second;
- ``change_s``: after choosing the next offence group in the sidebar, until settled again;
- ``http_bytes`` (encoded, as received) and ``ws_bytes`` (WebSocket message payloads), read
  through the Chrome DevTools Protocol, for the navigation and for the change.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import tempfile
import time
from pathlib import Path

from benchmarks.load_server import serve
from benchmarks.results import write_section

CHROMIUM = os.environ.get("RASSO_CHROMIUM", "/usr/bin/chromium")
# the one place for where Chromium is and its flags (the browser tests take them from here)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
STATES: tuple[tuple[str, str], ...] = (
    ("", ""), ("compare", "force=E23000005&offence=rape"), ("force", "force=E23000001"),
    ("force", "force=E23000034"), ("pillars", "pillar=3"), ("outcomes", ""),
    ("explorer", "measure=outcomes&by=force,year"), ("methodology", ""),
)
JSON_OUT = Path(__file__).with_name("browser_timing.json")

# True when the page is idle and every chart has drawn; returns the number of charts then.
SETTLED_JS = """() => {
  if (!document.querySelector('h1')) return false;
  if (document.querySelector('[data-testid="stStatusWidget"], [data-testid="stSpinner"], [data-stale="true"]'))
    return false;
  const charts = [...document.querySelectorAll('.vega-embed')];
  const drawn = charts.every(c => {
    const canvas = c.querySelector('canvas');
    if (canvas) return canvas.width > 0 && canvas.height > 0;
    const svg = c.querySelector('svg');
    return !!svg && svg.querySelectorAll('path, rect, circle, line, text').length > 0;
  });
  return drawn ? charts.length + 1 : false;
}"""


class Traffic:
    """Bytes received by one tab, from the DevTools protocol's network events."""

    def __init__(self, cdp):
        self.http = 0
        self.ws = 0
        cdp.on("Network.loadingFinished", self._http)
        cdp.on("Network.webSocketFrameReceived", self._frame)
        cdp.send("Network.enable")

    def _http(self, event: dict) -> None:
        self.http += int(event.get("encodedDataLength", 0))

    def _frame(self, event: dict) -> None:
        response = event.get("response", {})
        data = response.get("payloadData", "")
        # binary frames (Streamlit's protobuf messages) come base64-encoded
        self.ws += len(base64.b64decode(data)) if response.get("opcode") == 2 else len(data.encode())

    def take(self) -> tuple[int, int]:
        """The bytes since the last call."""
        taken = (self.http, self.ws)
        self.http = self.ws = 0
        return taken


def settle(page, timeout_s: float = 120, steady_s: float = 0.5) -> tuple[float, int]:
    """Wait until ``SETTLED_JS`` has held for ``steady_s``; returns when it first held (the
    monotonic clock) and the number of charts."""
    deadline = time.monotonic() + timeout_s
    since, charts = None, -1
    while time.monotonic() < deadline:
        found = page.evaluate(SETTLED_JS)
        now = time.monotonic()
        if found and found - 1 == charts:
            if now - since >= steady_s:
                return since, charts
        elif found:
            since, charts = now, found - 1
        else:
            since, charts = None, -1
        page.wait_for_timeout(50)
    raise TimeoutError(f"the page did not settle within {timeout_s:.0f} s")


def change_filter(page) -> None:
    """Choose the next option of the sidebar's first list (the offence group): a filter change
    that reruns the whole page."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    # the run starts: the running indicator or stale elements show (a run too quick to be seen
    # times out here, and settle() still checks the page)
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_selector('[data-testid="stStatusWidget"], [data-stale="true"]', state="attached",
                               timeout=5000)


def _one(context, base_url: str, path: str, query: str) -> dict:
    page = context.new_page()
    traffic = Traffic(context.new_cdp_session(page))
    start = time.monotonic()
    page.goto(f"{base_url}/{path}" + (f"?{query}" if query else ""), wait_until="domcontentloaded")
    drawn, charts = settle(page)
    http, ws = traffic.take()
    out = {"page": path, "query": query, "drawn_s": round(drawn - start, 2), "charts": charts,
           "http_bytes": http, "ws_bytes": ws}
    start = time.monotonic()
    change_filter(page)
    settled, _ = settle(page)
    http, ws = traffic.take()
    out.update(change_s=round(settled - start, 2), change_http_bytes=http, change_ws_bytes=ws)
    page.close()
    return out


def measure(base_url: str, states=STATES) -> dict:
    """Per address (``"/path?query"``): navigation -> drawn, change -> settled, bytes."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1600})
            return {f"/{path}?{query}": _one(context, base_url, path, query) for path, query in states}
        finally:
            browser.close()


def markdown(results: dict, meta: str) -> str:
    lines = [meta, "", "| Address | Navigation → all charts drawn (s) | Charts | Bytes: HTTP + WebSocket | "
             "Filter change → settled (s) | Bytes of the change |", "|---|---|---|---|---|---|"]
    for address, r in results.items():
        lines.append(f"| `{address}` | {r['drawn_s']:.2f} | {r['charts']} | "
                     f"{r['http_bytes'] / 1024:,.0f} KB + {r['ws_bytes'] / 1024:,.0f} KB | {r['change_s']:.2f} | "
                     f"{(r['change_http_bytes'] + r['change_ws_bytes']) / 1024:,.0f} KB |")
    lines += ["", "The first address's HTTP bytes include the app's scripts and styles, fetched once per "
              "browser; later tabs reuse them from the cache."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=os.environ.get("RASSO_DB_URL"), help="start a server over this database")
    parser.add_argument("--url", help="or measure a server already running at this address")
    parser.add_argument("--note", default="")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    if not (args.url or args.db):
        parser.error("give --db (or RASSO_DB_URL) or --url")
    if args.url:
        results = measure(args.url.rstrip("/"))
    else:
        with tempfile.TemporaryDirectory() as tmp, serve(args.db, Path(tmp) / "streamlit.log") as server:
            results = measure(server.url)
    meta = (f"`python -m benchmarks.browser_timing`, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
            f"Chromium headless, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}. {args.note}").strip()
    text = markdown(results, meta)
    print(text)
    if not args.no_write:
        write_section("Browser timings", text)
        JSON_OUT.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
