"""an index on the outbox by address, kind and time: whether a security mail of a kind went to an
address in the last quarter of an hour is read on every such event (and every wrong password)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 14:50:00
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Index ``mail_outbox`` by recipient, kind and creation time."""
    op.create_index("ix_mail_outbox_to_kind", "mail_outbox", ["to_address", "kind", "created_at"])


def downgrade() -> None:
    """Drop the index."""
    op.drop_index("ix_mail_outbox_to_kind", table_name="mail_outbox")
