"""Double-blind bidding on one numeric issue, as a pure, event-sourced state machine.

Two sides bid on one amount (a price, a sum in settlement of a claim): the *payer* (buyer,
defendant, insurer) submits sealed *offers*, the *payee* (seller, claimant) sealed *demands*, one
each per round. When both bids of a round are in they are compared:

- they *cross* when ``offer >= demand - band``, where the tolerance band is
  ``max(tolerance.absolute, tolerance.relative * demand)`` (Cybersettle settled claims whose
  offer came within 30 % or a fixed sum of the demand); the deal is then at the *midpoint*
  ``(offer + demand) / 2``;
- otherwise nothing is revealed: each side learns only "no settlement this round", never the
  other side's figure nor how far apart the figures were. The next round opens, until
  ``max_rounds`` have failed.

With ``monotone`` rules (the default, as Cybersettle had it) an offer may not fall below the
payer's own earlier offer, nor a demand rise above the payee's own earlier demand.

A side's view (:func:`bidder_view`) shows its own bids and, per round, only whether it settled and
at what amount; it shows no time of resolution either (that would tell a side that bid first when
the other side bid).

API
---
- :class:`BiddingState` (``BiddingState.open(payer, payee, rules, mediators=())``),
  :class:`BiddingRules`, :class:`Tolerance`, :class:`Side`, :class:`BiddingStatus`,
  :class:`Bid`, :class:`RoundResult`.
- Actions (:data:`BiddingAction`): :class:`SubmitBid`, :class:`CloseBidding` (a mediator),
  :class:`Expire` (anyone, once the deadline has passed: status ``expired``).
- Events (:data:`BiddingEvent`): :class:`BidSubmitted`, :class:`RoundResolved`,
  :class:`BiddingClosed`, :class:`BiddingExpired`, each with ``to_dict()``;
  :func:`event_from_dict`. They are defined in :mod:`gobetween.protocols.blind_bidding_events`
  and re-exported here.
- :func:`decide`, :func:`apply`, :func:`step`, :func:`replay`, :func:`bidder_view`
  (:class:`BidderView`, :class:`RoundOutcome`), :func:`mediator_view` (everything, as JSON);
  :func:`crossing` (the settlement rule). ``BiddingRules.to_dict()``/``from_dict()`` let the
  service keep the rules with the bidding, and :func:`from_settings` rebuilds the initial state
  from what it keeps.
- :data:`SUBMIT_BID`, :data:`CLOSE_BIDDING`: the policy's rules for the actions. The registered
  protocol is :mod:`gobetween.protocols.blind_bidding_release` (sealed rounds): shown to the
  sides as it stands, this machine would tell a side that the other had bid the moment a round
  resolves.

>>> from datetime import datetime, timezone
>>> t = datetime(2024, 5, 1, tzinfo=timezone.utc)
>>> state = BiddingState.open("insurer", "claimant", BiddingRules(max_rounds=3, unit="EUR"))
>>> state, _ = step(state, SubmitBid("insurer", 1, 40_000), now=t)
>>> state, events = step(state, SubmitBid("claimant", 1, 60_000), now=t)
>>> bidder_view(state, "insurer").results[0].settled
False
>>> state, _ = step(state, SubmitBid("claimant", 2, 50_000), now=t)
>>> state, _ = step(state, SubmitBid("insurer", 2, 52_000), now=t)
>>> state.status.value, state.settlement
('settled', 51000.0)
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Annotated, Any

from annotated_types import Ge, Le, MaxLen

from gobetween import wire
from gobetween.errors import N_, ProtocolError
from gobetween.protocols import _common as c
from gobetween.protocols.base import ActionRule
from gobetween.protocols.blind_bidding_events import (
    BiddingClosed,
    BiddingEvent,
    BiddingExpired,
    BidSubmitted,
    RoundResolved,
    Side,
    event_from_dict,
)

__all__ = [
    "CLOSE_BIDDING",
    "SUBMIT_BID",
    "Bid",
    "BidSubmitted",
    "BidderView",
    "BiddingAction",
    "BiddingClosed",
    "BiddingEvent",
    "BiddingExpired",
    "BiddingRules",
    "BiddingState",
    "BiddingStatus",
    "CloseBidding",
    "Expire",
    "RoundOutcome",
    "RoundResolved",
    "RoundResult",
    "Side",
    "SubmitBid",
    "Tolerance",
    "apply",
    "bidder_view",
    "crossing",
    "decide",
    "event_from_dict",
    "from_settings",
    "mediator_view",
    "replay",
    "step",
]


class BiddingStatus(enum.StrEnum):
    """Where the bidding stands."""

    OPEN = "open"
    SETTLED = "settled"
    FAILED = "failed"
    EXPIRED = "expired"
    CLOSED = "closed"


@dataclass(frozen=True)
class Tolerance:
    """How close bids must come to settle: ``demand - offer <= max(absolute, relative * demand)``.

    >>> Tolerance(relative=0.3, absolute=5000).band(100_000)
    30000.0
    """

    relative: float = 0.0
    absolute: float = 0.0

    def __post_init__(self) -> None:
        for name in ("relative", "absolute"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ProtocolError(
                    N_("tolerance %(name)s must be a number, got %(value)r"),
                    params={"name": name, "value": value},
                )
            if not math.isfinite(value) or value < 0:
                raise ProtocolError(
                    N_("tolerance %(name)s must be finite and >= 0, got %(value)r"),
                    params={"name": name, "value": value},
                )
        if self.relative >= 1:
            raise ProtocolError(
                N_("tolerance relative must be below 1, got %(value)r"),
                params={"value": self.relative},
            )

    def band(self, demand: float) -> float:
        """How far below ``demand`` an offer may be and still settle."""
        return float(max(self.absolute, self.relative * demand))


@dataclass(frozen=True)
class BiddingRules:
    """The rules both sides agreed to before bidding.

    ``deadline`` (aware) ends the bidding: no bid is taken after it.
    """

    max_rounds: int = 3
    tolerance: Tolerance = field(default_factory=Tolerance)
    monotone: bool = True
    deadline: datetime | None = None
    unit: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.max_rounds, bool) or not isinstance(self.max_rounds, int):
            raise ProtocolError(
                N_("max_rounds must be an int, got %(value)r"), params={"value": self.max_rounds}
            )
        if self.max_rounds < 1:
            raise ProtocolError(
                N_("max_rounds must be at least 1, got %(value)s"),
                params={"value": self.max_rounds},
            )
        if not isinstance(self.tolerance, Tolerance):
            raise ProtocolError("tolerance must be a Tolerance")
        object.__setattr__(self, "deadline", c.optional_utc(self.deadline, "the deadline"))

    def to_dict(self) -> dict[str, Any]:
        """JSON form, for the service to keep with the bidding (and for views).

        >>> rules = BiddingRules(2, Tolerance(relative=0.3), unit="USD")
        >>> BiddingRules.from_dict(rules.to_dict()) == rules
        True
        """
        return {
            "max_rounds": self.max_rounds,
            "tolerance": {"relative": self.tolerance.relative, "absolute": self.tolerance.absolute},
            "monotone": self.monotone,
            "deadline": c.time_to_wire(self.deadline),
            "unit": self.unit,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BiddingRules:
        """Read rules written by :meth:`to_dict` (``ValidationFailed`` for a bad field)."""
        tolerance = data.get("tolerance")
        if not isinstance(tolerance, Mapping):
            raise c.bad_wire(N_("the rules have no tolerance object"), "tolerance")
        return cls(
            c.field(data, "max_rounds", int),
            Tolerance(
                c.field(tolerance, "relative", float, "tolerance"),
                c.field(tolerance, "absolute", float, "tolerance"),
            ),
            c.field(data, "monotone", bool),
            c.optional_time_from_wire(data.get("deadline"), "deadline"),
            c.field(data, "unit", str),
        )


#: One sealed bid, an offer (payer) or a demand (payee): the state keeps the stored event itself.
Bid = BidSubmitted


@dataclass(frozen=True)
class RoundResult:
    """The outcome of a round with both figures (the mediators' record)."""

    round: int
    offer: float
    demand: float
    settled: bool
    amount: float | None
    at: datetime


@dataclass(frozen=True)
class BiddingState:
    """The whole bidding; ``log`` holds every event applied, in order."""

    payer: str
    payee: str
    rules: BiddingRules
    mediators: tuple[str, ...] = ()
    bids: tuple[Bid, ...] = ()
    results: tuple[RoundResult, ...] = ()
    status: BiddingStatus = BiddingStatus.OPEN
    closed_reason: str | None = None
    log: tuple[BiddingEvent, ...] = ()

    @classmethod
    def open(
        cls, payer: str, payee: str, rules: BiddingRules, mediators: Iterable[str] = ()
    ) -> BiddingState:
        """A bidding with no bids yet; ``mediators`` (optional) may close it early."""
        names = c.check_names((payer, payee, *mediators), "member")
        if not isinstance(rules, BiddingRules):
            raise ProtocolError("the bidding needs BiddingRules")
        return cls(payer, payee, rules, names[2:])

    @property
    def round(self) -> int:
        """The round now open (or the last one, once the bidding is over)."""
        return min(len(self.results) + 1, self.rules.max_rounds)

    @property
    def settlement(self) -> float | None:
        """The settled amount, if the bidding settled."""
        return self.results[-1].amount if self.status is BiddingStatus.SETTLED else None

    def side_of(self, party: str) -> Side:
        """The side ``party`` bids for; :class:`ProtocolError` if it is neither."""
        if party == self.payer:
            return Side.PAYER
        if party == self.payee:
            return Side.PAYEE
        raise ProtocolError(
            N_("%(party)r bids for neither side (payer %(payer)r, payee %(payee)r)"),
            params={"party": party, "payer": self.payer, "payee": self.payee},
        )

    def bids_of(self, party: str) -> tuple[Bid, ...]:
        """``party``'s own bids, oldest first."""
        return tuple(b for b in self.bids if b.party == party)


# -- actions and events ------------------------------------------------------------------------


@dataclass(frozen=True)
class SubmitBid:
    """A side's sealed bid for ``round`` (an offer for the payer, a demand for the payee)."""

    party: str
    round: Annotated[int, Ge(1)]
    amount: Annotated[float, Ge(0), Le(1e15)]


@dataclass(frozen=True)
class CloseBidding:
    """A mediator ends the bidding early."""

    mediator: str
    reason: Annotated[str, MaxLen(2000)] = ""


#: The policy's rules for this protocol's actions: a side bids for itself only; a mediator may
#: close the bidding early. Both are done through the generic route too (their actions'
#: fields after the actor are the request's body; the limits above are its schema's).
SUBMIT_BID = ActionRule("submit_bid", frozenset({"party"}), own_party=True, action=SubmitBid)
CLOSE_BIDDING = ActionRule("close_bidding", frozenset({"mediator"}), action=CloseBidding)


@dataclass(frozen=True)
class Expire:
    """Record that the deadline passed (anyone may ask, e.g. the service's scheduler)."""


BiddingAction = SubmitBid | CloseBidding | Expire


# -- decide, apply, step, replay ---------------------------------------------------------------


def crossing(offer: float, demand: float, tolerance: Tolerance) -> float | None:
    """The settlement amount (the midpoint) when ``offer`` and ``demand`` cross, else ``None``.

    >>> crossing(90, 100, Tolerance(absolute=10)), crossing(89, 100, Tolerance(absolute=10))
    (95.0, None)
    """
    if offer >= demand - tolerance.band(demand):
        return (offer + demand) / 2
    return None


def decide(
    state: BiddingState, action: BiddingAction, *, now: datetime
) -> tuple[BiddingEvent, ...]:
    """The events ``action`` causes at ``now``; :class:`ProtocolError` if it is not allowed.

    Error messages name only the acting side's own bids, never the other side's.
    """
    at = c.utc(now)
    if state.status is not BiddingStatus.OPEN:
        raise ProtocolError(
            N_("the bidding is over (%(status)s)"), params={"status": state.status.value}
        )
    match action:
        case SubmitBid():
            return _decide_bid(state, action, at)
        case CloseBidding():
            return (BiddingClosed.by(action.mediator, action.reason, state.mediators, at),)
        case Expire():
            deadline = state.rules.deadline
            if deadline is None or at <= deadline:
                raise ProtocolError(N_("the bidding has not expired: its deadline has not passed"))
            return (BiddingExpired(at),)
        case _:
            raise c.unknown("bidding action", action)


def _decide_bid(state: BiddingState, action: SubmitBid, at: datetime) -> tuple[BiddingEvent, ...]:
    side = state.side_of(action.party)
    deadline = state.rules.deadline
    if deadline is not None and at > deadline:
        raise ProtocolError(
            N_("the bidding deadline passed at %(deadline)s"),
            params={"deadline": deadline},
        )
    if isinstance(action.round, bool) or action.round != state.round:
        raise ProtocolError(
            N_("round %(open)s is open, not round %(round)r"),
            params={"open": state.round, "round": action.round},
        )
    amount = action.amount
    if isinstance(amount, bool) or not isinstance(amount, int | float) or not math.isfinite(amount):
        raise ProtocolError(
            N_("a bid must be a finite number, got %(amount)r"), params={"amount": amount}
        )
    if amount < 0:
        raise ProtocolError(
            N_("a bid cannot be negative, got %(amount)s"), params={"amount": amount}
        )
    own = state.bids_of(action.party)
    if own and own[-1].round == state.round:
        raise ProtocolError(
            N_("%(party)r has already bid in round %(round)s"),
            params={"party": action.party, "round": state.round},
        )
    if state.rules.monotone and own:
        last = own[-1].amount
        if side is Side.PAYER and amount < last:
            raise ProtocolError(
                N_("an offer may not fall below your earlier offer of %(last)s"),
                params={"last": f"{last:g}"},
            )
        if side is Side.PAYEE and amount > last:
            raise ProtocolError(
                N_("a demand may not rise above your earlier demand of %(last)s"),
                params={"last": f"{last:g}"},
            )
    bid = BidSubmitted(action.party, side, state.round, float(amount), at)
    other = state.payee if side is Side.PAYER else state.payer
    theirs = state.bids_of(other)
    if not theirs or theirs[-1].round != state.round:
        return (bid,)
    offer, demand = (
        (bid.amount, theirs[-1].amount)
        if side is Side.PAYER
        else (
            theirs[-1].amount,
            bid.amount,
        )
    )
    settlement = crossing(offer, demand, state.rules.tolerance)
    return (bid, RoundResolved(state.round, settlement is not None, settlement, at))


def apply(state: BiddingState, event: BiddingEvent) -> BiddingState:
    """The state after ``event`` (made by :func:`decide`); rounds are re-checked."""
    log = (*state.log, event)
    match event:
        case BidSubmitted():
            if event.round != len(state.results) + 1:
                raise ProtocolError(f"stored bid for round {event.round} is out of order")
            return replace(state, bids=(*state.bids, event), log=log)
        case RoundResolved():
            pair = {b.side: b.amount for b in state.bids if b.round == event.round}
            if len(pair) != 2 or event.round != len(state.results) + 1:
                raise ProtocolError(f"stored round {event.round} resolved without both bids")
            result = RoundResult(
                event.round,
                pair[Side.PAYER],
                pair[Side.PAYEE],
                event.settled,
                event.amount,
                event.at,
            )
            if event.settled:
                status = BiddingStatus.SETTLED
            elif event.round >= state.rules.max_rounds:
                status = BiddingStatus.FAILED
            else:
                status = BiddingStatus.OPEN
            return replace(state, results=(*state.results, result), status=status, log=log)
        case BiddingClosed():
            return replace(state, status=BiddingStatus.CLOSED, closed_reason=event.reason, log=log)
        case BiddingExpired():
            return replace(state, status=BiddingStatus.EXPIRED, log=log)
        case _:
            raise c.unknown("bidding event", event)


#: ``step(state, action, *, now)`` and ``replay(initial, events)`` (:class:`gobetween.wire.Loop`).
_LOOP = wire.Loop(decide, apply, event_from_dict)
step, replay = _LOOP.step, _LOOP.replay


# -- the view of one side ----------------------------------------------------------------------


@dataclass(frozen=True)
class RoundOutcome:
    """What a side learns of a finished round: settled or not, and the amount if settled."""

    round: int
    settled: bool
    amount: float | None

    @property
    def summary(self) -> str:
        """A sentence for people."""
        if self.settled:
            return f"settled in round {self.round} at {self.amount:g}"
        return f"no settlement in round {self.round}"


@dataclass(frozen=True)
class BidderView:
    """What one side may see: its own bids, the rules, and each finished round's outcome."""

    party: str
    side: Side
    status: BiddingStatus
    rules: BiddingRules
    round: int
    own_bids: tuple[Bid, ...]
    results: tuple[RoundOutcome, ...]
    settlement: float | None

    def can_bid(self, now: datetime) -> bool:
        """Whether this side may bid at ``now``: open, before the deadline, not yet this round."""
        at = c.utc(now)
        deadline = self.rules.deadline
        done = bool(self.own_bids) and self.own_bids[-1].round == self.round
        return (
            self.status is BiddingStatus.OPEN and not done and (deadline is None or at <= deadline)
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "party": self.party,
            "side": self.side.value,
            "status": self.status.value,
            "rules": self.rules.to_dict(),
            "round": self.round,
            "own_bids": [
                {"round": b.round, "amount": b.amount, "at": c.time_to_wire(b.at)}
                for b in self.own_bids
            ],
            "results": [
                {"round": r.round, "settled": r.settled, "amount": r.amount, "summary": r.summary}
                for r in self.results
            ],
            "settlement": self.settlement,
        }


def bidder_view(state: BiddingState, party: str) -> BidderView:
    """The bidding as ``party`` (payer or payee) may see it; the mediators read the state."""
    side = state.side_of(party)
    outcomes = tuple(RoundOutcome(r.round, r.settled, r.amount) for r in state.results)
    return BidderView(
        party,
        side,
        state.status,
        state.rules,
        state.round,
        state.bids_of(party),
        outcomes,
        state.settlement,
    )


def mediator_view(state: BiddingState) -> dict[str, Any]:
    """Everything, as JSON: both sides' bids and each round with both figures.

    Only for the mediators (or an administrator of an automated bidding): a side sees
    :func:`bidder_view`.
    """
    return {
        "payer": state.payer,
        "payee": state.payee,
        "status": state.status.value,
        "rules": state.rules.to_dict(),
        "round": state.round,
        "bids": [
            {
                "party": b.party,
                "side": b.side.value,
                "round": b.round,
                "amount": b.amount,
                "at": c.time_to_wire(b.at),
            }
            for b in state.bids
        ],
        "results": [
            {
                "round": r.round,
                "offer": r.offer,
                "demand": r.demand,
                "settled": r.settled,
                "amount": r.amount,
                "at": c.time_to_wire(r.at),
            }
            for r in state.results
        ],
        "settlement": state.settlement,
        "closed_reason": state.closed_reason,
    }


# -- settings --------------------------------------------------------------------------------


def from_settings(
    parties: tuple[str, ...], mediators: tuple[str, ...], settings: Mapping[str, Any]
) -> BiddingState:
    """A bidding with no bids between the settings' payer and payee, parties of the track:
    ``{"payer": <party>, "payee": <party>, "rules": BiddingRules.to_dict()}`` (what the service
    keeps with a bidding; :mod:`gobetween.protocols.blind_bidding_release` opens with it).

    >>> rules = BiddingRules(max_rounds=2).to_dict()
    >>> from_settings(("A", "B"), ("M",), {"payer": "A", "payee": "B", "rules": rules}).payee
    'B'
    """
    sides = []
    for key in ("payer", "payee"):
        name = settings.get(key)
        if not isinstance(name, str) or name not in parties:
            raise ProtocolError(
                N_("the bidding's %(key)s must be a party of the track, got %(name)r"),
                params={"key": key, "name": name},
            )
        sides.append(name)
    rules = settings.get("rules")
    if not isinstance(rules, Mapping):
        raise ProtocolError(N_("the bidding's settings have no rules"))
    return BiddingState.open(sides[0], sides[1], BiddingRules.from_dict(rules), mediators)
