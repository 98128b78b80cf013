"""Events of double-blind bidding and their JSON wire form.

Each event is a frozen dataclass on the one wire base (:class:`gobetween.wire.WireEvent`): a
``type`` tag, its fields as the wire form, ``to_dict()``; :func:`event_from_dict` reads one back
by its ``type`` (never by class name). Everything here is
re-exported by :mod:`gobetween.protocols.blind_bidding`, which is where to import it from.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from gobetween import wire
from gobetween.errors import N_
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


class BidSubmitted(wire.WireEvent, type="bid_submitted"):
    """A sealed bid was received."""

    party: str
    side: Side
    round: int
    amount: float
    at: datetime


class RoundResolved(wire.WireEvent, type="round_resolved"):
    """Both bids of ``round`` are in: settled at ``amount``, or not (``amount`` is ``None``)."""

    round: int
    settled: bool
    amount: float | None
    at: datetime

    def wire_check(self) -> None:
        """A settled round has an amount, and only a settled one."""
        if self.settled != (self.amount is not None):
            raise wire.invalid(N_("a settled round needs an amount, and only then"), "amount")


class BiddingClosed(c.Closed, type="bidding_closed"):
    """A mediator closed the bidding."""


class BiddingExpired(wire.WireEvent, type="bidding_expired"):
    """The deadline passed without a settlement."""

    at: datetime


BiddingEvent = BidSubmitted | RoundResolved | BiddingClosed | BiddingExpired


_read: Callable[..., BiddingEvent] = wire.reader(
    "bidding", BidSubmitted, RoundResolved, BiddingClosed, BiddingExpired
)


def event_from_dict(data: Mapping[str, Any]) -> BiddingEvent:
    """Read an event back from its ``to_dict()`` form (by its ``type`` field).

    >>> from datetime import datetime, timezone
    >>> e = RoundResolved(1, False, None, datetime(2024, 5, 1, tzinfo=timezone.utc))
    >>> event_from_dict(e.to_dict()) == e
    True
    """
    return _read(data)
