"""disclosure protection persisted with each release

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05 14:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('disclosure_run',
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('threshold', sa.SmallInteger(), nullable=False, comment='counts 1 to threshold - 1 are primary'),
    sa.Column('prior_release_id', sa.Integer(), nullable=True, comment='the edition whose hidden cells were carried and whose shown cells were known'),
    sa.Column('cells', sa.Integer(), nullable=False, comment='node cells protected over'),
    sa.Column('hidden', sa.Integer(), nullable=False),
    sa.Column('hidden_by_reason', sa.Text(), nullable=False, comment='JSON: reason -> cells'),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.Column('checked', sa.Boolean(), nullable=False, comment="every hidden cell's range checked by linear programming (else the line rule only)"),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['prior_release_id'], ['release.id'], name=op.f('fk_disclosure_run_prior_release_id_release')),
    sa.ForeignKeyConstraint(['release_id'], ['release.id'], name=op.f('fk_disclosure_run_release_id_release')),
    sa.PrimaryKeyConstraint('release_id', name=op.f('pk_disclosure_run'))
    )
    op.create_table('disclosure_cell',
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('family', sa.String(length=40), nullable=False, comment='metrics.disclosure.families.FAMILIES'),
    sa.Column('area_code', sa.String(length=12), nullable=False, comment='force code, BTP, K04000001 or K04000001-T'),
    sa.Column('period_key', sa.Integer(), nullable=False, comment='quarter YYYYQ, or financial year YYYY0'),
    sa.Column('offence', sa.String(length=20), nullable=False),
    sa.Column('category', sa.String(length=100), nullable=False, comment='outcome group, or all'),
    sa.Column('reason', sa.String(length=10), nullable=False, comment='primary | secondary | carried | linked'),
    sa.ForeignKeyConstraint(['release_id'], ['release.id'], name=op.f('fk_disclosure_cell_release_id_release')),
    sa.PrimaryKeyConstraint('release_id', 'family', 'area_code', 'period_key', 'offence', 'category',
                            name=op.f('pk_disclosure_cell'))
    )


def downgrade() -> None:
    op.drop_table('disclosure_cell')
    op.drop_table('disclosure_run')
