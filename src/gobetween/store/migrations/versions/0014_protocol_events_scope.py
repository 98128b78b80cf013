"""an index on protocol events by scope: a party's replay reads the track's public events and
its own through two index ranges, never stepping over another party's private events (whose
number would otherwise show in how long the party's pages take)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 23:20:00
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Index ``protocol_events`` by track, protocol, party and sequence number."""
    op.create_index(
        "ix_protocol_events_scope", "protocol_events", ["track_id", "protocol", "party_id", "seq"]
    )


def downgrade() -> None:
    """Drop the index."""
    op.drop_index("ix_protocol_events_scope", table_name="protocol_events")
