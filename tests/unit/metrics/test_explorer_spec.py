"""A table's spec: every bad choice is one readable QueryError before any query, and the spec's
outer forms (address, command line) carry every choice."""

from __future__ import annotations

import pytest

from metrics.errors import QueryError
from metrics.explorer_spec import TableSpec, command_args, parse_by, parse_filter, spec_params


@pytest.mark.parametrize("spec, words", [
    (TableSpec(measure="victims"), "Unknown measure"),
    (TableSpec(by=("force", "county")), "Unknown dimension 'county'"),
    (TableSpec(by=("force", "region")), "Choose one area dimension"),
    (TableSpec(by=("quarter", "year")), "Choose one period dimension"),
    (TableSpec(by=("force", "force")), "named twice"),
    (TableSpec(measure="recorded", by=("force", "outcome_group")), "has none"),
    (TableSpec(by=("force", "age_band")), "--measure cases"),
    (TableSpec(measure="charge_rate", by=("nom_phase", "year")), "not by nom_phase"),
    (TableSpec(by=("force", "outcome_type")), "restricted tier: the public release is protected over Home Office"),
    (TableSpec(by=("force", "offence_code")), "restricted tier"),
    (TableSpec(measure="cases", by=("national",)), "restricted tier"),
    (TableSpec(by=("force",), filters=(("region", ("London",)),)), "needs 'region' among the dimensions"),
    (TableSpec(start="2025-26", end="2024-25"), "reversed"),
    (TableSpec(start="2025"), "from:"),
    (TableSpec(offence="burglary"), "Unknown offence group"),
    (TableSpec(basis="open"), "Unknown basis"),
    (TableSpec(tier="secret"), "Unknown tier"),
])
def test_a_bad_choice_is_refused_with_words(spec, words):
    with pytest.raises(QueryError, match=words):
        spec.check()


@pytest.mark.parametrize("spec", [
    TableSpec(),
    TableSpec(measure="cases", by=("national", "year", "age_band", "sex", "relationship"), tier="restricted"),
    TableSpec(by=("force", "quarter", "offence_code", "outcome_type"), tier="restricted"),
    TableSpec(measure="charge_rate", by=("force", "rolling", "offence_group"), offence="rape"),
])
def test_a_good_choice_passes(spec):
    assert spec.check() is spec


def test_parsing_and_the_outer_forms_carry_every_choice():
    assert parse_by(" force, year,,outcome_group ") == ("force", "year", "outcome_group")
    assert parse_filter("outcome_group=Charged/Summonsed|Out-of-court (formal), informal") == (
        "outcome_group", ("Charged/Summonsed", "Out-of-court (formal), informal"))
    with pytest.raises(QueryError, match="DIMENSION=VALUE"):
        parse_filter("force")
    spec = TableSpec(by=("force", "year"), start="2019-20", end="2021-22", filters=(("force", ("E23000036", "BTP")),))
    params = spec_params(spec, 4)
    assert params == {"measure": "outcomes", "by": "force,year", "offence": "adult_rape", "basis": "closed",
                      "from": "2019-20", "to": "2021-22", "filter": ["force=E23000036|BTP"], "release": "4"}
    args = command_args(spec, 4, "xlsx")
    assert args[:2] == ["export", "table"] and args[args.index("--filter") + 1] == "force=E23000036|BTP"
    assert args[-4:] == ["--release", "4", "--format", "xlsx"] and "--tier" not in args
    assert "basis" not in spec_params(TableSpec(measure="recorded", by=("national",)))
