"""The ORM tables of the negotiating text's drafting: drafts, approvals, per-track rules.

- :class:`TextDraft` is a mediators' draft of the next version (package, articles, note,
  deadline as the JSON ``body``); parties never read it. Once published it records the version
  number it became; a discarded draft stays for the record.
- :class:`TextApproval` records that a mediating organisation approved a draft exactly as it
  stood (``digest`` is the SHA-256 of the draft's canonical body): editing the draft afterwards
  makes the approval stale.
- :class:`TextRule` says whether a track's texts need a second mediating organisation's
  approval before they go out, and what happens when an answer deadline passes.

Per-article answers and proposed wording are events of the single-text protocol
(``protocol_events``), not rows here. Draft ids are random (see
:func:`~gobetween.store.tables.random_id`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gobetween.store.tables import Base, key_of, utcnow

__all__ = ["TextApproval", "TextDraft", "TextRule"]


class TextDraft(Base):
    """A mediators' draft of the next version of a track's text."""

    __tablename__ = "text_drafts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"), index=True)
    body: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(20), default="draft")
    published_version: Mapped[int | None]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class TextApproval(Base):
    """A mediating organisation approved a draft as it stood (``digest`` of its body)."""

    __tablename__ = "text_approvals"
    __table_args__ = (UniqueConstraint("draft_id", "organisation_id", "digest"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draft_id: Mapped[int] = mapped_column(
        ForeignKey("text_drafts.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    digest: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class TextRule(Base):
    """A track's drafting rules: a second organisation's approval; the deadline's consequence."""

    __tablename__ = "text_rules"
    track_id: Mapped[int] = key_of("tracks.id")
    approval_required: Mapped[bool] = mapped_column(default=False)
    after_deadline: Mapped[str] = mapped_column(String(500), default="")
