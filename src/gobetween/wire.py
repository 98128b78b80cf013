"""One wire base for every event: declared fields, one error class, one UTC rule, one loop.

The protocols (:mod:`gobetween.protocols`), an agreement's life (:mod:`gobetween.agreements.
events`) and the joint record (:mod:`gobetween.monitoring.events`) are event-sourced; their events
are frozen dataclasses that subclass :class:`WireEvent`, naming their ``type`` tag in the class
line (``class Noted(WireEvent, type="noted")``):

- the *fields* are the dataclass's fields, in order; each one's wire form follows from its type
  (``str``, ``int``, ``float``, ``bool``, ``datetime``, a ``StrEnum``, ``tuple[str, ...]``,
  ``Mapping[str, str]``, and ``X | None`` of those), or from a :class:`Codec` declared in the
  field's metadata (``field(metadata=codec(...))``: packages, articles, a team...);
- ``to_dict()`` writes ``{"type": ..., <field>: <wire value>, ...}`` in field order (a codec may
  leave a field out when it is empty), and :func:`reader` builds the one reader of a family of
  events: by the ``type`` tag, from a fixed table, never by a class name found in the data;
- anything that cannot be read back raises one error, :class:`~gobetween.errors.ValidationFailed`
  with ``source="event"`` and the field as ``location`` (:func:`invalid`); unknown fields are
  refused, a missing field takes its dataclass default or is refused;
- one UTC rule: a time is an aware ``datetime``; :func:`utc` checks it and converts it to UTC
  (what the core does with the ``now`` and deadlines given to it); stored times are read back as
  they were written (:func:`time_from_wire`), so a log re-serialises byte for byte;
- :func:`step` and :func:`replay` are the one decide/apply loop and the one replay loop; a
  machine's module binds them to its functions with one :class:`Loop`.

>>> import datetime as dt
>>> class Noted(WireEvent, type="noted"):
...     text: str
...     at: dt.datetime
>>> read = reader("example", Noted)
>>> e = Noted("hello", dt.datetime(2022, 7, 22, tzinfo=dt.UTC))
>>> e.to_dict()
{'type': 'noted', 'text': 'hello', 'at': '2022-07-22T00:00:00+00:00'}
>>> read(e.to_dict()) == e
True
>>> read({"type": "noted", "text": 5, "at": "2022-07-22T00:00:00+00:00"})
Traceback (most recent call last):
...
gobetween.errors.ValidationFailed: event, text: 'text' is int (expected text)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import re
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from gobetween.errors import N_, Problems, ProtocolError, Sentence, ValidationFailed

__all__ = [
    "Codec",
    "Loop",
    "WireEvent",
    "aware",
    "codec",
    "event_type",
    "invalid",
    "reader",
    "replay",
    "step",
    "time_from_wire",
    "time_to_wire",
    "utc",
]

S = TypeVar("S")
E = TypeVar("E")
A_contra = TypeVar("A_contra", contravariant=True)
S_contra = TypeVar("S_contra", contravariant=True)
E_co = TypeVar("E_co", covariant=True)
T = TypeVar("T")

# -- the one error -------------------------------------------------------------------------------


def invalid(
    message: str,
    location: str,
    expected: str | None = None,
    *,
    params: Mapping[str, object] | None = None,
) -> ValidationFailed:
    """The error for a stored (or posted) event that cannot be read: where, and what was wanted."""
    return ValidationFailed(
        message, source="event", location=location, expected=expected, params=params
    )


# -- the one UTC rule ----------------------------------------------------------------------------


def aware(
    moment: object, what: str = "now", error: Callable[[str], Exception] = ProtocolError
) -> dt.datetime:
    """``moment`` if it is an aware datetime, else ``error`` (a :class:`ProtocolError` unless
    the caller's domain has its own) naming ``what``.

    >>> aware(dt.datetime(2022, 7, 22))
    Traceback (most recent call last):
    ...
    gobetween.errors.ProtocolError: now must be a timezone-aware datetime, got 2022-07-22 00:00:00
    """
    if not isinstance(moment, dt.datetime) or moment.utcoffset() is None:
        shown = moment if isinstance(moment, dt.datetime) else type(moment).__name__
        raise error(f"{what} must be a timezone-aware datetime, got {shown!s}")
    return moment


def utc(
    moment: object, what: str = "now", error: Callable[[str], Exception] = ProtocolError
) -> dt.datetime:
    """``moment`` (aware, see :func:`aware`) in UTC: how the core keeps every time it is given.

    >>> utc(dt.datetime(2022, 7, 22, 3, tzinfo=dt.timezone(dt.timedelta(hours=3)))).isoformat()
    '2022-07-22T00:00:00+00:00'
    """
    return aware(moment, what, error).astimezone(dt.UTC)


def time_to_wire(moment: dt.datetime | None) -> str | None:
    """ISO 8601 with its offset, or ``None``."""
    return None if moment is None else moment.isoformat()


def time_from_wire(value: object, location: str = "at") -> dt.datetime:
    """An aware time written by :func:`time_to_wire`, as written (offset kept)."""
    if not isinstance(value, str):
        raise invalid(
            N_("time %(value)r is not text"),
            location,
            N_("an ISO 8601 time"),
            params={"value": value},
        )
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise invalid(
            N_("time %(value)r is not ISO 8601"),
            location,
            "2022-08-01T09:00:00+00:00",
            params={"value": value},
        ) from None
    if moment.utcoffset() is None:
        raise invalid(
            N_("time %(value)r has no time zone"),
            location,
            N_("a time with an offset"),
            params={"value": value},
        )
    return moment


# -- codecs --------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Codec:
    """How one field goes to the wire and back.

    ``dump(value)`` gives the JSON value; ``load(value, location, context)`` reads it (raising
    :func:`invalid`); ``context`` is what the family's reader was given (an agenda for the
    protocols' packages). With ``omit_empty`` an empty value is left out of the wire form (older
    logs have no such field) and a missing one reads as the field's default.
    """

    dump: Callable[[Any], Any]
    load: Callable[[object, str, Any], Any]
    omit_empty: bool = False


def codec(
    dump: Callable[[Any], Any],
    load: Callable[[object, str, Any], Any],
    *,
    omit_empty: bool = False,
) -> dict[str, Codec]:
    """Field metadata declaring a field's :class:`Codec`: ``field(metadata=codec(...))``."""
    return {"wire": Codec(dump, load, omit_empty)}


def _typed(kind: type, name: str) -> Codec:
    def load(value: object, location: str, context: object) -> object:
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
            raise invalid(
                N_("%(location)r is %(type)s"),
                location,
                name,
                params={"location": location, "type": type(value).__name__},
            )
        return value

    return Codec(lambda v: v, load)


def _enum(kind: type[enum.Enum]) -> Codec:
    values = [m.value for m in kind]

    def load(value: object, location: str, context: object) -> object:
        if value not in values:
            raise invalid(
                N_("unknown %(location)s %(value)r"),
                location,
                N_("one of %(choices)s"),
                params={"location": location, "value": value, "choices": ", ".join(values)},
            )
        return kind(value)

    return Codec(lambda v: v.value, load)


def _strings(value: object, location: str, context: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise invalid(N_("expected a list of strings"), location, N_("a list of strings"))
    return tuple(value)


def _string_map(value: object, location: str, context: object) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise invalid(N_("expected an object of strings"), location, N_("an object of strings"))
    return dict(value)


def _optional(inner: Codec) -> Codec:
    def dump(value: object) -> object:
        return None if value is None else inner.dump(value)

    def load(value: object, location: str, context: object) -> object:
        return None if value is None else inner.load(value, location, context)

    return Codec(dump, load)


_TIME = Codec(time_to_wire, lambda v, where, _: time_from_wire(v, where))
_BY_TYPE: Mapping[object, Codec] = {
    str: _typed(str, N_("text")),
    int: _typed(int, N_("a whole number")),
    float: _typed(float, N_("a number")),
    bool: _typed(bool, N_("true or false")),
    dt.datetime: _TIME,
}


def _codec_for(hint: object, where: str) -> Codec:
    if hint in _BY_TYPE:
        return _BY_TYPE[hint]
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _enum(hint)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union) and len(args) == 2 and type(None) in args:
        return _optional(_codec_for(next(a for a in args if a is not type(None)), where))
    if origin is tuple and args == (str, ...):
        return Codec(list, _strings)
    if origin is Mapping and args == (str, str):
        return Codec(dict, _string_map)
    raise TypeError(f"{where}: no wire form for {hint!r}; declare one with codec()")


# -- the base ------------------------------------------------------------------------------------


@typing.dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
class WireEvent:
    """Base of every event: a ``type`` tag and its dataclass fields as the wire form.

    An event names its tag in its class line, ``class Noted(WireEvent, type="noted")``, and is
    made a frozen dataclass by this base (its fields are its annotations). A class without a
    tag is a base of events that share fields (declare it ``@dataclass(frozen=True)``). A
    subclass may define ``wire_check(self)`` to refuse a combination of fields no event was
    written with (raise :func:`invalid`). A class may also define a classmethod
    ``check_field(name, value)`` refusing one field's value by a rule of that field alone
    (non-empty text): when some fields cannot be read, the reader runs it on the others and
    refuses them all at once (:class:`~gobetween.errors.FieldsRefused`, in the fields' order),
    so that a form learns of every field's problem together.
    """

    __slots__ = ()
    type: ClassVar[str]

    def __init_subclass__(cls, type: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if type is not None:
            cls.type = type
            dataclasses.dataclass(frozen=True)(cls)

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON wire form: the type, then each field in order."""
        out: dict[str, Any] = {"type": self.type}
        for name, how in _layout(type(self)).fields:
            value = getattr(self, name)
            if how.omit_empty and not value:
                continue
            out[name] = how.dump(value)
        return out

    def wire_check(self) -> None:
        """Refuse a read-back event whose fields contradict each other (default: none do)."""


@dataclasses.dataclass(frozen=True)
class _Layout:
    """An event class's wire fields in order, and which of them have a default."""

    fields: tuple[tuple[str, Codec], ...]
    defaulted: frozenset[str]


_LAYOUTS: dict[type[WireEvent], _Layout] = {}


def _layout(cls: type[WireEvent]) -> _Layout:
    layout = _LAYOUTS.get(cls)
    if layout is None:
        hints = typing.get_type_hints(cls)
        fields = dataclasses.fields(cls)  # type: ignore[arg-type]  # every event is a dataclass
        layout = _Layout(
            tuple(
                (
                    f.name,
                    f.metadata.get("wire") or _codec_for(hints[f.name], f"{cls.__name__}.{f.name}"),
                )
                for f in fields
            ),
            frozenset(
                f.name
                for f in fields
                if f.default is not dataclasses.MISSING
                or f.default_factory is not dataclasses.MISSING
            ),
        )
        _LAYOUTS[cls] = layout
    return layout


def event_type(data: object) -> str:
    """The ``type`` tag of a stored event."""
    if not isinstance(data, Mapping):
        raise invalid(N_("an event must be a JSON object"), "event", N_("an object with a 'type'"))
    kind = data.get("type")
    if not isinstance(kind, str):
        raise invalid(
            N_("event type %(value)r is not text"),
            "type",
            N_("the event type as text"),
            params={"value": kind},
        )
    return kind


WE = TypeVar("WE", bound=WireEvent)


def _field_of(location: str | None) -> str:
    """The field a refusal's ``location`` is in (``team[0].inspector``: ``team``)."""
    return re.split(r"[.\[]", location or "", maxsplit=1)[0]


def reader(family: str, *classes: type[WE]) -> Callable[..., WE]:
    """The reader of one family of events: ``read(data, context=None) -> event``.

    ``family`` names the events in errors (``"unknown relay event type 'x'"``); ``context`` is
    passed to the fields' codecs.
    """
    table = {cls.type: cls for cls in classes}

    def read(data: Mapping[str, Any], context: object = None) -> WE:
        kind = event_type(data)
        cls = table.get(kind)
        if cls is None:
            raise invalid(
                N_("unknown %(family)s event type %(value)r"),
                "type",
                N_("one of %(choices)s"),
                params={"family": Sentence(family), "value": kind, "choices": ", ".join(table)},
            )
        layout = _layout(cls)
        names = {name for name, _ in layout.fields}
        unknown = sorted(set(data) - names - {"type"})
        if unknown:
            raise invalid(
                N_("%(kind)s: unknown field %(field)r"),
                unknown[0],
                N_("one of %(choices)s"),
                params={
                    "kind": Sentence(kind),  # said in the reader's words where marked
                    "field": unknown[0],
                    "choices": ", ".join(sorted(names)),
                },
            )
        values = {}
        found = Problems()  # every field that cannot be read, not only the first
        for name, how in layout.fields:
            with found.check():
                if name in data:
                    values[name] = how.load(data[name], name, context)
                elif not (how.omit_empty or name in layout.defaulted):
                    raise invalid(
                        N_("%(kind)s event without %(field)r"),
                        name,
                        N_("a field %(field)r"),
                        params={"kind": Sentence(kind), "field": name},
                    )
        if found.found:  # the fields read are checked alone, to be refused with the rest
            check = getattr(cls, "check_field", None)
            for name, value in values.items():
                with found.check():
                    if check is not None:
                        check(name, value)
            order = {name: i for i, (name, _how) in enumerate(layout.fields)}
            found.found.sort(key=lambda p: order.get(_field_of(p.location), len(order)))
            found.done()
        event = cls(**values)
        event.wire_check()
        return event

    return read


# -- the one loop ----------------------------------------------------------------------------------


class Decide(Protocol[S_contra, A_contra, E_co]):
    """A state machine's ``decide(state, action, *, now)``."""

    def __call__(self, state: S_contra, action: A_contra, *, now: dt.datetime) -> tuple[E_co, ...]:
        """The events ``action`` causes at ``now``."""
        ...


def step(
    decide: Decide[S, A_contra, E],
    apply: Callable[[S, E], S],
    state: S,
    action: A_contra,
    *,
    now: dt.datetime,
) -> tuple[S, tuple[E, ...]]:
    """Decide and apply: the new state and the events to store.

    On an error nothing changes: the states are immutable.
    """
    events = decide(state, action, now=now)
    for event in events:
        state = apply(state, event)
    return state, events


def replay(
    apply: Callable[[S, E], S],
    read: Callable[[Mapping[str, Any]], E],
    initial: S,
    events: Iterable[Any],
) -> S:
    """Rebuild a state from ``initial`` and stored events: event objects (``E``), or wire dicts
    that ``read`` reads."""
    state = initial
    for event in events:
        state = apply(state, read(event) if isinstance(event, Mapping) else event)
    return state


@dataclasses.dataclass(frozen=True)
class Loop(Generic[S, A_contra, E]):
    """A machine's :func:`step` and :func:`replay`, bound to its ``decide``, ``apply`` and its
    family's ``read`` (:func:`reader`): what a machine's module exports as ``step`` and
    ``replay`` (``step, replay = _LOOP.step, _LOOP.replay``).

    ``context(initial)``, when given, is what ``read`` is given besides a stored event (a
    protocol's agenda).

    >>> import datetime as dt
    >>> class Counted(WireEvent, type="counted"):
    ...     by: int
    >>> loop = Loop(lambda n, by, *, now: (Counted(by),), lambda n, e: n + e.by,
    ...             reader("example", Counted))
    >>> loop.step(1, 2, now=dt.datetime(2022, 7, 22, tzinfo=dt.UTC))
    (3, (Counted(by=2),))
    >>> loop.replay(0, [Counted(2), {"type": "counted", "by": 5}])
    7
    """

    decide: Decide[S, A_contra, E]
    apply: Callable[[S, E], S]
    read: Callable[..., E]
    context: Callable[[S], object] | None = None

    def step(self, state: S, action: A_contra, *, now: dt.datetime) -> tuple[S, tuple[E, ...]]:
        """Decide and apply: the new state and the events to store (on an error nothing
        changes: the states are immutable)."""
        return step(self.decide, self.apply, state, action, now=now)

    def replay(self, initial: S, events: Iterable[E | Mapping[str, Any]]) -> S:
        """Rebuild a state from ``initial`` and stored events (objects or wire dicts)."""
        if self.context is None:
            return replay(self.apply, self.read, initial, events)
        context = self.context(initial)
        return replay(self.apply, lambda data: self.read(data, context), initial, events)
