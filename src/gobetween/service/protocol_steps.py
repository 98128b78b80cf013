"""The service's one step for any registered protocol: replay, policy, decide, store, notify.

Every protocol (:mod:`gobetween.protocols.registry`) goes through the same three functions:

- :func:`load` reads a track and its protocol's state (replayed from the stored events), after
  checking that the actor may read it;
- :func:`step` does one action: the policy check (the protocol's
  :class:`~gobetween.protocols.base.ActionRule`), the track's lock, the replay, the protocol's
  ``decide`` and ``apply``, the events appended to the one event log
  (:mod:`gobetween.store.event_log`, each with its audit link), and the live updates the
  protocol's ``notices`` ask for;
- :func:`view_for` is what the actor may see of a state: the protocol's view for their role.

Members are named to the protocols by organisation id as text (``"12"``). A service module for a
protocol only builds the action from the request::

    done = protocol_steps.step(
        session, actor, track_id, relay.PROTOCOL, relay.SEND_OFFER,
        lambda state, view: relay.SubmitOffer(str(view.own_party), options, message),
    )  # SEND_OFFER is an own-party rule: the actor's own party, checked by the policy
    return protocol_steps.view_for(relay.PROTOCOL, done.state, done.view)

``settings`` is the protocol's own configuration (what ``initial`` takes; blind bidding keeps
its payer, payee and rules); ``stream`` names the event stream when a track holds more than one
of the same protocol (default: the protocol's name; at most 30 characters).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

from gobetween import wire
from gobetween.errors import NotFound
from gobetween.i18n import _
from gobetween.policy import Action, Actor, TrackView
from gobetween.protocols.base import ActionRule, NegotiationProtocol, ViewRole, WireEvent
from gobetween.service.negotiate import track_agenda
from gobetween.store import event_log, repositories
from gobetween.store import tables as t
from gobetween.store.live_updates import notify

__all__ = ["Loaded", "Stepped", "load", "members", "replay", "role_of", "step", "view_for"]

S = TypeVar("S")
A = TypeVar("A")
E = TypeVar("E", bound=WireEvent)

_NO_SETTINGS: Mapping[str, Any] = {}


def members(view: TrackView) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The track's parties and mediators as the protocols name them (ids as text, in order)."""
    return (
        tuple(str(p) for p in sorted(view.party_ids)),
        tuple(str(m) for m in sorted(view.mediator_ids)),
    )


def role_of(view: TrackView) -> tuple[ViewRole, str | None]:
    """Which of a protocol's views the actor gets: the mediators', their party's, or an
    observer's (admins and observers)."""
    if view.is_mediator:
        return ViewRole.MEDIATOR, None
    if view.own_party is not None:
        return ViewRole.PARTY, str(view.own_party)
    return ViewRole.OBSERVER, None


def replay(
    session: Session,
    track: t.Track,
    view: TrackView,
    protocol: NegotiationProtocol[S, Any, Any],
    *,
    settings: Mapping[str, Any] = _NO_SETTINGS,
    stream: str | None = None,
) -> S:
    """The protocol's state in ``track``, replayed from its stored events."""
    agenda = track_agenda(track)
    parties, mediators = members(view)
    initial = protocol.initial(agenda, parties, mediators, settings)
    stored = event_log.bodies(session, event_log.protocol_stream(track.id, stream or protocol.name))
    return wire.replay(protocol.apply, lambda d: protocol.read_event(d, agenda), initial, stored)


@dataclass(frozen=True)
class Loaded(Generic[S]):
    """A track, the actor's view of it, and its protocol's state."""

    track: t.Track
    view: TrackView
    state: S


def load(
    session: Session,
    actor: Actor,
    track_id: int,
    protocol: NegotiationProtocol[S, Any, Any],
    *,
    read: Action | ActionRule | None = None,
    settings: Mapping[str, Any] = _NO_SETTINGS,
    stream: str | None = None,
) -> Loaded[S]:
    """Track ``track_id`` and its ``protocol`` state; 404 without a seat in it, or when the
    actor may not do ``read`` (e.g. ``Action.READ_TEXTS``) there."""
    track, view = repositories.track(session, actor, track_id)
    if read is not None:
        view.require(read)
    state = replay(session, track, view, protocol, settings=settings, stream=stream)
    return Loaded(track, view, state)


def view_for(
    protocol: NegotiationProtocol[S, Any, Any], state: S, view: TrackView
) -> dict[str, Any]:
    """What the actor of ``view`` may see of ``state`` (404 when their role sees nothing)."""
    role, member = role_of(view)
    shown = protocol.view(state, role, member)
    if shown is None:
        raise NotFound(
            _("nothing of this kind in track %(track_id)s") % {"track_id": view.track_id}
        )
    return shown


@dataclass(frozen=True)
class Stepped(Generic[S, E]):
    """The outcome of :func:`step`: the track, the view, the new state and the stored events."""

    track: t.Track
    view: TrackView
    state: S
    events: tuple[E, ...]


def step(
    session: Session,
    actor: Actor,
    track_id: int,
    protocol: NegotiationProtocol[S, A, E],
    rule: ActionRule,
    action: Callable[[S, TrackView], A],
    *,
    party: int | None = None,
    settings: Mapping[str, Any] = _NO_SETTINGS,
    stream: str | None = None,
    now: dt.datetime | None = None,
) -> Stepped[S, E]:
    """Do one action of ``protocol`` in track ``track_id`` for ``actor``.

    Parameters
    ----------
    rule
        The protocol's action rule the policy checks (with ``party`` for an own-party action:
        404 for a party the actor may not see, 403 for a visible one that is not theirs).
    action
        Builds the protocol's action from the replayed state and the actor's view (it runs
        under the track's lock).
    party
        The party whose data the action touches; for an own-party rule it defaults to the
        actor's own party (so a party acts for itself and no one else does).
    now
        The time of the action (default: the database clock's ``utcnow``).

    Raises :class:`~gobetween.errors.ProtocolError` (409/422 at the edge) when the protocol
    refuses; nothing is stored then.
    """
    track, view = repositories.track(session, actor, track_id)
    if party is None and rule.own_party:
        party = view.own_party
    view.require(rule, party)
    name = stream or protocol.name
    log = event_log.protocol_stream(track.id, name)
    event_log.lock(session, log)
    state = replay(session, track, view, protocol, settings=settings, stream=name)
    at = now if now is not None else t.utcnow()
    state, events = wire.step(protocol.decide, protocol.apply, state, action(state, view), now=at)
    owners = [protocol.owner(e) for e in events]
    event_log.append(
        session,
        log,
        [e.to_dict() for e in events],
        actor_id=actor.user_id,
        party_ids=[None if o is None else int(o) for o in owners],
    )
    for notice in protocol.notices(state, events):
        party_id = None if notice.party is None else int(notice.party)
        notify(session, track.id, party_id, notice.kind, notice.ref)
    return Stepped(track, view, state, events)
