"""aggregates of the case records, written at load (db/case_aggregates.py)

Releases loaded before this have no rows in them and are read from their case records.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 05:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

DAYS_COLUMNS = ['offence_code', 'force_code', 'days_to_outcome', 'cases']


def upgrade() -> None:
    op.create_table('case_journey_count',
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('recorded_quarter', sa.Integer(), nullable=False),
    sa.Column('offence_code', sa.String(length=8), nullable=False),
    sa.Column('outcome_type', sa.SmallInteger(), nullable=False, comment='0 while open'),
    sa.Column('cases', sa.Integer(), nullable=False),
    sa.Column('suspect_identified', sa.Integer(), nullable=False, comment='of those cases'),
    sa.Column('referred_cps', sa.Integer(), nullable=False, comment='of those cases'),
    sa.PrimaryKeyConstraint('release_id', 'recorded_quarter', 'offence_code', 'outcome_type',
                            name=op.f('pk_case_journey_count'))
    )
    op.create_table('case_days',
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('outcome_quarter', sa.Integer(), nullable=True),
    sa.Column('force_code', sa.String(length=9), nullable=False),
    sa.Column('offence_code', sa.String(length=8), nullable=False),
    sa.Column('outcome_type', sa.SmallInteger(), nullable=False, comment='never 0: closed cases only'),
    sa.Column('days_to_outcome', sa.Integer(), nullable=True),
    sa.Column('cases', sa.Integer(), nullable=False)
    )
    with op.batch_alter_table('case_days', schema=None) as batch_op:
        batch_op.create_index('ix_case_days_quarter',
                              ['release_id', 'outcome_quarter', 'outcome_type', *DAYS_COLUMNS], unique=False)
        batch_op.create_index('ix_case_days_type',
                              ['release_id', 'outcome_type', 'outcome_quarter', *DAYS_COLUMNS], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('case_days', schema=None) as batch_op:
        batch_op.drop_index('ix_case_days_type')
        batch_op.drop_index('ix_case_days_quarter')
    op.drop_table('case_days')
    op.drop_table('case_journey_count')
