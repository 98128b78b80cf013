"""set-up from the browser, invitations with consent, e-mail and notifications

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 16:45:00
"""

from __future__ import annotations

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing yet: this revision's lane adds its tables here."""


def downgrade() -> None:
    """Nothing yet: this revision's lane drops its tables here."""
