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

A replay from every event (a step's, the mediators' and observers' reads) starts from the state
this worker process kept of the stream and applies only the events written since
(:mod:`gobetween.service.protocol_states`), so a step's writing unit does not grow with the
history, nor a party's own step with what another party did; a party's read of a protocol of
:data:`OWN_REPLAY` replays its own and the public events, as before.

Members are named to the protocols by organisation id as text (``"12"``). A service module for a
protocol only builds the action from the request::

    done = protocol_steps.step(
        session, actor, track_id, relay.PROTOCOL, relay.SEND_OFFER,
        lambda state, view: relay.SubmitOffer(str(view.own_party), options, message),
    )  # SEND_OFFER is an own-party rule: the actor's own party, checked by the policy
    return protocol_steps.view_for(relay.PROTOCOL, done.state, done.view)

``settings`` is the protocol's own configuration (what ``initial`` takes). A protocol with an
opening rule (``ActionRule(..., opens=True)``) keeps it at the head of its own event log: a
``{"type": "configured", "settings": {...}}`` entry that :func:`configure` writes (audited
``<protocol>.configured``) and :func:`replay` reads back. The one exception is read here, by
name, and written nowhere: blind biddings opened before their settings moved to the log keep
them in the ``biddings`` table (:data:`_KEPT_APART`).
``stream`` names the event stream when a track holds more than one of the same protocol
(default: the protocol's name; at most 30 characters).

The generic routes and page (:mod:`gobetween.service.api.protocols`,
:mod:`gobetween.web.protocol_pages`) call :func:`running`, :func:`show`, :func:`prepare` and
:func:`performed`, which work for every registered protocol from its declaration alone. Every
route that steps a protocol goes through :func:`gobetween.service.api.protocols.stepping`:
the protocol's state replayed in a read-only unit first when this worker keeps none that is
current (:func:`keeps`, :func:`warm`), so that the writing unit applies only its own events;
:func:`keep_current` is what :mod:`gobetween.service.state_keeper` replays for no one, before
the worker serves and in the background.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any, Generic, ParamSpec, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from gobetween import wire
from gobetween.errors import Conflict, GobetweenError, NotFound
from gobetween.i18n import _
from gobetween.live import LiveUpdate
from gobetween.model import OrganisationKind
from gobetween.policy import Action, Actor, TrackView
from gobetween.protocols import registry, relay
from gobetween.protocols.base import (
    ActionRule,
    NegotiationProtocol,
    ViewRole,
    WireEvent,
    action_from_body,
)
from gobetween.service import protocol_states
from gobetween.service.negotiate import track_agenda
from gobetween.store import event_log, repositories
from gobetween.store import tables as t
from gobetween.store.bidding_tables import Bidding
from gobetween.store.db import Database
from gobetween.store.live_updates import notify

__all__ = [
    "CONFIGURED",
    "OWN_REPLAY",
    "OWN_STEP",
    "SEEN_BY_APPLY",
    "Loaded",
    "Stepped",
    "configure",
    "keep_current",
    "keeps",
    "load",
    "members",
    "now",
    "opening",
    "perform",
    "performed",
    "prepare",
    "replay",
    "role_of",
    "running",
    "settings_of",
    "show",
    "step",
    "view_for",
    "warm",
]

S = TypeVar("S")
A = TypeVar("A")
E = TypeVar("E", bound=WireEvent)
P = ParamSpec("P")
T = TypeVar("T")

_NO_SETTINGS: Mapping[str, Any] = {}

PARTY, MEDIATOR = OrganisationKind.PARTY, OrganisationKind.MEDIATOR

#: The type of the entry at the head of a protocol's log that holds its settings.
CONFIGURED = "configured"


def _bidding_row(session: Session, track_id: int) -> Mapping[str, Any] | None:
    """The settings of a bidding opened before they moved to the head of its log (its row
    in ``biddings``, in the form the log keeps); ``None`` when there is no row."""
    row = session.get(Bidding, track_id)
    if row is None:
        return None
    return {
        "payer": str(row.payer_id),
        "payee": str(row.payee_id),
        "issue": row.issue,
        "rules": row.rules,
    }


#: Settings written before the head of the log held them, by protocol name: read when the log
#: has no head, never written. The only place a protocol's settings are found apart from its
#: log (nothing registers here by being imported).
_KEPT_APART: dict[str, Callable[[Session, int], Mapping[str, Any] | None]] = {
    "blind_bidding": _bidding_row,
}


def opening(protocol: NegotiationProtocol[Any, Any, Any]) -> ActionRule | None:
    """The protocol's opening rule (its settings' dataclass), if it must be opened in a track."""
    return next((r for r in protocol.actions if r.opens), None)


def settings_of(
    session: Session, track_id: int, protocol: NegotiationProtocol[Any, Any, Any]
) -> Mapping[str, Any] | None:
    """The protocol's settings in track ``track_id``: ``None`` when the track does not run it
    (a protocol with an opening rule that no one opened); ``{}`` for one that needs none."""
    if opening(protocol) is None:
        return _NO_SETTINGS
    log = event_log.protocol_stream(track_id, protocol.name)
    head = session.execute(
        select(t.ProtocolEvent.body).where(log.where()).order_by(t.ProtocolEvent.seq).limit(1)
    ).scalar_one_or_none()
    if head is None or head.get("type") != CONFIGURED:
        apart = _KEPT_APART.get(protocol.name)
        return None if apart is None else apart(session, track_id)
    settings: Mapping[str, Any] = head["settings"]
    return settings


def _nothing_here(track_id: int) -> NotFound:
    """The 404 of a track that does not run the protocol, or whose protocol the caller's role
    sees nothing of: worded the same, so that neither tells the other apart."""
    return NotFound(_("nothing of this kind in track %(track_id)s") % {"track_id": track_id})


def _settings_or_404(
    session: Session, track_id: int, protocol: NegotiationProtocol[Any, Any, Any]
) -> Mapping[str, Any]:
    """:func:`settings_of`, and the 404 of :func:`_nothing_here` when the track does not run
    ``protocol``."""
    settings = settings_of(session, track_id, protocol)
    if settings is None:
        raise _nothing_here(track_id)
    return settings


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


#: Protocols whose party view is a function of the public events and the party's own alone
#: (the single text: its texts, deadlines, readiness and the party's answers; the poll: its
#: statements, published results and the party's answers; the relay: the party's offers, the
#: mediators' decisions and what was forwarded to it), so a party's read replays only those:
#: its cost then never grows with another party's private events, which would tell the party,
#: by how long its pages take, how busy the other was. The relay numbers offers among all
#: parties', so its party replay holds blanks in the others' places (:data:`SEEN_BY_APPLY`).
#: Sealed bidding (a round resolves on both bids) replays every event.
OWN_REPLAY = frozenset({"single_text", "poll", "relay"})

#: The apply a party's replay uses where the protocol's own would refuse the gaps.
SEEN_BY_APPLY: Mapping[str, Callable[[Any, Any], Any]] = {"relay": relay.apply_seen_by}

#: Protocols where a party's own step decides on the public events and the party's own alone
#: (a poll's answer: whether the statement is there, published, the poll closed), so the step
#: replays only those and its time does not grow with another party's answers. A single-text
#: answer needs every party's answers (does it make the track ready for agreement?).
OWN_STEP = frozenset({"poll"})


def replay(
    session: Session,
    track: t.Track,
    view: TrackView,
    protocol: NegotiationProtocol[S, Any, Any],
    *,
    settings: Mapping[str, Any] = _NO_SETTINGS,
    stream: str | None = None,
    whole: bool = False,
) -> S:
    """The protocol's state in ``track``, replayed from its stored events.

    For a party's reader of a protocol of :data:`OWN_REPLAY`, from the public events and the
    party's own only (what its view shows is the same); ``whole``: from every event (what a
    step decides on), starting from the state this process kept of the stream
    (:mod:`gobetween.service.protocol_states`) when it has one.
    """
    name = stream or protocol.name
    role, _member = role_of(view)
    if whole or role is not ViewRole.PARTY or name not in OWN_REPLAY:
        return _whole(session, track, view, protocol, settings, name).state
    agenda = track_agenda(track)
    parties, mediators = members(view)
    initial = protocol.initial(agenda, parties, mediators, settings)
    own = view.own_party
    stored = event_log.bodies(session, event_log.protocol_stream(track.id, name), party=own)
    if stored and stored[0].get("type") == CONFIGURED:  # the settings, at the head of the log
        initial = protocol.initial(agenda, parties, mediators, stored[0]["settings"])
        stored = stored[1:]
    apply = SEEN_BY_APPLY.get(name, protocol.apply)
    return wire.replay(apply, lambda d: protocol.read_event(d, agenda), initial, stored)


def _whole(
    session: Session,
    track: t.Track,
    view: TrackView | tuple[tuple[str, ...], tuple[str, ...]],
    protocol: NegotiationProtocol[S, Any, Any],
    settings: Mapping[str, Any],
    name: str,
) -> protocol_states.Replayed[S]:
    """The state from every stored event of stream ``name``: from the state kept of it and
    the events since when one fits (the same agenda, members and settings), else from the
    start. ``view``: the caller's view of the track, or its members (:func:`members`)."""
    agenda = track_agenda(track)
    parties, mediators = members(view) if isinstance(view, TrackView) else view

    def read(d: Mapping[str, Any]) -> Any:
        return protocol.read_event(d, agenda)

    def start(stored: list[dict[str, Any]]) -> tuple[S, bool]:
        initial = protocol.initial(agenda, parties, mediators, settings)
        head = bool(stored) and stored[0].get("type") == CONFIGURED
        if head:  # the settings, at the head of the log
            initial = protocol.initial(agenda, parties, mediators, stored[0]["settings"])
            stored = stored[1:]
        return wire.replay(protocol.apply, read, initial, stored), head

    def more(state: S, stored: list[dict[str, Any]]) -> S:
        return wire.replay(protocol.apply, read, state, stored)

    inputs = (_canonical(track.agenda), parties, mediators)
    log = event_log.protocol_stream(track.id, name)
    return protocol_states.replayed(session, log, inputs, _canonical(settings), start, more)


def _canonical(data: Any) -> str:
    """``data`` (JSON-able) as one text, the same for equal data."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)


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
        raise _nothing_here(view.track_id)
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
    replayed = None
    if role_of(view)[0] is not ViewRole.PARTY or name not in OWN_STEP:
        replayed = _whole(session, track, view, protocol, settings, name)
        state = replayed.state
    else:
        state = replay(session, track, view, protocol, settings=settings, stream=name)
    at = now if now is not None else t.utcnow()
    state, events = wire.step(protocol.decide, protocol.apply, state, action(state, view), now=at)
    owners = [protocol.owner(e) for e in events]
    rows = event_log.append(
        session,
        log,
        [e.to_dict() for e in events],
        actor_id=actor.user_id,
        party_ids=[None if o is None else int(o) for o in owners],
    )
    if replayed is not None:  # the state after the new events, for the stream's next replay
        first = rows[0].seq if rows else 0
        stored = event_log.since(session, log, first - 1, bodies=False) if rows else []
        new = [s for s in stored if s.seq >= first]
        protocol_states.remember(session, log, replayed.entry.after(state, new))
    for notice in protocol.notices(state, events):
        if notice.kind not in protocol.live_updates:
            raise ValueError(f"{protocol.name} did not declare the live update {notice.kind!r}")
        party_id = None if notice.party is None else int(notice.party)
        notify(session, track.id, party_id, notice.kind, notice.ref)
    return Stepped(track, view, state, events)


def configure(
    session: Session,
    actor: Actor,
    track_id: int,
    protocol: NegotiationProtocol[S, Any, Any],
    rule: ActionRule,
    settings: Mapping[str, Any],
) -> Loaded[S]:
    """Open ``protocol`` in track ``track_id`` with ``settings`` (its opening ``rule``): the
    settings as the protocol admits them (``admit``, at the database clock's now) become the
    head of its event log, and each party that sees something of it gets a ``protocol`` live
    update in its own scope (read by the mediators too; a party that sees nothing of it
    learns nothing). 409 when it is already open; the protocol's refusal of the settings
    (``admit`` or ``initial``) stores nothing."""
    track, view = repositories.track(session, actor, track_id)
    view.require(rule)
    log = event_log.protocol_stream(track.id, protocol.name)
    event_log.lock(session, log)
    if (
        event_log.next_seq(session, log) != 1
        or settings_of(session, track.id, protocol) is not None
    ):
        raise Conflict(
            _("%(protocol)s is already open in track %(track_id)s")
            % {"protocol": _(protocol.title), "track_id": track_id}
        )
    parties, mediators = members(view)
    agenda = track_agenda(track)
    stored = dict(protocol.admit(agenda, parties, settings, t.utcnow()))
    state = protocol.initial(agenda, parties, mediators, stored)
    head = {"type": CONFIGURED, "settings": stored}
    event_log.append(session, log, [head], actor_id=actor.user_id, party_ids=[None])
    for party in parties:  # each party that sees something of it, in its own scope
        if protocol.view(state, ViewRole.PARTY, party) is not None:
            notify(session, track.id, int(party), LiveUpdate.PROTOCOL, 0)
    return Loaded(track, view, state)


def _actor(rule: ActionRule, view: TrackView) -> str:
    """Who does a generic action: the caller's party for an own-party rule, else their
    mediator organisation (the policy has checked the seat)."""
    who = view.own_party if rule.own_party else view.own_mediator
    if who is None:
        raise _nothing_here(view.track_id)
    return str(who)


def show(
    session: Session, actor: Actor, track_id: int, protocol: NegotiationProtocol[Any, Any, Any]
) -> dict[str, Any]:
    """The caller's view of ``protocol`` in the track; 404 when the track does not run it or
    the caller's role sees nothing of it (worded the same)."""
    track, view = repositories.track(session, actor, track_id)
    settings = _settings_or_404(session, track.id, protocol)
    state = replay(session, track, view, protocol, settings=settings)
    return view_for(protocol, state, view)


def performed(
    session: Session,
    actor: Actor,
    track_id: int,
    protocol: NegotiationProtocol[Any, Any, Any],
    rule: ActionRule,
    body: Mapping[str, Any],
    *,
    seen: bool = False,
) -> Callable[[], dict[str, Any]]:
    """Do ``rule`` of ``protocol`` with the request's ``body`` (its action's fields after the
    actor, already validated by the schema, in their body form: a package as ``{issue:
    option}``, read with the track's agenda by
    :func:`~gobetween.protocols.base.action_from_body`; the settings for an opening rule).
    404, worded as for a track without it, when the track does not run the protocol or the
    caller's role sees nothing of it, before the protocol is asked anything.

    Returns what draws the caller's view afterwards: call it after the unit of work (it reads
    nothing more; a long text's view takes long to draw, and would hold the write lock
    meanwhile); :func:`perform` draws it at once. ``seen``: :func:`prepare` checked, in a
    read-only unit just before, that the caller's role sees something of the protocol, so the
    step does not draw the view to check it again."""
    if rule.action is None:
        raise _nothing_here(track_id)
    if rule.opens:
        opened = configure(session, actor, track_id, protocol, rule, body)
        return functools.partial(view_for, protocol, opened.state, opened.view)
    track, _seen = repositories.track(session, actor, track_id)  # hidden: as a missing one
    settings = _settings_or_404(session, track_id, protocol)
    make = rule.action
    agenda = track_agenda(track)

    def build(state: Any, view: TrackView) -> Any:
        if not seen:
            view_for(protocol, state, view)  # 404 for whoever sees nothing of it
        return action_from_body(make, _actor(rule, view), body, agenda)

    done = step(session, actor, track_id, protocol, rule, build, settings=settings)
    return functools.partial(view_for, protocol, done.state, done.view)


def prepare(
    session: Session,
    actor: Actor,
    track_id: int,
    protocol: NegotiationProtocol[Any, Any, Any],
    rule: ActionRule,
) -> None:
    """In a read-only unit before :func:`performed` (``seen=True``) does ``rule``: 404, worded
    as :func:`perform` words it, when the track does not run the protocol or the caller's role
    sees nothing of it (from the caller's own replay, as :func:`show`). The policy's refusal
    of ``rule`` comes first, as in the step. Nothing for an opening rule (its unit checks what
    it needs). A mediator's replay here is a whole one, and kept (:func:`warm`)."""
    if rule.action is None or rule.opens:
        return
    track, view = repositories.track(session, actor, track_id)
    settings = _settings_or_404(session, track.id, protocol)
    view.require(rule, view.own_party if rule.own_party else None)  # first, as the step does
    state = replay(session, track, view, protocol, settings=settings)  # whole but a party's
    view_for(protocol, state, view)


def keeps(db: Database, track_id: int, protocol: NegotiationProtocol[Any, Any, Any]) -> bool:
    """Whether this worker process keeps a current state of ``protocol`` in track
    ``track_id`` (:mod:`gobetween.service.protocol_states`: its last event is the stream's
    last, so the step applies only its own), asked without a unit of work: a route opens a
    read-only one to :func:`warm` it in only when it does not (a restart, a stream not kept,
    another worker's new events)."""
    return protocol_states.keeps(db.engine, event_log.protocol_stream(track_id, protocol.name))


def warm(
    session: Session, actor: Actor, track_id: int, protocol: NegotiationProtocol[Any, Any, Any]
) -> None:
    """In a read-only unit before a step's writing unit: the protocol's state replayed from
    every event and kept (:mod:`gobetween.service.protocol_states`), so that the step applies
    only the events written since (after a restart: replaying 100 versions of 950 KB inside
    the unit held the write lock most of a second). Nothing when the actor has no seat in the
    track or the track does not run the protocol (the step answers that), nor for a party's
    step of a protocol of :data:`OWN_STEP` (it replays only its own and the public events)."""
    try:
        track, view = repositories.track(session, actor, track_id)
    except GobetweenError:
        return
    if role_of(view)[0] is ViewRole.PARTY and protocol.name in OWN_STEP:
        return
    settings = settings_of(session, track.id, protocol)
    if settings is not None:
        _whole(session, track, view, protocol, settings, protocol.name)


def keep_current(session: Session, track_id: int, names: Collection[str]) -> int:
    """Replay every event of the protocols ``names`` that track ``track_id`` runs, from the
    state this process keeps of each when one fits (as a step would, but for no one: the
    members from the track's organisations), so that the states are kept current
    (:mod:`gobetween.service.state_keeper`); how many stored events it applied. Nothing for a
    track that no longer exists."""
    track = session.get(t.Track, track_id)
    if track is None:
        return 0
    seats = repositories.participants(session, track_id)
    parties = tuple(str(o) for o in sorted(o for o, k in seats.items() if k is PARTY))
    mediators = tuple(str(o) for o in sorted(o for o, k in seats.items() if k is MEDIATOR))
    applied = 0
    for protocol in registry.protocols():
        if protocol.name not in names:
            continue
        settings = settings_of(session, track_id, protocol)
        if settings is not None:
            done = _whole(session, track, (parties, mediators), protocol, settings, protocol.name)
            applied += done.applied
    return applied


def now(later: Callable[P, Callable[[], T]]) -> Callable[P, T]:
    """The form of ``later`` (a step that returns what draws the caller's view after the unit
    of work) that draws the view at once, for callers already inside a unit of their own (the
    demo, the tests); its signature is ``later``'s, written once::

        answer_text = now(answering)  # answer_text(session, actor, ...) -> the view
    """

    @functools.wraps(later)
    def drawn(*args: P.args, **kwargs: P.kwargs) -> T:
        return later(*args, **kwargs)()

    return drawn


#: :func:`performed` with the caller's view drawn at once (the bidding's service module).
perform = now(performed)


def running(session: Session, actor: Actor, track_id: int) -> list[dict[str, Any]]:
    """The registered protocols the track runs that the caller sees something of, each with
    the actions the caller's seat allows (``open``: whether it is open; a protocol not yet
    open is listed only to those who may open it)."""
    track, view = repositories.track(session, actor, track_id)
    out: list[dict[str, Any]] = []
    for protocol in registry.protocols():
        settings = settings_of(session, track.id, protocol)
        if settings is None:
            opener = opening(protocol)
            if opener is not None and view.allows(opener):
                out.append(_entry(protocol, False, [opener]))
            continue
        state = replay(session, track, view, protocol, settings=settings)
        role, member = role_of(view)
        if protocol.view(state, role, member) is None:
            continue
        allowed = [r for r in protocol.actions if r.generic and not r.opens and _allows(view, r)]
        out.append(_entry(protocol, True, allowed))
    return out


def _allows(view: TrackView, rule: ActionRule) -> bool:
    return view.allows(rule, view.own_party if rule.own_party else None)


def _entry(
    protocol: NegotiationProtocol[Any, Any, Any], is_open: bool, rules: list[ActionRule]
) -> dict[str, Any]:
    return {
        "name": protocol.name,
        "title": _(protocol.title),
        "open": is_open,
        "actions": [r.name for r in rules],
    }
