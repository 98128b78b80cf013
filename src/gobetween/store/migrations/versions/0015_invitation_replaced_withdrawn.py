"""invitations say when they were replaced by a newer one to the same seat, and when and by
whom they were withdrawn: the link of either is refused in words of its own (before, a replaced
invitation was only made to expire, and none could be withdrawn)

Invitations replaced before this revision stay as they were: expired.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Add ``replaced_at``, ``withdrawn_at`` and ``withdrawn_by`` to ``invitations``."""
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("replaced_at", _TIME, nullable=True))
        batch_op.add_column(sa.Column("withdrawn_at", _TIME, nullable=True))
        batch_op.add_column(sa.Column("withdrawn_by", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_invitations_withdrawn_by_users"),
            "users",
            ["withdrawn_by"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    """Drop the three columns."""
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_invitations_withdrawn_by_users"), type_="foreignkey")
        batch_op.drop_column("withdrawn_by")
        batch_op.drop_column("withdrawn_at")
        batch_op.drop_column("replaced_at")
