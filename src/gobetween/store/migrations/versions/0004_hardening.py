"""sessions, throttling and audit coverage (hardening)

Devices that logged in before (``login_devices``: log-in throttling that an attacker cannot turn
against the real user's device), and the indexes that let expired sessions and old log-in
failures be pruned at each log-in without a scan.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 16:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """The ``login_devices`` table and the pruning indexes."""
    op.create_table(
        "login_devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("device_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_login_devices_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_devices")),
        sa.UniqueConstraint("device_hash", name=op.f("uq_login_devices_device_hash")),
    )
    with op.batch_alter_table("login_devices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_devices_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_login_devices_last_used_at"), ["last_used_at"], unique=False
        )
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_failures_at"), ["at"], unique=False)
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_web_sessions_expires_at"), ["expires_at"], unique=False
        )


def downgrade() -> None:
    """Drop what :func:`upgrade` added."""
    with op.batch_alter_table("web_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_sessions_expires_at"))
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_failures_at"))
    with op.batch_alter_table("login_devices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_devices_last_used_at"))
        batch_op.drop_index(batch_op.f("ix_login_devices_user_id"))
    op.drop_table("login_devices")
