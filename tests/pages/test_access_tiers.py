"""Access tiers in the app: public without sign-in, restricted only for a signed-in user the
configuration names, and nothing in the address switches the tier.

AppTest cannot sign in through a provider, so ``st.user`` is set as Streamlit's own test API
allows (``AppTest.user``) and ``.streamlit/secrets.toml`` is given as ``AppTest.secrets``; the
real sign-in is tested in a browser against a local OpenID Connect provider
(``tests/browser/test_sign_in.py``).
"""

from __future__ import annotations

import pytest

from components.page_registry import COMPARE, EXPLORER, OVERVIEW
from helpers.app import PAGES, assert_clean, open_app, texts
from metrics.explorer_spec import DIMENSIONS

AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "not-a-secret-for-tests",
        "client_id": "rasso", "client_secret": "rasso-secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
SECRETS = {"auth": AUTH, "rasso": {"restricted": {"emails": ["analyst@force.police.uk"],
                                                  "claim": "groups", "claim_value": "rasso-analysts"}}}
ANALYST = {"is_logged_in": True, "email": "analyst@force.police.uk", "email_verified": True}
OUTSIDER = {"is_logged_in": True, "email": "someone@elsewhere.org", "groups": ["staff"]}
# a table the public tier hides cells of ([c]) in the small release, and one it refuses outright
FINE = {"measure": "outcomes", "by": "force,quarter,outcome_group"}
REFUSED = {"measure": "outcomes", "by": "national,year,offence_code"}
# every address key one might try to switch the tier with
TIER_KEYS = {"tier": "restricted", "restricted": "1", "access": "restricted", "role": "restricted"}


def _tier_line(at) -> str:
    lines = [t for t in texts(at, "caption") if t.startswith("Figures shown:")]
    assert len(lines) == 1, lines
    return lines[0]


def _buttons(at) -> list[str]:
    return [b.label for b in at.sidebar.button]


def _hidden_symbols(at) -> bool:
    return any(t.startswith("Symbols:") and "[c]" in t for t in texts(at, "caption"))



def _one_backend(engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("one backend is enough: the tier comes from the signed-in user, the same code on both "
                    "(every page in the restricted tier runs on both)")

def test_without_sign_in_configured_every_visitor_is_public_with_no_sign_in_control(small_db, monkeypatch):
    _one_backend(small_db)
    at = open_app(monkeypatch, small_db, OVERVIEW.file, user=ANALYST)  # even a user Streamlit calls signed in
    assert_clean(at)
    assert "public tier" in _tier_line(at)
    assert not [b for b in _buttons(at) if "Sign" in b]
    citations = [t for t in texts(at, "caption") if "Cite as:" in t]
    assert citations and all("public tier" in t for t in citations)


@pytest.mark.parametrize("page", [OVERVIEW.file, COMPARE.file, EXPLORER.file])
def test_no_address_key_switches_the_tier(small_db, monkeypatch, page):
    _one_backend(small_db)
    at = open_app(monkeypatch, small_db, page, **TIER_KEYS, **(REFUSED if page == EXPLORER.file else {}))
    assert not at.exception
    assert "public tier" in _tier_line(at)
    if page == EXPLORER.file:
        assert DIMENSIONS["offence_code"].label not in at.radio(key="ex_offence").options
        assert at.radio(key="ex_offence").value != "offence_code"
        assert all("restricted" not in t for t in texts(at, "caption") if "tier;" in t)


def test_signed_out_with_sign_in_configured_is_public_and_offered_sign_in(small_db, monkeypatch):
    _one_backend(small_db)
    at = open_app(monkeypatch, small_db, EXPLORER.file, secrets=SECRETS, user={"is_logged_in": False}, **FINE)
    assert_clean(at)
    assert "public tier" in _tier_line(at)
    assert "Sign in" in _buttons(at)
    assert _hidden_symbols(at), "the public table hides small counts"


def test_a_mapped_user_sees_the_restricted_tier(small_db, monkeypatch):
    _one_backend(small_db)
    at = open_app(monkeypatch, small_db, EXPLORER.file, secrets=SECRETS, user=ANALYST, **FINE)
    assert_clean(at)
    assert "restricted tier" in _tier_line(at)
    assert "Sign out" in _buttons(at)
    assert any("analyst@force" in t and "restricted tier" in t for t in texts(at, "caption"))
    assert not _hidden_symbols(at), "the restricted table hides nothing"
    assert DIMENSIONS["offence_code"].label in at.radio(key="ex_offence").options
    assert DIMENSIONS["outcome_type"].label in at.radio(key="ex_outcome").options
    assert any("Cases" in o for o in at.selectbox(key="ex_measure").options)
    citations = [t for t in texts(at, "caption") if "Cite as:" in t]
    assert citations and all("restricted tier" in t for t in citations)


def test_a_mapped_user_gets_the_tables_the_public_tier_refuses(small_db, monkeypatch):
    _one_backend(small_db)
    public = open_app(monkeypatch, small_db, EXPLORER.file, secrets=SECRETS, user=OUTSIDER, **REFUSED)
    restricted = open_app(monkeypatch, small_db, EXPLORER.file, secrets=SECRETS, user=ANALYST, **REFUSED)
    assert "public tier" in _tier_line(public)
    assert public.radio(key="ex_offence").value != "offence_code"
    assert restricted.radio(key="ex_offence").value == "offence_code"
    case = open_app(monkeypatch, small_db, EXPLORER.file, secrets=SECRETS, user=ANALYST,
                    measure="cases", by="national,year,age_band")
    assert_clean(case)
    assert case.multiselect(key="ex_case").value == ["age_band"]


def test_a_signed_in_user_the_rule_does_not_name_stays_public(small_db, monkeypatch):
    _one_backend(small_db)
    at = open_app(monkeypatch, small_db, EXPLORER.file, secrets=SECRETS, user=OUTSIDER, **FINE, **TIER_KEYS)
    assert_clean(at)
    assert "public tier" in _tier_line(at)
    assert "Sign out" in _buttons(at)
    assert _hidden_symbols(at)


def test_the_force_profile_stays_public_for_a_restricted_user(small_db, monkeypatch):
    _one_backend(small_db)
    at = open_app(monkeypatch, small_db, "pages/force.py", secrets=SECRETS, user=ANALYST, force="E23000036")
    assert_clean(at)
    line = _tier_line(at)
    assert "public tier" in line and "public for everyone" in line


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_in_the_restricted_tier(small_db, monkeypatch, page):
    at = open_app(monkeypatch, small_db, page, secrets=SECRETS, user=ANALYST)
    assert_clean(at)
    expected = "public tier" if page == "pages/force.py" else "restricted tier"
    assert expected in _tier_line(at)
