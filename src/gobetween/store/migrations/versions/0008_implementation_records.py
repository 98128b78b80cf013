"""provisions, record kinds, exchanges and incidents

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 16:45:00
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def _when(name: str, nullable: bool = False) -> sa.Column[dt.datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    """The record's revision counter, provision assessments, entries and publishing."""
    with op.batch_alter_table("agreements") as batch:
        batch.add_column(
            sa.Column("record_revision", sa.Integer(), server_default="0", nullable=False)
        )
    op.create_table(
        "provision_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("provision_key", sa.String(length=80), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        _when("created_at"),
        _fk("provision_assessments", "actor_id", "users", "SET NULL"),
        _fk("provision_assessments", "agreement_id", "agreements", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provision_assessments")),
    )
    op.create_index(
        op.f("ix_provision_assessments_agreement_id"), "provision_assessments", ["agreement_id"]
    )
    op.create_table(
        "record_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        _when("created_at"),
        _fk("record_entries", "agreement_id", "agreements", "CASCADE"),
        _fk("record_entries", "created_by", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_entries")),
        sa.UniqueConstraint(
            "agreement_id", "kind", "key", name=op.f("uq_record_entries_agreement_id")
        ),
    )
    op.create_table(
        "publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=460), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("proposed_by", sa.String(length=200), nullable=False),
        sa.Column("proposer_id", sa.Integer(), nullable=True),
        _when("proposed_at"),
        sa.Column("approvals", sa.JSON(), nullable=False),
        sa.Column("approved_by", sa.String(length=200), nullable=True),
        sa.Column("approver_id", sa.Integer(), nullable=True),
        _when("approved_at", nullable=True),
        _fk("publications", "agreement_id", "agreements", "CASCADE"),
        _fk("publications", "approver_id", "users", "SET NULL"),
        _fk("publications", "proposer_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publications")),
        sa.UniqueConstraint("agreement_id", "scope", name=op.f("uq_publications_agreement_id")),
    )


def downgrade() -> None:
    """Drop what :func:`upgrade` added."""
    op.drop_table("publications")
    op.drop_table("record_entries")
    op.drop_index(op.f("ix_provision_assessments_agreement_id"), "provision_assessments")
    op.drop_table("provision_assessments")
    with op.batch_alter_table("agreements") as batch:
        batch.drop_column("record_revision")
