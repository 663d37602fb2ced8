"""The outcomes database schema (SQLAlchemy Core).

Periods are stored as an integer quarter key ``fy * 10 + fq`` (20241 = 2024-25 Q1, April to
June 2024): readable in a table, sortable, and a range filter is one bound comparison on both
SQLite and PostgreSQL. Every fact row carries the ``release_id`` it belongs to; a release is a
complete snapshot, so a reader picks one release and never mixes loads.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# --- Reference data -------------------------------------------------------------------------

force = Table(
    "force",
    metadata,
    Column("code", String(9), primary_key=True, comment="ONS PFA code, or BTP for British Transport Police"),
    Column("name", String(80), nullable=False),
    Column("region", String(40), nullable=False),
    Column("territorial", Boolean, nullable=False, comment="False for BTP: no area, no population"),
    Column("nom_phase", String(30), nullable=False),
    Column("nom_start", Date, nullable=False),
    Column("nom_source", Text, nullable=False),
)

force_alias = Table(
    "force_alias",
    metadata,
    Column("alias", String(120), primary_key=True, comment="normalised spelling (see db.reference.normalise_name)"),
    Column("code", String(9), ForeignKey("force.code"), nullable=False),
)

force_population = Table(
    "force_population",
    metadata,
    Column("code", String(9), ForeignKey("force.code"), primary_key=True),
    Column("year", SmallInteger, primary_key=True, comment="mid-year estimate year"),
    Column("population", Integer, nullable=False),
    Column("source", Text, nullable=False),
)

offence = Table(
    "offence",
    metadata,
    Column("code", String(8), primary_key=True),
    Column("description", Text, nullable=False),
    Column("subgroup", String(20), nullable=False, comment="rape | other_sexual"),
    Column("age_band", String(10), nullable=False, comment="adult | child | mixed"),
    Column("expired", Boolean, nullable=False, default=False),
)

outcome_type = Table(
    "outcome_type",
    metadata,
    Column("type", SmallInteger, primary_key=True),
    Column("description", Text, nullable=False),
    Column("ho_group", String(100), nullable=False, comment="Home Office outcome group"),
)

pillar = Table(
    "pillar",
    metadata,
    Column("id", SmallInteger, primary_key=True),
    Column("name", String(80), nullable=False),
    Column("description", Text, nullable=False),
    Column("numbering_note", Text, nullable=False),
)

# --- Releases ---------------------------------------------------------------------------------

release = Table(
    "release",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(30), nullable=False, comment="synthetic | outcomes | prc | ons-pfa-tables | boundaries | indicators"),
    Column("label", Text, nullable=False),
    Column("synthetic", Boolean, nullable=False),
    Column("status", String(12), nullable=False, comment="complete | superseded"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("first_quarter", Integer),
    Column("last_quarter", Integer),
    Column("row_counts", Text, nullable=False, default="{}", comment="JSON: table -> rows"),
    Column("parameters", Text, nullable=False, default="{}", comment="JSON: generator seed, scale, ..."),
    Column("supersedes", Integer, ForeignKey("release.id")),
    Column("spans", Text, comment="JSON: table kind[/basis] -> [first, last] quarter held; written at load, read instead of scanning"),
)

release_file = Table(
    "release_file",
    metadata,
    Column("release_id", Integer, ForeignKey("release.id"), primary_key=True),
    Column("file_name", Text, primary_key=True),
    Column("sha256", String(64), nullable=False),
    Column("bytes", Integer, nullable=False),
)

# --- Facts ----------------------------------------------------------------------------------

recorded_offences = Table(
    "recorded_offences",
    metadata,
    Column("release_id", Integer, ForeignKey("release.id"), nullable=False),
    Column("force_code", String(9), ForeignKey("force.code"), nullable=False),
    Column("quarter", Integer, nullable=False),
    Column("offence_code", String(8), ForeignKey("offence.code"), nullable=False),
    Column("count", Integer, comment="NULL when the source says data not provided"),
    Column("missing_reason", String(40), comment="why count is NULL, from the source"),
)
Index("ix_recorded_lookup", recorded_offences.c.release_id, recorded_offences.c.quarter,
      recorded_offences.c.force_code, recorded_offences.c.offence_code, unique=True)

outcomes = Table(
    "outcomes",
    metadata,
    Column("release_id", Integer, ForeignKey("release.id"), nullable=False),
    Column("force_code", String(9), ForeignKey("force.code"), nullable=False),
    Column("quarter", Integer, nullable=False),
    Column("offence_code", String(8), ForeignKey("offence.code"), nullable=False),
    Column("outcome_type", SmallInteger, ForeignKey("outcome_type.type"), nullable=False),
    Column("basis", String(8), nullable=False, comment="recorded: offences recorded in the quarter; closed: investigations closed in it"),
    Column("count", Integer, comment="NULL when the source says data not provided"),
    Column("missing_reason", String(40)),
)
Index("ix_outcomes_lookup", outcomes.c.release_id, outcomes.c.basis, outcomes.c.quarter,
      outcomes.c.force_code, outcomes.c.offence_code, outcomes.c.outcome_type, unique=True)

case_record = Table(
    "case_record",
    metadata,
    # No foreign keys: checking four per row doubled a 2-million-case PostgreSQL load; the
    # generator and loaders only write codes from the reference tables (tests check it).
    Column("release_id", Integer, nullable=False),
    Column("case_id", Integer, nullable=False, comment="pseudonymous, meaningless outside a release"),
    Column("force_code", String(9), nullable=False),
    Column("offence_code", String(8), nullable=False),
    Column("recorded_date", Date, nullable=False),
    Column("recorded_quarter", Integer, nullable=False),
    Column("victim_age_band", String(8), nullable=False),
    Column("victim_sex", String(1), nullable=False),
    Column("relationship", String(16), nullable=False),
    Column("suspect_identified", Boolean, nullable=False),
    Column("repeat_suspect", Boolean, nullable=False),
    Column("isva_referred", Boolean, nullable=False),
    Column("referred_cps", Boolean, nullable=False),
    Column("device_taken", Boolean, nullable=False),
    Column("device_days", Integer, comment="days until the victim's device was returned; NULL if not taken or not yet returned"),
    Column("outcome_type", SmallInteger, nullable=False, comment="0 while open"),
    Column("outcome_date", Date),
    Column("outcome_quarter", Integer),
    Column("days_to_outcome", Integer),
)
Index("ix_case_outcome", case_record.c.release_id, case_record.c.outcome_type,
      case_record.c.outcome_quarter, case_record.c.force_code)

indicator_value = Table(
    "indicator_value",
    metadata,
    Column("release_id", Integer, ForeignKey("release.id"), nullable=False),
    Column("force_code", String(9), ForeignKey("force.code"), nullable=False),
    Column("quarter", Integer, nullable=False),
    Column("indicator", String(40), nullable=False, comment="metric id in metrics.registry"),
    Column("numerator", Float),
    Column("denominator", Float),
)
Index("ix_indicator_lookup", indicator_value.c.release_id, indicator_value.c.indicator,
      indicator_value.c.quarter, indicator_value.c.force_code, unique=True)

boundary = Table(
    "boundary",
    metadata,
    Column("release_id", Integer, ForeignKey("release.id"), primary_key=True),
    Column("force_code", String(9), ForeignKey("force.code"), primary_key=True),
    Column("geojson", Text, nullable=False, comment="simplified WGS84 geometry, clockwise outer rings"),
)

# The vocabulary of missing_reason (why a published count is NULL). Only NOT_PROVIDED marks a
# gap in the data: a count the force did not supply understates any total that includes it
# ("N/A - data not provided" in the published tables); the others are not counts at all.
NOT_AVAILABLE = "not available"
NOT_APPLICABLE = "not applicable"
NOT_PROVIDED = "data not provided"
SUPPRESSED = "suppressed"
LOW_RELIABILITY = "low reliability"

# --- Ingest of published data (migration 0002) ------------------------------------------------

ons_force_figures = Table(
    "ons_force_figures",
    metadata,
    Column("release_id", Integer, ForeignKey("release.id"), primary_key=True),
    Column("area_code", String(9), primary_key=True, comment="ONS area code; BTP for British Transport Police"),
    Column("measure", String(40), primary_key=True, comment="sexual_offences | sexual_offences_rate_per_1000 | population"),
    Column("area_name", Text, nullable=False, comment="as published, footnote tags removed"),
    Column("period_label", String(40), nullable=False, comment="e.g. year ending December 2024"),
    Column("value", Float, comment="NULL when the workbook shows a marker"),
    Column("marker", String(8), comment="[u1], [x], [z] ... as published"),
    Column("source_table", String(20), nullable=False, comment="workbook sheet, e.g. Table P1"),
)

revision = Table(
    "revision",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("release_id", Integer, ForeignKey("release.id"), nullable=False, comment="the release that revised"),
    Column("previous_release_id", Integer, ForeignKey("release.id"), nullable=False),
    Column("fact", String(20), nullable=False, comment="recorded_offences | outcomes | indicator_value"),
    Column("force_code", String(9), nullable=False),
    Column("quarter", Integer, nullable=False),
    Column("offence_code", String(8)),
    Column("outcome_type", SmallInteger),
    Column("basis", String(8)),
    Column("indicator", String(40)),
    Column("measure", String(12), nullable=False, comment="count | numerator | denominator"),
    Column("old_value", Float),
    Column("new_value", Float),
    Column("old_missing_reason", String(40)),
    Column("new_missing_reason", String(40)),
)
Index("ix_revision_release", revision.c.release_id, revision.c.fact)

# --- Disclosure protection (migration 0003) ---------------------------------------------------

disclosure_run = Table(
    "disclosure_run",
    metadata,
    Column("release_id", Integer, ForeignKey("release.id"), primary_key=True),
    Column("threshold", SmallInteger, nullable=False, comment="counts 1 to threshold - 1 are primary"),
    Column("prior_release_id", Integer, ForeignKey("release.id"),
           comment="the edition whose hidden cells were carried and whose shown cells were known"),
    Column("cells", Integer, nullable=False, comment="node cells protected over"),
    Column("hidden", Integer, nullable=False),
    Column("hidden_by_reason", Text, nullable=False, default="{}", comment="JSON: reason -> cells"),
    Column("seconds", Float, nullable=False),
    Column("checked", Boolean, nullable=False, default=False,
           comment="every hidden cell's range checked by linear programming (else the line rule only)"),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

disclosure_cell = Table(
    "disclosure_cell",
    metadata,
    # Hidden node cells only (every other node cell of the release is shown); the primary key
    # starts with (release_id, family), the index every public query reads it by.
    Column("release_id", Integer, ForeignKey("release.id"), primary_key=True),
    Column("family", String(40), primary_key=True, comment="metrics.disclosure.families.FAMILIES"),
    Column("area_code", String(12), primary_key=True, comment="force code, BTP, K04000001 or K04000001-T"),
    Column("period_key", Integer, primary_key=True, comment="quarter YYYYQ, financial year YYYY0, or 12 months ending quarter YYYYQ as YYYYQ + 5"),
    Column("offence", String(20), primary_key=True),
    Column("category", String(100), primary_key=True, comment="outcome group, or all"),
    Column("reason", String(10), nullable=False, comment="primary | secondary | carried | linked"),
)

# --- Loaded peer groups (migration 0005) -------------------------------------------------------

peer_group = Table(
    "peer_group",
    metadata,
    # A release of its own (source "peer-groups"), like boundaries: the newest complete one is
    # used whatever data release is shown.
    Column("release_id", Integer, ForeignKey("release.id"), primary_key=True),
    Column("group_name", String(80), primary_key=True, comment="the peer set, as the file names it"),
    Column("force_code", String(9), ForeignKey("force.code"), primary_key=True),
    Column("peer_code", String(9), ForeignKey("force.code"), primary_key=True),
)

# The aggregates of the case records (migration 0007) are defined in db.case_aggregates, which the
# package imports (db/__init__.py), so whatever imports this module sees every table.
