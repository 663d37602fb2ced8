"""The server as users meet it, inside ``rasso bench``: concurrent sessions, its memory, and a
real browser's wait and bytes per page, over the database the rest of the bench measured.

The parts are ``benchmarks.load_test`` (WebSocket sessions speaking Streamlit's protocol) and
``benchmarks.browser_timing`` (Chromium through Playwright); each still runs on its own too. The
browser runs twice: on a server started as ``make run`` starts it, once its pass over the pages
has finished (the targets are read from this one, with the time the pass took), and on a server
started cold (``streamlit run dashboard.py``), what a visitor meets just after a restart.
``--quick`` leaves this out: it starts servers and a browser, minutes rather than seconds.
"""

from __future__ import annotations

import importlib.util
import tempfile
from pathlib import Path

from benchmarks import browser_timing, load_report, load_test
from benchmarks.load_server import serve

SESSIONS, SECONDS = 20, 60
MEMORY_MB, DRAWN_S, SETTLED_S, PAGE_BYTES = 1536, 3.0, 1.0, 2 * 1024 * 1024
TEN = "10 concurrent sessions, every page visited"


def browser_missing() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "Playwright is not installed (pip install -r requirements-dev.txt)"
    if not Path(browser_timing.CHROMIUM).exists():
        return f"Chromium not found at {browser_timing.CHROMIUM} (apt-get install -y chromium)"
    return None


def measure_server(db_url: str, *, sessions: int = SESSIONS, seconds: float = SECONDS) -> dict:
    out = {"sessions": load_test.run(db_url, sessions, seconds, think=1.0, timeout=300)}
    if reason := browser_missing():
        out["browser"] = {"skipped": reason}
        return out
    with tempfile.TemporaryDirectory() as tmp, serve(db_url, Path(tmp) / "streamlit.log", warm_start=True) as server:
        out["warm_start"] = {"seconds": server.warm_s, "steps": server.warm_steps, "rss_mb": round(server.rss_mb())}
        out["browser"] = browser_timing.measure(server.url)
    with tempfile.TemporaryDirectory() as tmp, serve(db_url, Path(tmp) / "streamlit.log") as server:
        out["browser_cold"] = browser_timing.measure(server.url)
    return out


def targets(server: dict) -> list[dict]:
    memory = server["sessions"]["memory_mb"].get(TEN)
    found = [{"target": f"server memory under {MEMORY_MB / 1024:.1f} GB with 10 sessions",
              "figure": f"{memory:,} MB" if memory is not None else "not measured",
              "met": memory is not None and memory < MEMORY_MB}]
    browser = server["browser"]
    if "skipped" in browser:
        return found
    drawn = max(browser.items(), key=lambda kv: kv[1]["drawn_s"])
    change = max(browser.items(), key=lambda kv: kv[1]["change_s"])
    # the first address carries the app's scripts, fetched once per browser: the per-page bytes
    # target is for the data and maps a page sends, so it is read from the others
    later = list(browser.items())[1:] or list(browser.items())
    heavy = max(later, key=lambda kv: kv[1]["http_bytes"] + kv[1]["ws_bytes"])
    heavy_bytes = heavy[1]["http_bytes"] + heavy[1]["ws_bytes"]
    return found + [
        {"target": f"browser: every chart drawn under {DRAWN_S:.0f} s after navigation (server warmed at start)",
         "figure": f"slowest {drawn[1]['drawn_s']:.2f} s (`{drawn[0]}`)", "met": drawn[1]["drawn_s"] < DRAWN_S},
        {"target": f"browser: a filter change settled under {SETTLED_S:.0f} s",
         "figure": f"slowest {change[1]['change_s']:.2f} s (`{change[0]}`)", "met": change[1]["change_s"] < SETTLED_S},
        {"target": "under 2 MB sent per page, maps included (after the app's own scripts)",
         "figure": f"largest {heavy_bytes / 1024 / 1024:.2f} MB (`{heavy[0]}`)", "met": heavy_bytes < PAGE_BYTES},
    ]


def markdown(server: dict | None) -> list[str]:
    if server is None:
        return ["## Server: sessions, memory, browser", "",
                "Not measured with `--quick` (it starts servers and Chromium).", ""]
    lines = ["## Server: sessions, memory, browser", "", load_report.markdown(server["sessions"]), ""]
    if "skipped" in server["browser"]:
        lines += [f"Browser timings not measured: {server['browser']['skipped']}.", ""]
        return lines
    warm = server.get("warm_start")
    head = "Browser timings (Chromium, Playwright)"
    if warm:
        head += (f", server started as `make run` starts it: server start -> warm {warm['seconds']:.1f} s "
                 f"({warm['steps']}), {warm['rss_mb']:,} MB resident then; the browser navigated after it:")
    lines += [browser_timing.markdown(server["browser"], head if warm else head + ":"), ""]
    if "browser_cold" in server:
        lines += [browser_timing.markdown(server["browser_cold"], "The same on a server started cold "
                                          "(`streamlit run dashboard.py`: every first visit cold):"), ""]
    return lines
