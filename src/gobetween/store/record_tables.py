"""The ORM tables of the joint record's assessments, record entries and publishing decisions.

The provisions themselves are the agreement's operative articles, read from its frozen terms
(:func:`gobetween.service.provisions.provisions`), so they are not stored again.

- ``provision_assessments``: the joint team's assessments (level, evidence, who, the note for
  every signatory), append-only; the internal note, the mediators' alone, in a column of its own
  (``internal_note``), never in the body every signatory reads.
- ``record_entries``: entries of every declared record kind but voyages (exchanges, incidents,
  ...), one row per natural key, so re-importing a file adds nothing.
- ``publications``: publishing decisions (what, proposed by whom, approved by whom and when).

Ids are random (:func:`~gobetween.store.tables.random_id`): an entry's or incident's id must not
tell a party how many others were recorded.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gobetween.store.tables import Base, random_id, utcnow

__all__ = ["AssessmentRow", "EntryRow", "PublicationRow"]


class AssessmentRow(Base):
    """One assessment of a provision: ``body`` is its wire form
    (:func:`gobetween.monitoring.provisions.assessment_to_dict`) without the internal note,
    which is ``internal_note``, read only for the mediators
    (:func:`gobetween.policy.assessment_notes`). Rows of before revision 0016 have an empty one:
    their ``note`` was always shown to every signatory."""

    __tablename__ = "provision_assessments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=random_id)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), index=True
    )
    provision_key: Mapped[str] = mapped_column(String(80))
    body: Mapped[dict[str, Any]]
    internal_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class EntryRow(Base):
    """One entry of a record kind, by its natural key (``key`` is the key's parts joined)."""

    __tablename__ = "record_entries"
    __table_args__ = (UniqueConstraint("agreement_id", "kind", "key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=random_id)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(400))
    body: Mapped[dict[str, Any]]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PublicationRow(Base):
    """A decision to publish part of the joint record: proposed, then approved (or not yet).

    ``scope`` is ``figures:<kind>`` (a kind's public fields and figures), ``provisions`` (the
    barometer) or ``incident:<key>`` (one incident's decided summary).
    """

    __tablename__ = "publications"
    __table_args__ = (UniqueConstraint("agreement_id", "scope"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=random_id)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(460))
    summary: Mapped[str] = mapped_column(Text, default="")
    proposed_by: Mapped[str] = mapped_column(String(200))
    proposer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    proposed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: Organisations that approved so far (parties, when only one mediating organisation signed).
    approvals: Mapped[list[Any]] = mapped_column(JSON, default=list)
    approved_by: Mapped[str | None] = mapped_column(String(200))
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[dt.datetime | None]
