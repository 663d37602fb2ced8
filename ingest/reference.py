"""Reference lookups a loader needs before it validates (read once, outside the transaction)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select

from db.reference import normalise_name
from db.schema import force, force_alias, offence, outcome_type

NOT_FORCES = {
    normalise_name(n): n
    for n in ("Action Fraud", "CIFAS", "Cifas", "UK Finance", "Financial Fraud Action UK",
              "Financial Fraud Action")
}
TOTAL_ROWS = {normalise_name(n) for n in ("England and Wales", "England & Wales", "Total",
                                          "England and Wales total", "All forces")}
DROP_NOT_FORCE = "not a territorial force (Action Fraud, CIFAS, UK Finance)"
DROP_NOT_SEXUAL = "not a sexual offence"
DROP_TOTAL = "England and Wales total row (checked against the forces, not stored)"


@dataclass(frozen=True)
class Lookups:
    aliases: dict[str, str]  # normalised name -> force code
    force_codes: frozenset[str]
    territorial: frozenset[str]
    outcome_types: frozenset[int]
    offences: dict[str, tuple[str, str, str, bool]]  # code -> description, subgroup, band, expired


def read_lookups(engine: Engine) -> Lookups:
    with engine.connect() as conn:
        aliases = {r.alias: r.code for r in conn.execute(select(force_alias))}
        forces = conn.execute(select(force.c.code, force.c.territorial)).all()
        types = frozenset(conn.execute(select(outcome_type.c.type)).scalars())
        offences = {r.code: (r.description, r.subgroup, r.age_band, bool(r.expired))
                    for r in conn.execute(select(offence))}
    return Lookups(aliases, frozenset(c for c, _ in forces),
                   frozenset(c for c, t in forces if t), types, offences)


def classify_force(name: str, lookups: Lookups) -> tuple[str, str | None]:
    """('force', code) | ('not_force', None) | ('total', None) | ('unknown', None)."""
    key = normalise_name(name)
    if key in lookups.aliases:
        return "force", lookups.aliases[key]
    if key in NOT_FORCES:
        return "not_force", None
    if key in TOTAL_ROWS:
        return "total", None
    return "unknown", None


def age_band_for(description: str) -> str:
    """The dashboard's reading of a new code's description (domain.md 4.2)."""
    text = description.lower()
    if "child" in text or "under 13" in text or "under 16" in text:
        return "child"
    if "aged 16 and over" in text:
        return "adult"
    return "mixed"
