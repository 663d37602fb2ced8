"""Fuzz of the URL parser: no address, however hostile, makes ``parse_state`` raise.

A fuzz of 273 hostile values found five addresses that showed a traceback (Unicode digits that
``str.isdigit()`` accepts and ``int()`` refuses, a 5,000-digit release, years ``date()``
refuses). Hypothesis tries arbitrary text in every key; the list below keeps those found cases
and their relatives in every run.
"""

from __future__ import annotations

import atexit
import dataclasses
import shutil
import tempfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from analysis.url_state import (
    KEYS,
    PEER_SETS,
    PILLAR_IDS,
    TREND_GRAINS,
    USER_BASES,
    State,
    parse_state,
)
from metrics.offence_groups import OFFENCE_GROUPS
from metrics.periods import PeriodError, parse_period
from metrics.registry import METRICS_BY_ID

FORCES = {"E23000001", "E23000036", "W15000001"}
RELEASES = [1, 3]

# Hypothesis caches in ./.hypothesis, and its pytest plugin writes there while collecting (before
# any fixture runs): point it at a temporary folder, removed at exit, so the suite leaves nothing.
_HYPOTHESIS_HOME = tempfile.mkdtemp(prefix="rasso-hypothesis-")
set_hypothesis_home_dir(_HYPOTHESIS_HOME)
atexit.register(shutil.rmtree, _HYPOTHESIS_HOME, ignore_errors=True)
LATEST, FIRST = 20262, 20151

NASTY = [
    "\u00b2", "\u00b3", "\u2460", "\u0661", "\u096a", "\uff11", "\U0001d7d9", "1\u00b2",
    "9" * 5000, "1" * 4301, "0" * 50 + "1", "-1", "+1", "1e3", "0x1", "1_0", "١", " 1 ", "1\n",
    "", " ", "\t", "\n", "\x00", "1\x00", "\u200b", "\ufeff1", "a" * 100_000,
    "YE-0000-03", "YE-9999-12", "YE-0001-03", "YE-2026-13", "YE-2026-00", "2099-00", "9999-00",
    "0000-01", "YE-\u0662\u0660\u0662\u0666-09", "<script>alert(1)</script>", "'; DROP TABLE x;--",
    "../../etc/passwd", "%00", "%C2%B2", "nan", "inf", "None", "null", "true", "[]", "{}",
]


def parse(params):
    return parse_state(params, valid_forces=FORCES, valid_releases=RELEASES, latest_quarter=LATEST,
                       first_quarter=FIRST, other_releases={2: "force MI indicators (2 rows)"})


def assert_valid(state: State, notices: list[str]) -> None:
    assert isinstance(state, State)
    assert state.offence in OFFENCE_GROUPS
    assert state.metric in METRICS_BY_ID
    assert state.basis in USER_BASES
    assert state.force is None or state.force in FORCES
    assert state.pillar is None or state.pillar in PILLAR_IDS
    assert state.release is None or state.release in RELEASES
    assert state.peer is None or state.peer in PEER_SETS
    assert state.od in ("", "0", "1")
    assert state.grain is None or state.grain in TREND_GRAINS[1:]
    period = parse_period(state.period)  # always a period the release holds
    assert period.first >= FIRST and period.last <= LATEST
    assert all(isinstance(n, str) and len(n) < 400 for n in notices)


@pytest.mark.parametrize("value", NASTY, ids=lambda v: repr(v[:12]))
@pytest.mark.parametrize("key", KEYS)
def test_nasty_values_in_every_key_give_a_state(key, value):
    state, notices = parse({key: value})
    assert_valid(state, notices)
    # a value the parser kept must be the value given (cleaned), otherwise there is a notice
    if dataclasses.asdict(state) == dataclasses.asdict(State(period=state.period)) and value.strip():
        assert notices, (key, value)


@pytest.mark.parametrize("address", [
    {"release": "\u00b2"}, {"release": "\u00b3"}, {"pillar": "\u2460"}, {"release": "9" * 5000},
    {"period": "YE-0000-03"}, {"period": "YE-9999-12"},
])
def test_the_five_addresses_of_issue_7_give_a_notice(address):
    state, notices = parse(address)
    assert_valid(state, notices)
    assert len(notices) == 1 and f"`{next(iter(address))}`" in notices[0]


def test_a_release_that_cannot_be_shown_says_what_it_holds():
    state, notices = parse({"release": "2"})
    assert state.release is None
    assert len(notices) == 1 and "force MI indicators" in notices[0]


@pytest.mark.parametrize("token", ["YE-0000-03", "YE-9999-12", "9999-00", "0000-01", "YE-1899-12"])
def test_impossible_years_raise_period_error_not_value_error(token):
    with pytest.raises(PeriodError):
        parse_period(token)


text = st.text(alphabet=st.characters(codec="utf-8"), max_size=60) | st.sampled_from(NASTY)
values = text | st.lists(text, max_size=4)  # a repeated key arrives as a list


@settings(max_examples=400, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), values, max_size=len(KEYS) + 2))
def test_parse_state_never_raises(params):
    state, notices = parse(params)
    assert_valid(state, notices)
    # every key given a non-empty value the state does not reflect has a notice
    for key in KEYS:
        raw = params.get(key)
        last = raw[-1] if isinstance(raw, list) and raw else raw if isinstance(raw, str) else None
        if last and last.strip() and key in ("release", "pillar") and getattr(state, key) is None:
            assert any(f"`{key}`" in n for n in notices), (key, last)
