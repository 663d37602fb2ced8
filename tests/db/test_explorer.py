"""The data explorer's tables against answers computed another way: the fact rows summed in
Polars, the other public tables (outcome mix, metric table) and the real 2018/19 file's own sums.

Why these references: the explorer reads the facts with its own grouped query and frames them
itself, so each test recomputes the same cells from the raw rows (or takes them from the tables
the other pages show) and compares every cell, hidden ones included.
"""

from __future__ import annotations

import polars as pl
import pytest
from sqlalchemy import select, text

from db.reference import normalise_name
from db.releases import default_release
from db.schema import force, force_alias, offence, outcome_type, outcomes
from db.time_limit import TimeLimitExceeded, time_limit
from helpers.testdb import REAL_OUTCOMES_2018
from metrics.disclosure import disclosure_threshold
from metrics.errors import QueryError
from metrics.explorer_spec import TableSpec
from queries import metric_table, outcome_mix
from queries.explorer import Limits, explore

KEYS = ["period", "area_code", "outcome_group"]


def _rid(engine) -> int:
    return default_release(engine).id


def _raw_outcomes(engine, basis: str) -> pl.DataFrame:
    """Every outcome fact row of the release with its offence attributes and outcome group, unsummed."""
    stmt = (select(outcomes.c.force_code, outcomes.c.quarter, outcomes.c.outcome_type, outcomes.c.count,
                   offence.c.subgroup, offence.c.age_band, outcome_type.c.ho_group)
            .join_from(outcomes, offence, outcomes.c.offence_code == offence.c.code)
            .join(outcome_type, outcomes.c.outcome_type == outcome_type.c.type)
            .where(outcomes.c.release_id == _rid(engine), outcomes.c.basis == basis))
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    return pl.DataFrame([tuple(r) for r in rows], orient="row", schema=[
        "force_code", "quarter", "outcome_type", "count", "subgroup", "age_band", "ho_group"])


def test_restricted_counts_are_the_fact_rows_summed_with_every_zero(small_db):
    spec = TableSpec(by=("force", "quarter", "outcome_group"), tier="restricted")
    got = explore(small_db, spec, release_id=_rid(small_db))
    raw = _raw_outcomes(small_db, "closed").filter(
        (pl.col("subgroup") == "rape") & (pl.col("age_band") == "adult") & (pl.col("outcome_type") != 0))
    want = raw.group_by("force_code", "quarter", "ho_group").agg(pl.col("count").sum())
    table = got.table
    joined = table.join(want, left_on=["area_code", "period_end", "outcome_group"],
                        right_on=["force_code", "quarter", "ho_group"], how="left")
    assert joined.height == table.height
    assert (joined["count"] == joined["count_right"].fill_null(0)).all()
    assert want["count"].sum() == table["count"].sum() > 0
    groups = raw.select("ho_group").n_unique()
    quarters = table["period_end"].n_unique()
    assert table.height == 44 * quarters * table["outcome_group"].n_unique() and groups <= 11
    assert set(table["flag"].unique()) <= {"", "[u]"}


SPECS = [
    TableSpec(by=("force", "year", "outcome_group")),
    TableSpec(by=("national", "quarter")),
    TableSpec(by=("region", "year", "outcome_group"), basis="recorded"),
    TableSpec(by=("nom_phase", "rolling")),
    TableSpec(measure="recorded", by=("force", "rolling", "offence_group"), offence="all_sexual"),
    TableSpec(measure="recorded", by=("region", "offence_group"), offence="rape", start="2024-25", end="2025-26"),
]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: f"{s.measure}-{'-'.join(s.by)}")
def test_public_rows_are_the_restricted_ones_or_hidden_and_never_small(small_db, spec):
    from dataclasses import replace

    public = explore(small_db, spec, release_id=_rid(small_db)).table
    restricted = explore(small_db, replace(spec, tier="restricted"), release_id=_rid(small_db)).table
    keys = [c for c in public.columns if c not in ("count", "flag")]
    both = public.join(restricted, on=keys, suffix="_r")
    assert both.height == public.height == restricted.height
    shown = both.filter(pl.col("count").is_not_null())
    assert (shown["count"] == shown["count_r"]).all()
    assert not shown["count"].is_between(1, disclosure_threshold() - 1).any()
    hidden = both.filter(pl.col("count").is_null())
    # [x]: a span the public tier does not offer (a rolling window, or the span a table without a
    # period dimension covers); quarters, years and the latest two windows (nodes of the protection) are [c]
    picked = not {"quarter", "year", "rolling"} & set(spec.by)
    assert set(hidden["flag"].unique()) <= ({"[c]", "[x]"} if "rolling" in spec.by or picked else {"[c]"})
    if "rolling" in spec.by:
        last = both["period_end"].max()
        assert hidden.filter((pl.col("flag") == "[x]") & pl.col("period_end").is_in([last, last - 10])).height == 0
    assert shown.height > 0


@pytest.mark.parametrize(("area", "extra"), [("region", ("outcome_group",)), ("nom_phase", ())])
def test_a_region_or_phase_is_shown_where_its_forces_are_or_it_completes_england_and_wales(small_db, area, extra):
    """Shown where every force in it is shown (a sum of shown numbers), or where it is the only
    group hidden that way and England and Wales is shown (then it is their difference); hidden
    otherwise. At this scale regions by year never complete England and Wales; NOM phases do."""
    rid = _rid(small_db)
    groups, forces, national = (explore(small_db, TableSpec(by=(a, "year", *extra), offence="all_sexual"),
                                        release_id=rid).table
                                for a in (area, "force", "national"))
    with small_db.connect() as conn:
        group_of = dict(conn.execute(select(force.c.code, getattr(force.c, area))).all())
    cell = ["period", *extra]
    summed = (forces.with_columns(pl.col("area_code").replace_strict(group_of).alias(area))
              .group_by(*cell, area).agg(all_shown=pl.col("count").is_not_null().all(), total=pl.col("count").sum()))
    joined = (groups.join(summed, on=[*cell, area])
              .join(national.select(*cell, national="count"), on=cell)
              .with_columns(lone=(~pl.col("all_shown")).sum().over(cell) == 1))
    assert joined.height == groups.height
    expected = pl.col("all_shown") | (pl.col("lone") & pl.col("national").is_not_null())
    assert (joined["count"].is_not_null() == joined.select(expected).to_series()).all()
    shown = joined.filter(pl.col("all_shown"))
    assert (shown["count"] == shown["total"]).all() and shown.height > 0
    completed = (joined.with_columns(others=pl.col("count").sum().over(cell) - pl.col("count"))
                 .filter(~pl.col("all_shown") & pl.col("count").is_not_null()))
    assert (completed["count"] == completed["national"] - completed["others"]).all()
    assert area == "region" or completed.height > 0, "no phase completed England and Wales: nothing new checked"


def test_national_and_force_rows_are_those_of_the_outcome_mix(small_db):
    rid = _rid(small_db)
    with small_db.connect() as conn:
        first, last = conn.execute(text("SELECT min(quarter), max(quarter) FROM outcomes WHERE release_id = :r"),
                                   {"r": rid}).one()
    for area, dim in (("national", "national"), ("all", "force")):
        mix = outcome_mix(small_db, release_id=rid, offence_group="adult_rape", area=area, first_quarter=first,
                          last_quarter=last, grain="year")
        table = explore(small_db, TableSpec(by=(dim, "year", "outcome_group")), release_id=rid).table
        joined = table.join(mix, left_on=KEYS, right_on=["period", "area_code", "ho_group"])
        assert joined.height == mix.height > 0
        assert (joined["count"].is_null() == joined["count_right"].is_null()).all(), area
        shown = joined.filter(pl.col("count").is_not_null())
        assert (shown["count"] == shown["count_right"]).all(), area


def test_a_metric_is_the_metric_tables_rows(small_db):
    rid = _rid(small_db)
    got = explore(small_db, TableSpec(measure="charge_rate", by=("force", "year")), release_id=rid)
    want = metric_table(small_db, release_id=rid, metric_id="charge_rate", area="all", first_quarter=got.first_quarter,
                        last_quarter=got.last_quarter, grain="year")
    joined = got.table.join(want, on=["period", "area_code"])
    assert joined.height == want.height == got.table.height > 0
    for col in ("value", "numerator", "flag"):
        left, right = joined[col], joined[f"{col}_right"]
        assert ((left == right) | (left.is_null() & right.is_null())).all(), col


def test_a_request_over_the_row_limit_is_refused_before_it_runs(small_db):
    spec = TableSpec(by=("force", "quarter", "outcome_group"))
    with pytest.raises(QueryError, match="more than a request may build"):
        explore(small_db, spec, release_id=_rid(small_db), limits=Limits(max_rows=1_000))


@pytest.mark.parametrize("spec, words", [
    (TableSpec(by=("national", "year", "outcome_type")), "restricted tier"),
    (TableSpec(by=("national", "year"), start="2009-10"), "outside release"),
    (TableSpec(by=("force", "year"), filters=(("force", ("E99999999",)),)), "does not hold"),
    (TableSpec(measure="charge_rate", by=("region", "year")), "not by region"),
])
def test_a_bad_choice_is_one_readable_error(small_db, spec, words):
    with pytest.raises(QueryError, match=words):
        explore(small_db, spec, release_id=_rid(small_db))


def test_the_time_limit_cancels_a_long_statement_and_the_connection_stays_usable(empty_db):
    slow = ("SELECT pg_sleep(20)" if empty_db.dialect.name == "postgresql" else
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000) "
            "SELECT count(*) FROM c")
    with empty_db.connect() as conn:
        with pytest.raises(TimeLimitExceeded), time_limit(conn, 0.3):
            conn.execute(text(slow))
        conn.rollback()
        assert conn.execute(text("SELECT 1")).scalar() == 1


def test_real_2018_19_file_force_year_outcome_group_equals_the_files_own_sums(real_outcomes_db, shared_data):
    rid = _rid(real_outcomes_db)
    spec = TableSpec(by=("force", "year", "outcome_group"), tier="restricted")
    table = explore(real_outcomes_db, spec, release_id=rid).table
    with real_outcomes_db.connect() as conn:
        code_of = dict(conn.execute(select(force_alias.c.alias, force_alias.c.code)).all())
        group_of = dict(conn.execute(select(outcome_type.c.type, outcome_type.c.ho_group)).all())
    raw = pl.read_csv(shared_data / REAL_OUTCOMES_2018, infer_schema=False, encoding="utf8-lossy")
    raw = raw.rename({c: c.lstrip("\ufeff") for c in raw.columns})
    adult = raw.filter(pl.col("Offence Code").is_in(["19C", "19F"]) & (pl.col("Outcome Type") != "0"))
    want = (adult.with_columns(area_code=pl.col("Force Name").map_elements(lambda n: code_of[normalise_name(n)],
                                                                           return_dtype=pl.String),
                               outcome_group=pl.col("Outcome Type").cast(pl.Int64).replace_strict(group_of),
                               n=pl.col("Force outcomes recorded in quarter").str.replace_all(",", "")
                               .cast(pl.Int64, strict=False).fill_null(0))
            .group_by("area_code", "outcome_group").agg(pl.col("n").sum()))
    joined = table.join(want, on=["area_code", "outcome_group"], how="left")
    assert table["period"].unique().to_list() == ["2018-19"]
    assert (joined["count"] == joined["n"].fill_null(0)).all()
    assert table["count"].sum() == want["n"].sum() > 1_000
    public = explore(real_outcomes_db, TableSpec(by=spec.by), release_id=rid).table
    shown = public.filter(pl.col("count").is_not_null()).join(want, on=["area_code", "outcome_group"], how="left")
    assert (shown["count"] == shown["n"].fill_null(0)).all() and shown.height > public.height // 2
