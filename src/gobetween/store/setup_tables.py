"""The ORM tables of setting up and running a process from the browser: the installation's
first-run record, the announced versions of a track's agenda, the e-mail outbox, one-time
e-mail links (password reset, address verification), each user's mail settings, the
notifier's cursor and the items waiting for a daily digest.

Mail is never sent inside a request: a request adds rows to ``mail_outbox`` in its own
transaction, and a background task sends them (see :mod:`gobetween.service.mail`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gobetween.store.tables import Base, key_of, utcnow

__all__ = [
    "AgendaVersion",
    "Installation",
    "MailDigestItem",
    "MailOutbox",
    "MailSettings",
    "MailToken",
    "NotifierCursor",
]


class Installation(Base):
    """One row (``id`` 1) once the first administrator exists: the set-up page is then gone.

    The primary key makes set-up race-safe: of two visitors creating the first administrator
    at once, the second one's insert fails and its transaction rolls back.
    """

    __tablename__ = "installation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    admin_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class MailOutbox(Base):
    """One e-mail to send; ``next_attempt_at`` is both the retry time and a sender's lease."""

    __tablename__ = "mail_outbox"
    __table_args__ = (
        Index("ix_mail_outbox_due", "sent_at", "next_attempt_at"),
        # the last mail of a kind to an address (security mails: one per kind per quarter hour)
        Index("ix_mail_outbox_to_kind", "to_address", "kind", "created_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    sent_at: Mapped[dt.datetime | None]
    failed_at: Mapped[dt.datetime | None]


class MailToken(Base):
    """A one-time link sent by e-mail (``purpose``: ``reset`` or ``verify``); digest only."""

    __tablename__ = "mail_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]


class MailSettings(Base):
    """A user's e-mail settings: whether the address is verified, and how to be notified
    (``off``, ``immediate`` or ``daily``)."""

    __tablename__ = "mail_settings"
    user_id: Mapped[int] = key_of("users.id")
    verified_at: Mapped[dt.datetime | None]
    notify: Mapped[str] = mapped_column(String(20), default="immediate")
    digest_sent_at: Mapped[dt.datetime | None]
    notified_at: Mapped[dt.datetime | None]  # the last "at once" notification


class NotifierCursor(Base):
    """How far the notifier has read the live-update notifications (one row, ``id`` 1)."""

    __tablename__ = "notifier_cursor"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), default=0)


class MailDigestItem(Base):
    """One line waiting for a user's daily digest (``key`` makes a line arrive once)."""

    __tablename__ = "mail_digest_items"
    __table_args__ = (UniqueConstraint("user_id", "key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(200))
    line: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]


class AgendaVersion(Base):
    """An announced change of a track's agenda after its first text version was published.

    ``version`` 1 is the agenda the track had before its first change; the track's ``agenda``
    column always holds the newest. The history is kept whole: ``agenda`` is each version's
    JSON, ``note`` what the mediators announced with it.
    """

    __tablename__ = "agenda_versions"
    __table_args__ = (UniqueConstraint("track_id", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    agenda: Mapped[dict[str, Any]]
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
