"""provisions, record kinds, exchanges and incidents

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 16:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """The record's revision counter (the key of its cached figures)."""
    with op.batch_alter_table("agreements") as batch:
        batch.add_column(
            sa.Column("record_revision", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    """Drop what :func:`upgrade` added."""
    with op.batch_alter_table("agreements") as batch:
        batch.drop_column("record_revision")
