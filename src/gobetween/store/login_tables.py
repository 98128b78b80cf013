"""The ORM table of the devices that logged in before (login throttling).

A successful log-in gives the browser or client a *device cookie*: a random token of which only
the SHA-256 digest is stored here, with the user it logged in as. A later log-in attempt that
presents it for the same account is throttled by its own failures only, so failures from
anywhere else (an attacker rotating addresses) never pause the real user's own device (see
:func:`gobetween.service.identity.login`).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from gobetween.store.tables import Base, utcnow

__all__ = ["LoginDevice"]


class LoginDevice(Base):
    """A device that logged in as ``user_id`` (only its token's digest is kept)."""

    __tablename__ = "login_devices"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    device_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
