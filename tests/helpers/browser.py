"""What the browser tests share: where Chromium is, how it is started, where axe-core is, why a
browser test cannot run here (it skips with that reason, or fails under
``RASSO_REQUIRE_BROWSER=1``), and a Streamlit server over a test database to open pages of."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from helpers.paths import ROOT

CHROMIUM = os.environ.get("RASSO_CHROMIUM", "/usr/bin/chromium")
REQUIRED = os.environ.get("RASSO_REQUIRE_BROWSER") == "1"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
AXE = Path(os.environ.get("RASSO_AXE_JS", ROOT / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"))
SHOTS = ROOT / "screenshots"  # for a person to look at (ignored by git)


def browser_missing() -> str | None:
    """Why Playwright with Chromium cannot run here, or None when it can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install playwright)"
    if not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_health(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:  # noqa: S310 - the URL is the loopback server this helper started
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"streamlit did not answer at {url} within {timeout} s")


@contextmanager
def streamlit_server(db: Path, log_file: Path, *, port: int | None = None, args: tuple[str, ...] = ()):
    """``streamlit run dashboard.py`` on ``port`` (default a free one) over ``db``, with more
    command-line ``args`` (``--secrets.files``); yields its address."""
    port = port or free_port()
    env = {**os.environ, "RASSO_DB_URL": f"sqlite:///{db}"}
    log = open(log_file, "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(  # noqa: S603 - argv: this Python running streamlit on the checkout's dashboard, no shell
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"),
         "--server.port", str(port), "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", *args],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def wait_for_app(page, timeout_ms: int = 90_000) -> None:
    # Streamlit shows a running indicator while the script runs; wait until the title is drawn
    # and the app has been idle for a moment.
    page.wait_for_selector("h1", timeout=timeout_ms)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout_ms)
    page.wait_for_timeout(1500)


@contextmanager
def browser_context(**options):
    """A Chromium context at the size every browser test looks at pages (1400 x 1600), closed
    with its browser on the way out; ``options`` go to ``new_context`` (e.g. accept_downloads)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1600}, **options)
        try:
            yield context
        finally:
            context.close()
            browser.close()
