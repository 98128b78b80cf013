"""index the numbers of each live-update scope

Every write that notifies numbers its row next in its scope (after the newest number of the
track's public events or of one party's); without this index that read scanned all of the
track's notifications, under the audit chain's lock.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 21:50:00
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notifications_scope_number", ["track_id", "party_id", "number"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_scope_number")
