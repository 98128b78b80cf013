"""The event union: validation and the wire form with an explicit ``type``."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gobetween.errors import InvalidModel, ValidationFailed
from gobetween.monitoring.events import (
    EVENT_TYPES,
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
    event_from_dict,
    event_to_dict,
)

UTC = dt.UTC
AT = dt.datetime(2022, 10, 3, 9, 30, tzinfo=UTC)
TEAM = tuple(TeamMember(d, f"inspector {i}") for i, d in enumerate(["UA", "RU", "TR", "UN"]))

texts = st.text(min_size=1, max_size=10).filter(lambda s: s.strip())
times = st.datetimes(
    dt.datetime(2022, 7, 22),
    dt.datetime(2023, 7, 17),
    timezones=st.sampled_from([UTC, dt.timezone(dt.timedelta(hours=3))]),
)
teams = st.lists(st.builds(TeamMember, texts, texts), min_size=1, max_size=4).map(tuple)
events: st.SearchStrategy[Event] = st.one_of(
    st.builds(Registration, times, texts, texts, st.text(max_size=10)),
    st.builds(
        GateDecision, times, texts, texts, texts, st.just(Verdict.APPROVE), st.text(max_size=5)
    ),
    st.builds(GateDecision, times, texts, texts, texts, st.just(Verdict.BLOCK), texts),
    st.builds(Inspection, times, texts, teams, st.just(InspectionResult.PASSED)),
    st.builds(
        Inspection, times, texts, teams, st.sampled_from(list(InspectionResult)[1:]), texts, texts
    ),
    st.builds(Departure, times, texts, texts),
    st.builds(Arrival, times, texts, texts),
    st.builds(Incident, times, texts, texts, texts, st.text(max_size=5)),
    st.builds(IncidentResponse, times, texts, texts, texts, st.booleans()),
)


@given(events)
def test_wire_form_round_trips_through_json(event: Event) -> None:
    data = json.loads(json.dumps(event_to_dict(event)))
    assert data["type"] == event.type
    assert event_from_dict(data) == event


def test_every_class_has_a_distinct_type_tag() -> None:
    assert sorted(EVENT_TYPES) == [
        "arrival",
        "decision",
        "departure",
        "incident",
        "inspection",
        "registration",
        "response",
    ]


@pytest.mark.parametrize(
    ("build", "fragment"),
    [
        (lambda: Registration(dt.datetime(2022, 8, 1), "v1", "UA"), "timezone"),
        (lambda: Registration(AT, " ", "UA"), "item"),
        (lambda: GateDecision(AT, "v1", "registration", "RU", Verdict.BLOCK), "without a reason"),
        (lambda: GateDecision(AT, "v1", "registration", "RU", "maybe"), "verdict"),  # type: ignore[arg-type]
        (lambda: Inspection(AT, "v1", TEAM, InspectionResult.FAILED), "without a reason"),
        (lambda: Inspection(AT, "v1", (), InspectionResult.PASSED), "no team"),
        (lambda: TeamMember("UN", ""), "inspector"),
        (lambda: Departure(AT, "v1", ""), "port"),
        (lambda: Incident(AT, "i1", "UA", ""), "description"),
        (lambda: IncidentResponse(AT, "i1", "", "acted"), "responder"),
    ],
)
def test_invalid_events(build: Any, fragment: str) -> None:
    with pytest.raises(InvalidModel, match=fragment):
        build()


def _wire() -> dict[str, Any]:
    return event_to_dict(Inspection(AT, "v1", TEAM, InspectionResult.FAILED, "undeclared cargo"))


@pytest.mark.parametrize(
    ("change", "location"),
    [
        ({"type": "teleport"}, "type"),
        ({"type": None}, "type"),
        ({"colour": "red"}, "colour"),
        ({"at": "yesterday"}, "at"),
        ({"at": 5}, "at"),
        ({"at": "2022-10-03T09:30:00"}, "at"),
        ({"team": "everyone"}, "team"),
        ({"team": [{"delegation": "UN"}]}, "team[0]"),
        ({"result": "lost"}, "result"),
        ({"item": 7}, "item"),
    ],
)
def test_malformed_wire_forms_name_the_field(change: dict[str, Any], location: str) -> None:
    data = {**_wire(), **change}
    with pytest.raises(ValidationFailed) as info:
        event_from_dict(data)
    assert info.value.location == location


def test_missing_field_is_reported() -> None:
    data = _wire()
    del data["item"]
    with pytest.raises(ValidationFailed, match="item"):
        event_from_dict(data)


def test_response_closes_must_be_boolean() -> None:
    data = event_to_dict(IncidentResponse(AT, "i1", "UN", "escorted", closes=True))
    assert event_from_dict(data) == IncidentResponse(AT, "i1", "UN", "escorted", closes=True)
    with pytest.raises(ValidationFailed, match="closes"):
        event_from_dict({**data, "closes": "yes"})


def test_inspection_delegations() -> None:
    assert Inspection(AT, "v1", TEAM, InspectionResult.PASSED).delegations == {
        "UA",
        "RU",
        "TR",
        "UN",
    }
