"""Per-client and per-key model token limits (tokens per minute)

Revision ID: 0003_token_limits
Revises: 0002_records
Create Date: 2026-11-29 06:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_token_limits"
down_revision: str | None = "0002_records"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("api_client", "api_key"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("tokens_per_minute", sa.Integer(), nullable=True))


def downgrade() -> None:
    for table in ("api_key", "api_client"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("tokens_per_minute")
