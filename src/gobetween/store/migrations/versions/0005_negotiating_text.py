"""articles, brackets, drafts, approvals and per-article answers

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 16:45:00
"""

from __future__ import annotations

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing yet: this revision's lane adds its tables here."""


def downgrade() -> None:
    """Nothing yet: this revision's lane drops its tables here."""
