"""The consultation poll: its rules, what each member sees, and the contract of every protocol."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tests.protocols.conftest import grain_agenda
from tests.protocols.contract import ProtocolContract

from gobetween.errors import ProtocolError
from gobetween.model import Agenda
from gobetween.protocols import poll
from gobetween.protocols.base import ViewRole
from gobetween.protocols.poll import (
    PROTOCOL,
    Answer,
    AnswerStatement,
    ClosePoll,
    PollState,
    PublishResult,
    PutStatement,
    step,
)

T0 = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
PARTIES = ("A", "B", "C")


def opened() -> PollState:
    return PollState.open("The corridor", PARTIES, ("M",))


def run(state: PollState, *actions: Any) -> PollState:
    for i, action in enumerate(actions):
        state, _ = step(state, action, now=T0 + i * HOUR)
    return state


def test_a_statement_agreed_by_every_party_is_published_as_agreed() -> None:
    state = run(
        opened(),
        PutStatement("M", "Include Chornomorsk"),
        *(AnswerStatement(p, 1, Answer.AGREE) for p in PARTIES),
        PublishResult("M", 1),
    )
    assert state.statements[0].agreed is True
    assert poll.party_view(state, "C")["statements"][0]["agreed"] is True


@pytest.mark.parametrize("last", [Answer.DISAGREE, Answer.PASS, None])
def test_one_disagreement_a_pass_or_a_missing_answer_is_not_agreed_by_all(
    last: Answer | None,
) -> None:
    answers = [AnswerStatement("A", 1, Answer.AGREE), AnswerStatement("B", 1, Answer.AGREE)]
    if last is not None:
        answers.append(AnswerStatement("C", 1, last))
    state = run(opened(), PutStatement("M", "s"), *answers, PublishResult("M", 1))
    assert state.statements[0].agreed is False


def test_a_party_may_change_its_answer_until_the_result_is_published() -> None:
    state = run(
        opened(),
        PutStatement("M", "s"),
        AnswerStatement("A", 1, Answer.DISAGREE, "no"),
        AnswerStatement("A", 1, Answer.AGREE, "on reflection, yes"),
    )
    own = poll.party_view(state, "A")["statements"][0]["own"]
    assert (own["answer"], own["comment"]) == ("agree", "on reflection, yes")
    state = run(state, PublishResult("M", 1))
    with pytest.raises(ProtocolError, match="published; it takes no answers"):
        step(state, AnswerStatement("A", 1, Answer.PASS), now=T0)


def test_who_may_do_what() -> None:
    state = run(opened(), PutStatement("M", "s"))
    with pytest.raises(ProtocolError, match="not a mediator"):
        step(state, PutStatement("A", "a party cannot put statements"), now=T0)
    with pytest.raises(ProtocolError, match="not a party"):
        step(state, AnswerStatement("M", 1, Answer.AGREE), now=T0)
    with pytest.raises(ProtocolError, match="no statement 2"):
        step(state, AnswerStatement("A", 2, Answer.AGREE), now=T0)
    with pytest.raises(ProtocolError, match="must not be empty"):
        step(state, PutStatement("M", "   "), now=T0)
    with pytest.raises(ProtocolError, match="agree, disagree or pass"):
        step(state, AnswerStatement("A", 1, "maybe"), now=T0)  # type: ignore[arg-type]
    state = run(state, PublishResult("M", 1))
    with pytest.raises(ProtocolError, match="already published"):
        step(state, PublishResult("M", 1), now=T0)
    state = run(state, ClosePoll("M"))
    with pytest.raises(ProtocolError, match="closed"):
        step(state, PutStatement("M", "late"), now=T0)


def test_a_comment_is_limited_and_kept_verbatim_apart_from_outer_spaces() -> None:
    state = run(opened(), PutStatement("M", "s"))
    with pytest.raises(ProtocolError, match="at most 2000"):
        step(state, AnswerStatement("A", 1, Answer.PASS, "x" * 2001), now=T0)
    state = run(state, AnswerStatement("A", 1, Answer.PASS, "  not our call  "))
    assert poll.party_view(state, "A")["statements"][0]["own"]["comment"] == "not our call"


def test_the_mediators_see_every_answer_and_the_counts_a_party_only_its_own() -> None:
    state = run(
        opened(),
        PutStatement("M", "s"),
        AnswerStatement("A", 1, Answer.AGREE, "fine"),
        AnswerStatement("B", 1, Answer.DISAGREE, "never"),
    )
    seen = poll.mediator_view(state)["statements"][0]
    assert seen["answers"]["B"]["comment"] == "never"
    assert seen["counts"] == {"agree": 1, "disagree": 1, "pass": 0, "unanswered": 1}
    mine = poll.party_view(state, "A")
    text = json.dumps(mine)
    for hidden in ("never", "disagree", "counts", '"B"'):
        assert hidden not in text
    assert PROTOCOL.view(state, ViewRole.OBSERVER) is None
    assert PROTOCOL.view(state, ViewRole.PARTY, "Z") is None


def test_a_subject_of_more_than_200_characters_is_refused() -> None:
    with pytest.raises(ProtocolError, match="at most 200"):
        PROTOCOL.initial(grain_agenda(), PARTIES, ("M",), {"subject": "x" * 201})


class TestPollContract(ProtocolContract):
    """The poll keeps the contract of every registered protocol (tests/protocols/contract)."""

    protocol = PROTOCOL
    parties = PARTIES
    golden = ("poll_log.json", 1)

    def initial(self, agenda: Agenda) -> PollState:
        state: PollState = PROTOCOL.initial(agenda, PARTIES, ("M",), {"subject": "Corridor"})
        return state

    def golden_initial(self, agenda: Agenda, settings: list[dict[str, Any]]) -> PollState:
        state: PollState = PROTOCOL.initial(agenda, ("UA", "RU"), ("UN", "TR"), settings[0])
        return state

    def script(self, agenda: Agenda) -> list[tuple[Any, datetime]]:
        return [
            (PutStatement("M", "Include Chornomorsk"), T0),
            (AnswerStatement("A", 1, Answer.AGREE, "yes"), T0 + HOUR),
            (AnswerStatement("B", 1, Answer.PASS), T0 + 2 * HOUR),
            (PublishResult("M", 1), T0 + 3 * HOUR),
            (ClosePoll("M"), T0 + 4 * HOUR),
        ]

    def worlds(self, agenda: Agenda) -> tuple[str, list[Any], list[Any]]:
        """``A`` disagrees, so the published result is "not agreed" either way; ``B`` and ``C``
        answer differently, with other comments, at other times, or not at all."""
        put = (PutStatement("M", "Include Chornomorsk"), T0)
        mine = (AnswerStatement("A", 1, Answer.DISAGREE, "no"), T0 + HOUR)
        publish = (PublishResult("M", 1), T0 + 5 * HOUR)
        return (
            "A",
            [
                put,
                (AnswerStatement("B", 1, Answer.AGREE, "gladly"), T0 + 30 * timedelta(minutes=1)),
                mine,
                (AnswerStatement("C", 1, Answer.AGREE), T0 + 2 * HOUR),
                (AnswerStatement("C", 1, Answer.DISAGREE, "changed"), T0 + 3 * HOUR),
                publish,
            ],
            [put, mine, (AnswerStatement("B", 1, Answer.PASS), T0 + 4 * HOUR), publish],
        )
