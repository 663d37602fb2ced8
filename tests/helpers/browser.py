"""What the browser tests share: where Chromium is, how it is started, where axe-core is, why a
browser test cannot run here (it skips with that reason, or fails under
``RASSO_REQUIRE_BROWSER=1``), and a Streamlit server over a test database to open pages of."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

from benchmarks.browser_timing import CHROMIUM, CHROMIUM_ARGS
from benchmarks.load_server import serve
from helpers.paths import ROOT

REQUIRED = os.environ.get("RASSO_REQUIRE_BROWSER") == "1"
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


def unavailable(reason: str | None) -> None:
    """Skip the test with ``reason``, or fail it under ``RASSO_REQUIRE_BROWSER=1`` (CI), where a
    missing browser part must not pass silently; nothing when ``reason`` is None."""
    if reason:
        if REQUIRED:
            pytest.fail(f"RASSO_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)


def need_browser() -> None:
    """Skip or fail (``unavailable``) unless Playwright with Chromium can run here."""
    unavailable(browser_missing())


def need_axe() -> str:
    """axe-core's script, to inject into a page; skip or fail (``unavailable``) without it."""
    if not AXE.is_file():
        unavailable(f"axe-core not found at {AXE}: run `make test` (it installs axe-core from npm "
                    "under .cache/npm) or set RASSO_AXE_JS")
    return AXE.read_text(encoding="utf-8")


@contextmanager
def streamlit_server(db: Path, log_file: Path, *, port: int | None = None, args: tuple[str, ...] = ()):
    """``streamlit run dashboard.py`` over the SQLite file ``db`` (the one server starter,
    ``benchmarks.load_server.serve``); yields its address."""
    with serve(f"sqlite:///{db}", log_file, port=port, timeout=90, args=args) as server:
        yield server.url


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
