"""The joint record: a fold over the event stream, its consensus gates, and who may see what.

:meth:`JointRecord.replay` folds events, in time order, into the state of every item (its
registration, consensus gates, inspections, departure and arrival) and every incident. The
record refuses events that cannot be placed (out of time order, about an item never registered,
from a delegation that is not a member) with :class:`~gobetween.errors.ProtocolError`; things
that did happen but break the agreement's rules (a departure with a gate still blocked, an
inspection team without every delegation) are recorded and listed by :func:`findings`.

Every signatory sees the whole record; everyone else sees :func:`public_view`, which keeps only
the event types and fields that the agreement declares public (as the JCC published voyages).

>>> import datetime as dt
>>> t = lambda h: dt.datetime(2022, 8, 1, h, tzinfo=dt.timezone.utc)
>>> record = JointRecord.replay(("Ukraine", "Russia"), [
...     Registration(t(8), "voyage-1", "Ukraine"),
...     GateDecision(t(9), "voyage-1", "registration", "Ukraine", Verdict.APPROVE),
...     GateDecision(t(10), "voyage-1", "registration", "Russia", Verdict.BLOCK, "papers"),
... ])
>>> gate = record.items["voyage-1"].gates["registration"]
>>> gate.status, gate.blocked_by
(<GateStatus.BLOCKED: 'blocked'>, (('Russia', '2022-08-01T10:00:00+00:00', 'papers'),))
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt

from gobetween.errors import N_, InvalidModel, ProtocolError, Sentence
from gobetween.monitoring.events import (
    EVENT_TYPES,
    EVENT_WORDS,
    Arrival,
    Departure,
    Event,
    GateDecision,
    Incident,
    IncidentResponse,
    Inspection,
    Registration,
    Verdict,
    event_to_dict,
    not_one_of,
)
from gobetween.monitoring.figures import FigureTable, monthly_waits, queue_series

__all__ = [
    "Breach",
    "GateState",
    "GateStatus",
    "IncidentState",
    "ItemState",
    "JointRecord",
    "VisibilityPolicy",
    "findings",
    "public_view",
    "registration_queue",
    "registration_waits",
    "view_for",
]


class GateStatus(enum.StrEnum):
    """Where a consensus-gated step stands."""

    PENDING = "pending"
    APPROVED = "approved"
    BLOCKED = "blocked"


@dataclass(frozen=True, slots=True)
class GateState:
    """One consensus-gated step of one item: each delegation's latest decision.

    ``status`` is APPROVED when every delegation's latest decision approves, BLOCKED while any
    delegation's latest decision blocks (``blocked_by`` names it, since when and why), else
    PENDING (``waiting_for`` names who has not decided).
    """

    step: str
    delegations: tuple[str, ...]
    latest: Mapping[str, GateDecision] = field(default_factory=dict)
    approved_at: dt.datetime | None = None

    @property
    def status(self) -> GateStatus:
        """APPROVED, BLOCKED or PENDING (see the class docstring)."""
        if any(d.verdict is Verdict.BLOCK for d in self.latest.values()):
            return GateStatus.BLOCKED
        if all(d in self.latest for d in self.delegations):
            return GateStatus.APPROVED
        return GateStatus.PENDING

    @property
    def blocked_by(self) -> tuple[tuple[str, str, str], ...]:
        """``(delegation, since (ISO time), reason)`` for each delegation blocking now."""
        return tuple(
            (d.delegation, d.at.isoformat(), d.reason)
            for d in sorted(self.latest.values(), key=lambda d: d.at)
            if d.verdict is Verdict.BLOCK
        )

    @property
    def waiting_for(self) -> tuple[str, ...]:
        """Delegations that have not decided yet."""
        return tuple(d for d in self.delegations if d not in self.latest)

    def decide(self, decision: GateDecision) -> GateState:
        """This gate after ``decision``."""
        latest = {**self.latest, decision.delegation: decision}
        gate = replace(self, latest=MappingProxyType(latest))
        if gate.status is GateStatus.APPROVED and self.status is not GateStatus.APPROVED:
            gate = replace(gate, approved_at=decision.at)
        elif gate.status is not GateStatus.APPROVED:
            gate = replace(gate, approved_at=None)
        return gate


@dataclass(frozen=True, slots=True)
class ItemState:
    """Everything the record knows about one registered item."""

    registration: Registration
    gates: Mapping[str, GateState] = field(default_factory=dict)
    decisions: tuple[GateDecision, ...] = ()
    inspections: tuple[Inspection, ...] = ()
    departures: tuple[Departure, ...] = ()
    arrivals: tuple[Arrival, ...] = ()

    @property
    def item(self) -> str:
        """The item's identifier."""
        return self.registration.item

    def gate_at(self, step: str, when: dt.datetime, delegations: tuple[str, ...]) -> GateState:
        """The gate of ``step`` as it stood at ``when`` (decisions up to and including then)."""
        gate = GateState(step, delegations)
        for decision in self.decisions:
            if decision.step == step and decision.at <= when:
                gate = gate.decide(decision)
        return gate

    @property
    def first_inspection(self) -> Inspection | None:
        """The first inspection of the item, if any."""
        return self.inspections[0] if self.inspections else None


@dataclass(frozen=True, slots=True)
class IncidentState:
    """An incident, the responses to it, and when (if) it was closed."""

    incident: Incident
    responses: tuple[IncidentResponse, ...] = ()

    @property
    def closed_at(self) -> dt.datetime | None:
        """When a response closed the incident, else ``None``."""
        for response in self.responses:
            if response.closes:
                return response.at
        return None


@dataclass(frozen=True, slots=True)
class JointRecord:
    """The joint implementation record, built only by folding events.

    ``delegations`` are the members of the joint centre whose consent gates each step;
    ``signatories`` are those who see the whole record (by default the delegations).
    """

    delegations: tuple[str, ...]
    signatories: tuple[str, ...] = ()
    events: tuple[Event, ...] = ()
    items: Mapping[str, ItemState] = field(default_factory=dict)
    incidents: Mapping[str, IncidentState] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.delegations or len(set(self.delegations)) != len(self.delegations):
            raise InvalidModel(
                N_("delegations %(delegations)r must be distinct and at least one"),
                location="delegations",
                expected=N_("one or more distinct delegation names"),
                params={"delegations": self.delegations},
            )
        if not self.signatories:
            object.__setattr__(self, "signatories", tuple(self.delegations))

    @classmethod
    def replay(
        cls,
        delegations: Iterable[str],
        events: Iterable[Event],
        signatories: Iterable[str] = (),
    ) -> JointRecord:
        """Fold ``events`` (in time order) into a record; replaying a record's events rebuilds it.

        Raises
        ------
        ProtocolError
            For an event that cannot be placed; the message names its type and time.
        """
        record = cls(tuple(delegations), tuple(signatories))
        folder = _Folder(record)
        for event in events:
            folder.apply(event)
        return folder.freeze()

    def apply(self, event: Event) -> JointRecord:
        """The record after one more event (pure: ``self`` is unchanged)."""
        folder = _Folder(self)
        folder.apply(event)
        return folder.freeze()


class _Folder:
    """The mutable fold behind :meth:`JointRecord.replay`; frozen again at the end."""

    def __init__(self, record: JointRecord) -> None:
        self.record = record
        self.events = list(record.events)
        self.items = dict(record.items)
        self.incidents = dict(record.incidents)
        self.members = frozenset(record.delegations)

    def freeze(self) -> JointRecord:
        return replace(
            self.record,
            events=tuple(self.events),
            items=MappingProxyType(self.items),
            incidents=MappingProxyType(self.incidents),
        )

    def fail(self, event: Event, message: str, /, **params: object) -> ProtocolError:
        """The refusal ``message`` (marked :func:`N_`, its values in ``params``) of an event."""
        return ProtocolError(
            N_("%(type)s at %(at)s: %(problem)s"),
            params={
                "type": Sentence(EVENT_WORDS[event.type]),
                "at": event.at,
                "problem": Sentence(message, params),
            },
        )

    def apply(self, event: Event) -> None:
        if self.events and event.at < self.events[-1].at:
            raise self.fail(event, N_("earlier than the event before it"))
        if isinstance(event, Registration):
            if event.item in self.items:
                raise self.fail(event, N_("%(item)r is already registered"), item=event.item)
            self.items[event.item] = ItemState(event)
        elif isinstance(event, Incident | IncidentResponse):
            self._incident(event)
        else:
            state = self.items.get(event.item)
            if state is None:
                raise self.fail(event, N_("%(item)r was never registered"), item=event.item)
            self.items[event.item] = self._item(state, event)
        self.events.append(event)

    def _item(self, state: ItemState, event: Event) -> ItemState:
        if isinstance(event, GateDecision):
            if event.delegation not in self.members:
                raise self.fail(
                    event,
                    N_("%(delegation)r is not a delegation"),
                    delegation=event.delegation,
                )
            gate = state.gates.get(event.step) or GateState(event.step, self.record.delegations)
            gates = {**state.gates, event.step: gate.decide(event)}
            decisions = (*state.decisions, event)
            return replace(state, gates=MappingProxyType(gates), decisions=decisions)
        if isinstance(event, Inspection):
            strangers = sorted(event.delegations - self.members)
            if strangers:
                raise self.fail(
                    event,
                    N_("team members of unknown %(strangers)s"),
                    strangers=strangers,
                )
            return replace(state, inspections=(*state.inspections, event))
        if isinstance(event, Departure):
            return replace(state, departures=(*state.departures, event))
        if isinstance(event, Arrival):
            return replace(state, arrivals=(*state.arrivals, event))
        raise self.fail(event, N_("is not an item event"))

    def _incident(self, event: Incident | IncidentResponse) -> None:
        if isinstance(event, Incident):
            if event.incident in self.incidents:
                raise self.fail(
                    event,
                    N_("incident %(incident)r already exists"),
                    incident=event.incident,
                )
            if event.item and event.item not in self.items:
                raise self.fail(event, N_("%(item)r was never registered"), item=event.item)
            self.incidents[event.incident] = IncidentState(event)
            return
        state = self.incidents.get(event.incident)
        if state is None:
            raise self.fail(event, N_("no incident %(incident)r"), incident=event.incident)
        if state.closed_at is not None:
            raise self.fail(
                event,
                N_("incident %(incident)r is already closed"),
                incident=event.incident,
            )
        self.incidents[event.incident] = replace(state, responses=(*state.responses, event))


@dataclass(frozen=True, slots=True)
class Breach:
    """Something recorded that breaks a rule of the agreement."""

    at: dt.datetime
    item: str
    rule: str
    detail: str


def findings(record: JointRecord, departure_requires: Iterable[str] = ()) -> tuple[Breach, ...]:
    """Rule breaches in the record, in time order.

    Two rules: every inspection team has a member of every delegation (joint teams), and an
    item departs only once every step in ``departure_requires`` is approved.
    """
    required = tuple(departure_requires)
    out: list[Breach] = []
    everyone = frozenset(record.delegations)
    for state in record.items.values():
        for inspection in state.inspections:
            missing = sorted(everyone - inspection.delegations)
            if missing:
                detail = "no inspector from " + ", ".join(missing)
                out.append(Breach(inspection.at, state.item, "joint_team", detail))
        for departure in state.departures:
            for step in required:
                gate = state.gate_at(step, departure.at, record.delegations)
                if gate.status is not GateStatus.APPROVED:
                    detail = f"departed with {step!r} {gate.status.value}"
                    if gate.blocked_by:
                        detail += " by " + ", ".join(b[0] for b in gate.blocked_by)
                    out.append(Breach(departure.at, state.item, "gate", detail))
    return tuple(sorted(out, key=lambda f: (f.at, f.item, f.rule)))


def _days(times: Iterable[dt.datetime | None]) -> npt.NDArray[np.datetime64]:
    values = [None if t is None else t.astimezone(dt.UTC).date() for t in times]
    return np.asarray(values, dtype="datetime64[D]")


def _registration_and_inspection(
    record: JointRecord,
) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.datetime64]]:
    states = list(record.items.values())
    starts = _days(s.registration.at for s in states)
    ends = _days(None if s.first_inspection is None else s.first_inspection.at for s in states)
    return starts, ends


def registration_waits(record: JointRecord) -> FigureTable:
    """Days from registration to first inspection (UTC dates), per registration month."""
    starts, ends = _registration_and_inspection(record)
    return monthly_waits(starts, ends, "registration_to_inspection")


def registration_queue(record: JointRecord, as_of: dt.date) -> FigureTable:
    """Items registered and not yet inspected at the end of each day up to ``as_of``."""
    starts, ends = _registration_and_inspection(record)
    if starts.size == 0:
        return FigureTable("registration_queue", ("date", "queue"), ())
    first = starts.min()
    queue = queue_series(starts, ends, first, np.datetime64(as_of, "D"))
    labels = [str(first + i) for i in range(queue.shape[0])]
    rows = tuple(zip(labels, queue.tolist(), strict=True))
    return FigureTable("registration_queue", ("date", "queue"), rows)


@dataclass(frozen=True, slots=True)
class VisibilityPolicy:
    """What the agreement declares public: event type -> the fields published.

    ``type`` and ``at`` are always kept for a published event type; types not listed are not
    published at all.

    >>> sorted(VisibilityPolicy({"departure": ("item", "port")}).fields("departure"))
    ['at', 'item', 'port', 'type']
    """

    public: Mapping[str, Iterable[str]]

    def __post_init__(self) -> None:
        frozen = {kind: frozenset(names) for kind, names in self.public.items()}
        unknown = sorted(set(frozen) - set(EVENT_TYPES))
        if unknown:
            raise not_one_of(
                N_("visibility policy names unknown event types %(unknown)s"),
                EVENT_TYPES,
                unknown=unknown,
            )
        object.__setattr__(self, "public", MappingProxyType(frozen))

    def fields(self, kind: str) -> frozenset[str]:
        """The fields of events of ``kind`` that are public (empty when none)."""
        names = self.public.get(kind)
        return frozenset() if names is None else frozenset(names) | {"type", "at"}


def public_view(record: JointRecord, policy: VisibilityPolicy) -> tuple[dict[str, Any], ...]:
    """The events as the public sees them: only declared types and fields, in time order."""
    out = []
    for event in record.events:
        keep = policy.fields(event.type)
        if keep:
            out.append({k: v for k, v in event_to_dict(event).items() if k in keep})
    return tuple(out)


def view_for(
    record: JointRecord, viewer: str | None, policy: VisibilityPolicy
) -> tuple[dict[str, Any], ...]:
    """The record as ``viewer`` (an organisation, or ``None`` for the public) may see it.

    Every signatory sees every event in full; anyone else sees :func:`public_view`.
    """
    if viewer is not None and viewer in record.signatories:
        return tuple(event_to_dict(e) for e in record.events)
    return public_view(record, policy)
