"""Who sees the restricted tier: a signed-in identity against the deployment's rule.

Pure and separate from Streamlit so the one decision that guards unsuppressed figures can be
tested on its own with every shape of identity and configuration. It fails closed: anything it
cannot read (no rule, a rule with a mistake, a user not signed in, an e-mail the provider has
not verified, a claim of an unexpected type) gives the public tier.

The rule comes from ``[rasso.restricted]`` in ``.streamlit/secrets.toml`` (read by
``components.auth``); the identity is what Streamlit's OpenID Connect sign-in puts in
``st.user`` (the ID token's claims plus ``is_logged_in``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from metrics.disclosure import PUBLIC, RESTRICTED

RULE_KEYS = ("emails", "domains", "claim", "claim_value")


@dataclass(frozen=True)
class AccessRule:
    """Identities mapped to the restricted tier: any one of these matching is enough."""

    emails: frozenset[str] = frozenset()  # whole addresses, compared case-insensitively
    domains: frozenset[str] = frozenset()  # the part after '@', exactly (no subdomains)
    claim: str | None = None  # an ID-token claim, e.g. "groups"
    claim_value: str | None = None  # the value it must equal or, for a list claim, contain

    @property
    def empty(self) -> bool:
        return not (self.emails or self.domains or (self.claim and self.claim_value))


NO_ONE = AccessRule()


def _strings(value: object, key: str, problems: list[str]) -> frozenset[str]:
    if value is None:
        return frozenset()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        problems.append(f"rasso.restricted.{key} must be a list of strings")
        return frozenset()
    return frozenset(v.strip().lower().lstrip("@") if key == "domains" else v.strip().lower()
                     for v in value if v.strip())


def parse_rule(section: Mapping[str, object] | None) -> tuple[AccessRule, list[str]]:
    """The rule a ``[rasso.restricted]`` section states, and one line per mistake in it.

    Any mistake makes the whole rule ``NO_ONE`` (public for everyone): a half-read rule could
    let in someone the deployment meant to keep out, or the reverse without anyone noticing."""
    if not section:
        return NO_ONE, []
    problems: list[str] = []
    unknown = sorted(set(section) - set(RULE_KEYS))
    if unknown:
        problems.append(f"rasso.restricted has unknown keys: {', '.join(unknown)} (allowed: {', '.join(RULE_KEYS)})")
    emails = _strings(section.get("emails"), "emails", problems)
    domains = _strings(section.get("domains"), "domains", problems)
    claim, value = section.get("claim"), section.get("claim_value")
    if (claim is None) != (value is None):
        problems.append("rasso.restricted.claim and claim_value go together: set both or neither")
    elif claim is not None and not (isinstance(claim, str) and claim.strip() and isinstance(value, str)
                                    and value.strip()):
        problems.append("rasso.restricted.claim and claim_value must be non-empty strings")
    if problems:
        return NO_ONE, problems
    return AccessRule(emails=emails, domains=domains,
                      claim=claim.strip() if claim else None, claim_value=value.strip() if value else None), []


def _verified_email(identity: Mapping[str, object]) -> str | None:
    """The identity's e-mail, lower case, unless the provider says it is not verified."""
    email = identity.get("email")
    if not isinstance(email, str) or email.count("@") != 1 or identity.get("email_verified") is False:
        return None
    return email.strip().lower()


def _claim_matches(identity: Mapping[str, object], claim: str, wanted: str) -> bool:
    got = identity.get(claim)
    if isinstance(got, str):
        return got == wanted
    if isinstance(got, list | tuple):
        return any(isinstance(v, str) and v == wanted for v in got)
    return False


def tier_for(identity: Mapping[str, object] | None, rule: AccessRule) -> str:
    """``restricted`` for a signed-in identity the rule names; ``public`` for everyone else."""
    if not identity or identity.get("is_logged_in") is not True or rule.empty:
        return PUBLIC
    email = _verified_email(identity)
    if email and (email in rule.emails or email.rsplit("@", 1)[1] in rule.domains):
        return RESTRICTED
    if rule.claim and rule.claim_value and _claim_matches(identity, rule.claim, rule.claim_value):
        return RESTRICTED
    return PUBLIC


def who(identity: Mapping[str, object] | None) -> str:
    """How the signed-in person is named on screen: e-mail, else name, else subject."""
    for key in ("email", "name", "preferred_username", "sub"):
        value = (identity or {}).get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return "a signed-in user"
