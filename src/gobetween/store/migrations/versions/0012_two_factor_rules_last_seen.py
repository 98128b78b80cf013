"""compulsory two-step sign-in per process, and when each browser session was last seen:
process_two_factor, session_devices.last_seen_at and session_devices.last_client

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 13:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """A process's rule that its members use a second factor; a session's last use."""
    op.create_table(
        "process_two_factor",
        sa.Column("process_id", sa.Integer(), nullable=False),
        sa.Column("set_by", sa.Integer(), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["process_id"],
            ["processes.id"],
            name=op.f("fk_process_two_factor_process_id_processes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["set_by"],
            ["users.id"],
            name=op.f("fk_process_two_factor_set_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("process_id", name=op.f("pk_process_two_factor")),
    )
    with op.batch_alter_table("session_devices") as batch:
        batch.add_column(sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("last_client", sa.String(length=60), nullable=False, server_default="")
        )


def downgrade() -> None:
    """Drop the rule table and the two columns."""
    with op.batch_alter_table("session_devices") as batch:
        batch.drop_column("last_client")
        batch.drop_column("last_seen_at")
    op.drop_table("process_two_factor")
