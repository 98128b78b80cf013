"""Events of the joint record: an explicit discriminated union with a ``type`` tag.

Every event happened at a time (timezone-aware, passed in: nothing here reads a clock) and, but
for incidents, concerns one *item*: a vessel's voyage, a consignment, a prisoner, whatever the
agreement registers. Events are on the one wire base (:class:`gobetween.wire.WireEvent`): the
wire form is a plain dictionary with an explicit ``"type"`` and the fields in order, read back
from a fixed table (:data:`EVENT_TYPES`), never by a class name found in the data; what cannot be
read raises :class:`~gobetween.errors.ValidationFailed` naming the field, and a well-formed event
that breaks the record's rules (a block without a reason) :class:`~gobetween.errors.InvalidModel`.

>>> import datetime as dt
>>> at = dt.datetime(2022, 8, 1, 9, 0, tzinfo=dt.timezone.utc)
>>> event = GateDecision(at, "voyage-1", "registration", "Ukraine", Verdict.APPROVE)
>>> data = event_to_dict(event)
>>> data["type"], data["at"]
('decision', '2022-08-01T09:00:00+00:00')
>>> event_from_dict(data) == event
True
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, TypeVar

from gobetween import wire
from gobetween.errors import N_, InvalidModel, Problems, Sentence

__all__ = [
    "EVENT_TYPES",
    "EVENT_WORDS",
    "Arrival",
    "Departure",
    "Event",
    "GateDecision",
    "Incident",
    "IncidentResponse",
    "Inspection",
    "InspectionResult",
    "Registration",
    "TeamMember",
    "Verdict",
    "event_from_dict",
    "event_to_dict",
]


class Verdict(enum.StrEnum):
    """A delegation's decision on a consensus-gated step."""

    APPROVE = "approve"
    BLOCK = "block"


class InspectionResult(enum.StrEnum):
    """How an inspection ended."""

    PASSED = "passed"
    FAILED = "failed"
    NOT_COMPLETED = "not_completed"


def _bad_time(message: str) -> InvalidModel:
    return InvalidModel(
        message,
        location="at",
        expected=N_("a datetime with a timezone, e.g. 2022-08-01T09:00:00+00:00"),
    )


class _Dated(Protocol):
    type: ClassVar[str]

    @property
    def at(self) -> dt.datetime: ...


class _Texts:
    """An event whose fields named in ``TEXTS`` must each be non-empty text: checked with the
    event (:func:`_check_fields`) and, by the wire reader, field by field
    (:meth:`check_field`) when another field cannot be read, so that every field's problem is
    reported at once."""

    __slots__ = ()
    type: ClassVar[str]
    TEXTS: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def check_field(cls, name: str, value: object) -> None:
        """Refuse ``value`` of field ``name`` if it is one of :attr:`TEXTS` and not text."""
        if name in cls.TEXTS:
            check_text(value, cls.type, name)


def _check_fields(event: _Dated) -> Problems:
    """What is wrong with ``event``'s own fields: its ``at`` without a timezone, each of its
    ``TEXTS`` that is not text, every one of them (more checks are added to what it returns;
    :meth:`~gobetween.errors.Problems.done` raises them all)."""
    found = Problems()
    with found.check():
        wire.aware(event.at, f"{event.type}: the time", _bad_time)
    for name in getattr(event, "TEXTS", ()):
        with found.check():
            check_text(getattr(event, name), event.type, name)
    return found


def check_text(value: object, what: str, field_name: str) -> str:
    """``value`` if it is non-empty text; else :class:`~gobetween.errors.InvalidModel` naming
    ``what`` (marked :func:`N_`: an event type of :data:`EVENT_WORDS`, ``"team member"``, ...,
    said in the reader's language) and the field (its wire name, as the API calls it): the one
    such rule of the monitoring model."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidModel(
            N_("%(what)s: %(field)s must be non-empty text, got %(value)r"),
            location=field_name,
            expected=N_("non-empty text"),
            params={"what": Sentence(what), "field": field_name, "value": value},
        )
    return value


Choice = TypeVar("Choice", bound=enum.StrEnum)


def check_choice(
    kind: type[Choice],
    value: object,
    field_name: str,
    message: str | None = None,
    /,
    **params: object,
) -> Choice:
    """``value`` as a member of the closed vocabulary ``kind``; else
    :class:`~gobetween.errors.InvalidModel` at the field listing the choices (the one such rule
    of the monitoring model). ``message`` (marked :func:`N_`, its values in ``params``) says it
    in the field's own words; by default ``"<field> <value> is not one of <choices>"``.

    >>> check_choice(Verdict, "block", "verdict")
    <Verdict.BLOCK: 'block'>
    >>> check_choice(Verdict, "abstain", "verdict")
    Traceback (most recent call last):
    ...
    gobetween.errors.InvalidModel: verdict: verdict 'abstain' is not one of approve, block ...
    """
    if isinstance(value, str) and value in {v.value for v in kind}:
        return kind(value)
    if message is None:
        message = N_("%(field)s %(value)r is not one of %(choices)s")
        params = {"field": field_name, "value": value}
    raise not_one_of(message, (v.value for v in kind), field_name, **params)


def not_one_of(
    message: str, choices: Iterable[str], location: str | None = None, /, **params: object
) -> InvalidModel:
    """The :class:`~gobetween.errors.InvalidModel` for a name that is none of ``choices``: at
    ``location``, expecting ``"one of <choices>"`` (listed in the order given); ``message``
    (marked :func:`N_`) has its values in ``params``.

    >>> str(not_one_of(N_("no record kind %(name)r"), ["voyages", "incidents"], "kind", name="x"))
    "kind: no record kind 'x' (expected one of voyages, incidents)"
    """
    return InvalidModel(
        message,
        location=location,
        expected=N_("one of %(choices)s"),
        params={**params, "choices": ", ".join(choices)},
    )


@dataclass(frozen=True, slots=True)
class TeamMember:
    """One inspector of a joint team and the delegation they belong to."""

    delegation: str
    inspector: str

    def __post_init__(self) -> None:
        found = Problems()
        for name in ("delegation", "inspector"):
            with found.check():
                check_text(getattr(self, name), N_("team member"), name)
        found.done()


def _team_to_wire(team: tuple[TeamMember, ...]) -> list[dict[str, str]]:
    return [{"delegation": m.delegation, "inspector": m.inspector} for m in team]


def _team_from_wire(value: object, location: str, context: object) -> tuple[TeamMember, ...]:
    if not isinstance(value, list):
        raise wire.invalid(N_("team is not a list"), location, N_("a list of members"))
    members = []
    for i, member in enumerate(value):
        if not isinstance(member, Mapping) or set(member) != {"delegation", "inspector"}:
            raise wire.invalid(
                N_("team member %(member)r is malformed"),
                f"{location}[{i}]",
                '{"delegation": ..., "inspector": ...}',
                params={"member": member},
            )
        members.append(TeamMember(member["delegation"], member["inspector"]))
    return tuple(members)


class Registration(_Texts, wire.WireEvent, type="registration"):
    """An item (a vessel's voyage, a consignment) registered with the joint centre."""

    TEXTS = ("item", "registered_by")
    at: dt.datetime
    item: str
    registered_by: str
    description: str = ""

    def __post_init__(self) -> None:
        _check_fields(self).done()


class GateDecision(_Texts, wire.WireEvent, type="decision"):
    """One delegation approves or blocks one consensus-gated step for one item.

    A step (``"registration"``, ``"departure_plan"``, ...) goes ahead only when every
    delegation approves; a block names who blocked and since when. A reason is required for a
    block.
    """

    TEXTS = ("item", "step", "delegation")
    at: dt.datetime
    item: str
    step: str
    delegation: str
    verdict: Verdict
    reason: str = ""

    def __post_init__(self) -> None:
        found = _check_fields(self)
        with found.check():
            object.__setattr__(self, "verdict", check_choice(Verdict, self.verdict, "verdict"))
            if self.verdict is Verdict.BLOCK and not self.reason.strip():
                raise InvalidModel(
                    N_("%(delegation)s blocks %(step)r of %(item)r without a reason"),
                    location="reason",
                    expected=N_("a reason for every block"),
                    params={"delegation": self.delegation, "step": self.step, "item": self.item},
                )
        found.done()


class Inspection(_Texts, wire.WireEvent, type="inspection"):
    """A joint inspection: its team (one member per delegation), result, and reason if failed."""

    TEXTS = ("item",)
    at: dt.datetime
    item: str
    team: tuple[TeamMember, ...] = field(metadata=wire.codec(_team_to_wire, _team_from_wire))
    result: InspectionResult
    reason: str = ""
    location: str = ""

    def __post_init__(self) -> None:
        found = _check_fields(self)
        object.__setattr__(self, "team", tuple(self.team))
        if not self.team or not all(isinstance(m, TeamMember) for m in self.team):
            found.found.append(
                InvalidModel(
                    N_("inspection of %(item)r has no team"),
                    location="team",
                    expected=N_("at least one team member"),
                    params={"item": self.item},
                )
            )
        with found.check():
            result = check_choice(InspectionResult, self.result, "result")
            object.__setattr__(self, "result", result)
            if result is not InspectionResult.PASSED and not self.reason.strip():
                raise InvalidModel(
                    N_("inspection of %(item)r %(result)s without a reason"),
                    location="reason",
                    expected=N_("a reason whenever an inspection is not passed"),
                    params={"item": self.item, "result": result.value},
                )
        found.done()

    @property
    def delegations(self) -> frozenset[str]:
        """The delegations represented on the team."""
        return frozenset(m.delegation for m in self.team)


@dataclass(frozen=True, slots=True)
class _Movement(_Texts, wire.WireEvent):
    """An item moves at a port: the fields :class:`Departure` and :class:`Arrival` share."""

    TEXTS: ClassVar[tuple[str, ...]] = ("item", "port")
    at: dt.datetime
    item: str
    port: str

    def __post_init__(self) -> None:
        _check_fields(self).done()


class Departure(_Movement, type="departure"):
    """An item leaves a port."""


class Arrival(_Movement, type="arrival"):
    """An item arrives at a port or area (the inspection area, its destination)."""


class Incident(_Texts, wire.WireEvent, type="incident"):
    """An incident reported by a delegation, optionally about one item."""

    TEXTS = ("incident", "reported_by", "description")
    at: dt.datetime
    incident: str
    reported_by: str
    description: str
    item: str = ""

    def __post_init__(self) -> None:
        _check_fields(self).done()


class IncidentResponse(_Texts, wire.WireEvent, type="response"):
    """A delegation's response to an incident; ``closes`` ends the incident."""

    TEXTS = ("incident", "responder", "action")
    at: dt.datetime
    incident: str
    responder: str
    action: str
    closes: bool = False

    def __post_init__(self) -> None:
        _check_fields(self).done()


Event = Registration | GateDecision | Inspection | Departure | Arrival | Incident | IncidentResponse

#: The wire ``type`` tag -> the event class: the only way a dictionary becomes an event.
#: Each event type as a person calls it (marked :func:`N_`: translated where it is read, in a
#: refusal and in the record's table of events).
EVENT_WORDS: Mapping[str, str] = {
    "registration": N_("registration"),
    "decision": N_("decision"),
    "inspection": N_("inspection"),
    "departure": N_("departure"),
    "arrival": N_("arrival"),
    "incident": N_("incident"),
    "response": N_("response"),
}

EVENT_TYPES: Mapping[str, type[Event]] = {
    cls.type: cls
    for cls in (
        Registration,
        GateDecision,
        Inspection,
        Departure,
        Arrival,
        Incident,
        IncidentResponse,
    )
}


def event_to_dict(event: Event) -> dict[str, Any]:
    """The wire form: ``{"type": ..., <fields>}`` with ISO times and enum values."""
    return event.to_dict()


_read: Callable[..., Event] = wire.reader(N_("record"), *EVENT_TYPES.values())


def event_from_dict(data: Mapping[str, Any]) -> Event:
    """Read an event from its wire form; :class:`ValidationFailed` names the bad field.

    >>> event_from_dict({"type": "teleport", "at": "2022-08-01T00:00:00+00:00"})
    Traceback (most recent call last):
    ...
    gobetween.errors.ValidationFailed: event, type: unknown record event type 'teleport' (...)
    """
    return _read(data)
