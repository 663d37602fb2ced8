"""Sign-in end to end: a real Streamlit server, Chromium, and a local OpenID Connect provider.

The provider is ``oidc-provider-mock`` (PyPI), started in this process on loopback with two
predefined users; its authorize page lets the test pick a user or type any subject. The
dashboard is started with a temporary ``secrets.toml`` (``--secrets.files``) holding Streamlit's
``[auth]`` section pointing at the provider and ``[rasso.restricted]`` naming one group.
Checked as a person would see it: a public visitor sees hidden cells ([c]) and cannot reach the
restricted explorer dimensions by the address; the analyst signs in and sees the same table
unsuppressed and the restricted dimensions; signing out returns to public; a user the rule does
not name, once signed in, still sees the public tier. Everything started here is stopped and the
temporary folder removed by pytest.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from benchmarks.load_server import free_port
from helpers.browser import (
    browser_context,
    need_browser,
    streamlit_server,
    unavailable,
    wait_for_app,
)
from metrics.explorer_spec import DIMENSIONS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

GROUP = "rasso-analysts"
ANALYST = "analyst@force.police.uk"
FINE = {"measure": "outcomes", "by": "force,quarter,outcome_group"}  # the public tier hides cells of it
REFUSED = {"measure": "outcomes", "by": "national,year,offence_code", "tier": "restricted"}


@pytest.fixture(scope="module")
def provider():
    need_browser()
    try:
        import oidc_provider_mock as oidc
    except ImportError:
        unavailable("oidc-provider-mock is not installed (pip install -r requirements-dev.txt)")
    users = [oidc.User(sub="analyst", claims={"email": ANALYST, "email_verified": True, "groups": [GROUP]})]
    with oidc.run_server_in_thread(port=0, user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def app(provider, tmp_path_factory):
    from db.bootstrap import init_database
    from db.engine import make_engine
    from sample_data.load import load_sample

    folder = tmp_path_factory.mktemp("sign-in")
    db = folder / "rasso.sqlite"
    engine = make_engine(f"sqlite:///{db}")
    init_database(engine)
    load_sample(engine, cases=20_000, seed=5, last_quarter=20262)
    engine.dispose()
    port = free_port()
    secrets = folder / "secrets.toml"
    secrets.write_text(f"""
[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "a-test-cookie-secret-{port}"
client_id = "rasso-dashboard"
client_secret = "rasso-test-secret"
server_metadata_url = "{provider}/.well-known/openid-configuration"

[rasso.restricted]
claim = "groups"
claim_value = "{GROUP}"
""", encoding="utf-8")
    with streamlit_server(db, folder / "streamlit.log", port=port, args=("--secrets.files", str(secrets))) as url:
        yield url


@pytest.fixture(scope="module")
def browser_page(app):
    with browser_context() as context:
        yield context.new_page()


def _open(page, app: str, params: dict) -> None:
    page.goto(f"{app}/explorer?{urlencode(params)}", wait_until="domcontentloaded")
    wait_for_app(page)


def _tier_line(page) -> str:
    return page.get_by_text(re.compile(r"^Figures shown:")).inner_text()


def _shows_hidden_cells(page) -> bool:
    return page.get_by_text(re.compile(r"^Symbols:.*\[c\]")).count() > 0


def _offence_code_offered(page) -> bool:
    return page.get_by_text(DIMENSIONS["offence_code"].label, exact=True).count() > 0


def _shown_once(locator) -> None:
    """Waited for, not counted at once: the sidebar may still be drawing when the main column's
    table is already there."""
    from playwright.sync_api import expect  # imported where used: the tier skips without it

    expect(locator).to_have_count(1, timeout=30_000)


def _sign_in_offered(page) -> None:
    _shown_once(page.get_by_role("button", name="Sign in"))


def _sign_in(page, app: str, *, pick: str | None = None, typed: str | None = None) -> None:
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/oauth2/authorize"), timeout=30_000)
    if pick:
        page.get_by_role("button", name=pick, exact=True).click()
    else:
        page.locator("input[name=sub]").fill(typed or "")
        page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(re.compile(re.escape(app)), timeout=30_000)
    wait_for_app(page)


def _sign_out(page, app: str) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(lambda url: not url.startswith(app) or "auth" not in url, timeout=30_000)
    if page.get_by_role("button", name="End session").count():  # the provider's own logout page
        page.get_by_role("button", name="End session").click()
    page.wait_for_url(re.compile(re.escape(app)), timeout=30_000)
    wait_for_app(page)


def test_public_visitor_then_restricted_analyst_then_signed_out_then_unmapped_user(browser_page, app):
    page = browser_page
    _open(page, app, FINE)
    assert "public tier" in _tier_line(page)
    assert _shows_hidden_cells(page), "the public table shows [c] where it hides a count"
    _sign_in_offered(page)

    _open(page, app, REFUSED)  # restricted dimensions, and a tier key, by the address
    assert "public tier" in _tier_line(page)
    assert not _offence_code_offered(page)

    _sign_in(page, app, pick="analyst")
    _open(page, app, FINE)
    assert "restricted tier" in _tier_line(page)
    _shown_once(page.get_by_text(f"Signed in as {ANALYST}"))
    assert not _shows_hidden_cells(page), "the restricted table hides nothing"
    assert _offence_code_offered(page)

    _sign_out(page, app)
    _open(page, app, FINE)
    assert "public tier" in _tier_line(page)
    assert _shows_hidden_cells(page)
    _sign_in_offered(page)

    _sign_in(page, app, typed="someone@elsewhere.org")  # the provider gives only an e-mail claim
    _open(page, app, FINE)
    _shown_once(page.get_by_text("Signed in as someone@elsewhere.org (public tier)"))
    assert "public tier" in _tier_line(page)
    assert _shows_hidden_cells(page)
    _open(page, app, REFUSED)
    assert not _offence_code_offered(page)

