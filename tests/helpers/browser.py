"""What the browser tests share: where Chromium is, how it is started, where axe-core is, and
why a browser test cannot run here (it skips with that reason, or fails under
``RASSO_REQUIRE_BROWSER=1``)."""

from __future__ import annotations

import os
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
