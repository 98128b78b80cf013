"""processes, organisations and tracks get their names in the working languages of the process
(``names``: language code -> name), which the pages show a reader of that language (before, a
Russian delegation read "Ukraine" and "food corridor" in English on every page, although the
issues and options of its agenda were named in Russian)

Rows made before this revision have no names in other languages (``{}``): every reader sees the
name as entered, as before.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-09 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

#: The tables whose rows a secretariat names.
NAMED = ("processes", "organisations", "tracks")


def upgrade() -> None:
    """Add ``names`` (empty for every row made before) to processes, organisations, tracks."""
    for table in NAMED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("names", sa.JSON(), server_default="{}", nullable=False))


def downgrade() -> None:
    """Drop ``names`` (the names in other languages are lost; the names as entered stay)."""
    for table in NAMED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("names")
