"""drop protection runs stored before twelve-month windows were time nodes

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 17:00:00

Why a data migration: from this revision the public tables look up the twelve months ending the
release's quarter of the year as protected cells of their own. A run stored before then never
decided them, so the tables would show them unprotected. Dropping the old runs makes
``db.protection.hidden_cells`` compute each such release's protection in memory, as it does for
any release without a stored run, until the release is loaded again.
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


OLD = 'quarter YYYYQ, or financial year YYYY0'
NEW = 'quarter YYYYQ, financial year YYYY0, or 12 months ending quarter YYYYQ as YYYYQ + 5'


def _comment(text: str) -> None:
    with op.batch_alter_table('disclosure_cell') as batch:
        batch.alter_column('period_key', existing_type=sa.Integer(), existing_nullable=False, comment=text)


def upgrade() -> None:
    op.execute("DELETE FROM disclosure_cell")
    op.execute("DELETE FROM disclosure_run")
    _comment(NEW)


def downgrade() -> None:
    _comment(OLD)  # the dropped runs were incomplete; an older version recomputes in memory too
