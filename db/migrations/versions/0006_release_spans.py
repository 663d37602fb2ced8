"""each release's quarters held per fact table, stored at load (db/spans.py)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 02:15:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

COMMENT = "JSON: table kind[/basis] -> [first, last] quarter held; written at load, read instead of scanning"


def upgrade() -> None:
    with op.batch_alter_table('release', schema=None) as batch_op:
        batch_op.add_column(sa.Column('spans', sa.Text(), nullable=True, comment=COMMENT))


def downgrade() -> None:
    with op.batch_alter_table('release', schema=None) as batch_op:
        batch_op.drop_column('spans')
