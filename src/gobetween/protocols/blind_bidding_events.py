"""Events of double-blind bidding and their JSON wire form.

Each event is a frozen dataclass with a ``type`` discriminator and a stable ``to_dict()``;
:func:`event_from_dict` reads one back by its ``type`` (never by class name). Everything here is
re-exported by :mod:`gobetween.protocols.blind_bidding`, which is where to import it from.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from gobetween.protocols import _common as c

__all__ = [
    "BidSubmitted",
    "BiddingClosed",
    "BiddingEvent",
    "BiddingExpired",
    "RoundResolved",
    "Side",
    "event_from_dict",
]


class Side(enum.StrEnum):
    """Which way the money goes: the payer offers, the payee demands."""

    PAYER = "payer"
    PAYEE = "payee"


@dataclass(frozen=True)
class BidSubmitted:
    """A sealed bid was received."""

    type: ClassVar[str] = "bid_submitted"
    party: str
    side: Side
    round: int
    amount: float
    at: datetime

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON wire form."""
        return {
            "type": self.type,
            "party": self.party,
            "side": self.side.value,
            "round": self.round,
            "amount": self.amount,
            "at": c.time_to_wire(self.at),
        }


@dataclass(frozen=True)
class RoundResolved:
    """Both bids of ``round`` are in: settled at ``amount``, or not (``amount`` is ``None``)."""

    type: ClassVar[str] = "round_resolved"
    round: int
    settled: bool
    amount: float | None
    at: datetime

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON wire form."""
        return {
            "type": self.type,
            "round": self.round,
            "settled": self.settled,
            "amount": self.amount,
            "at": c.time_to_wire(self.at),
        }


@dataclass(frozen=True)
class BiddingClosed:
    """A mediator closed the bidding."""

    type: ClassVar[str] = "bidding_closed"
    mediator: str
    reason: str
    at: datetime

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON wire form."""
        return {
            "type": self.type,
            "mediator": self.mediator,
            "reason": self.reason,
            "at": c.time_to_wire(self.at),
        }


@dataclass(frozen=True)
class BiddingExpired:
    """The deadline passed without a settlement."""

    type: ClassVar[str] = "bidding_expired"
    at: datetime

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON wire form."""
        return {"type": self.type, "at": c.time_to_wire(self.at)}


BiddingEvent = BidSubmitted | RoundResolved | BiddingClosed | BiddingExpired


def event_from_dict(data: Mapping[str, Any]) -> BiddingEvent:
    """Read an event back from its ``to_dict()`` form (by its ``type`` field)."""
    kind = c.event_type(data)
    at = c.time_from_wire(data.get("at"), "at")
    if kind == BidSubmitted.type:
        side = c.field(data, "side", str)
        if side not in {s.value for s in Side}:
            raise c.bad_wire(f"unknown side {side!r}", "side", "payer or payee")
        return BidSubmitted(
            c.field(data, "party", str),
            Side(side),
            c.field(data, "round", int),
            c.field(data, "amount", float),
            at,
        )
    if kind == RoundResolved.type:
        settled = c.field(data, "settled", bool)
        amount = None if data.get("amount") is None else c.field(data, "amount", float)
        if settled != (amount is not None):
            raise c.bad_wire("a settled round needs an amount, and only then", "amount")
        return RoundResolved(c.field(data, "round", int), settled, amount, at)
    if kind == BiddingClosed.type:
        return BiddingClosed(c.field(data, "mediator", str), c.field(data, "reason", str), at)
    if kind == BiddingExpired.type:
        return BiddingExpired(at)
    raise c.bad_wire(f"unknown bidding event type {kind!r}", "type")
