"""key registry, mediators' notes, assignments, meetings and search

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 16:45:00
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, ondelete: str | None) -> sa.ForeignKeyConstraint:
    referred = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=op.f(f"fk_{table}_{column}_{referred}"), ondelete=ondelete
    )


def _at(name: str, nullable: bool) -> sa.Column[dt.datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _record_existing_keys() -> None:
    """Every key registered before the registry gets its record: held by whoever registered it;
    a key already replaced by a newer one (``active`` false) is recorded as revoked, so it signs
    no more than it did before the upgrade."""
    keys = sa.table(
        "signing_keys",
        sa.column("id", sa.Integer()),
        sa.column("created_by", sa.Integer()),
        sa.column("active", sa.Boolean()),
    )
    records = sa.table(
        "key_records",
        sa.column("key_id", sa.Integer()),
        sa.column("owner_id", sa.Integer()),
        sa.column("origin", sa.String()),
        sa.column("revoked_at", sa.DateTime(timezone=True)),
        sa.column("revocation_reason", sa.Text()),
    )
    rows = op.get_bind().execute(sa.select(keys.c.id, keys.c.created_by, keys.c.active)).all()
    now = dt.datetime.now(dt.UTC)
    op.bulk_insert(
        records,
        [
            {
                "key_id": row.id,
                "owner_id": row.created_by,
                "origin": "upload",
                "revoked_at": None if row.active else now,
                "revocation_reason": "" if row.active else "replaced before the key registry",
            }
            for row in rows
        ],
    )


def upgrade() -> None:
    """The key registry, notes, assignments and meetings."""
    op.create_table(
        "key_records",
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("confirmed_by", sa.Integer(), nullable=True),
        _at("confirmed_at", True),
        sa.Column("revoked_by", sa.Integer(), nullable=True),
        _at("revoked_at", True),
        sa.Column("revocation_reason", sa.Text(), nullable=False),
        _fk("key_records", "key_id", "signing_keys.id", "CASCADE"),
        _fk("key_records", "owner_id", "users.id", "SET NULL"),
        _fk("key_records", "confirmed_by", "users.id", "SET NULL"),
        _fk("key_records", "revoked_by", "users.id", "SET NULL"),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_key_records")),
    )
    op.create_index(op.f("ix_key_records_owner_id"), "key_records", ["owner_id"])
    _record_existing_keys()
    op.create_table(
        "mediator_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("track_id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=True),
        sa.Column("party_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        _at("created_at", False),
        _at("updated_at", False),
        _fk("mediator_notes", "track_id", "tracks.id", "CASCADE"),
        _fk("mediator_notes", "channel_id", "channels.id", "CASCADE"),
        _fk("mediator_notes", "party_id", "organisations.id", None),
        _fk("mediator_notes", "author_id", "users.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediator_notes")),
    )
    op.create_index(
        "ix_mediator_notes_track_id_party_id", "mediator_notes", ["track_id", "party_id"]
    )
    op.create_table(
        "channel_assignments",
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("assigned_by", sa.Integer(), nullable=True),
        _at("assigned_at", False),
        _fk("channel_assignments", "channel_id", "channels.id", "CASCADE"),
        _fk("channel_assignments", "user_id", "users.id", "CASCADE"),
        _fk("channel_assignments", "assigned_by", "users.id", "SET NULL"),
        sa.PrimaryKeyConstraint("channel_id", "user_id", name=op.f("pk_channel_assignments")),
    )
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("track_id", sa.Integer(), nullable=False),
        _at("held_at", False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("attendees", sa.Text(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("follow_ups", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        _at("created_at", False),
        _fk("meetings", "track_id", "tracks.id", "CASCADE"),
        _fk("meetings", "created_by", "users.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
    )
    op.create_index(op.f("ix_meetings_track_id"), "meetings", ["track_id"])
    op.create_table(
        "meeting_parties",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        _fk("meeting_parties", "meeting_id", "meetings.id", "CASCADE"),
        _fk("meeting_parties", "party_id", "organisations.id", "CASCADE"),
        sa.PrimaryKeyConstraint("meeting_id", "party_id", name=op.f("pk_meeting_parties")),
    )
    op.create_index(op.f("ix_meeting_parties_party_id"), "meeting_parties", ["party_id"])


def downgrade() -> None:
    """Drop this revision's tables."""
    op.drop_index(op.f("ix_meeting_parties_party_id"), table_name="meeting_parties")
    op.drop_table("meeting_parties")
    op.drop_index(op.f("ix_meetings_track_id"), table_name="meetings")
    op.drop_table("meetings")
    op.drop_table("channel_assignments")
    op.drop_index("ix_mediator_notes_track_id_party_id", table_name="mediator_notes")
    op.drop_table("mediator_notes")
    op.drop_index(op.f("ix_key_records_owner_id"), table_name="key_records")
    op.drop_table("key_records")
