"""articles, brackets, drafts, approvals and per-article answers

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 16:45:00
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, ondelete: str | None) -> sa.ForeignKeyConstraint:
    referred = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=op.f(f"fk_{table}_{column}_{referred}"), ondelete=ondelete
    )


def _at(name: str) -> sa.Column[dt.datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    """Drafts, approvals and drafting rules (per-article answers are protocol events)."""
    op.create_table(
        "text_drafts",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("track_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("published_version", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        _at("created_at"),
        _at("updated_at"),
        _fk("text_drafts", "track_id", "tracks.id", "CASCADE"),
        _fk("text_drafts", "created_by", "users.id", "SET NULL"),
        _fk("text_drafts", "organisation_id", "organisations.id", None),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_text_drafts")),
    )
    op.create_index(op.f("ix_text_drafts_track_id"), "text_drafts", ["track_id"])
    op.create_table(
        "text_approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("digest", sa.String(length=64), nullable=False),
        _at("at"),
        _fk("text_approvals", "draft_id", "text_drafts.id", "CASCADE"),
        _fk("text_approvals", "organisation_id", "organisations.id", None),
        _fk("text_approvals", "user_id", "users.id", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_text_approvals")),
        sa.UniqueConstraint(
            "draft_id",
            "organisation_id",
            "digest",
            name=op.f("uq_text_approvals_draft_id"),
        ),
    )
    op.create_index(op.f("ix_text_approvals_draft_id"), "text_approvals", ["draft_id"])
    op.create_table(
        "text_rules",
        sa.Column("track_id", sa.Integer(), nullable=False),
        sa.Column("approval_required", sa.Boolean(), nullable=False),
        sa.Column("after_deadline", sa.String(length=500), nullable=False),
        _fk("text_rules", "track_id", "tracks.id", "CASCADE"),
        sa.PrimaryKeyConstraint("track_id", name=op.f("pk_text_rules")),
    )


def downgrade() -> None:
    """Drop the drafting tables."""
    op.drop_table("text_rules")
    op.drop_index(op.f("ix_text_approvals_draft_id"), table_name="text_approvals")
    op.drop_table("text_approvals")
    op.drop_index(op.f("ix_text_drafts_track_id"), table_name="text_drafts")
    op.drop_table("text_drafts")
