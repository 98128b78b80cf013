"""Offers relayed through the mediators, as a pure, event-sourced state machine.

A party sends an *offer* (a package or a partial package, and a message) to the mediators. The
mediators may *forward* it, verbatim or reworded and edited, to one or more other parties, or
*decline* it. A recipient sees only what was forwarded, attributed to the mediators: never the
original, its author, or offers it was not sent. The sender sees its own offers and whether each
is pending, forwarded or declined (with the mediators' reason), never what was forwarded.

Same shape as :mod:`gobetween.protocols.single_text`: pure, time passed in as an aware ``now``.

API
---
- :class:`RelayState` (``RelayState.open(agenda, parties, mediators)``), :class:`Offer`,
  :class:`Forward`, :class:`OfferStatus`, :class:`RelayStatus`.
- Actions (:data:`RelayAction`): :class:`SubmitOffer`, :class:`ForwardOffer`,
  :class:`DeclineOffer`, :class:`CloseRelay`.
- Events (:data:`RelayEvent`): :class:`OfferSubmitted`, :class:`OfferForwarded`,
  :class:`OfferDeclined`, :class:`RelayClosed`, each with ``to_dict()``; :func:`event_from_dict`.
- :func:`decide`, :func:`apply`, :func:`step`, :func:`replay`.
- Views: :func:`party_view` (:class:`RelayPartyView` with :class:`SentOffer` and
  :class:`ReceivedOffer`) and :func:`mediator_view` (:class:`RelayMediatorView`).

>>> from datetime import datetime, timezone
>>> from gobetween.model import Agenda, Issue
>>> agenda = Agenda((Issue.discrete("price", ["10", "12", "15"]),))
>>> t = datetime(2023, 3, 1, tzinfo=timezone.utc)
>>> state = RelayState.open(agenda, ("buyer", "seller"), ("M",))
>>> state, _ = step(state, SubmitOffer("buyer", {"price": "10"}, "final, take it"), now=t)
>>> state, _ = step(state, ForwardOffer("M", 1, message="They propose 10."), now=t)
>>> view = party_view(state, "seller")
>>> [(dict(r.options), r.message, r.sender) for r in view.received]
[({'price': '10'}, 'They propose 10.', 'mediators')]
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import MappingProxyType
from typing import Annotated, Any

from annotated_types import MaxLen, MinLen

from gobetween import wire
from gobetween.errors import ProtocolError
from gobetween.model import Agenda
from gobetween.protocols import _common as c
from gobetween.protocols.base import N_, ActionRule, ByRole, Machine, Notice, ViewRole

__all__ = [
    "DECLINE_OFFER",
    "FORWARD_OFFER",
    "PROTOCOL",
    "SEND_OFFER",
    "CloseRelay",
    "DeclineOffer",
    "Forward",
    "ForwardOffer",
    "Offer",
    "OfferDeclined",
    "OfferForwarded",
    "OfferStatus",
    "OfferSubmitted",
    "ReceivedOffer",
    "RelayAction",
    "RelayClosed",
    "RelayEvent",
    "RelayMediatorView",
    "RelayPartyView",
    "RelayState",
    "RelayStatus",
    "RelayUpdate",
    "SentOffer",
    "SubmitOffer",
    "apply",
    "apply_seen_by",
    "decide",
    "event_from_dict",
    "mediator_view",
    "party_view",
    "replay",
    "step",
]

#: How the mediators are named to a recipient of a forwarded offer.
MEDIATORS = "mediators"


class RelayStatus(enum.StrEnum):
    """Whether the relay still carries offers."""

    OPEN = "open"
    CLOSED = "closed"


class OfferStatus(enum.StrEnum):
    """What the mediators did with an offer."""

    PENDING = "pending"
    FORWARDED = "forwarded"
    DECLINED = "declined"


@dataclass(frozen=True)
class Offer:
    """An offer as its sender made it (only the sender and the mediators see it)."""

    number: int
    sender: str
    options: Mapping[str, str]
    message: str
    at: datetime
    status: OfferStatus = OfferStatus.PENDING
    decline_reason: str | None = None


@dataclass(frozen=True)
class Forward:
    """What the mediators passed on from offer ``offer`` to ``recipients``."""

    number: int
    offer: int
    mediator: str
    recipients: tuple[str, ...]
    options: Mapping[str, str]
    message: str
    at: datetime


#: Numbers by party (a party's offers, or the forwards it received), in order.
Index = Mapping[str, tuple[int, ...]]


def _no_index() -> Index:
    return MappingProxyType({})


def _indexed(index: Index, parties: Iterable[str], number: int) -> Index:
    """``index`` with ``number`` added to each of ``parties``' numbers (a read-only copy: the
    states are shared between threads and never changed in place)."""
    out = dict(index)
    for party in parties:
        out[party] = (*out.get(party, ()), number)
    return MappingProxyType(out)


@dataclass(frozen=True)
class RelayState:
    """The whole relay; ``log`` holds every event applied, in order (what the service stores).

    ``sent_by`` holds each party's offers' numbers and ``received_by`` the numbers of the
    forwards each party received, both in order, so that a party's view reads its own alone
    and takes no longer the more offers another party sent (its time would tell the party how
    busy the other was).
    """

    agenda: Agenda
    parties: tuple[str, ...]
    mediators: tuple[str, ...]
    offers: tuple[Offer, ...] = ()
    forwards: tuple[Forward, ...] = ()
    status: RelayStatus = RelayStatus.OPEN
    closed_reason: str | None = None
    log: tuple[RelayEvent, ...] = ()
    sent_by: Index = field(default_factory=_no_index, repr=False)
    received_by: Index = field(default_factory=_no_index, repr=False)

    @classmethod
    def open(cls, agenda: Agenda, parties: Iterable[str], mediators: Iterable[str]) -> RelayState:
        """A relay with no offers yet; needs two parties (someone to send to) and a mediator."""
        if not isinstance(agenda, Agenda):
            raise ProtocolError("a relay needs an Agenda")
        party_names, mediator_names = c.check_members(
            parties, mediators, 2, N_("a relay needs at least two parties and one mediator")
        )
        both = set(party_names) & set(mediator_names)
        if both:
            raise ProtocolError(f"{sorted(both)} cannot be both party and mediator")
        return cls(agenda, party_names, mediator_names)

    def offer(self, number: object) -> Offer:
        """The offer numbered ``number``; :class:`ProtocolError` if there is none."""
        if isinstance(number, bool) or not isinstance(number, int):
            raise ProtocolError(f"an offer number must be an int, got {number!r}")
        return c.numbered(
            self.offers, number, N_("there is no offer %(number)s (%(count)s so far)")
        )


# -- actions -----------------------------------------------------------------------------------


#: A message in a request's body.
Message = Annotated[str, MaxLen(20_000)]


@dataclass(frozen=True)
class SubmitOffer:
    """A party sends an offer to the mediators: options on some issues (``{issue: option}``)
    and/or a message."""

    party: str
    options: Mapping[str, str] = field(
        default_factory=dict, metadata=c.body_options(N_("the offer"))
    )
    message: Message = ""


@dataclass(frozen=True)
class ForwardOffer:
    """A mediator passes offer ``offer`` on, edited or not: ``recipients`` (parties, by id)
    default to every party but the sender, ``options`` and ``message`` to the original's."""

    mediator: str
    offer: c.Number
    recipients: Annotated[tuple[c.Name, ...], MinLen(1), MaxLen(50)] | None = None
    options: Mapping[str, str] | None = field(
        default=None, metadata=c.body_options(N_("the forwarded offer"))
    )
    message: Message | None = None


@dataclass(frozen=True)
class DeclineOffer:
    """A mediator declines to pass a pending offer on; the reason goes to its sender."""

    mediator: str
    offer: c.Number
    reason: Annotated[str, MaxLen(5000)] = ""


@dataclass(frozen=True)
class CloseRelay:
    """A mediator closes the relay."""

    mediator: str
    reason: str = ""


RelayAction = SubmitOffer | ForwardOffer | DeclineOffer | CloseRelay

#: The policy's rules for this protocol's actions, each done through the generic route too: a
#: party sends its own offers; a mediator forwards or declines them.
SEND_OFFER = ActionRule("send_offer", frozenset({"party"}), own_party=True, action=SubmitOffer)
FORWARD_OFFER = ActionRule("forward_offer", frozenset({"mediator"}), action=ForwardOffer)
DECLINE_OFFER = ActionRule("decline_offer", frozenset({"mediator"}), action=DeclineOffer)


# -- events ------------------------------------------------------------------------------------


class OfferSubmitted(wire.WireEvent, type="offer_submitted"):
    """A party sent offer ``offer``."""

    offer: int
    party: str
    options: Mapping[str, str] = field(metadata=c.AGENDA_OPTIONS)
    message: str
    at: datetime


class OfferForwarded(wire.WireEvent, type="offer_forwarded"):
    """A mediator forwarded offer ``offer`` as forward ``forward``."""

    forward: int
    offer: int
    mediator: str
    recipients: tuple[str, ...]
    options: Mapping[str, str] = field(metadata=c.AGENDA_OPTIONS)
    message: str
    at: datetime


class OfferDeclined(wire.WireEvent, type="offer_declined"):
    """A mediator declined offer ``offer``."""

    offer: int
    mediator: str
    reason: str
    at: datetime


class RelayClosed(c.Closed, type="relay_closed"):
    """A mediator closed the relay."""


RelayEvent = OfferSubmitted | OfferForwarded | OfferDeclined | RelayClosed


# -- decide, apply, step, replay ---------------------------------------------------------------


#: The words of an offer's refusals (what it is, its message, the refusal of an empty one).
_CONTENT_WORDS = {
    "offer": (
        N_("the offer"),
        N_("the offer's message"),
        N_("the offer is empty: give options on some issues or a message"),
    ),
    "forwarded offer": (
        N_("the forwarded offer"),
        N_("the forwarded offer's message"),
        N_("the forwarded offer is empty: give options on some issues or a message"),
    ),
}


def _content(
    agenda: Agenda, options: Mapping[str, str], message: str, what: str
) -> Mapping[str, str]:
    the_offer, its_message, empty = _CONTENT_WORDS[what]
    checked = c.check_options(agenda, options, the_offer)
    text = c.check_text(message, its_message)
    if not checked and not text.strip():
        raise ProtocolError(empty)
    return checked


#: The refusal to decline an offer the mediators have already handled, by what they did.
_ALREADY = {
    OfferStatus.FORWARDED: N_("offer %(number)s is already forwarded"),
    OfferStatus.DECLINED: N_("offer %(number)s is already declined"),
}


def decide(state: RelayState, action: RelayAction, *, now: datetime) -> tuple[RelayEvent, ...]:
    """The events ``action`` causes at ``now``; :class:`ProtocolError` if it is not allowed."""
    at = c.utc(now)
    closed = state.status is RelayStatus.CLOSED
    c.check_open(closed, N_("the relay is closed (%(reason)s)"), state.closed_reason)
    match action:
        case SubmitOffer():
            c.check_member(action.party, state.parties, "party")
            options = _content(state.agenda, action.options, action.message, "offer")
            number = len(state.offers) + 1
            return (OfferSubmitted(number, action.party, options, action.message, at),)
        case ForwardOffer():
            return (_decide_forward(state, action, at),)
        case DeclineOffer():
            c.check_member(action.mediator, state.mediators, "mediator")
            offer = state.offer(action.offer)
            if offer.status is not OfferStatus.PENDING:
                raise ProtocolError(_ALREADY[offer.status], params={"number": offer.number})
            reason = c.check_text(action.reason, N_("the reason for declining"))
            return (OfferDeclined(offer.number, action.mediator, reason, at),)
        case CloseRelay():
            return (RelayClosed.by(action.mediator, action.reason, state.mediators, at),)
        case _:
            raise c.unknown("relay action", action)


def _decide_forward(state: RelayState, action: ForwardOffer, at: datetime) -> OfferForwarded:
    c.check_member(action.mediator, state.mediators, "mediator")
    offer = state.offer(action.offer)
    if offer.status is OfferStatus.DECLINED:
        raise ProtocolError(
            N_("offer %(number)s was declined and cannot be forwarded"),
            params={"number": offer.number},
        )
    if action.recipients is None:
        recipients = tuple(p for p in state.parties if p != offer.sender)
    else:
        if isinstance(action.recipients, str):
            raise ProtocolError(N_("recipients must be a sequence of party names, not one string"))
        recipients = c.check_names(action.recipients, "recipient")
    if not recipients:
        raise ProtocolError(N_("a forwarded offer needs at least one recipient"))
    for recipient in recipients:
        c.check_member(recipient, state.parties, "party")
        if recipient == offer.sender:
            raise ProtocolError(
                N_("offer %(number)s cannot be forwarded to its own sender"),
                params={"number": offer.number},
            )
    options = offer.options if action.options is None else action.options
    message = offer.message if action.message is None else action.message
    checked = _content(state.agenda, options, message, "forwarded offer")
    return OfferForwarded(
        len(state.forwards) + 1,
        offer.number,
        action.mediator,
        recipients,
        checked,
        message,
        at,
    )


def apply(state: RelayState, event: RelayEvent) -> RelayState:
    """The state after ``event``; numbers are re-checked, the rest :func:`decide` checked."""
    log = (*state.log, event)
    match event:
        case OfferSubmitted():
            _check_number(event.offer, len(state.offers), "offer")
            offer = Offer(event.offer, event.party, event.options, event.message, event.at)
            sent_by = _indexed(state.sent_by, (event.party,), event.offer)
            return replace(state, offers=(*state.offers, offer), log=log, sent_by=sent_by)
        case OfferForwarded():
            _check_number(event.forward, len(state.forwards), "forward")
            forward = Forward(
                event.forward,
                event.offer,
                event.mediator,
                event.recipients,
                event.options,
                event.message,
                event.at,
            )
            offers = _set_offer(state, event.offer, status=OfferStatus.FORWARDED)
            received_by = _indexed(
                state.received_by, dict.fromkeys(event.recipients), event.forward
            )
            return replace(
                state,
                offers=offers,
                forwards=(*state.forwards, forward),
                log=log,
                received_by=received_by,
            )
        case OfferDeclined():
            offers = _set_offer(
                state, event.offer, status=OfferStatus.DECLINED, decline_reason=event.reason
            )
            return replace(state, offers=offers, log=log)
        case RelayClosed():
            return replace(state, status=RelayStatus.CLOSED, closed_reason=event.reason, log=log)
        case _:
            raise c.unknown("relay event", event)


def apply_seen_by(state: RelayState, event: RelayEvent) -> RelayState:
    """:func:`apply` for a replay of the public events and one party's own only (all its view
    needs): the other parties' offers are not in it, so blank offers (no sender: no party's
    view shows them) hold their numbers before an offer, forward or decline that numbers past
    them. The replay then costs nothing per offer another party sent.

    >>> from datetime import datetime, timezone
    >>> from gobetween.model import Agenda, Issue
    >>> t = datetime(2023, 3, 1, tzinfo=timezone.utc)
    >>> s = RelayState.open(Agenda((Issue.discrete("p", ["1", "2"]),)), ("a", "b"), ("M",))
    >>> s = apply_seen_by(s, OfferSubmitted(3, "a", {"p": "1"}, "", t))  # b's 1 and 2 absent
    >>> [(o.number, o.sender) for o in s.offers]
    [(1, ''), (2, ''), (3, 'a')]
    """
    if isinstance(event, OfferSubmitted | OfferForwarded | OfferDeclined):
        upto = event.offer - 1 if isinstance(event, OfferSubmitted) else event.offer
        if upto > len(state.offers):
            blanks = tuple(
                Offer(n, "", {}, "", event.at) for n in range(len(state.offers) + 1, upto + 1)
            )
            state = replace(state, offers=(*state.offers, *blanks))
    return apply(state, event)


def _check_number(number: int, count: int, what: str) -> None:
    if number != count + 1:
        raise ProtocolError(f"stored {what} {number} does not follow {what} {count}")


def _set_offer(state: RelayState, number: int, **changes: Any) -> tuple[Offer, ...]:
    offers = list(state.offers)
    offers[number - 1] = replace(state.offer(number), **changes)
    return tuple(offers)


# -- views -------------------------------------------------------------------------------------


def _content_dict(
    number: int, options: Mapping[str, str], message: str, at: datetime, **more: Any
) -> dict[str, Any]:
    """What every view says of an offer or a forward: its number (as that viewer counts),
    options, message and time, then ``more``."""
    return {
        "number": number,
        "options": dict(options),
        "message": message,
        "at": c.time_to_wire(at),
        **more,
    }


def _with_status(offer: SentOffer | Offer) -> dict[str, Any]:
    """An offer as its sender and the mediators see it: with what the mediators did."""
    return _content_dict(
        offer.number,
        offer.options,
        offer.message,
        offer.at,
        status=offer.status.value,
        decline_reason=offer.decline_reason,
    )


@dataclass(frozen=True)
class SentOffer:
    """One of the viewer's own offers, numbered among its own offers (1, 2, ...)."""

    number: int
    options: Mapping[str, str]
    message: str
    at: datetime
    status: OfferStatus
    decline_reason: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return _with_status(self)


@dataclass(frozen=True)
class ReceivedOffer:
    """An offer forwarded to the viewer, numbered among what it received, from the mediators."""

    number: int
    options: Mapping[str, str]
    message: str
    at: datetime
    sender: str = MEDIATORS

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return _content_dict(self.number, self.options, self.message, self.at, sender=self.sender)


@dataclass(frozen=True)
class RelayPartyView:
    """What ``party`` may see of the relay."""

    party: str
    status: RelayStatus
    sent: tuple[SentOffer, ...]
    received: tuple[ReceivedOffer, ...]
    closed_reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "party": self.party,
            "status": self.status.value,
            "sent": [s.to_dict() for s in self.sent],
            "received": [r.to_dict() for r in self.received],
            "closed_reason": self.closed_reason,
        }


def party_view(state: RelayState, party: str) -> RelayPartyView:
    """The relay as ``party`` sees it: its own offers and what was forwarded to it.

    Numbers are the party's own counts, so they reveal nothing about other parties' traffic;
    the party's offers and forwards are found through the state's indexes, never by going
    through the other parties' (its time does not grow with them).
    """
    c.check_member(party, state.parties, "party")
    own = [state.offers[n - 1] for n in state.sent_by.get(party, ())]
    sent = tuple(
        SentOffer(i, o.options, o.message, o.at, o.status, o.decline_reason)
        for i, o in enumerate(own, start=1)
    )
    mine = [state.forwards[n - 1] for n in state.received_by.get(party, ())]
    received = tuple(
        ReceivedOffer(i, f.options, f.message, f.at) for i, f in enumerate(mine, start=1)
    )
    return RelayPartyView(party, state.status, sent, received, state.closed_reason)


@dataclass(frozen=True)
class RelayMediatorView:
    """Everything, with the offers still waiting for a decision (an offer's sender is its
    ``party`` in :meth:`to_dict`)."""

    status: RelayStatus
    offers: tuple[Offer, ...]
    forwards: tuple[Forward, ...]
    pending: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "status": self.status.value,
            "offers": [
                {"number": o.number, "party": o.sender} | _with_status(o) for o in self.offers
            ],
            "forwards": [
                {
                    "number": f.number,
                    "offer": f.offer,
                    "mediator": f.mediator,
                    "recipients": list(f.recipients),
                }
                | _content_dict(f.number, f.options, f.message, f.at)
                for f in self.forwards
            ],
            "pending": list(self.pending),
        }


def mediator_view(state: RelayState) -> RelayMediatorView:
    """The relay as the mediators see it."""
    pending = tuple(o.number for o in state.offers if o.status is OfferStatus.PENDING)
    return RelayMediatorView(state.status, state.offers, state.forwards, pending)


# -- wire --------------------------------------------------------------------------------------

_read: Callable[..., RelayEvent] = wire.reader(
    "relay", OfferSubmitted, OfferForwarded, OfferDeclined, RelayClosed
)


def event_from_dict(data: Mapping[str, Any], agenda: Agenda) -> RelayEvent:
    """Read an event back from its ``to_dict()`` form (by its ``type`` field).

    Raises :class:`~gobetween.errors.ValidationFailed` for data no event wrote.
    """
    return _read(data, agenda)


#: ``step(state, action, *, now)`` and ``replay(initial, events)`` (:class:`gobetween.wire.Loop`).
_LOOP = wire.Loop(decide, apply, event_from_dict, lambda s: s.agenda)
step, replay = _LOOP.step, _LOOP.replay


# -- the registered protocol -------------------------------------------------------------------


class RelayUpdate(enum.StrEnum):
    """The live updates of relayed offers (its own kinds; nothing else lists them)."""

    OFFER = "offer"  # the sender's offer was received (its scope)
    OFFER_STATUS = "offer_status"  # the mediators forwarded or declined it (the sender's scope)
    OFFER_RECEIVED = "offer_received"  # something was forwarded to a recipient (its scope)


def _view(state: RelayState, role: ViewRole, member: str | None) -> dict[str, Any] | None:
    """A party's own offers and what it received; the mediators' everything; observers see
    nothing of the relay."""
    if role is ViewRole.MEDIATOR:
        return {"view": "mediator", **mediator_view(state).to_dict()}
    if role is ViewRole.PARTY and member is not None:
        return {"view": "party", **party_view(state, member).to_dict()}
    return None


def _owner(event: RelayEvent) -> str | None:
    """A submitted offer is its sender's; what the mediators do is theirs."""
    return event.party if isinstance(event, OfferSubmitted) else None


def _notices(state: RelayState, events: tuple[RelayEvent, ...]) -> tuple[Notice, ...]:
    """The sender hears of its offer and of the mediators' decision; each recipient of a
    forward hears that something arrived."""
    out: list[Notice] = []
    for event in events:
        match event:
            case OfferSubmitted():
                out.append(Notice(RelayUpdate.OFFER, event.party))
            case OfferDeclined():
                out.append(Notice(RelayUpdate.OFFER_STATUS, state.offer(event.offer).sender))
            case OfferForwarded():
                out.append(Notice(RelayUpdate.OFFER_STATUS, state.offer(event.offer).sender))
                out.extend(Notice(RelayUpdate.OFFER_RECEIVED, r) for r in event.recipients)
    return tuple(out)


#: Relayed offers as :mod:`gobetween.protocols.registry` knows them (no settings).
PROTOCOL: Machine[RelayState, RelayAction, RelayEvent] = Machine(
    name="relay",
    title=N_("Offers relayed through the mediators"),
    actions=(SEND_OFFER, FORWARD_OFFER, DECLINE_OFFER),
    live_updates=frozenset(RelayUpdate),
    opener=lambda agenda, parties, mediators, settings: RelayState.open(agenda, parties, mediators),
    decider=decide,
    applier=apply,
    reader=event_from_dict,
    viewer=_view,
    owner_of=_owner,
    notifier=_notices,
    page=ByRole(party="channel", mediator="console"),  # tabs of the house: the channels'
)
