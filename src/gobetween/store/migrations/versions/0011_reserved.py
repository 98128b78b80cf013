"""reserved for one lane of the 2026-12-03 session (renamed when used; removed if unused)

Revision ID: 0011
Revises: 00010
Create Date: 2026-12-03 08:00:00
"""

from __future__ import annotations

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing yet."""


def downgrade() -> None:
    """Nothing yet."""
