"""working languages, translations and user locales

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 16:45:00
"""

from __future__ import annotations

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing yet: this revision's lane adds its tables here."""


def downgrade() -> None:
    """Nothing yet: this revision's lane drops its tables here."""
