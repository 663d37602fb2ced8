"""`rasso init`: create or upgrade the schema, then write the reference data (idempotent)."""

from __future__ import annotations

from sqlalchemy import Connection, Engine, Table, select

from db import reference as ref
from db.migrate import upgrade
from db.schema import force, force_alias, force_population, offence, outcome_type, pillar


def _upsert(conn: Connection, table: Table, rows: list[dict]) -> int:
    """Insert missing rows and update changed ones; returns how many rows changed."""
    keys = [c.name for c in table.primary_key.columns]
    existing = {tuple(r[k] for k in keys): dict(r) for r in conn.execute(select(table)).mappings()}
    changed = 0
    for row in rows:
        key = tuple(row[k] for k in keys)
        old = existing.get(key)
        if old is None:
            conn.execute(table.insert().values(**row))
            changed += 1
        elif any(old[c] != v for c, v in row.items()):
            where = [table.c[k] == row[k] for k in keys]
            conn.execute(table.update().where(*where).values(**row))
            changed += 1
    return changed


def force_rows() -> list[dict]:
    rows = []
    for f in (*ref.FORCES, ref.BTP):
        phase, start, source = ref.nom_phase(f.code)
        rows.append({"code": f.code, "name": f.name, "region": f.region,
                     "territorial": f.code in ref.TERRITORIAL_CODES,
                     "nom_phase": phase, "nom_start": start, "nom_source": source})
    return rows


def load_reference(conn: Connection) -> int:
    changed = _upsert(conn, force, force_rows())
    changed += _upsert(conn, force_alias, ref.alias_rows())
    # A population loaded from a published file (rasso ingest ons-pfa-tables) is newer than
    # the reference copy, so the reference only fills in what is missing.
    have = {tuple(r) for r in conn.execute(select(force_population.c.code, force_population.c.year))}
    for f in ref.FORCES:
        if (f.code, ref.POPULATION_YEAR) not in have:
            conn.execute(force_population.insert().values(
                code=f.code, year=ref.POPULATION_YEAR, population=f.population_mid2023,
                source=ref.POPULATION_SOURCE))
            changed += 1
    # Expiry is a fact of the data (ingest sets it), so an existing flag is left alone.
    known = set(conn.execute(select(offence.c.code)).scalars())
    for code, desc, subgroup, band in ref.OFFENCES:
        if code not in known:
            conn.execute(offence.insert().values(code=code, description=desc, subgroup=subgroup,
                                                 age_band=band, expired=False))
            changed += 1
    changed += _upsert(conn, outcome_type, [
        {"type": t, "description": d, "ho_group": g} for t, d, g in ref.OUTCOME_TYPES
    ])
    changed += _upsert(conn, pillar, [
        {"id": i, "name": n, "description": d, "numbering_note": note} for i, n, d, note in ref.PILLARS
    ])
    return changed


def init_database(engine: Engine) -> int:
    """Upgrade the schema to the newest migration and load reference data; safe to repeat."""
    upgrade(engine)
    with engine.begin() as conn:
        return load_reference(conn)
