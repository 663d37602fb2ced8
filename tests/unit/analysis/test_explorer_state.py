"""The explorer's address: a spec written with spec_params reads back the same, and a mistyped,
stale or hostile value becomes a notice naming the key, never an exception or a broken table."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.explorer_state import parse_spec
from metrics.explorer_spec import TableSpec, spec_params

SPECS = [
    TableSpec(),
    TableSpec(measure="recorded", by=("region", "rolling", "offence_group"), offence="all_sexual", start="2019-20"),
    TableSpec(by=("nom_phase", "quarter", "outcome_group"), basis="recorded",
              filters=(("outcome_group", ("Charged/Summonsed",)),)),
    TableSpec(measure="charge_rate", by=("force", "year"), end="YE-2025-09"),
]


@pytest.mark.parametrize("spec", SPECS)
def test_an_address_written_from_a_spec_reads_back_as_it(spec):
    got, notices = parse_spec(spec_params(spec, 3), offence=spec.offence, basis=spec.basis)
    assert (got, notices) == (spec, [])


@pytest.mark.parametrize("params, key", [
    ({"measure": "victims"}, "`measure`"),
    ({"by": "force,county"}, "`by`"),
    ({"by": "force,region,year"}, "Choose one area dimension"),
    ({"by": "force,outcome_type"}, "restricted tier"),
    ({"by": "national,age_band"}, "--measure cases"),
    ({"filter": "force"}, "`filter`"),
    ({"filter": "shoe=7"}, "`filter`"),
    ({"from": "2025-26", "to": "2019-20"}, "reversed"),
    ({"from": "x" * 5000}, "from:"),
    ({"measure": "charge_rate", "by": "region,year"}, "not by region"),
])
def test_a_bad_value_is_a_notice_and_the_table_still_holds_together(params, key):
    spec, notices = parse_spec(params, offence="adult_rape", basis="closed")
    assert spec.check() is spec
    assert any(key in n for n in notices), notices
    assert all(len(n) < 400 for n in notices)


@settings(max_examples=200, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["measure", "by", "from", "to", "filter", "offence"]),
                       st.one_of(st.text(max_size=40), st.lists(st.text(max_size=20), max_size=3))))
def test_any_address_gives_a_valid_spec(params):
    spec, _ = parse_spec(params, offence="rape", basis="recorded")
    assert spec.check() is spec
