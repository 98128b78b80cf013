"""The ORM tables (SQLAlchemy 2.0 typed declarative). Schema changes go through Alembic.

Every row that belongs to one party of a track (channel, preferences, answers, offers,
notifications) carries that party's organisation id, so that the policy can scope any query by
the set of parties an actor may read.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
    select,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, mapped_column
from sqlalchemy.types import TypeDecorator

from gobetween.model.languages import called_in

__all__ = [
    "RANDOM_ID_TABLES",
    "ApiToken",
    "Attachment",
    "AuditEntry",
    "Base",
    "CachedAnalysis",
    "Channel",
    "Invitation",
    "LoginFailure",
    "Membership",
    "Message",
    "NamedInLanguages",
    "Notification",
    "Organisation",
    "PreferenceVersion",
    "Process",
    "ProtocolEvent",
    "ReadReceipt",
    "Track",
    "TrackOrganisation",
    "User",
    "WebSession",
    "as_utc",
    "key_of",
    "utcnow",
]

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def random_id() -> int:
    """A random positive 31-bit id, for rows whose ids must not reveal how many others exist.

    >>> 1 <= random_id() < 2**31
    True
    """
    return secrets.randbelow(2**31 - 2) + 1


def utcnow() -> dt.datetime:
    """The current time, timezone-aware UTC (the store's only clock)."""
    return dt.datetime.now(dt.UTC)


def as_utc(value: dt.datetime | str) -> dt.datetime:
    """A timestamp column read by a plain statement, as an aware UTC datetime.

    PostgreSQL returns aware datetimes; SQLite returns the text SQLAlchemy stored.

    >>> as_utc("2026-11-25 07:08:21.123456")
    datetime.datetime(2026, 11, 25, 7, 8, 21, 123456, tzinfo=datetime.timezone.utc)
    """
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored as UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    """Declarative base with a naming convention so migrations name constraints stably."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON,
        dt.datetime: UTCDateTime,
    }


#: Tables whose writers draw a row's id with :func:`random_id` themselves (``id=random_id()``);
#: a table whose ``id`` column has ``default=random_id`` need not be named.
RANDOM_ID_TABLES = frozenset(
    {
        "agreements",
        "api_tokens",
        "attachments",
        "mediator_notes",
        "meetings",
        "message_translations",
        "messages",
        "signing_keys",
        "text_drafts",
    }
)


@event.listens_for(Base, "before_insert", propagate=True)
def _unheld_random_id(mapper: Mapper[Any], connection: Connection, target: Any) -> None:
    """A new row's random id is one no row of its table holds: drawn again while it is.

    Drawn without looking, an id another party's row already held made the insert fail (a
    500, with a chance of the table's rows over 2**31 per write), so whether a party's write
    went through depended on the other party's rows. The fast message path draws its ids the
    same way (:func:`gobetween.store.messages.id_candidates`).
    """
    column = mapper.local_table.c.get("id")
    if not isinstance(column, Column):
        return
    default = getattr(column.default, "arg", None)  # SQLAlchemy wraps a callable default
    if (
        column.table.name not in RANDOM_ID_TABLES
        and getattr(default, "__wrapped__", None) is not random_id
    ):
        return
    if target.id is None:
        target.id = random_id()
    while connection.execute(select(column).where(column == target.id)).first() is not None:
        target.id = random_id()


def _id() -> Mapped[int]:
    return mapped_column(Integer, primary_key=True)


def key_of(target: str, *, index: bool = False) -> Mapped[int]:
    """A column of a composite primary key naming the row ``target`` (``"table.id"``); the row
    holding it goes when that row does (``ON DELETE CASCADE``)."""
    return mapped_column(ForeignKey(target, ondelete="CASCADE"), primary_key=True, index=index)


class NamedInLanguages:
    """A row a secretariat names (a process, an organisation, a track): ``name`` as entered,
    which the uniqueness rules, the audit chain and the signed instruments use, and ``names``,
    its name in working languages of the process (language code -> name, revision 0017), which
    the pages show a reader of that language (:meth:`called`)."""

    if TYPE_CHECKING:
        name: Mapped[str]

    names: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")

    def called(self, language: str) -> str:
        """What a reader of ``language`` calls it (:func:`~gobetween.model.languages.called_in`):
        its name in that language where it has one, else :attr:`name`."""
        return called_in(language, self.name, self.names or {})


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = _id()
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    locale: Mapped[str | None] = mapped_column(String(16))  # interface language (None: browser's)
    time_zone: Mapped[str | None] = mapped_column(String(64))  # IANA name (None: browser's)


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = _id()
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None]


class WebSession(Base):
    __tablename__ = "web_sessions"
    id: Mapped[int] = _id()
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    session_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)  # pruned when past (0004)


class LoginFailure(Base):
    __tablename__ = "login_failures"
    id: Mapped[int] = _id()
    key: Mapped[str] = mapped_column(String(300), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)  # pruned when old (0004)


class Process(NamedInLanguages, Base):
    __tablename__ = "processes"
    id: Mapped[int] = _id()
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    #: the description in working languages of the process (language code -> text, 0018)
    descriptions: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    def described(self, language: str) -> str:
        """The description a reader of ``language`` reads: the one in that language where
        there is one, else :attr:`description` as entered."""
        return called_in(language, self.description, self.descriptions or {})


class Organisation(NamedInLanguages, Base):
    __tablename__ = "organisations"
    __table_args__ = (UniqueConstraint("process_id", "name"),)
    id: Mapped[int] = _id()
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("process_id", "user_id", "role"),)
    id: Mapped[int] = _id()
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE")
    )
    role: Mapped[str] = mapped_column(String(20))


class Invitation(Base):
    __tablename__ = "invitations"
    id: Mapped[int] = _id()
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE")
    )
    role: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    accepted_at: Mapped[dt.datetime | None]
    declined_at: Mapped[dt.datetime | None]  # the invited person said no (revision 0007)
    # a newer invitation to the same seat took its place; withdrawn by an inviter (0015)
    replaced_at: Mapped[dt.datetime | None]
    withdrawn_at: Mapped[dt.datetime | None]
    withdrawn_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Track(NamedInLanguages, Base):
    __tablename__ = "tracks"
    __table_args__ = (UniqueConstraint("process_id", "name"),)
    id: Mapped[int] = _id()
    process_id: Mapped[int] = mapped_column(ForeignKey("processes.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    agenda: Mapped[dict[str, Any]]
    source: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class TrackOrganisation(Base):
    __tablename__ = "track_organisations"
    track_id: Mapped[int] = key_of("tracks.id")
    organisation_id: Mapped[int] = key_of("organisations.id")


class Channel(Base):
    __tablename__ = "channels"
    __table_args__ = (UniqueConstraint("track_id", "party_id"),)
    id: Mapped[int] = _id()
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"))
    party_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))


class Message(Base):
    """A message; ``id`` is random and ``number`` counts within the channel, so that neither
    tells a reader how many messages other channels hold."""

    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("channel_id", "number"),)
    id: Mapped[int] = _id()
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: the working language it was written in (ISO 639-1); ``None`` for messages from before
    language: Mapped[str | None] = mapped_column(String(8))


class Attachment(Base):
    """An attached file (random ``id``, like messages)."""

    __tablename__ = "attachments"
    id: Mapped[int] = _id()
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ReadReceipt(Base):
    __tablename__ = "read_receipts"
    message_id: Mapped[int] = key_of("messages.id")
    user_id: Mapped[int] = key_of("users.id")
    read_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PreferenceVersion(Base):
    __tablename__ = "preference_versions"
    __table_args__ = (UniqueConstraint("track_id", "party_id", "version"),)
    id: Mapped[int] = _id()
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"))
    party_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict[str, Any]]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CachedAnalysis(Base):
    """An analysis result of a track, cached under its key (the preference versions it read)."""

    __tablename__ = "analyses"
    __table_args__ = (UniqueConstraint("track_id", "key"),)
    id: Mapped[int] = _id()
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    result: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ProtocolEvent(Base):
    """One event of a track's protocol (single text or relay), in order; replay rebuilds state."""

    __tablename__ = "protocol_events"
    __table_args__ = (
        UniqueConstraint("track_id", "protocol", "seq"),
        # a party's replay: the public events and its own, two index ranges (event_log.bodies)
        Index("ix_protocol_events_scope", "track_id", "protocol", "party_id", "seq"),
    )
    id: Mapped[int] = _id()
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"))
    protocol: Mapped[str] = mapped_column(String(30))
    seq: Mapped[int] = mapped_column(Integer)
    party_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    body: Mapped[dict[str, Any]]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Notification(Base):
    """A live-update event; ``party_id`` set means it is private to that party and mediators.

    ``number`` counts within the event's scope (the track's public events, or one party's), so
    a stream's cursor never reveals how many events other parties had.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_track_id_id", "track_id", "id"),
        # the newest number of a scope, read by every write that notifies: one index probe
        Index("ix_notifications_scope_number", "track_id", "party_id", "number"),
    )
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    """One link of the audit hash chain (see :mod:`gobetween.store.audit`)."""

    __tablename__ = "audit_entries"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(40))
    digest: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
