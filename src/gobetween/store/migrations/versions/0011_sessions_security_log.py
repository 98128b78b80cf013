"""the session list and the security log: session_devices, security_events

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Where each browser session was started; a bounded log of each user's security events."""
    op.create_table(
        "session_devices",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("user_agent", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["web_sessions.id"],
            name=op.f("fk_session_devices_session_id_web_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_session_devices")),
    )
    op.create_table(
        "security_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("user_agent", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_security_events_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_events")),
    )
    op.create_index("ix_security_events_user_id_at", "security_events", ["user_id", "at"])
    op.create_index(op.f("ix_security_events_at"), "security_events", ["at"])


def downgrade() -> None:
    """Drop both tables (sessions and users stay)."""
    op.drop_index(op.f("ix_security_events_at"), table_name="security_events")
    op.drop_index("ix_security_events_user_id_at", table_name="security_events")
    op.drop_table("security_events")
    op.drop_table("session_devices")
