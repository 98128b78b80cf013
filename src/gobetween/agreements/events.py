"""The events of an agreement's life: the record every signatory sees.

Each event is a frozen dataclass with a ``type`` discriminator and an aware UTC ``at``;
``to_dict()`` gives its stable JSON wire form and :func:`event_from_dict` reads it back by
``type`` (never by a class name taken from the data).

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
from dataclasses import dataclass, fields
from typing import Any, ClassVar

from gobetween.errors import ProtocolError, ValidationFailed

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
    """``moment`` as a UTC datetime; :class:`ProtocolError` unless it is an aware datetime."""
    if not isinstance(moment, dt.datetime) or moment.utcoffset() is None:
        raise ProtocolError(f"times must be timezone-aware datetimes, got {moment!r}")
    return moment.astimezone(dt.UTC)


class _Wire:
    """Shared to_dict for the events below (datetimes as ISO 8601 in UTC)."""

    type: ClassVar[str]

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON wire form."""
        out: dict[str, Any] = {"type": self.type}
        for f in fields(self):  # type: ignore[arg-type]  # every subclass is a dataclass
            value = getattr(self, f.name)
            out[f.name] = value.isoformat() if isinstance(value, dt.datetime) else value
        return out


@dataclass(frozen=True)
class Signed(_Wire):
    """``signer`` signed the instrument of ``party``."""

    type: ClassVar[str] = "signed"
    signer: str
    party: str
    at: dt.datetime


@dataclass(frozen=True)
class EnteredIntoForce(_Wire):
    """The last signature was given: the agreement is in force; its first term is set."""

    type: ClassVar[str] = "entered_into_force"
    term_start: dt.datetime
    term_end: dt.datetime
    at: dt.datetime


@dataclass(frozen=True)
class Suspended(_Wire):
    """``party`` suspended its participation."""

    type: ClassVar[str] = "suspended"
    party: str
    reason: str
    at: dt.datetime


@dataclass(frozen=True)
class Resumed(_Wire):
    """``party`` resumed its participation."""

    type: ClassVar[str] = "resumed"
    party: str
    at: dt.datetime


@dataclass(frozen=True)
class NoticeGiven(_Wire):
    """``party`` gave notice that it does not want the current term renewed."""

    type: ClassVar[str] = "notice_given"
    party: str
    reason: str
    at: dt.datetime


@dataclass(frozen=True)
class RenewalConsented(_Wire):
    """``signatory`` consented to renew for ``term_days`` days."""

    type: ClassVar[str] = "renewal_consented"
    signatory: str
    term_days: int
    at: dt.datetime


@dataclass(frozen=True)
class Renewed(_Wire):
    """The term ended and the agreement was renewed for ``term_days`` (the exact new term)."""

    type: ClassVar[str] = "renewed"
    term_number: int
    term_days: int
    term_start: dt.datetime
    term_end: dt.datetime
    basis: str
    at: dt.datetime


@dataclass(frozen=True)
class Expired(_Wire):
    """The term ended without renewal; ``reason`` says why."""

    type: ClassVar[str] = "expired"
    reason: str
    at: dt.datetime


@dataclass(frozen=True)
class Withdrawn(_Wire):
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

_CLASSES: tuple[type[_Wire], ...] = (
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
_BY_TYPE: Mapping[str, type[_Wire]] = {cls.type: cls for cls in _CLASSES}


def _read_value(annotation: object, value: object, location: str) -> object:
    readers: dict[str, Callable[[object], object]] = {
        "dt.datetime": lambda v: utc(dt.datetime.fromisoformat(str(v))),
        "int": lambda v: v if isinstance(v, int) and not isinstance(v, bool) else None,
        "str": lambda v: v if isinstance(v, str) else None,
    }
    try:
        out = readers[str(annotation)](value)
    except (ValueError, ProtocolError):
        out = None
    if out is None:
        raise ValidationFailed(
            f"bad value {value!r}", location=location, expected=f"a {annotation}"
        )
    return out


def event_from_dict(data: Mapping[str, Any]) -> AgreementEvent:
    """Read an event back from its ``to_dict()`` form; :class:`ValidationFailed` otherwise."""
    kind = data.get("type") if isinstance(data, Mapping) else None
    cls = _BY_TYPE.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ValidationFailed(
            f"unknown agreement event type {kind!r}",
            location="type",
            expected="one of " + ", ".join(_BY_TYPE),
        )
    values = {}
    for f in fields(cls):  # type: ignore[arg-type]  # every event class is a dataclass
        if f.name not in data:
            raise ValidationFailed(f"{kind} event without {f.name!r}", location=f.name)
        values[f.name] = _read_value(f.type, data[f.name], f.name)
    event: AgreementEvent = cls(**values)  # type: ignore[assignment]  # cls is one of the union
    return event
