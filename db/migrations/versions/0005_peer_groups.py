"""loaded peer groups (rasso ingest peer-groups)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 19:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('peer_group',
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('group_name', sa.String(length=80), nullable=False, comment='the peer set, as the file names it'),
    sa.Column('force_code', sa.String(length=9), nullable=False),
    sa.Column('peer_code', sa.String(length=9), nullable=False),
    sa.ForeignKeyConstraint(['force_code'], ['force.code'], name=op.f('fk_peer_group_force_code_force')),
    sa.ForeignKeyConstraint(['peer_code'], ['force.code'], name=op.f('fk_peer_group_peer_code_force')),
    sa.ForeignKeyConstraint(['release_id'], ['release.id'], name=op.f('fk_peer_group_release_id_release')),
    sa.PrimaryKeyConstraint('release_id', 'group_name', 'force_code', 'peer_code', name=op.f('pk_peer_group'))
    )


def downgrade() -> None:
    op.drop_table('peer_group')
