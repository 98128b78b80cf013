"""The events of an agreement's life: the record every signatory sees.

Each event is a frozen dataclass on the one wire base (:class:`gobetween.wire.WireEvent`) with a
``type`` tag and an aware UTC ``at``; ``to_dict()`` gives its stable JSON wire form and
:func:`event_from_dict` reads it back by ``type`` (never by a class name taken from the data).

>>> import datetime as dt
>>> e = Suspended("Russian Federation", "security of shipping",
...               dt.datetime(2022, 10, 29, tzinfo=dt.timezone.utc))
>>> e.to_dict()["type"]
'suspended'
>>> event_from_dict(e.to_dict()) == e
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from gobetween import wire

__all__ = [
    "AgreementEvent",
    "EnteredIntoForce",
    "Expired",
    "NoticeGiven",
    "RenewalConsented",
    "Renewed",
    "Resumed",
    "Signed",
    "Suspended",
    "Withdrawn",
    "event_from_dict",
    "utc",
]


def utc(moment: object) -> dt.datetime:
    """``moment`` as a UTC datetime; :class:`ProtocolError` unless it is an aware datetime
    (the one UTC rule, :func:`gobetween.wire.utc`)."""
    return wire.utc(moment, "times")


@dataclass(frozen=True)
class Signed(wire.WireEvent):
    """``signer`` signed the instrument of ``party``."""

    type: ClassVar[str] = "signed"
    signer: str
    party: str
    at: dt.datetime


@dataclass(frozen=True)
class EnteredIntoForce(wire.WireEvent):
    """The last signature was given: the agreement is in force; its first term is set."""

    type: ClassVar[str] = "entered_into_force"
    term_start: dt.datetime
    term_end: dt.datetime
    at: dt.datetime


@dataclass(frozen=True)
class Suspended(wire.WireEvent):
    """``party`` suspended its participation."""

    type: ClassVar[str] = "suspended"
    party: str
    reason: str
    at: dt.datetime


@dataclass(frozen=True)
class Resumed(wire.WireEvent):
    """``party`` resumed its participation."""

    type: ClassVar[str] = "resumed"
    party: str
    at: dt.datetime


@dataclass(frozen=True)
class NoticeGiven(wire.WireEvent):
    """``party`` gave notice that it does not want the current term renewed."""

    type: ClassVar[str] = "notice_given"
    party: str
    reason: str
    at: dt.datetime


@dataclass(frozen=True)
class RenewalConsented(wire.WireEvent):
    """``signatory`` consented to renew for ``term_days`` days."""

    type: ClassVar[str] = "renewal_consented"
    signatory: str
    term_days: int
    at: dt.datetime


@dataclass(frozen=True)
class Renewed(wire.WireEvent):
    """The term ended and the agreement was renewed for ``term_days`` (the exact new term)."""

    type: ClassVar[str] = "renewed"
    term_number: int
    term_days: int
    term_start: dt.datetime
    term_end: dt.datetime
    basis: str
    at: dt.datetime


@dataclass(frozen=True)
class Expired(wire.WireEvent):
    """The term ended without renewal; ``reason`` says why."""

    type: ClassVar[str] = "expired"
    reason: str
    at: dt.datetime


@dataclass(frozen=True)
class Withdrawn(wire.WireEvent):
    """``party`` withdrew; the agreement ended."""

    type: ClassVar[str] = "withdrawn"
    party: str
    reason: str
    at: dt.datetime


AgreementEvent = (
    Signed
    | EnteredIntoForce
    | Suspended
    | Resumed
    | NoticeGiven
    | RenewalConsented
    | Renewed
    | Expired
    | Withdrawn
)

_read: Callable[..., AgreementEvent] = wire.reader(
    "agreement",
    Signed,
    EnteredIntoForce,
    Suspended,
    Resumed,
    NoticeGiven,
    RenewalConsented,
    Renewed,
    Expired,
    Withdrawn,
)


def event_from_dict(data: Mapping[str, Any]) -> AgreementEvent:
    """Read an event back from its ``to_dict()`` form; :class:`ValidationFailed` otherwise."""
    return _read(data)
