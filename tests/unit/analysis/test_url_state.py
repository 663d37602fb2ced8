"""The pure URL-state parser: good values round-trip, bad or hostile ones become notices."""

from __future__ import annotations

import pytest

from analysis.url_state import KEYS, State, default_period, parse_state, to_params
from db.reference import TERRITORIAL_CODES

LATEST = 20262  # 2026-27 Q2: July to September 2026
FIRST = 20151


def parse(params):
    return parse_state(params, valid_forces=TERRITORIAL_CODES | {"BTP"}, valid_releases=[1, 3],
                       latest_quarter=LATEST, first_quarter=FIRST)


def test_empty_params_give_defaults_without_notices():
    state, notices = parse({})
    assert notices == []
    assert state.offence == "adult_rape"
    assert state.force is None
    assert state.release is None
    assert state.basis == "closed"
    # the latest 12 months end with the latest quarter (Sep 2026)
    assert state.period == "YE-2026-09"
    assert state.period_obj.first == 20253 and state.period_obj.last == LATEST


def test_good_values_are_kept():
    params = {"force": "e23000036", "offence": "child_rape", "period": "2024-25",
              "metric": "victim_does_not_support_rate", "pillar": "3", "basis": "recorded",
              "release": "3", "peer": "region"}
    state, notices = parse(params)
    assert notices == []
    assert state == State(offence="child_rape", period="2024-25", force="E23000036",
                          metric="victim_does_not_support_rate", pillar=3, basis="recorded",
                          release=3, peer="region")


def test_round_trip_through_params():
    state, _ = parse({"force": "W15000004", "offence": "rape", "period": "YE-2025-12", "pillar": "6"})
    again, notices = parse(to_params(state))
    assert notices == []
    assert again == state


def test_lists_take_the_last_value_like_streamlit():
    state, notices = parse({"offence": ["rape", "other_sexual"]})
    assert notices == [] and state.offence == "other_sexual"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("force", "<script>alert(1)</script>"),
        ("force", "E99999999"),
        ("offence", "'; DROP TABLE outcomes; --"),
        ("period", "1999-2000x"),
        ("period", "2024-26"),
        ("period", "YE-2026-08"),
        ("period", "2030-31"),  # after the data
        ("period", "2010-11"),  # before the data
        ("metric", "nope"),
        ("pillar", "7"),
        ("pillar", "-1"),
        ("basis", "everything"),
        ("release", "2"),  # not loaded
        ("release", "1 OR 1=1"),
        ("peer", "everyone"),
    ],
)
def test_bad_values_give_one_notice_naming_the_parameter_and_the_default(key, value):
    state, notices = parse({key: value})
    default, _ = parse({})
    assert len(notices) == 1
    assert f"`{key}`" in notices[0]
    assert "instead" in notices[0]
    assert state == default
    # nothing that could be markup or script reaches the notice
    for bad in ("<", ">", "'; ", "="):
        assert bad not in notices[0].split(":")[0]


def test_hostile_value_is_not_echoed_as_markup():
    _, notices = parse({"force": "<img src=x onerror=alert(1)>"})
    assert "<" not in notices[0] and ">" not in notices[0]


def test_several_bad_values_each_get_a_notice_and_good_ones_survive():
    state, notices = parse({"force": "x", "period": "x", "offence": "rape"})
    assert len(notices) == 2
    assert state.offence == "rape"


def test_to_params_leaves_out_unset_values():
    assert to_params(State(period="2024-25")) == {
        "offence": "adult_rape", "period": "2024-25", "metric": "charge_rate", "basis": "closed"}


def test_default_period_for_a_march_quarter_is_the_financial_year_span():
    # 2025-26 Q4 ends March 2026: the rolling year is April 2025 to March 2026
    token = default_period(20254)
    assert token == "YE-2026-03"  # noqa: S105 - a period token (YE-2026-03), not a password


def test_overdispersion_flag_round_trips_and_bad_values_get_a_notice():
    state, notices = parse({"od": "1"})
    assert notices == [] and state.od == "1"
    assert to_params(state)["od"] == "1"
    assert to_params(parse({"od": "0"})[0])["od"] == "0"  # an explicit choice: the default depends on the data
    assert "od" not in to_params(parse({})[0])
    again, _ = parse(to_params(state))
    assert again == state
    bad, notices = parse({"od": "yes"})
    assert bad.od == "" and len(notices) == 1 and "`od`" in notices[0]


def test_a_page_writes_only_the_keys_it_uses_unless_they_were_changed():
    state = State(period="2024-25", release=1)
    overview = to_params(state, uses=("basis",))
    assert overview == {"offence": "adult_rape", "period": "2024-25", "release": "1", "basis": "closed"}
    compare = to_params(state, uses=("metric", "force", "od"))
    assert compare == {"offence": "adult_rape", "period": "2024-25", "release": "1",
                       "metric": "charge_rate"}
    # a metric chosen on the compare page rides along through the overview and back
    chosen = state.with_(metric="no_suspect_rate", force="E23000001")
    assert to_params(chosen, uses=())["metric"] == "no_suspect_rate"
    assert to_params(chosen, uses=())["force"] == "E23000001"


def test_every_url_key_has_one_parser():
    from analysis import url_state

    assert set(url_state._PARSERS) == set(KEYS)


def test_grain_is_validated_like_the_other_keys():
    args = {"valid_forces": [], "valid_releases": [1], "latest_quarter": 20262}
    # quarters are the default, so they stay out of the address
    assert parse_state({}, **args)[0].grain is None
    assert parse_state({"grain": "quarter"}, **args) == (parse_state({}, **args)[0], [])
    assert parse_state({"grain": "rolling"}, **args)[0].grain == "rolling"
    assert to_params(parse_state({"grain": "year"}, **args)[0], ())["grain"] == "year"
    state, notices = parse_state({"grain": "<b>weekly</b>"}, **args)
    assert state.grain is None and len(notices) == 1 and "grain" in notices[0] and "<" not in notices[0]


def test_notices_name_the_reason_and_read_as_sentences():
    """A well-formed year ending no data can have is outside the data, not malformed; a value with
    nothing printable left still gives a sentence (it read "Ignored `release` that value")."""
    args = {"valid_forces": [], "valid_releases": [1], "latest_quarter": 20262, "first_quarter": 20151}
    (far,) = parse_state({"period": "YE-9999-12"}, **args)[1]
    assert "outside the data in this release" in far
    (month,) = parse_state({"period": "YE-2026-08"}, **args)[1]
    assert "not a financial year" in month
    (odd,) = parse_state({"release": "\u00b2"}, **args)[1]
    assert odd.startswith("Ignored `release` (a value that cannot be shown): ")


def test_sort_is_a_metric_id_or_a_notice():
    args = {"valid_forces": ["E23000036"], "valid_releases": [1], "latest_quarter": 20262}
    assert parse_state({}, **args)[0].sort is None
    assert parse_state({"sort": "isva_referral_rate"}, **args)[0].sort == "isva_referral_rate"
    assert to_params(parse_state({"sort": "charge_rate"}, **args)[0], ("sort",))["sort"] == "charge_rate"
    state, notices = parse_state({"sort": "<i>value</i>"}, **args)
    assert state.sort is None and len(notices) == 1 and notices[0].startswith("Ignored `sort`") and "<" not in notices[0]
