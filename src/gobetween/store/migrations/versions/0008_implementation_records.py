"""provisions, record kinds, exchanges and incidents

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 16:45:00
"""

from __future__ import annotations

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing yet: this revision's lane adds its tables here."""


def downgrade() -> None:
    """Nothing yet: this revision's lane drops its tables here."""
