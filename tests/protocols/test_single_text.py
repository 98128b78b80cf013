"""The single negotiating text: rules, deadlines, views, wire form and replay."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from tests.protocols.contract import ProtocolContract

from gobetween.errors import ProtocolError, ValidationFailed
from gobetween.model import Agenda, Issue
from gobetween.protocols.single_text import (
    Answer,
    AnswerGiven,
    AnswerKind,
    CloseTrack,
    ExtendDeadline,
    PublishText,
    SingleTextState,
    TrackReady,
    TrackStatus,
    WithdrawAnswer,
    event_from_dict,
    replay,
    step,
)
from gobetween.protocols.single_text_views import PROTOCOL as SINGLE_TEXT
from gobetween.protocols.single_text_views import diff_versions, mediator_view, party_view

T0 = datetime(2022, 7, 1, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
ACCEPT, REJECT, AMEND = AnswerKind.ACCEPT, AnswerKind.REJECT, AnswerKind.AMEND


def opened(agenda: Agenda, parties: tuple[str, ...] = ("A", "B")) -> SingleTextState:
    return SingleTextState.open(agenda, parties, ("UN", "TR"))


def published(agenda: Agenda, deadline: datetime | None = None) -> SingleTextState:
    package = agenda.package({"ports": "Odesa", "term": "120", "inspections": "Istanbul"})
    state, _ = step(
        opened(agenda),
        PublishText("UN", package, {"ports": "Vessels may leave Odesa."}, "v1", deadline),
        now=T0,
    )
    return state


def test_publish_numbers_versions_and_awaits_answers(agenda: Agenda) -> None:
    state = published(agenda)
    assert state.status is TrackStatus.AWAITING_ANSWERS
    assert state.current is not None
    assert state.current.number == 1
    assert state.current.published_by == "UN"
    state, events = step(state, PublishText("TR", state.current.package), now=T0 + HOUR)
    assert [v.number for v in state.versions] == [1, 2]
    assert events[0].type == "text_published"


@pytest.mark.parametrize("who", ["A", "nobody"])
def test_only_mediators_publish(agenda: Agenda, who: str) -> None:
    package = agenda.package({"ports": "Odesa", "term": "60", "inspections": "at sea"})
    with pytest.raises(ProtocolError, match="not a mediator"):
        step(opened(agenda), PublishText(who, package), now=T0)


def test_stale_draft_is_refused(agenda: Agenda) -> None:
    state = published(agenda)
    assert state.current is not None
    with pytest.raises(ProtocolError, match="next version is 2, not 1"):
        step(state, PublishText("UN", state.current.package, expected_number=1), now=T0)
    state, _ = step(state, PublishText("UN", state.current.package, expected_number=2), now=T0)
    assert len(state.versions) == 2


def test_package_of_another_agenda_is_refused(agenda: Agenda) -> None:
    other = Agenda((Issue.discrete("ports", ["Odesa"]),))
    with pytest.raises(ProtocolError, match="this track's agenda"):
        step(opened(agenda), PublishText("UN", other.package({"ports": "Odesa"})), now=T0)


def test_clause_for_unknown_issue_is_refused(agenda: Agenda) -> None:
    package = agenda.package({"ports": "Odesa", "term": "60", "inspections": "at sea"})
    with pytest.raises(ProtocolError, match="not on the agenda"):
        step(opened(agenda), PublishText("UN", package, {"tolls": "none"}), now=T0)


def test_naive_time_is_refused(agenda: Agenda) -> None:
    with pytest.raises(ProtocolError, match="aware datetime"):
        step(published(agenda), Answer("A", 1, ACCEPT), now=datetime(2022, 7, 1))


def test_every_party_accepting_makes_the_track_ready(agenda: Agenda) -> None:
    state, events = step(published(agenda), Answer("A", 1, ACCEPT), now=T0 + HOUR)
    assert state.status is TrackStatus.AWAITING_ANSWERS
    assert [type(e) for e in events] == [AnswerGiven]
    state, events = step(state, Answer("B", 1, ACCEPT), now=T0 + 2 * HOUR)
    assert state.status is TrackStatus.READY_FOR_AGREEMENT
    assert events[-1] == TrackReady(1, T0 + 2 * HOUR)
    with pytest.raises(ProtocolError, match="ready for agreement"):
        step(state, Answer("A", 1, REJECT, ("changed my mind",)), now=T0 + 3 * HOUR)
    assert state.current is not None
    with pytest.raises(ProtocolError, match="ready for agreement"):
        step(state, PublishText("UN", state.current.package), now=T0 + 3 * HOUR)


def test_a_party_may_change_and_withdraw_its_answer(agenda: Agenda) -> None:
    state, _ = step(published(agenda), Answer("A", 1, REJECT, ("too few ports",)), now=T0)
    state, _ = step(state, Answer("A", 1, AMEND, (), {"ports": "three ports"}), now=T0 + HOUR)
    assert state.answers_to(1)["A"].kind is AMEND
    assert dict(state.answers_to(1)["A"].amendments) == {"ports": "three ports"}
    state, _ = step(state, WithdrawAnswer("A", 1), now=T0 + 2 * HOUR)
    assert "A" not in state.answers_to(1)
    with pytest.raises(ProtocolError, match="no answer to version 1 to withdraw"):
        step(state, WithdrawAnswer("A", 1), now=T0 + 2 * HOUR)


def test_new_version_supersedes_answers(agenda: Agenda) -> None:
    state, _ = step(published(agenda), Answer("A", 1, ACCEPT), now=T0)
    assert state.current is not None
    state, _ = step(state, PublishText("UN", state.current.package), now=T0 + HOUR)
    assert mediator_view(state).accepted == ()
    assert mediator_view(state).pending == ("A", "B")
    with pytest.raises(ProtocolError, match=r"only the current version \(2\)"):
        step(state, Answer("B", 1, ACCEPT), now=T0 + HOUR)
    state, _ = step(state, Answer("B", 2, ACCEPT), now=T0 + HOUR)
    assert state.status is TrackStatus.AWAITING_ANSWERS  # A's acceptance of v1 does not count


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (Answer("C", 1, ACCEPT), "not a party"),
        (Answer("UN", 1, ACCEPT), "not a party"),
        (Answer("A", 2, ACCEPT), "only the current version"),
        (Answer("A", 1, REJECT), "at least one reason"),
        (Answer("A", 1, REJECT, ("  ",)), "must not be empty"),
        (Answer("A", 1, AMEND, ("more ports",)), "at least one amendment"),
        (Answer("A", 1, ACCEPT, (), {"ports": "three ports"}), "cannot request amendments"),
        (Answer("A", 1, AMEND, (), {"ports": "Odesa"}), "already says"),
        (Answer("A", 1, AMEND, (), {"tolls": "none"}), "not on the agenda"),
        (Answer("A", 1, AMEND, (), {"ports": "Mykolaiv"}), "which has only"),
        (Answer("A", True, ACCEPT), "only the current version"),  # type: ignore[arg-type]
    ],
)
def test_invalid_answers_are_refused(agenda: Agenda, answer: Answer, message: str) -> None:
    state = published(agenda)
    with pytest.raises(ProtocolError, match=message):
        step(state, answer, now=T0)


def test_answer_before_any_text_is_refused(agenda: Agenda) -> None:
    with pytest.raises(ProtocolError, match="no text has been published yet"):
        step(opened(agenda), Answer("A", 1, ACCEPT), now=T0)


def test_deadline_is_inclusive_and_can_be_extended(agenda: Agenda) -> None:
    deadline = T0 + 24 * HOUR
    state = published(agenda, deadline)
    step(state, Answer("A", 1, ACCEPT), now=deadline)  # at the deadline: accepted
    late = deadline + timedelta(microseconds=1)
    with pytest.raises(ProtocolError, match="deadline for answers to version 1 passed"):
        step(state, Answer("A", 1, ACCEPT), now=late)
    with pytest.raises(ProtocolError, match="deadline for answers"):
        step(state, WithdrawAnswer("A", 1), now=late)
    with pytest.raises(ProtocolError, match="not after now"):
        step(state, ExtendDeadline("UN", 1, late), now=late)
    with pytest.raises(ProtocolError, match="not a mediator"):
        step(state, ExtendDeadline("A", 1, late + HOUR), now=late)
    state, _ = step(state, ExtendDeadline("UN", 1, late + HOUR), now=late)
    state, _ = step(state, Answer("A", 1, ACCEPT), now=late)
    assert state.answers_to(1)["A"].at == late


def test_deadline_in_other_time_zone_is_compared_as_an_instant(agenda: Agenda) -> None:
    kyiv_summer = timezone(timedelta(hours=3))
    deadline = datetime(2022, 7, 2, 12, 0, tzinfo=kyiv_summer)  # 09:00 UTC
    state = published(agenda, deadline)
    step(state, Answer("A", 1, ACCEPT), now=datetime(2022, 7, 2, 9, 0, tzinfo=UTC))
    with pytest.raises(ProtocolError, match="passed"):
        step(state, Answer("A", 1, ACCEPT), now=datetime(2022, 7, 2, 9, 1, tzinfo=UTC))
    assert state.current is not None
    assert state.current.deadline == deadline
    assert state.current.deadline.tzinfo == UTC


def test_deadline_must_lie_ahead(agenda: Agenda) -> None:
    package = agenda.package({"ports": "Odesa", "term": "60", "inspections": "at sea"})
    with pytest.raises(ProtocolError, match="not after now"):
        step(opened(agenda), PublishText("UN", package, deadline=T0), now=T0)


def test_closed_track_refuses_everything(agenda: Agenda) -> None:
    state, _ = step(published(agenda), CloseTrack("TR", "talks suspended"), now=T0)
    assert state.status is TrackStatus.CLOSED
    for action in (
        Answer("A", 1, ACCEPT),
        CloseTrack("UN"),
        PublishText("UN", state.versions[0].package),
    ):
        with pytest.raises(ProtocolError, match="closed \\(talks suspended\\)"):
            step(state, action, now=T0)
    with pytest.raises(ProtocolError, match="not a mediator"):
        step(published(agenda), CloseTrack("A"), now=T0)


def test_open_checks_members(agenda: Agenda) -> None:
    with pytest.raises(ProtocolError, match="distinct"):
        SingleTextState.open(agenda, ("A", "A"), ("UN",))
    with pytest.raises(ProtocolError, match="both party and mediator"):
        SingleTextState.open(agenda, ("A", "UN"), ("UN",))
    with pytest.raises(ProtocolError, match="at least one party"):
        SingleTextState.open(agenda, (), ("UN",))


def test_party_view_shows_texts_and_only_own_answers(agenda: Agenda) -> None:
    state, _ = step(published(agenda), Answer("A", 1, REJECT, ("secret of A",)), now=T0)
    state, _ = step(state, Answer("B", 1, AMEND, ("secret of B",), {"term": "60"}), now=T0)
    view_a = party_view(state, "A")
    assert [v.number for v in view_a.versions] == [1]
    assert list(view_a.own_answers) == [1]
    text = json.dumps(view_a.to_dict())
    assert "secret of A" in text
    assert "secret of B" not in text
    assert '"60"' not in text  # B's amendment
    with pytest.raises(ProtocolError, match="not a party"):
        party_view(state, "UN")


def test_mediator_view_sorts_answers(agenda: Agenda) -> None:
    state = SingleTextState.open(agenda, ("A", "B", "C"), ("UN",))
    package = agenda.package({"ports": "Odesa", "term": "60", "inspections": "at sea"})
    state, _ = step(state, PublishText("UN", package), now=T0)
    state, _ = step(state, Answer("A", 1, ACCEPT), now=T0)
    state, _ = step(state, Answer("C", 1, AMEND, (), {"term": "180"}), now=T0)
    view = mediator_view(state)
    assert (view.accepted, view.rejected, view.amend_requested, view.pending) == (
        ("A",),
        (),
        ("C",),
        ("B",),
    )
    assert json.loads(json.dumps(view.to_dict()))["answers"]["1"]["C"]["amendments"] == {
        "term": "180"
    }


def test_diff_versions_names_changed_options_and_clauses(agenda: Agenda) -> None:
    state = published(agenda)
    assert state.current is not None
    v1 = state.current
    package = v1.package.replace(term="180")
    state, _ = step(
        state, PublishText("UN", package, {"ports": "Vessels may leave Odesa."}), now=T0
    )
    assert [c.issue for c in diff_versions(v1, state.versions[1])] == ["term"]
    state, _ = step(state, PublishText("UN", package, {"inspections": "In Istanbul."}), now=T0)
    changes = diff_versions(state.versions[1], state.versions[2])
    assert [(c.issue, c.option_changed, c.clause_changed) for c in changes] == [
        ("ports", False, True),
        ("inspections", False, True),
    ]
    assert diff_versions(v1, v1) == ()


def test_events_round_trip_through_json(agenda: Agenda) -> None:
    state = published(agenda, T0 + 48 * HOUR)
    state, _ = step(state, Answer("A", 1, AMEND, ("why",), {"ports": "three ports"}), now=T0)
    state, _ = step(state, WithdrawAnswer("A", 1), now=T0)
    state, _ = step(state, ExtendDeadline("UN", 1, None), now=T0)
    state, _ = step(state, Answer("A", 1, ACCEPT), now=T0)
    state, _ = step(state, Answer("B", 1, ACCEPT), now=T0)
    state, _ = step(state, CloseTrack("UN", "signed"), now=T0)
    wire = json.loads(json.dumps([e.to_dict() for e in state.log]))
    assert [d["type"] for d in wire] == [
        "text_published",
        "answer_given",
        "answer_withdrawn",
        "deadline_extended",
        "answer_given",
        "answer_given",
        "track_ready",
        "track_closed",
    ]
    assert [event_from_dict(d, agenda) for d in wire] == list(state.log)
    assert replay(opened(agenda), wire) == state


@pytest.mark.parametrize(
    ("data", "location"),
    [
        ({"type": "TextPublished"}, "type"),
        ({"version": 1}, "type"),
        ({"type": "track_ready", "version": "1", "at": "2022-07-01T00:00:00+00:00"}, "version"),
        ({"type": "track_ready", "version": True, "at": "2022-07-01T00:00:00+00:00"}, "version"),
        ({"type": "track_ready", "version": 1, "at": "2022-07-01T00:00:00"}, "at"),
        ({"type": "track_ready", "version": 1, "at": "yesterday"}, "at"),
        ({"type": "track_closed", "mediator": "UN", "at": "2022-07-01T00:00:00Z"}, "reason"),
    ],
)
def test_malformed_stored_events_are_located(
    agenda: Agenda, data: dict[str, object], location: str
) -> None:
    with pytest.raises(ValidationFailed) as info:
        event_from_dict(data, agenda)
    assert info.value.location == location


def test_stored_package_that_no_longer_fits_is_refused(agenda: Agenda) -> None:
    event = published(agenda).log[0].to_dict()
    event["package"]["ports"] = "Mykolaiv"
    with pytest.raises(ValidationFailed, match="does not fit the agenda"):
        event_from_dict(event, agenda)


def test_replay_refuses_out_of_order_versions(agenda: Agenda) -> None:
    wire = [e.to_dict() for e in published(agenda).log]
    wire[0]["version"] = 2
    with pytest.raises(ProtocolError, match="does not follow version 0"):
        replay(opened(agenda), wire)


def test_stored_clause_or_amendment_off_the_agenda_is_refused(agenda: Agenda) -> None:
    state, _ = step(published(agenda), Answer("A", 1, AMEND, (), {"term": "60"}), now=T0)
    published_event, answer_event = (e.to_dict() for e in state.log)
    published_event["clauses"] = {"tolls": "none"}
    with pytest.raises(ValidationFailed) as info:
        event_from_dict(published_event, agenda)
    assert info.value.location == "clauses"
    answer_event["amendments"] = {"term": "90"}
    with pytest.raises(ValidationFailed) as info:
        event_from_dict(answer_event, agenda)
    assert info.value.location == "amendments"


def test_an_object_that_is_no_action_is_refused(agenda: Agenda) -> None:
    with pytest.raises(ProtocolError, match="str is not a single-text action"):
        step(published(agenda), "accept", now=T0)  # type: ignore[arg-type]


def test_party_view_says_when_it_can_answer(agenda: Agenda) -> None:
    deadline = T0 + HOUR
    view = party_view(published(agenda, deadline), "A")
    assert view.deadline == deadline
    assert view.can_answer(deadline)
    assert not view.can_answer(deadline + timedelta(seconds=1))
    ready = party_view(step(published(agenda), Answer("A", 1, ACCEPT), now=T0)[0], "B")
    assert ready.can_answer(T0)
    assert not party_view(opened(agenda), "A").can_answer(T0)


@pytest.mark.parametrize(
    ("number", "message"), [(0, "no version 0"), (2, "no version 2"), ("1", "int")]
)
def test_version_lookup(agenda: Agenda, number: object, message: str) -> None:
    state = published(agenda)
    assert state.version(1) is state.current
    with pytest.raises(ProtocolError, match=message):
        state.version(number)  # type: ignore[arg-type]


# -- the protocol contract -----------------------------------------------------------------------


class TestSingleTextContract(ProtocolContract):
    """The single text keeps the contract of every registered protocol
    (tests/protocols/contract.py)."""

    protocol = SINGLE_TEXT
    parties = ("A", "B")
    golden = ("single_text_log.json", 0)

    def initial(self, agenda: Agenda) -> SingleTextState:
        state: SingleTextState = SINGLE_TEXT.initial(agenda, self.parties, ("M",), {})
        return state

    def golden_initial(self, agenda: Agenda, settings: list[dict[str, Any]]) -> SingleTextState:
        return SingleTextState.open(agenda, ("RU", "UA"), ("UN", "TR"))

    def script(self, agenda: Agenda) -> list[tuple[Any, datetime]]:
        first = agenda.package({"ports": "Odesa", "term": "60", "inspections": "Istanbul"})
        second = agenda.package({"ports": "three ports", "term": "120", "inspections": "Istanbul"})
        hour = timedelta(hours=1)
        return [
            (PublishText("M", first, deadline=T0 + 48 * hour), T0),
            (Answer("A", 1, AnswerKind.AMEND, (), {"ports": "three ports"}), T0 + hour),
            (Answer("B", 1, AnswerKind.REJECT, ("too long",)), T0 + 2 * hour),
            (WithdrawAnswer("B", 1), T0 + 3 * hour),
            (ExtendDeadline("M", 1, T0 + 72 * hour), T0 + 4 * hour),
            (PublishText("M", second, note="ports widened"), T0 + 5 * hour),
            (Answer("A", 2, AnswerKind.ACCEPT), T0 + 6 * hour),
            (Answer("B", 2, AnswerKind.ACCEPT), T0 + 7 * hour),
            (CloseTrack("M", "agreement signed"), T0 + 8 * hour),
        ]

    def worlds(self, agenda: Agenda) -> tuple[str, list[Any], list[Any]]:
        text = agenda.package({"ports": "Odesa", "term": "60", "inspections": "Istanbul"})
        publish = (PublishText("M", text), T0)
        answer = (Answer("B", 1, AnswerKind.REJECT, ("too little",)), T0 + timedelta(hours=1))
        return "A", [publish, answer], [publish]
