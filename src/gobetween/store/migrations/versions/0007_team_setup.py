"""set-up from the browser, invitations with consent, e-mail and notifications

Tables: ``installation`` (the first administrator exists: set-up is over), ``mail_outbox``
(e-mails waiting to be sent, with bounded retries), ``mail_tokens`` (password-reset and
address-verification links, digests only), ``mail_settings`` (verified address, notification
choice), ``notifier_cursor``, ``mail_digest_items`` and ``agenda_versions`` (announced agenda
changes). ``invitations`` gets ``declined_at``.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 16:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_TIME = sa.DateTime(timezone=True)


def _user_fk(table: str, column: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["users.id"], name=op.f(f"fk_{table}_{column}_users"), ondelete=ondelete
    )


def upgrade() -> None:
    """Create the set-up, mail and agenda-version tables; invitations can be declined."""
    op.create_table(
        "installation",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("admin_id", sa.Integer(), nullable=True),
        sa.Column("created_at", _TIME, nullable=False),
        _user_fk("installation", "admin_id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_installation")),
    )
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("next_attempt_at", _TIME, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=False),
        sa.Column("sent_at", _TIME, nullable=True),
        sa.Column("failed_at", _TIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
    )
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.create_index("ix_mail_outbox_due", ["sent_at", "next_attempt_at"], unique=False)
    op.create_table(
        "mail_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("expires_at", _TIME, nullable=False),
        sa.Column("used_at", _TIME, nullable=True),
        _user_fk("mail_tokens", "user_id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_mail_tokens_token_hash")),
    )
    with op.batch_alter_table("mail_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mail_tokens_user_id"), ["user_id"], unique=False)
    op.create_table(
        "mail_settings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("verified_at", _TIME, nullable=True),
        sa.Column("notify", sa.String(length=20), nullable=False),
        sa.Column("digest_sent_at", _TIME, nullable=True),
        sa.Column("notified_at", _TIME, nullable=True),
        _user_fk("mail_settings", "user_id", "CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_mail_settings")),
    )
    op.create_table(
        "notifier_cursor",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifier_cursor")),
    )
    op.create_table(
        "mail_digest_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("line", sa.String(length=500), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("sent_at", _TIME, nullable=True),
        _user_fk("mail_digest_items", "user_id", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_digest_items")),
        sa.UniqueConstraint("user_id", "key", name=op.f("uq_mail_digest_items_user_id")),
    )
    with op.batch_alter_table("mail_digest_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mail_digest_items_user_id"), ["user_id"], unique=False)
    op.create_table(
        "agenda_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("track_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("agenda", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", _TIME, nullable=False),
        _user_fk("agenda_versions", "created_by", "SET NULL"),
        sa.ForeignKeyConstraint(
            ["track_id"],
            ["tracks.id"],
            name=op.f("fk_agenda_versions_track_id_tracks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agenda_versions")),
        sa.UniqueConstraint("track_id", "version", name=op.f("uq_agenda_versions_track_id")),
    )
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("declined_at", _TIME, nullable=True))


def downgrade() -> None:
    """Drop what :func:`upgrade` created."""
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_column("declined_at")
    for table in (
        "agenda_versions",
        "mail_digest_items",
        "notifier_cursor",
        "mail_settings",
        "mail_tokens",
        "mail_outbox",
        "installation",
    ):
        op.drop_table(table)
