"""Encrypted request records and per-client data keys

Revision ID: 0002_records
Revises: 0001_identity
Create Date: 2026-11-29 06:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002_records'
down_revision: str | None = '0001_identity'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('client_data_key',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('client_id', sa.String(length=40), nullable=False),
    sa.Column('wrapped_key', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('rewrapped_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_client_data_key')),
    sa.UniqueConstraint('client_id', name=op.f('uq_client_data_key_client_id'))
    )
    op.create_table('request_record',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('client_id', sa.String(length=40), nullable=False),
    sa.Column('key_id', sa.String(length=40), nullable=True),
    sa.Column('route', sa.String(length=64), nullable=False),
    sa.Column('model', sa.String(length=200), nullable=True),
    sa.Column('status', sa.Integer(), nullable=False),
    sa.Column('latency_ms', sa.Float(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('entity_counts', sa.JSON(), nullable=False),
    sa.Column('usage', sa.JSON(), nullable=True),
    sa.Column('raw_input', sa.Boolean(), nullable=False),
    sa.Column('data_key_id', sa.String(length=32), nullable=True),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['data_key_id'], ['client_data_key.id'],
                            name=op.f('fk_request_record_data_key_id_client_data_key'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_request_record'))
    )
    with op.batch_alter_table('request_record', schema=None) as batch_op:
        batch_op.create_index('ix_request_record_client_id_id', ['client_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_request_record_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_request_record_data_key_id'), ['data_key_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('request_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_request_record_data_key_id'))
        batch_op.drop_index(batch_op.f('ix_request_record_created_at'))
        batch_op.drop_index('ix_request_record_client_id_id')
    op.drop_table('request_record')
    op.drop_table('client_data_key')
