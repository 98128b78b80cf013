"""What every negotiation protocol declares: the interface the service steps any protocol through.

A protocol is a pure, event-sourced state machine (STYLE.md, rule 5) plus a declaration of how
the house around it uses it. :class:`NegotiationProtocol` is that declaration:

- ``name`` (stored with each event, at most 30 characters) and ``title`` (English, marked with
  :func:`gobetween.errors.N_`; the outer layers translate it with ``gobetween.i18n._``);
- ``initial(agenda, parties, mediators, settings)``: the state before any event. Members are
  named by organisation id as text (``"12"``); ``settings`` is the protocol's own JSON-able
  configuration (blind bidding: its payer, payee and rules; the others take none);
- ``admit(agenda, parties, settings, now)``: the settings an opening stores, from its body,
  checked once at ``now`` (what must not be checked on every replay, such as a deadline
  still ahead); default: the body as given;
- ``decide(state, action, *, now)`` -> events, ``apply(state, event)`` -> state, and
  ``read_event(data, agenda)`` to read an event back from its wire form (``event.to_dict()``);
- ``view(state, role, member)``: what a :class:`ViewRole` may see, as JSON-able data, or
  ``None`` when that role sees nothing of this protocol (the service answers 404 then);
- ``actions``: the :class:`ActionRule` s the protocol adds to the policy (who may do what);
  a rule that names its ``action`` dataclass is done through the generic API route and page
  (the dataclass's fields after the first, the actor, are the request's body);
- ``live_updates`` and ``notices(state, events)``: which live-update kinds it emits (its own
  names, declared here and nowhere else; :class:`gobetween.live.LiveUpdate` holds the kinds of
  the house outside the protocols), and for events just stored, which to queue for whom
  (:class:`Notice`);
- ``owner(event)``: the party an event is private to (``None``: the track's);
- ``tab``: the label of the track's navigation tab (English, marked with ``N_``; ``None``: no
  tab; a plain label is the parties' and the mediators' tab) and ``page``: the page's address
  under the track (default ``protocols/<name>``, the generic page rendering
  ``templates/<name>.html``); either may differ by role (:class:`ByRole`).

Register a protocol with one line in :mod:`gobetween.protocols.registry`. Events are
:class:`gobetween.wire.WireEvent` s; :func:`gobetween.wire.step` and :func:`gobetween.wire.replay`
are the one decide/apply loop and the one replay loop every protocol uses.

>>> rule = ActionRule("answer_text", frozenset({"party"}), own_party=True)
>>> rule.label
'answer text'
>>> rule.generic
False

An action field whose body form differs from the machine's (a package sent as ``{issue:
option}``) declares it with :func:`carried`; :func:`action_from_body` builds the action from a
request's body, reading such fields with the track's agenda:

>>> from dataclasses import field
>>> from gobetween.model import Agenda, Issue, Package
>>> from gobetween import wire
>>> @dataclass(frozen=True)
... class Pick:
...     mediator: str
...     package: Package = field(metadata=carried(wire.codec(
...         lambda p: p.options, lambda v, where, agenda: agenda.package(v)), dict[str, str]))
>>> agenda = Agenda((Issue.discrete("ports", ["one", "three"]),))
>>> action_from_body(Pick, "UN", {"package": {"ports": "three"}}, agenda).package.options
{'ports': 'three'}
"""

from __future__ import annotations

import dataclasses
import enum
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from gobetween.errors import N_, InputError
from gobetween.model import Agenda
from gobetween.wire import Codec, Decide, WireEvent

__all__ = [
    "N_",
    "ActionRule",
    "ByRole",
    "Machine",
    "NegotiationProtocol",
    "Notice",
    "ViewRole",
    "WireEvent",
    "action_from_body",
    "body_shape",
    "carried",
]

S = TypeVar("S")
A = TypeVar("A")
E = TypeVar("E")
A_contra = TypeVar("A_contra", contravariant=True)


class ViewRole(enum.StrEnum):
    """Whose view of a protocol: a party's (its own), the mediators' (all), an observer's."""

    PARTY = "party"
    MEDIATOR = "mediator"
    OBSERVER = "observer"


@dataclass(frozen=True, slots=True)
class ByRole:
    """A protocol's tab label or page address that differs by role (``None``: that role has
    none: no tab, or the generic page).

    >>> ByRole(party="text", mediator="draft").of(ViewRole.MEDIATOR)
    'draft'
    """

    party: str | None = None
    mediator: str | None = None
    observer: str | None = None

    def of(self, role: ViewRole) -> str | None:
        """The value for ``role``."""
        match role:
            case ViewRole.PARTY:
                return self.party
            case ViewRole.MEDIATOR:
                return self.mediator
            case ViewRole.OBSERVER:
                return self.observer


@dataclass(frozen=True, slots=True)
class ActionRule:
    """One thing members may do in a track, and who may (read by :mod:`gobetween.policy`).

    ``seats`` are the policy's seat names (``"mediator"``, ``"party"``, ``"observer"``,
    ``"admin"``, ``"translator"``). ``own_party``: done on one party's behalf, and only by a
    member of that party (a mediator may not answer for a party). ``read``: refusing it must look
    exactly like the object not existing (404, not 403).

    ``action``: the action's frozen dataclass, for a rule members do through the generic route
    (``POST /api/tracks/{id}/protocols/{protocol}/{rule}``) and page. Its first field is the
    actor (the caller's party for an ``own_party`` rule, their mediator organisation
    otherwise, filled in by the service); the other fields are the request's body, validated by
    a schema derived from them (``Annotated`` limits such as ``annotated_types.MaxLen`` are
    kept; a field declared with :func:`carried` is validated in its body form, then read
    with the track's agenda by :func:`action_from_body`). ``opens``: the rule opens the
    protocol in a track; ``action`` is then the settings' dataclass (every field is the
    body), stored as the head of the protocol's event log.
    """

    name: str
    seats: frozenset[str]
    own_party: bool = False
    read: bool = False
    action: type | None = None
    opens: bool = False

    @property
    def generic(self) -> bool:
        """Done through the generic route and page (it names its action's dataclass)."""
        return self.action is not None

    @property
    def label(self) -> str:
        """The name as words (for error messages)."""
        return self.name.replace("_", " ")


#: The key of an action field's metadata that holds its body form (:func:`carried`).
BODY = "body"


def carried(codec: Mapping[str, Codec], shape: Any) -> dict[str, Any]:
    """Field metadata of an action field that a request carries in another form than the
    machine's: ``shape`` is the body's type (what the API's schema validates, e.g.
    ``dict[str, str]`` for a package), ``codec`` (:func:`gobetween.wire.codec`) reads it with
    the track's agenda, raising :class:`~gobetween.errors.ValidationFailed` at the field."""
    return {**codec, BODY: shape}


def body_shape(field: dataclasses.Field[Any], hint: Any) -> Any:
    """The type of an action field in a request's body: its :func:`carried` shape, else its
    own annotation ``hint`` (an optional field's shape is optional too)."""
    shape = field.metadata.get(BODY)
    if shape is None:
        return hint
    if type(None) in typing.get_args(hint):
        return shape | None
    return shape


def action_from_body(cls: type[Any], actor: str, body: Mapping[str, Any], agenda: Agenda) -> Any:
    """The action ``cls`` done by ``actor`` with a request's ``body`` (its other fields, by
    name, already validated by the schema): each :func:`carried` field read by its codec with
    ``agenda`` (unless it is the field's default, as the schema leaves it); a refusal names the
    field in the body (``body.<field>``)."""
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls)[1:]:
        if f.name not in body:
            continue
        value = body[f.name]
        codec = f.metadata.get("wire") if BODY in f.metadata else None
        if codec is not None and value is not None and value is not f.default:
            try:
                value = codec.load(value, f.name, agenda)
            except InputError as exc:
                inside = (exc.location or "").split(".")[0] == f.name
                where = None if inside else f.name
                raise exc.located(source="body", location=where) from None
        values[f.name] = value
    return cls(actor, **values)


@dataclass(frozen=True, slots=True)
class Notice:
    """A live update to queue after a step: ``kind`` for ``party`` (a member name) and the
    mediators, or for everyone in the track when ``party`` is ``None``; ``ref`` numbers the
    object it is about (a version number; 0 when there is none a reader may use)."""

    kind: str
    party: str | None = None
    ref: int = 0


class NegotiationProtocol(Protocol[S, A_contra, E]):
    """The declaration of one protocol (see the module's docstring for each member).

    ``S`` is its state, ``A_contra`` its actions, ``E`` its events.
    """

    @property
    def name(self) -> str:
        """Stored with every event (at most 30 characters); unique in the registry."""
        ...

    @property
    def title(self) -> str:
        """English words for people, marked with :func:`N_` (translate with ``_()``)."""
        ...

    @property
    def actions(self) -> tuple[ActionRule, ...]:
        """The policy actions the protocol adds."""
        ...

    @property
    def live_updates(self) -> frozenset[str]:
        """Every kind :meth:`notices` may return (declared by the protocol only)."""
        ...

    @property
    def tab(self) -> str | ByRole | None:
        """The track navigation's label for the protocol's page (``N_``; a plain label: the
        parties' and the mediators'), by role, or ``None``."""
        ...

    @property
    def page(self) -> str | ByRole | None:
        """The page's address under ``/tracks/{id}/`` (by role); ``None``: ``protocols/<name>``."""
        ...

    def initial(
        self,
        agenda: Agenda,
        parties: tuple[str, ...],
        mediators: tuple[str, ...],
        settings: Mapping[str, Any],
    ) -> S:
        """The state before any event; :class:`~gobetween.errors.ProtocolError` if it cannot
        be opened with these members and settings."""
        ...

    def admit(
        self,
        agenda: Agenda,
        parties: tuple[str, ...],
        settings: Mapping[str, Any],
        now: datetime,
    ) -> Mapping[str, Any]:
        """The settings an opening stores (JSON-able), from its body, checked at ``now``;
        :class:`~gobetween.errors.InputError` naming the field if they cannot be."""
        ...

    def decide(self, state: S, action: A_contra, *, now: datetime) -> tuple[E, ...]:
        """The events ``action`` causes at ``now`` (aware); ``ProtocolError`` if not allowed."""
        ...

    def apply(self, state: S, event: E) -> S:
        """The state after ``event``."""
        ...

    def read_event(self, data: Mapping[str, Any], agenda: Agenda) -> E:
        """An event back from its wire form; ``ValidationFailed`` for data no event wrote."""
        ...

    def view(self, state: S, role: ViewRole, member: str | None = None) -> dict[str, Any] | None:
        """What ``role`` (for a party: ``member``, its name) may see, as JSON-able data;
        ``None`` when the role sees nothing."""
        ...

    def owner(self, event: E) -> str | None:
        """The party ``event`` is private to, or ``None``."""
        ...

    def notices(self, state: S, events: tuple[E, ...]) -> tuple[Notice, ...]:
        """The live updates to queue once ``events`` are stored (``state`` is the new state)."""
        ...


@dataclass(frozen=True)
class Machine(Generic[S, A, E]):
    """A :class:`NegotiationProtocol` made of a machine's functions: what a protocol module
    declares as its ``PROTOCOL`` (one place for the methods every declaration would repeat).

    ``opener(agenda, parties, mediators, settings)`` is ``initial``; ``decider``, ``applier`` and
    ``reader`` are the module's ``decide``, ``apply`` and ``event_from_dict`` (taking the
    agenda); ``viewer(state, role, member)`` is ``view``; ``owner_of`` and ``notifier`` are
    ``owner`` and ``notices``; ``tab``, ``page`` and ``admitter`` (``admit``; default: the
    settings as given) are optional.
    """

    name: str
    title: str
    actions: tuple[ActionRule, ...]
    live_updates: frozenset[str]
    opener: Callable[[Agenda, tuple[str, ...], tuple[str, ...], Mapping[str, Any]], S]
    decider: Decide[S, A, E]
    applier: Callable[[S, E], S]
    reader: Callable[[Mapping[str, Any], Agenda], E]
    viewer: Callable[[S, ViewRole, str | None], dict[str, Any] | None]
    owner_of: Callable[[E], str | None]
    notifier: Callable[[S, tuple[E, ...]], tuple[Notice, ...]]
    tab: str | ByRole | None = None
    page: str | ByRole | None = None
    admitter: (
        Callable[[Agenda, tuple[str, ...], Mapping[str, Any], datetime], Mapping[str, Any]] | None
    ) = None

    def initial(
        self,
        agenda: Agenda,
        parties: tuple[str, ...],
        mediators: tuple[str, ...],
        settings: Mapping[str, Any],
    ) -> S:
        """The state before any event."""
        return self.opener(agenda, parties, mediators, settings)

    def admit(
        self,
        agenda: Agenda,
        parties: tuple[str, ...],
        settings: Mapping[str, Any],
        now: datetime,
    ) -> Mapping[str, Any]:
        """The settings an opening stores, checked at ``now`` (default: as given)."""
        if self.admitter is None:
            return dict(settings)
        return self.admitter(agenda, parties, settings, now)

    def decide(self, state: S, action: A, *, now: datetime) -> tuple[E, ...]:
        """The events ``action`` causes at ``now``."""
        return self.decider(state, action, now=now)

    def apply(self, state: S, event: E) -> S:
        """The state after ``event``."""
        return self.applier(state, event)

    def read_event(self, data: Mapping[str, Any], agenda: Agenda) -> E:
        """An event back from its wire form."""
        return self.reader(data, agenda)

    def view(self, state: S, role: ViewRole, member: str | None = None) -> dict[str, Any] | None:
        """What ``role`` may see (``None``: nothing)."""
        return self.viewer(state, role, member)

    def owner(self, event: E) -> str | None:
        """The party ``event`` is private to, or ``None``."""
        return self.owner_of(event)

    def notices(self, state: S, events: tuple[E, ...]) -> tuple[Notice, ...]:
        """The live updates to queue once ``events`` are stored."""
        return self.notifier(state, events)
