"""Tables of the negotiation's languages: working languages, translators, message translations.

A translation belongs to one message and so to one party's channel: it carries that channel's
party (``party_id``), like every row private to a party, so that a query is scoped by the
parties an actor may read. Ids are random (:func:`~gobetween.store.tables.random_id`), so that
no id tells a reader how many translations other channels hold.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gobetween.store.tables import Base, key_of, utcnow

__all__ = ["MessageTranslation", "ProcessLanguage", "TrackLanguage", "TranslatorAssignment"]


class ProcessLanguage(Base):
    """One working language of a process, at its place in the declared order."""

    __tablename__ = "process_languages"
    process_id: Mapped[int] = key_of("processes.id")
    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)


class TrackLanguage(Base):
    """One working language of a track that works in fewer than its process's (none: all)."""

    __tablename__ = "track_languages"
    track_id: Mapped[int] = key_of("tracks.id")
    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)


class TranslatorAssignment(Base):
    """A translator (a member of a mediating organisation) given a track's channels to translate."""

    __tablename__ = "translator_assignments"
    track_id: Mapped[int] = key_of("tracks.id")
    user_id: Mapped[int] = key_of("users.id", index=True)
    assigned_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class MessageTranslation(Base):
    """A translation of a channel message into one working language (the newest wording)."""

    __tablename__ = "message_translations"
    __table_args__ = (UniqueConstraint("message_id", "language"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )
    party_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    translator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
