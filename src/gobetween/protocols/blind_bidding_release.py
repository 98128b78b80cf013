"""Sealed rounds: the mediators open both bids of a round together, so nobody learns *when*.

:mod:`gobetween.protocols.blind_bidding` resolves a round the moment its second bid arrives.
Shown to the sides at once, that would tell the side that bid second that the other had already
bid (its own bid settled the round on the spot), and the side that bid first the moment the
other bid (the result appears). Here a round's result reaches the sides only when a mediator
*releases* it (:class:`ReleaseResult`), for both sides in one step; until then each side sees
exactly what it would see if the other side had not bid at all:

- :func:`side_state` is the bidding as ``party`` may know it: the other side's bids of
  unreleased rounds and the unreleased results are left out;
- a bid is first decided against that state, so a refusal (already bid this round, the round
  number, the deadline) reads the same whether or not the other side bid; only then is it
  decided against the whole state;
- a bid stores one event (:class:`~gobetween.protocols.blind_bidding.BidSubmitted`) whatever
  the other side did: the bid that completes a round does not resolve it. The release does:
  it stores the round's :class:`~gobetween.protocols.blind_bidding.RoundResolved` (the same
  crossing rule, dated at the later of the two bids) and :class:`ResultReleased` together, so
  the server does the same work for a first and a second bid.

Logs stored before this (a ``round_resolved`` right after the second bid, its
``result_released`` later) replay to the same state.

The mediators see everything (:func:`mediator_view`): before the release, a complete round is
shown resolved (computed, not stored) and waiting.

>>> from datetime import datetime, timezone
>>> from gobetween.protocols.blind_bidding import BiddingRules, SubmitBid
>>> t = datetime(2024, 5, 1, tzinfo=timezone.utc)
>>> s = SealedBidding.open("insurer", "claimant", BiddingRules(max_rounds=2), ("UN",))
>>> s, _ = step(s, SubmitBid("claimant", 1, 50_000), now=t)
>>> s, _ = step(s, SubmitBid("insurer", 1, 52_000), now=t)
>>> side_view(s, "insurer").results, s.waiting, [e.type for e in s.log]
((), 1, ['bid_submitted', 'bid_submitted'])
>>> s, events = step(s, ReleaseResult("UN"), now=t)
>>> [e.type for e in events]
['round_resolved', 'result_released']
>>> side_view(s, "claimant").settlement
51000.0
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from gobetween import wire
from gobetween.errors import ProtocolError
from gobetween.model import Agenda, Issue, Option
from gobetween.protocols import _common as c
from gobetween.protocols import blind_bidding as bb
from gobetween.protocols import blind_bidding_settings as settings
from gobetween.protocols.base import N_, ActionRule, Machine, Notice, ViewRole

__all__ = [
    "OPEN_BIDDING",
    "PROTOCOL",
    "RELEASE_RESULT",
    "BiddingUpdate",
    "ReleaseResult",
    "ResultReleased",
    "SealedAction",
    "SealedBidding",
    "SealedEvent",
    "apply",
    "decide",
    "event_from_dict",
    "mediator_view",
    "pending",
    "replay",
    "resolved",
    "settled_option",
    "side_state",
    "side_view",
    "step",
]


class ResultReleased(wire.WireEvent, type="result_released"):
    """A mediator released the result of ``round`` to both sides."""

    mediator: str
    round: int
    at: datetime


@dataclass(frozen=True)
class ReleaseResult:
    """A mediator opens the next resolved round's result to both sides."""

    mediator: str


#: A mediator opens a bidding in a track (its settings, kept at the head of its log), and
#: releases each round's result to both sides; both through the generic route and page.
OPEN_BIDDING = ActionRule(
    "open_bidding", frozenset({"mediator"}), action=settings.BiddingSettings, opens=True
)
RELEASE_RESULT = ActionRule("release_result", frozenset({"mediator"}), action=ReleaseResult)


SealedAction = bb.SubmitBid | bb.CloseBidding | ReleaseResult
SealedEvent = bb.BiddingEvent | ResultReleased


@dataclass(frozen=True)
class SealedBidding:
    """The bidding (:attr:`machine`) and how many of its round results are released;
    ``issue`` names the issue bid on and ``options`` is that issue of the agenda (the options
    a settlement maps to), both ``None`` for an amount of the whole track."""

    machine: bb.BiddingState
    released: int = 0
    log: tuple[SealedEvent, ...] = ()
    issue: str | None = None
    options: Issue | None = None

    @classmethod
    def open(
        cls, payer: str, payee: str, rules: bb.BiddingRules, mediators: Iterable[str] = ()
    ) -> SealedBidding:
        """A bidding with no bids yet; ``mediators`` release results and may close it."""
        return cls(bb.BiddingState.open(payer, payee, rules, mediators))

    @property
    def waiting(self) -> int:
        """How many rounds wait for a mediator to release them (0 or 1): a complete round not
        yet resolved, or (in a log stored before the release resolved rounds) a resolved one."""
        unreleased = len(self.machine.results) - self.released
        return unreleased + (1 if pending(self.machine) is not None else 0)


def pending(machine: bb.BiddingState) -> bb.RoundResolved | None:
    """The outcome of the open round once both its bids are in (the same crossing rule as
    :mod:`~gobetween.protocols.blind_bidding`, dated at the later bid), else ``None``."""
    k = len(machine.results) + 1
    pair = {b.side: b for b in machine.bids if b.round == k}
    if len(pair) != 2:
        return None
    offer, demand = pair[bb.Side.PAYER], pair[bb.Side.PAYEE]
    settlement = bb.crossing(offer.amount, demand.amount, machine.rules.tolerance)
    return bb.RoundResolved(k, settlement is not None, settlement, max(offer.at, demand.at))


def _resolve(machine: bb.BiddingState, event: bb.RoundResolved) -> bb.BiddingState:
    """``machine`` with ``event`` applied; a bidding closed or expired before the release of
    its complete round stays closed or expired (as when the round resolved first)."""
    resolved = bb.apply(machine, event)
    if machine.status in (bb.BiddingStatus.CLOSED, bb.BiddingStatus.EXPIRED):
        return replace(resolved, status=machine.status)
    return resolved


def resolved(state: SealedBidding) -> bb.BiddingState:
    """The bidding with its complete round resolved (what the mediators see and what closing
    and expiry are decided against); the stored machine when no round is complete."""
    outcome = pending(state.machine)
    return state.machine if outcome is None else _resolve(state.machine, outcome)


def side_state(state: SealedBidding, party: str) -> bb.BiddingState:
    """The bidding as ``party`` may know it: what it would be had the other side not bid since
    the last released result (the other's later bids and the unreleased results left out)."""
    machine = state.machine
    side = machine.side_of(party)
    known = bb.BiddingState.open(machine.payer, machine.payee, machine.rules, machine.mediators)
    for event in machine.log:
        if isinstance(event, bb.RoundResolved) and event.round > state.released:
            continue
        if (
            isinstance(event, bb.BidSubmitted)
            and event.side is not side
            and event.round > state.released
        ):
            continue
        known = bb.apply(known, event)
    return known


def side_view(state: SealedBidding, party: str) -> bb.BidderView:
    """What ``party`` (payer or payee) sees: its own bids and the released results only."""
    return bb.bidder_view(side_state(state, party), party)


def decide(state: SealedBidding, action: SealedAction, *, now: datetime) -> tuple[SealedEvent, ...]:
    """The events ``action`` causes; :class:`ProtocolError` if it is not allowed.

    A bid is refused exactly as it would be if the other side had not bid (see the module).
    """
    at = c.utc(now)
    match action:
        case bb.SubmitBid():
            bb.decide(side_state(state, action.party), action, now=at)
            bid = bb.decide(state.machine, action, now=at)[0]  # never the round's outcome
            return (bid,)
        case bb.CloseBidding():
            return bb.decide(resolved(state), action, now=at)
        case ReleaseResult():
            c.check_member(action.mediator, state.machine.mediators, "mediator")
            if not state.waiting:
                raise ProtocolError(
                    N_("no result to release: round %(round)s still waits for a bid"),
                    params={"round": state.machine.round},
                )
            released = ResultReleased(action.mediator, state.released + 1, at)
            outcome = pending(state.machine)
            if outcome is None or len(state.machine.results) > state.released:
                return (released,)  # resolved already (a log stored before this rule)
            return (outcome, released)
        case _:
            raise c.unknown("sealed bidding action", action)


def apply(state: SealedBidding, event: SealedEvent) -> SealedBidding:
    """The state after ``event``; a release is checked against the resolved rounds."""
    log = (*state.log, event)
    if isinstance(event, ResultReleased):
        if event.round != state.released + 1 or event.round > len(state.machine.results):
            raise ProtocolError(f"stored release of round {event.round} is out of order")
        return replace(state, released=event.round, log=log)
    if isinstance(event, bb.RoundResolved):
        return replace(state, machine=_resolve(state.machine, event), log=log)
    return replace(state, machine=bb.apply(state.machine, event), log=log)


_read: Callable[..., SealedEvent] = wire.reader(
    "bidding",
    bb.BidSubmitted,
    bb.RoundResolved,
    bb.BiddingClosed,
    bb.BiddingExpired,
    ResultReleased,
)


def event_from_dict(data: Mapping[str, Any]) -> SealedEvent:
    """Read a stored event back (a release, or one of the bidding's own events)."""
    return _read(data)


#: ``step(state, action, *, now)`` and ``replay(initial, events)`` (:class:`gobetween.wire.Loop`).
_LOOP = wire.Loop(decide, apply, event_from_dict)
step, replay = _LOOP.step, _LOOP.replay


def mediator_view(state: SealedBidding) -> dict[str, Any]:
    """Everything (both sides' figures, a complete round resolved though not yet stored so),
    and how many results are released or waiting."""
    return {
        **bb.mediator_view(resolved(state)),
        "released": state.released,
        "waiting": state.waiting,
    }


def settled_option(issue: Issue, amount: float) -> Option | None:
    """The option of a numeric ``issue`` a settled ``amount`` maps to: the one with the nearest
    value, when the amount lies within the options' values; ``None`` otherwise (or when the
    issue has no numeric options). Of two equally near, the lower.

    >>> term = Issue.from_range("sum", 40_000, 60_000, 5_000, unit="EUR")
    >>> settled_option(term, 51_000).name, settled_option(term, 52_500).name
    ('50000', '50000')
    >>> settled_option(term, 70_000) is None
    True
    """
    valued = [(o.value, o) for o in issue.options if o.value is not None]
    if not valued or not math.isfinite(amount):
        return None
    if not min(v for v, _ in valued) <= amount <= max(v for v, _ in valued):
        return None
    return min(valued, key=lambda pair: (abs(pair[0] - amount), pair[0]))[1]


# -- the registered protocol -------------------------------------------------------------------


class BiddingUpdate(enum.StrEnum):
    """The live updates of a bidding (its own kinds; nothing else lists them)."""

    BID = "bid"  # a side's own sealed bid was received (its scope only)
    BIDDING = "bidding"  # a round's result was released, or the bidding ended (both sides)


def _agreed(state: SealedBidding, settlement: float | None) -> dict[str, Any] | None:
    """A released settlement and the option of the issue it maps to (``None``: none)."""
    if settlement is None:
        return None
    found = settled_option(state.options, settlement) if state.options is not None else None
    option = found.name if found is not None else None
    return {"issue": state.issue, "amount": settlement, "option": option}


def _view(state: SealedBidding, role: ViewRole, member: str | None) -> dict[str, Any] | None:
    """A side: :func:`side_view`; the mediators: :func:`mediator_view`; a party that does not
    bid, and an observer, see nothing. Both add the issue and ``agreed``: a released
    settlement and the option it maps to (the same for both sides and the mediators); a
    side's view also names both sides (what the opening told it)."""
    machine = state.machine
    if role is ViewRole.MEDIATOR:
        shown = mediator_view(state)
        settled = [r for r in shown["results"][: state.released] if r["settled"]]
        agreed = _agreed(state, settled[-1]["amount"] if settled else None)
        return {"view": "mediator", **shown, "issue": state.issue, "agreed": agreed}
    if role is ViewRole.PARTY and member is not None and member in (machine.payer, machine.payee):
        seen = side_view(state, member)
        return {
            "view": "party",
            **seen.to_dict(),
            "closed_reason": machine.closed_reason,
            "payer": machine.payer,
            "payee": machine.payee,
            "issue": state.issue,
            "agreed": _agreed(state, seen.settlement),
        }
    return None


def _open(
    agenda: Agenda,
    parties: tuple[str, ...],
    mediators: tuple[str, ...],
    stored: Mapping[str, Any],
) -> SealedBidding:
    """The bidding its stored settings (:func:`~gobetween.protocols.blind_bidding_settings.
    admit`'s form) open: the machine with no bids, the issue's name and the agenda's issue
    (``None`` for an amount of the whole track, or an issue no longer there)."""
    machine = bb.from_settings(parties, mediators, stored)
    issue = stored.get("issue")
    if issue is not None and not isinstance(issue, str):
        raise c.bad_wire(N_("the bidding's issue is not text"), "issue")
    options = agenda.issue(issue) if issue is not None and agenda.has_issue(issue) else None
    return SealedBidding(machine, issue=issue, options=options)


def _owner(event: SealedEvent) -> str | None:
    """A bid is its side's; a round's outcome, a release and the end are both sides'."""
    return event.party if isinstance(event, bb.BidSubmitted) else None


def _notices(state: SealedBidding, events: tuple[SealedEvent, ...]) -> tuple[Notice, ...]:
    """A bid: one update to its own side (nothing more when it resolved the round); a release
    or the end: one to each side, in the same step."""
    out: list[Notice] = []
    sides = (state.machine.payer, state.machine.payee)
    for event in events:
        if isinstance(event, bb.BidSubmitted):
            out.append(Notice(BiddingUpdate.BID, event.party, event.round))
        elif isinstance(event, ResultReleased):
            out.extend(Notice(BiddingUpdate.BIDDING, s, event.round) for s in sides)
        elif isinstance(event, bb.BiddingClosed | bb.BiddingExpired):
            out.extend(Notice(BiddingUpdate.BIDDING, s, 0) for s in sides)
    return tuple(out)


#: Double-blind bidding with sealed rounds, as :mod:`gobetween.protocols.registry` knows it.
#:
#: Its events are stored under ``blind_bidding`` (the bidding's own events and the releases).
#: Settings: :class:`~gobetween.protocols.blind_bidding_settings.BiddingSettings` when opened,
#: stored as ``{"payer": <party>, "payee": <party>, "issue": ..., "rules": {...}}``. Live
#: updates: a bid tells only its own side (and the mediators), one update whatever it caused,
#: so a side's stream counts the same whether or not its bid completed the round; a release or
#: the end tells both sides in one step.
PROTOCOL: Machine[SealedBidding, SealedAction, SealedEvent] = Machine(
    name="blind_bidding",
    title=N_("Double-blind bidding"),
    actions=(OPEN_BIDDING, bb.SUBMIT_BID, RELEASE_RESULT, bb.CLOSE_BIDDING),
    live_updates=frozenset(BiddingUpdate),
    opener=_open,
    decider=decide,
    applier=apply,
    reader=lambda data, agenda: event_from_dict(data),
    viewer=_view,
    owner_of=_owner,
    notifier=_notices,
    tab=N_("Bidding"),
    admitter=settings.admit,
)
