"""Simulated bidders for double-blind bidding, and a loop that runs a whole sealed bidding.

A bidder has a *reservation value*: the most a payer will pay, the least a payee will accept.
Three strategies (each bids the same whatever the other side did, since it learns nothing but
"no settlement" between rounds):

- :class:`Truthful` bids its reservation value every round;
- :class:`Conceding` opens at ``opening`` and moves in equal steps to its reservation value by
  the last round;
- :class:`Stubborn` bids ``opening`` every round and never concedes.

A bidder never bids beyond its reservation value, so without a band a settlement is always
acceptable to both: the midpoint of an offer and a demand that cross lies between them. With a
tolerance band, bids that come close settle at their midpoint too: the payer then pays more than
it offered and the payee receives less than it asked, by up to half the band each (possibly
beyond a reservation value); that is what both accepted when they agreed to the band.

:func:`simulate` runs the bidding through :mod:`gobetween.protocols.blind_bidding_release`
(the same machine the service stores), releasing each round as a mediator would.

>>> from gobetween.protocols.blind_bidding import BiddingRules
>>> run = simulate(Truthful(60_000), Conceding(90_000, 55_000), BiddingRules(max_rounds=3))
>>> run.status, run.settlement, len(run.rounds)
('settled', 57500.0, 3)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from gobetween.errors import N_, ProtocolError
from gobetween.protocols import blind_bidding as bb
from gobetween.protocols import blind_bidding_release as sealed

__all__ = [
    "STRATEGIES",
    "Bidder",
    "Conceding",
    "RoundRecord",
    "Simulation",
    "Stubborn",
    "Truthful",
    "bidder_from_spec",
    "simulate",
]


class Bidder(Protocol):
    """A strategy: the amount to bid in ``round`` of ``rounds`` for ``side``."""

    @property
    def reservation(self) -> float:
        """The most a payer will pay, the least a payee will accept."""
        ...

    def bid(self, side: bb.Side, round: int, rounds: int) -> float:
        """The amount to bid (never beyond :attr:`reservation`)."""
        ...


#: The refusals of a bidder's figure that is no number, or a negative or infinite one.
_NOT_A_NUMBER = {
    "a reservation value": N_("a reservation value must be a number, got %(value)r"),
    "an opening bid": N_("an opening bid must be a number, got %(value)r"),
}
_NOT_AN_AMOUNT = {
    "a reservation value": N_("a reservation value must be a finite number >= 0, got %(value)r"),
    "an opening bid": N_("an opening bid must be a finite number >= 0, got %(value)r"),
}


def _amount(value: float, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProtocolError(_NOT_A_NUMBER[what], params={"value": value})
    if not math.isfinite(value) or value < 0:
        raise ProtocolError(_NOT_AN_AMOUNT[what], params={"value": value})
    return float(value)


def _within(side: bb.Side, amount: float, reservation: float) -> float:
    """``amount`` held to the reservation value (an offer no higher, a demand no lower)."""
    return min(amount, reservation) if side is bb.Side.PAYER else max(amount, reservation)


@dataclass(frozen=True)
class Truthful:
    """Bids its reservation value every round."""

    reservation: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "reservation", _amount(self.reservation, "a reservation value"))

    def bid(self, side: bb.Side, round: int, rounds: int) -> float:
        """Its reservation value."""
        return self.reservation


@dataclass(frozen=True)
class _Opening:
    """A bidder with an opening bid and a reservation value (both checked)."""

    opening: float
    reservation: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "opening", _amount(self.opening, "an opening bid"))
        object.__setattr__(self, "reservation", _amount(self.reservation, "a reservation value"))


@dataclass(frozen=True)
class Conceding(_Opening):
    """Opens at ``opening`` and concedes in equal steps to its reservation value by the last
    round (one round: the reservation value at once)."""

    def bid(self, side: bb.Side, round: int, rounds: int) -> float:
        """The opening bid moved ``(round - 1) / (rounds - 1)`` of the way to the reservation."""
        share = 1.0 if rounds <= 1 else (round - 1) / (rounds - 1)
        amount = self.opening + share * (self.reservation - self.opening)
        return _within(side, amount, self.reservation)


@dataclass(frozen=True)
class Stubborn(_Opening):
    """Bids ``opening`` every round (held to its reservation value)."""

    def bid(self, side: bb.Side, round: int, rounds: int) -> float:
        """Its opening bid."""
        return _within(side, self.opening, self.reservation)


#: Strategy name -> how many numbers its spec takes (reservation last).
STRATEGIES: dict[str, int] = {"truthful": 1, "conceding": 2, "stubborn": 2}


def bidder_from_spec(spec: str) -> Bidder:
    """A bidder from ``name:numbers``: ``truthful:60000``, ``conceding:90000:55000`` (opening,
    reservation), ``stubborn:90000:55000``.

    >>> bidder_from_spec("conceding:90000:55000")
    Conceding(opening=90000.0, reservation=55000.0)
    """
    name, _, rest = spec.partition(":")
    if name not in STRATEGIES:
        raise ProtocolError(
            N_("unknown bidder %(name)r in %(spec)r (one of: %(known)s)"),
            params={"name": name, "spec": spec, "known": ", ".join(sorted(STRATEGIES))},
        )
    parts = rest.split(":") if rest else []
    if len(parts) != STRATEGIES[name]:
        raise ProtocolError(
            N_("%(spec)r: %(name)s takes %(count)s number(s) after the name, got %(given)s"),
            params={"spec": spec, "name": name, "count": STRATEGIES[name], "given": len(parts)},
        )
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        raise ProtocolError(
            N_("%(spec)r: the figures must be numbers"), params={"spec": spec}
        ) from None
    if name == "truthful":
        return Truthful(numbers[0])
    if name == "conceding":
        return Conceding(numbers[0], numbers[1])
    return Stubborn(numbers[0], numbers[1])


@dataclass(frozen=True)
class RoundRecord:
    """One round of a simulation: both figures and the outcome."""

    round: int
    offer: float
    demand: float
    settled: bool
    amount: float | None


@dataclass(frozen=True)
class Simulation:
    """The outcome of :func:`simulate`: final status, settlement and every round."""

    status: str
    settlement: float | None
    rounds: tuple[RoundRecord, ...]


START = datetime(2024, 1, 1, tzinfo=UTC)


def simulate(
    payer: Bidder,
    payee: Bidder,
    rules: bb.BiddingRules,
    *,
    start: datetime = START,
    interval: timedelta = timedelta(hours=1),
) -> Simulation:
    """Run a sealed bidding between two simulated bidders to its end.

    Round ``k`` is bid at ``start + (k - 1) * interval`` (payer first; the order changes
    nothing) and released at once. Rules with a deadline before the last round end it early.
    """
    state = sealed.SealedBidding.open("payer", "payee", rules, ("mediator",))
    rounds = rules.max_rounds
    while state.machine.status is bb.BiddingStatus.OPEN:
        k = state.machine.round
        now = start + (k - 1) * interval
        deadline = rules.deadline
        if deadline is not None and now > deadline:
            break
        for name, bidder, side in (
            ("payer", payer, bb.Side.PAYER),
            ("payee", payee, bb.Side.PAYEE),
        ):
            amount = bidder.bid(side, k, rounds)
            state, _ = sealed.step(state, bb.SubmitBid(name, k, amount), now=now)
        state, _ = sealed.step(state, sealed.ReleaseResult("mediator"), now=now)
    status = state.machine.status.value
    if status == bb.BiddingStatus.OPEN.value:
        status = "expired"
    return Simulation(
        status,
        state.machine.settlement,
        tuple(
            RoundRecord(r.round, r.offer, r.demand, r.settled, r.amount)
            for r in state.machine.results
        ),
    )
