"""Sign-in and the tier it gives: Streamlit's OpenID Connect login, and the sidebar's account line.

The tier is decided here once per run from two things only: whether sign-in is configured
(an ``[auth]`` section in ``.streamlit/secrets.toml``) and who ``st.user`` says is signed in,
judged by ``analysis.access`` against ``[rasso.restricted]`` in the same file. Nothing in the
address takes part, so no link can switch a visitor to the restricted tier. Without ``[auth]``
the dashboard is public only and shows no sign-in control at all (a button that could only
fail would be a broken control).

```toml
[auth]
redirect_uri = "https://dash.example/oauth2callback"
cookie_secret = "a long random string"
client_id = "..."
client_secret = "..."
server_metadata_url = "https://idp.example/.well-known/openid-configuration"

[rasso.restricted]
emails = ["analyst@force.police.uk"]
domains = ["soteria.police.uk"]
claim = "groups"
claim_value = "rasso-analysts"
```
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

import streamlit as st

from analysis.access import parse_rule, tier_for, who
from metrics.disclosure import PUBLIC, RESTRICTED

log = logging.getLogger("rasso.auth")

TIER_WORDS = {PUBLIC: "public tier: disclosure control applied, small numbers hidden",
              RESTRICTED: "restricted tier: unsuppressed figures, not for publication"}


@dataclass(frozen=True)
class Access:
    """Who is looking and what they may see, for this run."""

    tier: str = PUBLIC
    offered: bool = False  # sign-in is configured, so the sidebar offers it
    signed_in: bool = False
    name: str = ""
    providers: tuple[str | None, ...] = field(default=())  # None: the [auth] section's own provider


def _section(*path: str) -> Mapping | None:
    """A section of ``st.secrets`` (``None`` when there is no secrets file or no such section)."""
    try:
        node: object = st.secrets
        for key in path:
            if not isinstance(node, Mapping) or key not in node:
                return None
            node = node[key]
    except FileNotFoundError:  # Streamlit's "no secrets found" is one
        return None
    return node if isinstance(node, Mapping) else None


def _providers(auth: Mapping) -> tuple[str | None, ...]:
    """The providers ``st.login`` can be called with: the ``[auth]`` section's own (client_id in
    it), else each ``[auth.NAME]`` subsection."""
    if "client_id" in auth:
        return (None,)
    return tuple(str(k) for k, v in auth.items() if isinstance(v, Mapping) and "client_id" in v)


def current_access() -> Access:
    """The tier for this run: public unless sign-in is configured, the user is signed in and the
    rule names them. A mistake in ``[rasso.restricted]`` is logged and restricts no one."""
    auth = _section("auth")
    providers = _providers(auth) if auth else ()
    if not auth or not auth.get("redirect_uri") or not auth.get("cookie_secret") or not providers:
        if auth:
            log.warning("[auth] in secrets.toml lacks redirect_uri, cookie_secret or a client_id: "
                        "sign-in is not offered and every visitor sees the public tier")
        return Access()
    rule, problems = parse_rule(_section("rasso", "restricted"))
    for problem in problems:
        log.warning("secrets.toml: %s; no one gets the restricted tier until it is fixed", problem)
    identity = st.user.to_dict()
    if identity.get("is_logged_in") is not True:
        return Access(offered=True, providers=providers)
    return Access(tier=tier_for(identity, rule), offered=True, signed_in=True, name=who(identity),
                  providers=providers)


def sidebar_account(access: Access) -> None:
    """'Sign in', or who is signed in, their tier and 'Sign out'; nothing when sign-in is not
    configured."""
    if not access.offered:
        return
    with st.sidebar:
        if access.signed_in:
            st.caption(f"Signed in as **{_plain(access.name)}** ({access.tier} tier)")
            if st.button("Sign out", key="auth_sign_out", icon=":material/logout:"):
                st.logout()
            return
        for provider in access.providers:
            label = "Sign in" if provider is None else f"Sign in with {provider}"
            if st.button(label, key=f"auth_sign_in_{provider or 'default'}", icon=":material/login:",
                         help="Signed-in analysts named in the deployment's configuration see the "
                              "restricted tier; everyone else sees the public tier."):
                if provider is None:
                    st.login()
                else:
                    st.login(provider)


def tier_caption(tier: str, *, force_page: bool = False) -> None:
    """The tier shown, on every page under the release line (``force_page``: the page is public
    although the user may see the restricted tier elsewhere)."""
    why = (" The force profile and its briefing pack are public for everyone; the other pages show "
           "your restricted tier.") if force_page else ""
    st.caption(f"Figures shown: **{TIER_WORDS.get(tier, tier)}**.{why}")


def _plain(text: str) -> str:
    """A name from the identity provider shown as text, never as Markdown."""
    return "".join(f"\\{c}" if c in "\\`*_{}[]()#+-.!<>|~$:" else c for c in text[:120])
