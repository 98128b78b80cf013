"""double-blind bidding: the biddings table (the bids are protocol events)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _fk(column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    referred = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=op.f(f"fk_biddings_{column}_{referred}"), ondelete=ondelete
    )


def upgrade() -> None:
    """One bidding per track: issue, payer, payee, rules, who opened it and when."""
    op.create_table(
        "biddings",
        sa.Column("track_id", sa.Integer(), nullable=False),
        sa.Column("issue", sa.String(length=200), nullable=True),
        sa.Column("payer_id", sa.Integer(), nullable=False),
        sa.Column("payee_id", sa.Integer(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("opened_by", sa.Integer(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        _fk("track_id", "tracks.id", "CASCADE"),
        _fk("payer_id", "organisations.id", "CASCADE"),
        _fk("payee_id", "organisations.id", "CASCADE"),
        _fk("opened_by", "users.id", "SET NULL"),
        sa.PrimaryKeyConstraint("track_id", name=op.f("pk_biddings")),
    )


def downgrade() -> None:
    """Drop the biddings table (the protocol events stay, unread)."""
    op.drop_table("biddings")
