"""provision assessments get an internal note, read by the mediators alone, beside the note every
signatory reads (before, the one note was shown to every signatory, so a mediator explaining an
assessment by an incident still hidden from the accused party told that party of it)

Assessments made before this revision keep their note as the note every signatory reads (it
stays in their ``body``); their internal note is empty.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``internal_note`` (empty for every assessment made before) to
    ``provision_assessments``."""
    with op.batch_alter_table("provision_assessments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("internal_note", sa.Text(), server_default="", nullable=False)
        )


def downgrade() -> None:
    """Drop ``internal_note`` (the mediators' internal notes are lost; no signatory read them)."""
    with op.batch_alter_table("provision_assessments", schema=None) as batch_op:
        batch_op.drop_column("internal_note")
