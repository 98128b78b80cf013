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
from typing import Any

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


class Signed(wire.WireEvent, type="signed"):
    """``signer`` signed the instrument of ``party``."""

    signer: str
    party: str
    at: dt.datetime


class EnteredIntoForce(wire.WireEvent, type="entered_into_force"):
    """The last signature was given: the agreement is in force; its first term is set."""

    term_start: dt.datetime
    term_end: dt.datetime
    at: dt.datetime


@dataclass(frozen=True)
class _PartyActed(wire.WireEvent):
    """``party`` acted for ``reason`` at ``at``: the fields :class:`Suspended`,
    :class:`NoticeGiven` and :class:`Withdrawn` share (in this order on the wire)."""

    party: str
    reason: str
    at: dt.datetime


class Suspended(_PartyActed, type="suspended"):
    """``party`` suspended its participation."""


class Resumed(wire.WireEvent, type="resumed"):
    """``party`` resumed its participation."""

    party: str
    at: dt.datetime


class NoticeGiven(_PartyActed, type="notice_given"):
    """``party`` gave notice that it does not want the current term renewed."""


class RenewalConsented(wire.WireEvent, type="renewal_consented"):
    """``signatory`` consented to renew for ``term_days`` days."""

    signatory: str
    term_days: int
    at: dt.datetime


class Renewed(wire.WireEvent, type="renewed"):
    """The term ended and the agreement was renewed for ``term_days`` (the exact new term)."""

    term_number: int
    term_days: int
    term_start: dt.datetime
    term_end: dt.datetime
    basis: str
    at: dt.datetime


class Expired(wire.WireEvent, type="expired"):
    """The term ended without renewal; ``reason`` says why."""

    reason: str
    at: dt.datetime


class Withdrawn(_PartyActed, type="withdrawn"):
    """``party`` withdrew; the agreement ended."""


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
