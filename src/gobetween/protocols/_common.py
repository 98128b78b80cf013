"""Helpers the protocols share: time, wire encoding of times and packages, field readers.

Everything here is private to :mod:`gobetween.protocols`; the public names live in the protocol
modules.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import Annotated, Any, Never, Self, TypeVar

from annotated_types import Ge, Le, MaxLen, MinLen

from gobetween import wire
from gobetween.errors import N_, InputError, ProtocolError, Sentence
from gobetween.model import Agenda, Package
from gobetween.protocols import base

K = TypeVar("K")
T = TypeVar("T")
Choice = TypeVar("Choice", bound=enum.Enum)

#: Wire form of one event: what the service stores as JSON.
EventDict = dict[str, Any]

#: A name in a request's body (an issue, an option, a member): 1 to 200 characters.
Name = Annotated[str, MinLen(1), MaxLen(200)]
#: A number in a request's body (a version, an offer): 1 to a million.
Number = Annotated[int, Ge(1), Le(1_000_000)]


def utc(moment: object, what: str = "now") -> datetime:
    """``moment`` as an aware UTC datetime; :class:`ProtocolError` if it is naive or no datetime
    (the one UTC rule, :func:`gobetween.wire.utc`)."""
    return wire.utc(moment, what)


def optional_utc(moment: object, what: str) -> datetime | None:
    """Like :func:`utc` but lets ``None`` through."""
    return None if moment is None else utc(moment, what)


def frozen_mapping(items: Mapping[K, T]) -> Mapping[K, T]:
    """A read-only copy of ``items``."""
    return MappingProxyType(dict(items))


def check_member(name: str, members: Iterable[str], role: str) -> None:
    """Raise :class:`ProtocolError` unless ``name`` is one of ``members`` (a role of the track)."""
    members = tuple(members)
    if name not in members:
        listed = ", ".join(repr(m) for m in members)
        template = _NOT_MEMBER.get(role)
        if template is None:  # a role no user action names
            raise ProtocolError(f"{name!r} is not a {role} of this track (its {role}s: {listed})")
        raise ProtocolError(template, params={"name": name, "members": listed})


#: The refusal of an action by someone who does not hold the role, one sentence per role.
_NOT_MEMBER = {
    "party": N_("%(name)r is not a party of this track (its parties: %(members)s)"),
    "mediator": N_("%(name)r is not a mediator of this track (its mediators: %(members)s)"),
}


def check_names(names: Iterable[str], role: str) -> tuple[str, ...]:
    """Validate a tuple of distinct non-empty names for the members of one role."""
    if isinstance(names, str) or not isinstance(names, Iterable):
        raise ProtocolError(f"the {role}s must be a sequence of names, got {names!r}")
    result = tuple(names)
    for name in result:
        if not isinstance(name, str) or not name.strip():
            raise ProtocolError(f"a {role} name must be a non-empty string, got {name!r}")
    if len(set(result)) != len(result):
        raise ProtocolError(f"the {role}s of a track must have distinct names, got {result!r}")
    return result


def check_members(
    parties: Iterable[str], mediators: Iterable[str], fewest: int, too_few: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The parties' and the mediators' names (:func:`check_names`); ``too_few`` (marked
    ``N_``) unless there are at least ``fewest`` parties and one mediator."""
    party_names = check_names(parties, "party")
    mediator_names = check_names(mediators, "mediator")
    if len(party_names) < fewest or not mediator_names:
        raise ProtocolError(too_few)
    return party_names, mediator_names


def check_open(closed: bool, refusal: str, reason: str | None) -> None:
    """Refuse every action once the protocol is ``closed``: ``refusal`` (marked ``N_``, with
    ``%(reason)s``) says the reason it was closed for."""
    if closed:
        raise ProtocolError(refusal, params={"reason": reason or Sentence(N_("no reason given"))})


def closing_reason(mediator: str, mediators: Iterable[str], reason: object) -> str:
    """The reason a mediator of the track gives for closing (text, may be empty)."""
    check_member(mediator, mediators, "mediator")
    return check_text(reason, N_("the reason for closing"))


@dataclasses.dataclass(frozen=True)
class Closed(wire.WireEvent):
    """A mediator closed the protocol for ``reason``: the fields of a protocol's closing event
    (the relay's, the single text's, the bidding's), in this order on the wire."""

    mediator: str
    reason: str
    at: datetime

    @classmethod
    def by(cls, mediator: str, reason: object, mediators: Iterable[str], at: datetime) -> Self:
        """``mediator`` (one of ``mediators``) closes at ``at`` for ``reason``
        (:func:`closing_reason`)."""
        return cls(mediator, closing_reason(mediator, mediators, reason), at)


def numbered(items: Sequence[T], number: object, missing: str) -> T:
    """Item ``number`` (counted from 1) of ``items``; :class:`ProtocolError` ``missing`` (a
    template with ``number`` and ``count``, marked ``N_``) when there is none."""
    if isinstance(number, int) and not isinstance(number, bool) and 1 <= number <= len(items):
        return items[number - 1]
    raise ProtocolError(missing, params={"number": number, "count": len(items)})


def check_options(agenda: Agenda, options: Mapping[str, str], what: str) -> Mapping[str, str]:
    """Validate a partial package ``{issue: option}`` against ``agenda`` (agenda order kept)."""
    if not isinstance(options, Mapping):
        raise ProtocolError(
            N_("%(what)s must map issue names to option names"), params={"what": Sentence(what)}
        )
    for issue_name, option in options.items():
        params: dict[str, object] = {"what": Sentence(what), "issue": issue_name}
        if not isinstance(issue_name, str) or not agenda.has_issue(issue_name):
            template = N_(
                "%(what)s names the issue %(issue)r, which is not on the agenda "
                "(issues: %(issues)s)"
            )
            params["issues"] = ", ".join(repr(n) for n in agenda.issue_names)
        elif not isinstance(option, str) or not agenda.issue(issue_name).has_option(option):
            template = N_(
                "%(what)s names the option %(option)r of issue %(issue)r, "
                "which has only %(options)s"
            )
            params["option"] = option
            params["options"] = ", ".join(repr(n) for n in agenda.issue(issue_name).option_names)
        else:
            continue
        raise ProtocolError(template, params=params)
    return MappingProxyType({n: options[n] for n in agenda.issue_names if n in options})


def unknown(what: str, thing: Never) -> ProtocolError:
    """The error for an object that is none of the protocol's action or event classes.

    Typed with ``Never`` so that mypy proves every class of the union is handled before it.
    """
    return ProtocolError(f"{type(thing).__name__} is not a {what}")


def choice(kind: type[Choice], value: object, refusal: str, /, **params: object) -> Choice:
    """``value`` as a member of the closed vocabulary ``kind``; else :class:`ProtocolError`
    ``refusal`` (marked ``N_``, its values in ``params``)."""
    try:
        return kind(value)
    except ValueError:
        raise ProtocolError(refusal, params=params) from None


def check_text(value: object, what: str, *, required: bool = False) -> str:
    """A string field; with ``required`` it must not be blank (``what`` names it, marked
    :func:`~gobetween.errors.N_` where it is written so that the refusal can be translated)."""
    if not isinstance(value, str):
        raise ProtocolError(
            N_("%(what)s must be a string, got %(type)s"),
            params={"what": Sentence(what), "type": type(value).__name__},
        )
    if required and not value.strip():
        raise ProtocolError(N_("%(what)s must not be empty"), params={"what": Sentence(what)})
    return value


# -- wire helpers ------------------------------------------------------------------------------


#: The error for a stored event that cannot be read back (:func:`gobetween.wire.invalid`).
bad_wire = wire.invalid
time_to_wire = wire.time_to_wire
time_from_wire = wire.time_from_wire
event_type = wire.event_type


def field(data: Mapping[str, Any], key: str, kind: type[T], location: str = "") -> T:
    """``data[key]`` checked to be of ``kind`` (``bool`` is not accepted as a number)."""
    where = f"{location}.{key}" if location else key
    if key not in data:
        raise bad_wire(f"the event has no field {key!r}", where, kind.__name__)
    value = data[key]
    if kind in (int, float) and isinstance(value, bool):
        raise bad_wire(f"field {key!r} is a boolean", where, kind.__name__)
    if kind is float and isinstance(value, int):
        return float(value)  # type: ignore[return-value]  # T is float here
    if not isinstance(value, kind):
        raise bad_wire(f"field {key!r} is {type(value).__name__}", where, kind.__name__)
    return value


def optional_time_from_wire(value: object, location: str) -> datetime | None:
    """Like :func:`time_from_wire`, ``None`` allowed."""
    return None if value is None else time_from_wire(value, location)


def strings_from_wire(value: object, location: str) -> tuple[str, ...]:
    """A JSON list of strings."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise bad_wire(N_("expected a list of strings"), location, N_("a list of strings"))
    return tuple(value)


def options_from_wire(value: object, location: str) -> dict[str, str]:
    """A JSON object of strings to strings (issue -> option, issue -> clause)."""
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise bad_wire(N_("expected an object of strings"), location, N_("an object of strings"))
    return dict(value)


def agenda_options_from_wire(agenda: Agenda, value: object, location: str) -> Mapping[str, str]:
    """A stored partial package ``{issue: option}``, checked against ``agenda``."""
    options = options_from_wire(value, location)
    try:
        return check_options(agenda, options, "the stored options")
    except ProtocolError as exc:
        raise bad_wire(str(exc), location) from None


def clauses_from_wire(agenda: Agenda, value: object, location: str) -> Mapping[str, str]:
    """Stored clause texts ``{issue: text}``, every issue on ``agenda`` (agenda order kept)."""
    clauses = options_from_wire(value, location)
    for issue in clauses:
        if not agenda.has_issue(issue):
            raise bad_wire(
                f"a stored clause names the issue {issue!r}, not on the agenda", location
            )
    return MappingProxyType({n: clauses[n] for n in agenda.issue_names if n in clauses})


def package_from_wire(agenda: Agenda, value: object, location: str) -> Package:
    """Rebuild a package stored as ``{issue: option}``."""
    options = options_from_wire(value, location)
    try:
        return Package.from_options(agenda, options)
    except InputError as exc:
        raise bad_wire(f"the stored package does not fit the agenda: {exc}", location) from None


# -- codecs of the protocols' event fields (see gobetween.wire) ----------------------------------

#: A package, stored as ``{issue: option}`` and rebuilt on the reader's agenda.
PACKAGE = wire.codec(
    lambda p: p.options, lambda v, where, agenda: package_from_wire(agenda, v, where)
)
#: A partial package ``{issue: option}`` checked against the reader's agenda.
AGENDA_OPTIONS = wire.codec(
    dict, lambda v, where, agenda: agenda_options_from_wire(agenda, v, where)
)
#: Clause texts ``{issue: text}`` of issues on the reader's agenda.
CLAUSES = wire.codec(dict, lambda v, where, agenda: clauses_from_wire(agenda, v, where))


# -- the same fields in a request's body (actions, see gobetween.protocols.base.carried) ---------

#: A body's ``{issue: option}`` (at most 100 issues, names of 1 to 200 characters).
BodyOptions = Annotated[dict[Name, Name], MaxLen(100)]


def _body_package(value: object, where: str, agenda: Agenda) -> Package:
    return Package.from_options(agenda, options_from_wire(value, where))


def _body_options(what: str) -> Callable[[object, str, Agenda], Mapping[str, str]]:
    def load(value: object, where: str, agenda: Agenda) -> Mapping[str, str]:
        try:
            return check_options(agenda, options_from_wire(value, where), what)
        except ProtocolError as exc:
            raise bad_wire(exc.template, where, params=exc.params) from None

    return load


#: A whole package in a body, checked against the track's agenda.
BODY_PACKAGE = base.carried(wire.codec(lambda p: p.options, _body_package), BodyOptions)


def body_options(what: str) -> dict[str, Any]:
    """A partial package ``{issue: option}`` in a body, checked against the track's agenda
    (``what`` names it in a refusal, marked ``N_``)."""
    return base.carried(wire.codec(dict, _body_options(what)), BodyOptions)
