"""The Streamlit configuration the product ships: loopback by default, XSRF and CORS protection
on, no static files, nothing extra on ``/_stcore/metrics``, no traceback for visitors.

Every option named must be one Streamlit knows (a misspelt option is ignored silently, which
would turn a protection off without anyone noticing), and its value must be the safe one.
"""

from __future__ import annotations

import tomllib

from streamlit import config as st_config

from helpers.paths import ROOT

CONFIG = ROOT / ".streamlit" / "config.toml"
SAFE = {
    "server.address": "127.0.0.1",
    "server.enableXsrfProtection": True,
    "server.enableCORS": True,
    "server.enableStaticServing": False,
    "server.enableExpensiveMemoryStats": False,
    "server.unsafeMetricsUserAttributes": [],
    "client.showErrorDetails": "none",
    "browser.gatherUsageStats": False,
}


def _options() -> dict[str, object]:
    parsed = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    return {f"{section}.{name}": value for section, values in parsed.items() for name, value in values.items()}


def test_every_option_is_one_streamlit_knows():
    known = set(st_config._config_options_template)
    assert set(_options()) <= known, set(_options()) - known


def test_the_security_options_have_their_safe_values():
    options = _options()
    assert {k: options.get(k) for k in SAFE} == SAFE

