"""The ORM tables of stage 4 and 5: signing keys, agreements, their events, the joint record.

An agreement belongs to the track whose accepted text it freezes. Its bundle (terms, mirror
instruments, public keys, signatures) is stored as the bundle's own bytes, so that what is
downloaded is exactly what was verified; ``signatories`` maps each signing organisation's name
(as the instruments spell it) to its id and kind, so the policy can decide who may read it;
``implementation`` holds the joint record's settings (the public event types and fields, whether
the voyage figures are public, the obligation templates); ``record_revision`` counts the changes of
its voyage rows. The lifecycle and the joint record are
event streams, replayed by the pure cores. Agreement and key ids are random (see
:func:`~gobetween.store.tables.random_id`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from gobetween.store.tables import Base, utcnow

__all__ = ["Agreement", "AgreementEvent", "RecordEvent", "ShipmentRow", "SigningKey"]


class SigningKey(Base):
    """An organisation's Ed25519 public key (PEM); the newest active one is used."""

    __tablename__ = "signing_keys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    public_key_pem: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Agreement(Base):
    """A mirror agreement made from version ``text_version`` of a track's single text."""

    __tablename__ = "agreements"
    __table_args__ = (UniqueConstraint("terms_hash"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"), index=True)
    text_version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    terms_hash: Mapped[str] = mapped_column(String(64))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id", ondelete="SET NULL"))
    signatories: Mapped[dict[str, Any]]
    implementation: Mapped[dict[str, Any]]
    bundle: Mapped[bytes] = mapped_column(LargeBinary)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: Counts the imports that changed the record's voyage rows: the key under which the voyage
    #: figures are computed once and cached (nothing else bumps it: no timing channel).
    record_revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class _AgreementStreamRow:
    """The columns of one event of an agreement's stream, numbered ``seq`` within it."""

    @declared_attr.directive
    @classmethod
    def __table_args__(cls) -> tuple[UniqueConstraint]:
        return (UniqueConstraint("agreement_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict[str, Any]]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AgreementEvent(_AgreementStreamRow, Base):
    """One lifecycle event of an agreement (wire form of :mod:`gobetween.agreements.events`)."""

    __tablename__ = "agreement_events"


class ShipmentRow(Base):
    """One cargo row of the joint record's voyages, keyed by its natural key."""

    __tablename__ = "shipments"
    __table_args__ = (UniqueConstraint("agreement_id", "voyage", "imo", "cargo_index"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"))
    voyage: Mapped[int] = mapped_column(Integer)
    imo: Mapped[int] = mapped_column(Integer)
    cargo_index: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict[str, Any]]


class RecordEvent(_AgreementStreamRow, Base):
    """One event of the joint record (wire form of :mod:`gobetween.monitoring.events`)."""

    __tablename__ = "record_events"
