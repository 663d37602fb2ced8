"""The identity -> tier decision (analysis.access): who is restricted, and that it fails closed."""

from __future__ import annotations

import pytest

from analysis.access import NO_ONE, AccessRule, parse_rule, tier_for, who
from metrics.disclosure import PUBLIC, RESTRICTED

SECTION = {"emails": ["Analyst@Force.police.uk"], "domains": ["@soteria.example"],
           "claim": "groups", "claim_value": "rasso-analysts"}


def _signed_in(**claims) -> dict:
    return {"is_logged_in": True, **claims}


@pytest.fixture
def rule() -> AccessRule:
    parsed, problems = parse_rule(SECTION)
    assert problems == []
    return parsed


def test_the_section_is_read_normalised(rule):
    assert rule.emails == {"analyst@force.police.uk"}
    assert rule.domains == {"soteria.example"}
    assert (rule.claim, rule.claim_value) == ("groups", "rasso-analysts")


@pytest.mark.parametrize("identity", [
    _signed_in(email="analyst@force.police.uk"),
    _signed_in(email="ANALYST@FORCE.POLICE.UK", email_verified=True),
    _signed_in(email="someone@soteria.example"),
    _signed_in(email="x@elsewhere.org", groups=["staff", "rasso-analysts"]),
    _signed_in(groups="rasso-analysts"),
])
def test_a_mapped_identity_is_restricted(rule, identity):
    assert tier_for(identity, rule) == RESTRICTED


@pytest.mark.parametrize("identity", [
    None,
    {},
    {"email": "analyst@force.police.uk"},  # not signed in: AppTest's default user has no is_logged_in
    {"is_logged_in": False, "email": "analyst@force.police.uk"},
    {"is_logged_in": "true", "email": "analyst@force.police.uk"},  # only the boolean counts
    _signed_in(email="other@force.police.uk"),
    _signed_in(email="someone@sub.soteria.example"),  # a subdomain is another domain
    _signed_in(email="someone@soteria.example.evil.org"),
    _signed_in(email="soteria.example@evil.org"),
    _signed_in(email="analyst@force.police.uk", email_verified=False),  # the provider does not vouch for it
    _signed_in(email="a@b@soteria.example"),
    _signed_in(email=["analyst@force.police.uk"]),
    _signed_in(groups=["rasso-analysts-old", "staff"]),
    _signed_in(groups="staff rasso-analysts"),
    _signed_in(groups={"rasso-analysts": True}),
    _signed_in(group="rasso-analysts"),  # another claim's name
    _signed_in(sub="rasso-analysts"),
])
def test_anyone_else_is_public(rule, identity):
    assert tier_for(identity, rule) == PUBLIC


def test_no_rule_means_public_for_everyone():
    signed_in = _signed_in(email="analyst@force.police.uk", groups=["rasso-analysts"])
    assert parse_rule(None) == (NO_ONE, [])
    assert parse_rule({}) == (NO_ONE, [])
    assert tier_for(signed_in, NO_ONE) == PUBLIC
    assert tier_for(signed_in, AccessRule(claim="groups")) == PUBLIC  # a claim without a value names no one


@pytest.mark.parametrize(("section", "says"), [
    ({**SECTION, "email": ["typo@x.org"]}, "unknown keys: email"),
    ({**SECTION, "emails": 5}, "emails must be a list"),
    ({**SECTION, "domains": [1, 2]}, "domains must be a list"),
    ({"claim": "groups"}, "go together"),
    ({"claim_value": "rasso-analysts"}, "go together"),
    ({"claim": " ", "claim_value": "x"}, "non-empty strings"),
    ({"claim": "groups", "claim_value": ["a", "b"]}, "non-empty strings"),
])
def test_a_mistake_in_the_rule_restricts_no_one(section, says):
    parsed, problems = parse_rule(section)
    assert parsed == NO_ONE
    assert any(says in p for p in problems), problems
    assert tier_for(_signed_in(email="analyst@force.police.uk", groups=["rasso-analysts"]), parsed) == PUBLIC


def test_a_single_string_is_a_list_of_one():
    parsed, problems = parse_rule({"emails": "Analyst@Force.police.uk"})
    assert problems == []
    assert tier_for(_signed_in(email="analyst@force.police.uk"), parsed) == RESTRICTED


def test_who_names_the_person_by_email_then_name_then_subject():
    assert who({"email": "a@b.org", "name": "A"}) == "a@b.org"
    assert who({"name": "A B", "sub": "123"}) == "A B"
    assert who({"sub": "123"}) == "123"
    assert who({}) == "a signed-in user"
