"""working languages, translations and user locales

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 16:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Working languages, translators and message translations (L12b); user locales (L12a)."""
    _upgrade_languages()
    _upgrade_user_locales()


def _upgrade_user_locales() -> None:
    """Each user's interface language and time zone (None: the browser's)."""
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locale", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("time_zone", sa.String(length=64), nullable=True))


def _foreign_key(table: str, column: str, parent: str, ondelete: str) -> sa.ForeignKeyConstraint:
    """``table.column`` referencing ``parent.id``, named by the metadata's convention."""
    return sa.ForeignKeyConstraint(
        [column], [f"{parent}.id"], name=op.f(f"fk_{table}_{column}_{parent}"), ondelete=ondelete
    )


def _ordered_languages(table: str, owner: str, parent: str) -> None:
    """A table of working-language codes in declared order, owned by a row of ``parent``."""
    op.create_table(
        table,
        sa.Column(owner, sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        _foreign_key(table, owner, parent, "CASCADE"),
        sa.PrimaryKeyConstraint(owner, "code", name=op.f(f"pk_{table}")),
    )


def _upgrade_languages() -> None:
    _ordered_languages("process_languages", "process_id", "processes")
    _ordered_languages("track_languages", "track_id", "tracks")
    op.create_table(
        "translator_assignments",
        sa.Column("track_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("assigned_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _foreign_key("translator_assignments", "assigned_by", "users", "SET NULL"),
        _foreign_key("translator_assignments", "track_id", "tracks", "CASCADE"),
        _foreign_key("translator_assignments", "user_id", "users", "CASCADE"),
        sa.PrimaryKeyConstraint("track_id", "user_id", name=op.f("pk_translator_assignments")),
    )
    with op.batch_alter_table("translator_assignments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_translator_assignments_user_id"), ["user_id"], unique=False
        )
    op.create_table(
        "message_translations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("translator_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _foreign_key("message_translations", "message_id", "messages", "CASCADE"),
        _foreign_key("message_translations", "party_id", "organisations", "CASCADE"),
        _foreign_key("message_translations", "translator_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_translations")),
        sa.UniqueConstraint(
            "message_id", "language", name=op.f("uq_message_translations_message_id")
        ),
    )
    with op.batch_alter_table("message_translations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_message_translations_message_id"), ["message_id"], unique=False
        )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    """Drop what :func:`upgrade` added."""
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("time_zone")
        batch_op.drop_column("locale")
    _downgrade_languages()


def _downgrade_languages() -> None:
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_column("language")
    op.drop_table("message_translations")
    op.drop_table("translator_assignments")
    op.drop_table("track_languages")
    op.drop_table("process_languages")
