"""initial schema

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-30 21:28:01.074686
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('force',
    sa.Column('code', sa.String(length=9), nullable=False, comment='ONS PFA code, or BTP for British Transport Police'),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('region', sa.String(length=40), nullable=False),
    sa.Column('territorial', sa.Boolean(), nullable=False, comment='False for BTP: no area, no population'),
    sa.Column('nom_phase', sa.String(length=30), nullable=False),
    sa.Column('nom_start', sa.Date(), nullable=False),
    sa.Column('nom_source', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_force'))
    )
    op.create_table('offence',
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('subgroup', sa.String(length=20), nullable=False, comment='rape | other_sexual'),
    sa.Column('age_band', sa.String(length=10), nullable=False, comment='adult | child | mixed'),
    sa.Column('expired', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_offence'))
    )
    op.create_table('outcome_type',
    sa.Column('type', sa.SmallInteger(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('ho_group', sa.String(length=100), nullable=False, comment='Home Office outcome group'),
    sa.PrimaryKeyConstraint('type', name=op.f('pk_outcome_type'))
    )
    op.create_table('pillar',
    sa.Column('id', sa.SmallInteger(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('numbering_note', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pillar'))
    )
    op.create_table('release',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('source', sa.String(length=30), nullable=False, comment='synthetic | outcomes | prc | ons-pfa-tables | boundaries | indicators'),
    sa.Column('label', sa.Text(), nullable=False),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False, comment='complete | superseded'),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('first_quarter', sa.Integer(), nullable=True),
    sa.Column('last_quarter', sa.Integer(), nullable=True),
    sa.Column('row_counts', sa.Text(), nullable=False, comment='JSON: table -> rows'),
    sa.Column('parameters', sa.Text(), nullable=False, comment='JSON: generator seed, scale, ...'),
    sa.Column('supersedes', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['supersedes'], ['release.id'], name=op.f('fk_release_supersedes_release')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_release'))
    )
    op.create_table('boundary',
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('force_code', sa.String(length=9), nullable=False),
    sa.Column('geojson', sa.Text(), nullable=False, comment='simplified WGS84 geometry, clockwise outer rings'),
    sa.ForeignKeyConstraint(['force_code'], ['force.code'], name=op.f('fk_boundary_force_code_force')),
    sa.ForeignKeyConstraint(['release_id'], ['release.id'], name=op.f('fk_boundary_release_id_release')),
    sa.PrimaryKeyConstraint('release_id', 'force_code', name=op.f('pk_boundary'))
    )
    op.create_table('case_record',
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False, comment='pseudonymous, meaningless outside a release'),
    sa.Column('force_code', sa.String(length=9), nullable=False),
    sa.Column('offence_code', sa.String(length=8), nullable=False),
    sa.Column('recorded_date', sa.Date(), nullable=False),
    sa.Column('recorded_quarter', sa.Integer(), nullable=False),
    sa.Column('victim_age_band', sa.String(length=8), nullable=False),
    sa.Column('victim_sex', sa.String(length=1), nullable=False),
    sa.Column('relationship', sa.String(length=16), nullable=False),
    sa.Column('suspect_identified', sa.Boolean(), nullable=False),
    sa.Column('repeat_suspect', sa.Boolean(), nullable=False),
    sa.Column('isva_referred', sa.Boolean(), nullable=False),
    sa.Column('referred_cps', sa.Boolean(), nullable=False),
    sa.Column('device_taken', sa.Boolean(), nullable=False),
    sa.Column('device_days', sa.Integer(), nullable=True, comment="days until the victim's device was returned; NULL if not taken or not yet returned"),
    sa.Column('outcome_type', sa.SmallInteger(), nullable=False, comment='0 while open'),
    sa.Column('outcome_date', sa.Date(), nullable=True),
    sa.Column('outcome_quarter', sa.Integer(), nullable=True),
    sa.Column('days_to_outcome', sa.Integer(), nullable=True),
    )
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.create_index('ix_case_outcome', ['release_id', 'outcome_type', 'outcome_quarter', 'force_code'], unique=False)

    op.create_table('force_alias',
    sa.Column('alias', sa.String(length=120), nullable=False, comment='normalised spelling (see db.reference.normalise_name)'),
    sa.Column('code', sa.String(length=9), nullable=False),
    sa.ForeignKeyConstraint(['code'], ['force.code'], name=op.f('fk_force_alias_code_force')),
    sa.PrimaryKeyConstraint('alias', name=op.f('pk_force_alias'))
    )
    op.create_table('force_population',
    sa.Column('code', sa.String(length=9), nullable=False),
    sa.Column('year', sa.SmallInteger(), nullable=False, comment='mid-year estimate year'),
    sa.Column('population', sa.Integer(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['code'], ['force.code'], name=op.f('fk_force_population_code_force')),
    sa.PrimaryKeyConstraint('code', 'year', name=op.f('pk_force_population'))
    )
    op.create_table('indicator_value',
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('force_code', sa.String(length=9), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('indicator', sa.String(length=40), nullable=False, comment='metric id in metrics.registry'),
    sa.Column('numerator', sa.Float(), nullable=True),
    sa.Column('denominator', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['force_code'], ['force.code'], name=op.f('fk_indicator_value_force_code_force')),
    sa.ForeignKeyConstraint(['release_id'], ['release.id'], name=op.f('fk_indicator_value_release_id_release'))
    )
    with op.batch_alter_table('indicator_value', schema=None) as batch_op:
        batch_op.create_index('ix_indicator_lookup', ['release_id', 'indicator', 'quarter', 'force_code'], unique=True)

    op.create_table('outcomes',
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('force_code', sa.String(length=9), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('offence_code', sa.String(length=8), nullable=False),
    sa.Column('outcome_type', sa.SmallInteger(), nullable=False),
    sa.Column('basis', sa.String(length=8), nullable=False, comment='recorded: offences recorded in the quarter; closed: investigations closed in it'),
    sa.Column('count', sa.Integer(), nullable=True, comment='NULL when the source says data not provided'),
    sa.Column('missing_reason', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['force_code'], ['force.code'], name=op.f('fk_outcomes_force_code_force')),
    sa.ForeignKeyConstraint(['offence_code'], ['offence.code'], name=op.f('fk_outcomes_offence_code_offence')),
    sa.ForeignKeyConstraint(['outcome_type'], ['outcome_type.type'], name=op.f('fk_outcomes_outcome_type_outcome_type')),
    sa.ForeignKeyConstraint(['release_id'], ['release.id'], name=op.f('fk_outcomes_release_id_release'))
    )
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.create_index('ix_outcomes_lookup', ['release_id', 'basis', 'quarter', 'force_code', 'offence_code', 'outcome_type'], unique=True)

    op.create_table('recorded_offences',
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('force_code', sa.String(length=9), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('offence_code', sa.String(length=8), nullable=False),
    sa.Column('count', sa.Integer(), nullable=True, comment='NULL when the source says data not provided'),
    sa.Column('missing_reason', sa.String(length=40), nullable=True, comment='why count is NULL, from the source'),
    sa.ForeignKeyConstraint(['force_code'], ['force.code'], name=op.f('fk_recorded_offences_force_code_force')),
    sa.ForeignKeyConstraint(['offence_code'], ['offence.code'], name=op.f('fk_recorded_offences_offence_code_offence')),
    sa.ForeignKeyConstraint(['release_id'], ['release.id'], name=op.f('fk_recorded_offences_release_id_release'))
    )
    with op.batch_alter_table('recorded_offences', schema=None) as batch_op:
        batch_op.create_index('ix_recorded_lookup', ['release_id', 'quarter', 'force_code', 'offence_code'], unique=True)

    op.create_table('release_file',
    sa.Column('release_id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('bytes', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['release_id'], ['release.id'], name=op.f('fk_release_file_release_id_release')),
    sa.PrimaryKeyConstraint('release_id', 'file_name', name=op.f('pk_release_file'))
    )
    # ### end Alembic commands ###


def downgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    op.drop_table('release_file')
    with op.batch_alter_table('recorded_offences', schema=None) as batch_op:
        batch_op.drop_index('ix_recorded_lookup')

    op.drop_table('recorded_offences')
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.drop_index('ix_outcomes_lookup')

    op.drop_table('outcomes')
    with op.batch_alter_table('indicator_value', schema=None) as batch_op:
        batch_op.drop_index('ix_indicator_lookup')

    op.drop_table('indicator_value')
    op.drop_table('force_population')
    op.drop_table('force_alias')
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.drop_index('ix_case_outcome')

    op.drop_table('case_record')
    op.drop_table('boundary')
    op.drop_table('release')
    op.drop_table('pillar')
    op.drop_table('outcome_type')
    op.drop_table('offence')
    op.drop_table('force')
    # ### end Alembic commands ###
