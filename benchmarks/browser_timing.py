"""What a user waits for in a real browser: navigation -> every chart drawn, a filter change ->
settled, and the bytes each page costs (issue 14, item 2).

    python -m benchmarks.browser_timing --db sqlite:////tmp/load.sqlite [--warm-start] [--url http://...]

``measure(base_url, states)`` opens each address in Chromium (Playwright), one tab per address
in one browser context (so the app's scripts are fetched once, as a returning user has them),
and reports per address:

- ``drawn_s``: from ``goto`` until the server has finished the page's run and the browser has
  drawn every chart that run sent (a canvas with an area or an SVG with marks), with nothing
  running, stale or still loading (Streamlit's skeletons), the same for half a second;
- ``charts``: how many charts the run sent, read from the WebSocket messages themselves. The
  page alone cannot say: Streamlit's front end loads each element's code on first use and shows
  a skeleton meanwhile, and a quick run ends before its charts exist in the page (a first
  version, counting the page's charts once the running indicator had gone, timed
  ``/pillars?pillar=3`` at 1.2 s with no chart when its four charts drew at 3 s);
- ``change_s``: after choosing the next offence group in the sidebar, until settled again;
- ``http_bytes`` (encoded, as received) and ``ws_bytes`` (WebSocket message payloads), read
  through the Chrome DevTools Protocol, for the navigation and for the change.

With ``--db`` the server is started for the run: as ``streamlit run dashboard.py`` (every first
visit cold), or with ``--warm-start`` as ``make run`` starts it (``components.serve``): the
browser then navigates once the server's pass over the pages has finished, and the report says
how long that took from the server's start.
"""

from __future__ import annotations

import argparse
import base64
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

# The number of charts drawn when nothing is running, stale or loading, else false.
SETTLED_JS = """() => {
  if (!document.querySelector('h1')) return false;
  if (document.querySelector('[data-testid="stStatusWidget"], [data-testid="stSpinner"], '
                             + '[data-stale="true"], [data-testid="stSkeleton"]'))
    return false;
  return [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].filter(c => {
    const canvas = c.querySelector('.vega-embed canvas');
    if (canvas) return canvas.width > 0 && canvas.height > 0;
    const svg = c.querySelector('.vega-embed svg');
    return !!svg && svg.querySelectorAll('path, rect, circle, line, text').length > 0;
  }).length;
}"""


class Traffic:
    """What one tab received, from the DevTools protocol's network events: bytes, and from
    Streamlit's messages (``ForwardMsg``) the runs started, whether the last has finished and
    how many charts it sent."""

    def __init__(self, cdp):
        self.http = 0
        self.ws = 0
        self.runs = 0  # script runs started (a full rerun or a fragment's)
        self.finished = False  # the last run has ended (not cut short for a rerun)
        self._elements: dict[tuple[int, ...], bool] = {}  # delta path -> is a chart
        self._charts_by_hash: dict[str, bool] = {}  # messages the browser caches, sent again by hash
        cdp.on("Network.loadingFinished", self._http)
        cdp.on("Network.webSocketFrameReceived", self._frame)
        cdp.send("Network.enable")

    @property
    def charts(self) -> int:
        return sum(self._elements.values())

    def _http(self, event: dict) -> None:
        self.http += int(event.get("encodedDataLength", 0))

    def _frame(self, event: dict) -> None:
        response = event.get("response", {})
        data = response.get("payloadData", "")
        if response.get("opcode") != 2:
            self.ws += len(data.encode())
            return
        # binary frames (Streamlit's protobuf messages) come base64-encoded
        raw = base64.b64decode(data)
        self.ws += len(raw)
        self._message(raw)

    def _message(self, raw: bytes) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = ForwardMsg.FromString(raw)
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.runs += 1
            self.finished = False
            if not msg.metadata.run.fragment_ids:  # a full run redraws the page from scratch
                self._elements.clear()
        elif kind == "script_finished":
            self.finished = msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN
        elif kind in ("delta", "ref_hash"):
            if kind == "delta":
                chart = (msg.delta.WhichOneof("type") == "new_element"
                         and msg.delta.new_element.WhichOneof("type") == "vega_lite_chart")
                self._charts_by_hash[msg.hash] = chart
            else:
                chart = self._charts_by_hash.get(msg.ref_hash, False)
            self._elements[tuple(msg.metadata.delta_path)] = chart

    def take(self) -> tuple[int, int]:
        """The bytes since the last call."""
        taken = (self.http, self.ws)
        self.http = self.ws = 0
        return taken


def settle(page, traffic: Traffic, *, after_run: int = 0, timeout_s: float = 120,
           steady_s: float = 0.5) -> tuple[float, int]:
    """Wait until a run after the ``after_run``-th has finished on the server and the page has
    drawn every chart it sent, for ``steady_s``; returns when that first held (the monotonic
    clock) and the number of charts."""
    deadline = time.monotonic() + timeout_s
    since = None
    while time.monotonic() < deadline:
        drawn = page.evaluate(SETTLED_JS)  # network events are delivered during this call
        now = time.monotonic()
        if traffic.runs > after_run and traffic.finished and drawn is not False and drawn == traffic.charts:
            since = since or now
            if now - since >= steady_s:
                return since, drawn
        else:
            since = None
        page.wait_for_timeout(50)
    raise TimeoutError(f"the page did not settle within {timeout_s:.0f} s (runs {traffic.runs}, finished "
                       f"{traffic.finished}, charts sent {traffic.charts}, drawn {page.evaluate(SETTLED_JS)})")


def change_filter(page) -> None:
    """Choose the next option of the sidebar's first list (the offence group): a filter change
    that reruns the whole page (``settle(after_run=...)`` then waits for that run)."""
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")


def _one(context, base_url: str, path: str, query: str, pause_s: float = 0) -> dict:
    page = context.new_page()
    traffic = Traffic(context.new_cdp_session(page))
    start = time.monotonic()
    page.goto(f"{base_url}/{path}" + (f"?{query}" if query else ""), wait_until="domcontentloaded")
    drawn, charts = settle(page, traffic)
    http, ws = traffic.take()
    out = {"page": path, "query": query, "drawn_s": round(drawn - start, 2), "charts": charts,
           "http_bytes": http, "ws_bytes": ws}
    if pause_s:
        page.wait_for_timeout(pause_s * 1000)  # the user reads the page before changing the filter
    runs, start = traffic.runs, time.monotonic()
    change_filter(page)
    settled, _ = settle(page, traffic, after_run=runs)
    http, ws = traffic.take()
    out.update(change_s=round(settled - start, 2), change_http_bytes=http, change_ws_bytes=ws)
    page.close()
    return out


def measure(base_url: str, states=STATES, pause_s: float = 0) -> dict:
    """Per address (``"/path?query"``): navigation -> drawn, change -> settled, bytes; the
    change ``pause_s`` after the page settled (0: at once)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1600})
            return {f"/{path}?{query}": _one(context, base_url, path, query, pause_s) for path, query in states}
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
    parser.add_argument("--pause", type=float, default=0,
                        help="seconds a user reads each page before changing the filter (default 0)")
    parser.add_argument("--warm-start", action="store_true",
                        help="start the server as `make run` does and navigate once it is warm")
    parser.add_argument("--note", default="")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    if not (args.url or args.db):
        parser.error("give --db (or RASSO_DB_URL) or --url")
    started = ""
    if args.url:
        results = measure(args.url.rstrip("/"), pause_s=args.pause)
    else:
        with (tempfile.TemporaryDirectory() as tmp,
              serve(args.db, Path(tmp) / "streamlit.log", warm_start=args.warm_start) as server):
            if args.warm_start:
                started = (f" Server started as `make run` starts it (`components.serve`): server start -> warm "
                           f"{server.warm_s:.1f} s ({server.warm_steps}), load average then "
                           f"{os.getloadavg()[0]:.1f}, {server.rss_mb():.0f} MB resident; the browser navigated after it.")
            else:
                started = " Server started as `streamlit run dashboard.py`: every first visit cold."
            results = measure(server.url, pause_s=args.pause)
    meta = (f"`python -m benchmarks.browser_timing`, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
            f"Chromium headless, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
            f"{f', filter changed {args.pause:g} s after each page settled' if args.pause else ''}.{started} "
            f"{args.note}").strip()
    text = markdown(results, meta)
    print(text)
    if not args.no_write:
        write_section("Browser timings", text)
        JSON_OUT.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
