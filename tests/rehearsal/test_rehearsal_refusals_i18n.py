"""A rehearsal's refusals (an unknown strategy or behaviour, rounds out of range, a room with no
rounds left or already agreed) are said in the reader's language (they were English only), and
word for word as before in English."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from tests.rehearsal.scenarios import toy

from gobetween import i18n
from gobetween.cli.language import refusal
from gobetween.errors import GobetweenError, ProtocolError, ValidationFailed
from gobetween.rehearsal import Rehearsal
from gobetween.rehearsal.strategies import Room
from gobetween.service.errors import describe


@pytest.fixture(scope="module")
def rehearsal() -> Rehearsal:
    return Rehearsal(toy())


def _refused(
    run: Callable[[], object], error: type[GobetweenError] = ValidationFailed
) -> GobetweenError:
    with pytest.raises(error) as caught:
        run()
    return caught.value


def _room(rehearsal: Rehearsal, rounds: int) -> Room:
    plan = lambda: rehearsal.plan("truthful")  # noqa: E731
    return Room(rehearsal.delegates("truthful"), rehearsal.sizes, rounds, plan=plan)


def test_an_unknown_strategy_is_refused_in_ukrainian(rehearsal: Rehearsal) -> None:
    error = _refused(lambda: rehearsal.run("nash", "truthful", 0))
    assert str(error).startswith(
        "strategy: no mediator strategy called 'nash' (expected one of follow-amendments, "
    )
    with i18n.use_locale("uk"):
        said = describe(error)
    assert said.startswith("strategy: немає стратегії посередника з назвою 'nash'")
    assert "(очікувалося: одне з: follow-amendments, nash-seeking, " in said
    assert "called" not in said
    assert "expected" not in said


def test_an_unknown_behaviour_is_refused_in_ukrainian(rehearsal: Rehearsal) -> None:
    error = _refused(lambda: rehearsal.run("veto", "liar", 0))
    assert str(error).startswith(
        "behaviour: no party behaviour called 'liar' (expected one of truthful, "
    )
    with i18n.use_locale("uk"):
        said = refusal(error)
    assert said.startswith("behaviour: немає поведінки сторони з назвою 'liar'")
    assert "called" not in said


def test_rounds_out_of_range_are_refused_in_ukrainian(rehearsal: Rehearsal) -> None:
    error = _refused(lambda: rehearsal.run("veto", "truthful", 0, rounds=0))
    assert str(error) == "rounds: a run takes 1 to 10000 rounds, not 0 (expected 1 to 10000)"
    with i18n.use_locale("uk"):
        said = describe(error)
    assert said == (
        "rounds: прогін триває від 1 до 10000 раундів, а не 0 (очікувалося: від 1 до 10000)"
    )


def test_a_room_out_of_rounds_or_agreed_refuses_in_ukrainian(rehearsal: Rehearsal) -> None:
    room = _room(rehearsal, 1)
    room.publish((1, 1))
    spent = _refused(lambda: room.publish((0, 0)), ProtocolError)
    assert str(spent) == "no rounds left (limit 1)"
    room = _room(rehearsal, 5)
    room.publish((0, 0))  # x/p, the Nash point: both accept
    assert room.agreement == (0, 0)
    agreed = _refused(lambda: room.publish((0, 0)), ProtocolError)
    assert str(agreed) == "the track has ended in agreement"
    with i18n.use_locale("uk"):
        assert describe(spent) == "раундів не залишилося (ліміт 1)"
        assert describe(agreed) == "напрям уже завершився угодою"
