"""key registry, mediators' notes, assignments, meetings and search

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 16:45:00
"""

from __future__ import annotations

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing yet: this revision's lane adds its tables here."""


def downgrade() -> None:
    """Nothing yet: this revision's lane drops its tables here."""
