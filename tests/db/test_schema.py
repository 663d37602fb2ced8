"""Schema, migrations, reference data and engines."""

from __future__ import annotations

import polars as pl
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select

from db import reference as ref
from db.bootstrap import init_database
from db.migrate import is_current
from db.schema import force, force_alias, metadata, offence, outcome_type, pillar


def test_migrations_match_the_schema(empty_db):
    """The Alembic history builds exactly the tables and indexes the code declares."""
    with empty_db.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []
    assert is_current(empty_db)


def test_reference_data_is_complete_and_idempotent(empty_db):
    assert init_database(empty_db) == 0
    with empty_db.connect() as conn:
        codes = set(conn.execute(select(force.c.code).where(force.c.territorial)).scalars())
        phases = dict(conn.execute(select(force.c.nom_phase, func.count()).group_by(force.c.nom_phase)).all())
        n_offences = conn.execute(select(func.count()).select_from(offence)).scalar_one()
        types = set(conn.execute(select(outcome_type.c.type)).scalars())
        pillars = conn.execute(select(func.count()).select_from(pillar)).scalar_one()
        aliases = dict(conn.execute(select(force_alias.c.alias, force_alias.c.code)).all())
    assert len(codes) == 43
    assert sum(c.startswith("E23") for c in codes) == 39 and sum(c.startswith("W15") for c in codes) == 4
    assert phases == {"pathfinder": 5, "early_adopter": 7, "national_rollout": 32}  # 43 + BTP
    assert n_offences == len(ref.OFFENCES) and types == set(range(23)) and pillars == 6
    # the two spellings the published files use for these forces
    assert aliases[ref.normalise_name("London, City of")] == "E23000034"
    assert aliases[ref.normalise_name("Devon & Cornwall")] == "E23000035"
    assert aliases[ref.normalise_name("Leicestershire [note 4] ")] == "E23000021"
    assert aliases[ref.normalise_name("Metropolitan Police ")] == "E23000001"


def test_regions_add_up_as_published():
    counts = pl.DataFrame({"region": [f.region for f in ref.FORCES]}).group_by("region").len()
    expected = {"North East": 3, "North West": 5, "Yorkshire and The Humber": 4, "East Midlands": 5,
                "West Midlands": 4, "East of England": 6, "London": 2, "South East": 5,
                "South West": 5, "Wales": 4}
    assert dict(counts.iter_rows()) == expected


def test_init_keeps_a_population_loaded_from_a_published_file(empty_db):
    from sqlalchemy import update

    from db.schema import force_population

    with empty_db.begin() as conn:
        conn.execute(update(force_population).where(force_population.c.code == "E23000036")
                     .values(population=1_800_000, source="ONS workbook"))
    init_database(empty_db)
    with empty_db.connect() as conn:
        row = conn.execute(select(force_population.c.population, force_population.c.source)
                           .where(force_population.c.code == "E23000036")).one()
    assert tuple(row) == (1_800_000, "ONS workbook")
