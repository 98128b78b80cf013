"""The joint record: fold and replay, consensus gates, findings, visibility, record figures."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gobetween.errors import InvalidModel, ProtocolError
from gobetween.monitoring.bsgi import BSGI_DELEGATIONS, JCC_PUBLIC_POLICY
from gobetween.monitoring.events import (
    Arrival,
    Departure,
    Event,
    GateDecision,
    Incident,
    IncidentResponse,
    Inspection,
    InspectionResult,
    Registration,
    TeamMember,
    Verdict,
    event_to_dict,
)
from gobetween.monitoring.record import (
    GateStatus,
    JointRecord,
    VisibilityPolicy,
    findings,
    public_view,
    registration_queue,
    registration_waits,
    view_for,
)

UA, RU, TR, UN = BSGI_DELEGATIONS
JOINT = tuple(TeamMember(d, f"{d} inspector") for d in BSGI_DELEGATIONS)


def at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2023, 5, day, hour, tzinfo=dt.UTC)


def decide(
    day: int,
    hour: int,
    delegation: str,
    verdict: Verdict,
    step: str = "registration",
    item: str = "voyage-900",
) -> GateDecision:
    reason = "" if verdict is Verdict.APPROVE else "obligations of the memorandum unmet"
    return GateDecision(at(day, hour), item, step, delegation, verdict, reason)


def story() -> list[Event]:
    return [
        Registration(at(1, 8), "voyage-900", UA, "bulk carrier, 30,000 t wheat"),
        decide(1, 9, UA, Verdict.APPROVE),
        decide(1, 10, TR, Verdict.APPROVE),
        decide(1, 11, UN, Verdict.APPROVE),
        decide(1, 12, RU, Verdict.BLOCK),
        decide(9, 12, RU, Verdict.APPROVE),
        Inspection(at(10), "voyage-900", JOINT, InspectionResult.PASSED, location="Istanbul"),
        Departure(at(11), "voyage-900", "Odesa"),
        Incident(at(12), "inc-1", UN, "drifting mine sighted", item="voyage-900"),
        IncidentResponse(at(12, 15), "inc-1", TR, "navy cleared the mine", closes=True),
        Arrival(at(14), "voyage-900", "Istanbul"),
    ]


def test_gate_shows_who_blocked_and_since_when() -> None:
    record = JointRecord.replay(BSGI_DELEGATIONS, story()[:5])
    gate = record.items["voyage-900"].gates["registration"]
    assert gate.status is GateStatus.BLOCKED
    assert gate.blocked_by == (
        (RU, "2023-05-01T12:00:00+00:00", "obligations of the memorandum unmet"),
    )
    assert gate.approved_at is None
    pending = (
        JointRecord.replay(BSGI_DELEGATIONS, story()[:3]).items["voyage-900"].gates["registration"]
    )
    assert pending.status is GateStatus.PENDING
    assert pending.waiting_for == (RU, UN)


def test_gate_opens_when_the_last_delegation_approves() -> None:
    record = JointRecord.replay(BSGI_DELEGATIONS, story())
    gate = record.items["voyage-900"].gates["registration"]
    assert gate.status is GateStatus.APPROVED
    assert gate.approved_at == at(9, 12)
    assert gate.blocked_by == ()
    assert record.incidents["inc-1"].closed_at == at(12, 15)
    state = record.items["voyage-900"]
    assert (len(state.inspections), len(state.departures), len(state.arrivals)) == (1, 1, 1)


def test_a_later_block_closes_an_open_gate() -> None:
    events = [*story()[:6], decide(9, 13, UA, Verdict.BLOCK)]
    gate = JointRecord.replay(BSGI_DELEGATIONS, events).items["voyage-900"].gates["registration"]
    assert gate.status is GateStatus.BLOCKED
    assert gate.approved_at is None


def test_replay_equals_applying_one_by_one_and_rebuilds_from_its_events() -> None:
    events = story()
    record = JointRecord(BSGI_DELEGATIONS)
    for event in events:
        before = record
        record = record.apply(event)
        assert len(before.events) == len(record.events) - 1  # apply is pure
    replayed = JointRecord.replay(BSGI_DELEGATIONS, events)
    assert replayed == record
    assert JointRecord.replay(BSGI_DELEGATIONS, replayed.events) == replayed


@pytest.mark.parametrize(
    ("events", "fragment"),
    [
        ([Departure(at(1), "ghost", "Odesa")], "never registered"),
        ([Registration(at(2), "a", UA), Registration(at(1), "b", UA)], "earlier than"),
        ([Registration(at(1), "a", UA), Registration(at(1), "a", UA)], "already registered"),
        (
            [
                Registration(at(1), "a", UA),
                GateDecision(at(1), "a", "registration", "Moldova", Verdict.APPROVE),
            ],
            "not a delegation",
        ),
        (
            [
                Registration(at(1), "a", UA),
                Inspection(at(2), "a", (TeamMember("Atlantis", "x"),), InspectionResult.PASSED),
            ],
            "unknown",
        ),
        ([IncidentResponse(at(1), "inc-9", UN, "looked")], "no incident"),
        ([Incident(at(1), "i", UN, "x"), Incident(at(1), "i", UN, "y")], "already exists"),
        ([Incident(at(1), "i", UN, "x", item="ghost")], "never registered"),
        (
            [
                Incident(at(1), "i", UN, "x"),
                IncidentResponse(at(1), "i", TR, "done", closes=True),
                IncidentResponse(at(2), "i", TR, "again"),
            ],
            "already closed",
        ),
    ],
)
def test_events_that_cannot_be_placed(events: list[Event], fragment: str) -> None:
    with pytest.raises(ProtocolError, match=fragment):
        JointRecord.replay(BSGI_DELEGATIONS, events)


def test_delegations_must_be_distinct() -> None:
    with pytest.raises(InvalidModel):
        JointRecord(("UA", "UA"))
    with pytest.raises(InvalidModel):
        JointRecord(())


def test_findings_joint_team_and_gate_at_departure() -> None:
    events = [
        Registration(at(1), "v", UA),
        decide(1, 10, UA, Verdict.APPROVE, "departure_plan", "v"),
        Inspection(at(2), "v", JOINT[:3], InspectionResult.PASSED),
        Departure(at(3), "v", "Odesa"),
    ]
    record = JointRecord.replay(BSGI_DELEGATIONS, events)
    found = findings(record, departure_requires=("departure_plan",))
    assert [(f.rule, f.detail) for f in found] == [
        ("joint_team", "no inspector from United Nations"),
        ("gate", "departed with 'departure_plan' pending"),
    ]
    clean = JointRecord.replay(BSGI_DELEGATIONS, story())
    assert findings(clean, departure_requires=("registration",)) == ()


def test_a_block_after_departure_does_not_make_the_departure_a_breach() -> None:
    events = [*story()[:8], decide(11, 12, RU, Verdict.BLOCK)]
    record = JointRecord.replay(BSGI_DELEGATIONS, events)
    assert findings(record, departure_requires=("registration",)) == ()
    blocked = [*story()[:5], Departure(at(2), "voyage-900", "Odesa")]
    (finding,) = findings(JointRecord.replay(BSGI_DELEGATIONS, blocked), ("registration",))
    assert finding.detail == "departed with 'registration' blocked by Russian Federation"


def test_public_view_keeps_only_declared_fields() -> None:
    record = JointRecord.replay(BSGI_DELEGATIONS, story())
    public = public_view(record, JCC_PUBLIC_POLICY)
    assert [e["type"] for e in public] == ["registration", "inspection", "departure", "arrival"]
    inspection = public[1]
    assert set(inspection) == {"type", "at", "item", "result", "location"}
    assert "team" not in inspection
    text = repr(public)
    assert "memorandum" not in text
    assert "mine" not in text


def test_signatories_see_everything_others_the_public_view() -> None:
    record = JointRecord.replay(BSGI_DELEGATIONS, story())
    full = view_for(record, RU, JCC_PUBLIC_POLICY)
    assert full == tuple(event_to_dict(e) for e in record.events)
    assert view_for(record, "a journalist", JCC_PUBLIC_POLICY) == public_view(
        record, JCC_PUBLIC_POLICY
    )
    assert view_for(record, None, JCC_PUBLIC_POLICY) == public_view(record, JCC_PUBLIC_POLICY)
    observers = JointRecord.replay(BSGI_DELEGATIONS, story(), signatories=(UA, RU))
    assert view_for(observers, TR, JCC_PUBLIC_POLICY) == public_view(observers, JCC_PUBLIC_POLICY)


def test_policy_rejects_unknown_event_types() -> None:
    with pytest.raises(InvalidModel, match="unknown event types"):
        VisibilityPolicy({"voyage": ("item",)})
    assert VisibilityPolicy({}).fields("departure") == frozenset()


def test_registration_waits_and_queue() -> None:
    events: list[Event] = [
        Registration(at(1), "a", UA),
        Registration(at(2), "b", UA),
        Inspection(at(4), "a", JOINT, InspectionResult.PASSED),
    ]
    record = JointRecord.replay(BSGI_DELEGATIONS, events)
    assert registration_waits(record).rows == (("2023-05", 1, 1, 3.0, 3.0, 3.0),)
    queue = registration_queue(record, dt.date(2023, 5, 5))
    assert queue.rows == (
        ("2023-05-01", 1),
        ("2023-05-02", 2),
        ("2023-05-03", 2),
        ("2023-05-04", 1),
        ("2023-05-05", 1),
    )
    assert registration_queue(JointRecord(BSGI_DELEGATIONS), dt.date(2023, 5, 5)).rows == ()


@given(st.permutations(range(4)), st.sampled_from(range(4)))
def test_gate_is_approved_iff_every_latest_decision_approves(
    order: list[int], blocker: int
) -> None:
    events: list[Event] = [Registration(at(1, 0), "v", UA)]
    for hour, i in enumerate(order, start=1):
        verdict = Verdict.BLOCK if i == blocker else Verdict.APPROVE
        events.append(decide(1, hour, BSGI_DELEGATIONS[i], verdict, item="v"))
    gate = JointRecord.replay(BSGI_DELEGATIONS, events).items["v"].gates["registration"]
    assert gate.status is GateStatus.BLOCKED
    assert [b[0] for b in gate.blocked_by] == [BSGI_DELEGATIONS[blocker]]
    lift = GateDecision(at(1, 6), "v", "registration", BSGI_DELEGATIONS[blocker], Verdict.APPROVE)
    opened = JointRecord.replay(BSGI_DELEGATIONS, [*events, lift]).items["v"].gates["registration"]
    assert opened.status is GateStatus.APPROVED
    assert opened.approved_at == at(1, 6)
