"""The rehearsal's shortcuts give what the plain computation gives: the climb's moves found
from the text before, the two-party dominance check by binary search, one sum per additive
score, the answers kept per text, and the runs' random streams."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from tests.rehearsal.scenarios import several, toy

from gobetween.model import Scenario
from gobetween.rehearsal import BEHAVIOURS, Rehearsal, strategies
from gobetween.rehearsal.run import _dominated_by, _SortedFront
from gobetween.rehearsal.strategies import (
    Climber,
    _bits,
    climb_masks,
    climb_step,
    improving_moves_vectorised,
)


def _scenarios() -> list[Scenario]:
    return several()


def test_every_text_the_climb_remembers_has_the_moves_of_the_full_pass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After a move the climb finds the moves every party prefers from those at the text before
    (additive tables: only the changed issue's part is replaced); every text it remembers,
    reached either way, has the moves the vectorised pass finds, and the bit set and whether
    the text crosses no red line are those computed from scratch."""
    steps = []

    def counted(*args: Any) -> int:
        steps.append(1)
        return climb_step(*args)

    monkeypatch.setattr(strategies, "climb_step", counted)
    remembered = 0
    for scenario in _scenarios():
        rehearsal = Rehearsal(scenario)
        for behaviour_name in BEHAVIOURS:
            for seed in range(200):
                rehearsal.run("hill-climbing", behaviour_name, seed)
            delegates = rehearsal.delegates(behaviour_name)
            climber = Climber.of(tuple(d.table for d in delegates))
            for text, (found, clean) in rehearsal._climbs[behaviour_name].items():
                remembered += 1
                assert _bits(found) == improving_moves_vectorised(delegates, text)
                if climber.additive:
                    assert climb_masks(climber, text) == (found, clean)
    assert remembered > 500
    assert len(steps) > 50  # texts reached by a move, their bit sets from the text before


def _front(points: int, rng: np.random.Generator) -> np.ndarray:
    """A two-party Pareto frontier of ``points`` points (first rising, second falling), some
    of them closer than the tolerance."""
    first = np.sort(rng.random(points))
    second = np.sort(rng.random(points))[::-1]
    if points > 2:
        first[1] = first[0] + 5e-10
        second[1] = second[0] - 5e-10
    return np.column_stack([first, second])


def test_the_two_party_dominance_check_is_the_general_one() -> None:
    rng = np.random.default_rng(7)
    checked = dominated = 0
    for points in (1, 2, 3, 8, 40):
        front = _front(points, rng)
        sorted_front = _SortedFront.of(front[rng.permutation(points)])
        assert sorted_front is not None
        tries = [tuple(p) for p in rng.random((200, 2))]
        for row in front:  # on, just inside and just outside the tolerance of each point
            for da in (0.0, 1e-9, 2e-9, -2e-9, 5e-10):
                for db in (0.0, 1e-9, -2e-9, 2e-9):
                    tries.append((row[0] + da, row[1] + db))
        for a, b in tries:
            expected = _dominated_by(front, (a, b))
            assert sorted_front.dominates(a, b) == expected, (points, a, b)
            checked += 1
            dominated += expected
    assert dominated > 100
    assert checked - dominated > 100


def test_points_that_are_not_a_frontier_use_the_general_check() -> None:
    rising = np.array([[0.1, 0.2], [0.5, 0.6]])
    assert _SortedFront.of(rising) is None
    assert _SortedFront.of(np.zeros((0, 2))) is None
    assert _SortedFront.of(np.array([[0.1, 0.2, 0.3]])) is None


@pytest.mark.parametrize("behaviour_name", list(BEHAVIOURS))
def test_scores_and_kept_answers_are_those_computed_afresh(behaviour_name: str) -> None:
    rng = np.random.default_rng(11)
    for scenario in _scenarios():
        rehearsal = Rehearsal(scenario)
        delegates = rehearsal.delegates(behaviour_name)
        for _ in range(200):
            text = tuple(int(x) for x in rng.integers(0, rehearsal.sizes))
            round_ = int(rng.integers(0, 100))
            for d in delegates:
                table = d.table
                plain = -math.inf if table.crossed(text) else table.utility(text)
                assert table.score(text) == plain
                for _ in range(2):  # the second answer may come from what was kept
                    assert d.answer(text, round_, 100) == d._answer(text, d.level(round_, 100))


def test_a_run_s_draws_depend_on_its_seed_and_the_scenario_s_name_only() -> None:
    first, again, other = Rehearsal(toy()), Rehearsal(toy()), Rehearsal(toy(), "another name")

    def draws(rehearsal: Rehearsal, seed: int) -> list[float]:
        return rehearsal._generator(seed).random(4).tolist()

    assert draws(first, 3) == draws(again, 3)
    assert draws(first, 3) != draws(first, 4)
    assert draws(first, 3) != draws(other, 3)
    assert draws(first, 5) == draws(again, 5 + 2**64)  # seeds repeat after 2**64
    # the generator is restarted, whatever the run before drew
    first._generator(9).random(1000)
    assert draws(first, 3) == draws(again, 3)
