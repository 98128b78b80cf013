"""The ORM tables of log-in: devices that logged in before (login throttling), the device each
browser session was started from (the session list), and the security event log.

A successful log-in gives the browser or client a *device cookie*: a random token of which only
the SHA-256 digest is stored here, with the user it logged in as. A later log-in attempt that
presents it for the same account is throttled by its own failures only, so failures from
anywhere else (an attacker rotating addresses) never pause the real user's own device (see
:func:`gobetween.service.identity.login`).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from gobetween.store.tables import Base, random_id, utcnow

__all__ = [
    "LoginDevice",
    "ProcessTwoFactor",
    "RecoveryCode",
    "SecurityEvent",
    "SessionDevice",
    "TwoFactor",
]


class LoginDevice(Base):
    """A device that logged in as ``user_id`` (only its token's digest is kept)."""

    __tablename__ = "login_devices"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    device_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


class SessionDevice(Base):
    """Where a browser session was started: the client address and the browser's own name
    (``User-Agent``), shown in the user's session list (revision 0011), and when and from what
    kind of browser it was last used (revision 0012)."""

    __tablename__ = "session_devices"
    session_id: Mapped[int] = mapped_column(
        ForeignKey("web_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    #: when the session was last used, written at most once a minute (revision 0012)
    last_seen_at: Mapped[dt.datetime | None]
    #: the browser family and system of that use ("Firefox on Linux"), no address
    last_client: Mapped[str] = mapped_column(String(60), default="", server_default="")


class SecurityEvent(Base):
    """One event of a user's security log: a log-in, a failed one, a password change, a session
    ended, a token made or revoked (revision 0011). The id is random: it counts nobody's events.
    Kept :data:`gobetween.service.security_log.KEEP_DAYS` days, at most
    :data:`~gobetween.service.security_log.KEEP_PER_USER` per user."""

    __tablename__ = "security_events"
    __table_args__ = (Index("ix_security_events_user_id_at", "user_id", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=random_id)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")


class TwoFactor(Base):
    """A user's TOTP secret (base32); ``enabled_at`` unset while the set-up is unconfirmed;
    ``last_step`` the newest 30-second step whose code was used (a code works once)."""

    __tablename__ = "two_factor"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    secret: Mapped[str] = mapped_column(String(64))
    enabled_at: Mapped[dt.datetime | None]
    last_step: Mapped[int] = mapped_column(Integer, default=0)


class RecoveryCode(Base):
    """A one-time recovery code of a user's second factor (only its SHA-256 digest)."""

    __tablename__ = "recovery_codes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=random_id)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[dt.datetime | None]


class ProcessTwoFactor(Base):
    """A process whose members must log in with a second factor (set by its convener, revision
    0012); no row: the installation's setting alone decides."""

    __tablename__ = "process_two_factor"
    process_id: Mapped[int] = mapped_column(
        ForeignKey("processes.id", ondelete="CASCADE"), primary_key=True
    )
    set_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    set_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
