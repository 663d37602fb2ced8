"""Revisions: every value a new release changed relative to the release it superseded.

Why in the db layer: both ways a release can revise another write them the same way, the
published chain (``ingest.chain``, a newer file) and the synthetic next edition
(``sample_data.editions``), and neither of those may import the other. A revision is kept at
the grain of the fact tables (one row per key and measure), inside the load's transaction.
"""

from __future__ import annotations

from sqlalchemy import Connection, Integer, String, and_, func, insert, literal, null, or_, select

from db.schema import revision

KEYS = {
    "recorded_offences": ("force_code", "quarter", "offence_code"),
    "outcomes": ("force_code", "quarter", "offence_code", "outcome_type", "basis"),
    "indicator_value": ("force_code", "quarter", "indicator"),
}
MEASURES = {
    "recorded_offences": (("count", "count", "missing_reason"),),
    "outcomes": (("count", "count", "missing_reason"),),
    "indicator_value": (("numerator", "numerator", None), ("denominator", "denominator", None)),
}


def _revision_columns(table, src, new_id: int, head_id: int, measure: str, col: str,
                      reason: str | None, old, new) -> dict:
    """The revision row's columns; ``src`` carries the key, ``old``/``new`` the values (or None)."""
    keys = KEYS[table.name]

    def value(side, name):
        return side.c[name] if side is not None and name else null()

    return {
        "release_id": literal(new_id, Integer), "previous_release_id": literal(head_id, Integer),
        "fact": literal(table.name, String), "force_code": src.c.force_code, "quarter": src.c.quarter,
        **{k: (src.c[k] if k in keys else null()) for k in ("offence_code", "outcome_type", "basis", "indicator")},
        "measure": literal(measure, String), "old_value": value(old, col), "new_value": value(new, col),
        "old_missing_reason": value(old, reason), "new_missing_reason": value(new, reason),
    }


def record_revisions(conn: Connection, table, new_id: int, head_id: int, quarters: list[int]) -> int:
    """Insert a revision row for every key whose value differs between the head and the new release.

    Changed values come from the inner join of the two releases. Keys present in only one come from
    the two anti-joins (published files often leave out zero rows): an added key has old value
    NULL, a removed key new value NULL, and the missing reason on that side is NULL too, which a
    present row never has with a NULL value. Added and removed keys are looked for only in the
    quarters of ``quarters`` that the head already held, so a load of a new period is new data,
    not a revision.
    """
    n, o = table.alias("n"), table.alias("o")
    keys = KEYS[table.name]
    same_key = [n.c[k] == o.c[k] for k in keys]
    held = set(conn.execute(select(table.c.quarter).where(table.c.release_id == head_id).distinct()).scalars())
    revised = [q for q in quarters if q in held] if quarters else sorted(held)
    for measure, col, reason in MEASURES[table.name]:
        changed = n.c[col].is_distinct_from(o.c[col])
        if reason:
            changed = or_(changed, n.c[reason].is_distinct_from(o.c[reason]))
        cols = _revision_columns(table, n, new_id, head_id, measure, col, reason, o, n)
        stmt = (select(*[v.label(k) for k, v in cols.items()])
                .select_from(n.join(o, and_(*same_key)))
                .where(n.c.release_id == new_id, o.c.release_id == head_id, changed))
        if quarters:
            stmt = stmt.where(n.c.quarter.in_(quarters))
        conn.execute(insert(revision).from_select(list(cols), stmt))
        if not revised:
            continue
        added = _revision_columns(table, n, new_id, head_id, measure, col, reason, None, n)
        conn.execute(insert(revision).from_select(list(added), select(*[v.label(k) for k, v in added.items()])
            .select_from(n.outerjoin(o, and_(*same_key, o.c.release_id == head_id)))
            .where(n.c.release_id == new_id, n.c.quarter.in_(revised), o.c[keys[0]].is_(None))))
        removed = _revision_columns(table, o, new_id, head_id, measure, col, reason, o, None)
        conn.execute(insert(revision).from_select(list(removed), select(*[v.label(k) for k, v in removed.items()])
            .select_from(o.outerjoin(n, and_(*same_key, n.c.release_id == new_id)))
            .where(o.c.release_id == head_id, o.c.quarter.in_(revised), n.c[keys[0]].is_(None))))
    # counted afterwards: rowcount of INSERT ... SELECT is not reported by every driver
    return conn.execute(select(func.count()).where(revision.c.release_id == new_id,
                                                   revision.c.fact == table.name)).scalar_one()

