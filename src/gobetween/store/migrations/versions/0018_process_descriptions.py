"""processes get their description in the working languages of the process
(``descriptions``: language code -> text), which the home page shows a reader of that language
(before, a Ukrainian delegation read the process's name in Ukrainian and its description in
English)

Processes made before this revision have no descriptions in other languages (``{}``): every
reader sees the description as entered, as before.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 19:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add ``descriptions`` (empty for every process made before) to processes."""
    with op.batch_alter_table("processes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("descriptions", sa.JSON(), server_default="{}", nullable=False)
        )


def downgrade() -> None:
    """Drop ``descriptions`` (the descriptions in other languages are lost; the description as
    entered stays)."""
    with op.batch_alter_table("processes", schema=None) as batch_op:
        batch_op.drop_column("descriptions")
