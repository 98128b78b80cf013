"""The ORM tables of the team's tools: the key registry, mediators' notes, assignments, meetings.

- :class:`KeyRecord` extends a :class:`~gobetween.store.agreement_tables.SigningKey` with the
  registry's facts: which user the key speaks for (beside its organisation), who confirmed it
  and when, who revoked it and when.
- :class:`Note` is a mediators' private note on a track (``channel_id`` ``None``) or on one
  party's channel; ``party_id`` repeats the channel's party so queries can be scoped by it.
- :class:`Assignment` says which mediator (a user) handles which channel.
- :class:`Meeting` is one meeting, call or shuttle visit; :class:`MeetingParty` lists the
  parties that took part in it (a party reads a meeting only when it is listed here).

Ids of notes and meetings are random (see :func:`~gobetween.store.tables.random_id`), so an id
tells nobody how many others exist.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gobetween.store.tables import Base, key_of, utcnow

__all__ = ["Assignment", "KeyRecord", "Meeting", "MeetingParty", "Note"]


class KeyRecord(Base):
    """The registry's facts about one signing key."""

    __tablename__ = "key_records"
    key_id: Mapped[int] = key_of("signing_keys.id")
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    origin: Mapped[str] = mapped_column(String(20))
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    confirmed_at: Mapped[dt.datetime | None]
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[dt.datetime | None]
    revocation_reason: Mapped[str] = mapped_column(Text, default="")


class Note(Base):
    """A mediators' private note on a track, or on one party's channel of it."""

    __tablename__ = "mediator_notes"
    __table_args__ = (Index("ix_mediator_notes_track_id_party_id", "track_id", "party_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"))
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Assignment(Base):
    """Mediator ``user_id`` handles channel ``channel_id`` (several mediators may share one)."""

    __tablename__ = "channel_assignments"
    channel_id: Mapped[int] = key_of("channels.id")
    user_id: Mapped[int] = key_of("users.id")
    assigned_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    assigned_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Meeting(Base):
    """A meeting, call or shuttle visit between mediators and one or more parties."""

    __tablename__ = "meetings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"), index=True)
    held_at: Mapped[dt.datetime]
    kind: Mapped[str] = mapped_column(String(20))
    place: Mapped[str] = mapped_column(String(300))
    attendees: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    follow_ups: Mapped[dict[str, Any]]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class MeetingParty(Base):
    """Party ``party_id`` took part in meeting ``meeting_id``."""

    __tablename__ = "meeting_parties"
    meeting_id: Mapped[int] = key_of("meetings.id")
    party_id: Mapped[int] = key_of("organisations.id", index=True)
