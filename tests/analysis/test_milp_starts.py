"""The starting packages of the two-party epsilon-constraint (``analysis.milp_starts``)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.analysis.test_milp import SETTINGS, brute_frontier, profiles, red_lines

from gobetween.analysis.interdependent import Bonus, InterdependentProfile
from gobetween.analysis.milp import exact_frontier
from gobetween.analysis.milp_program import Program
from gobetween.analysis.milp_starts import OneOptionMoves
from gobetween.model import Agenda, Issue

Drawn = tuple[tuple[InterdependentProfile, ...], tuple[dict[int, frozenset[int]], ...]]


def _with_red_lines() -> st.SearchStrategy[Drawn]:
    return profiles(parties=2).flatmap(
        lambda parties: st.tuples(st.just(parties), red_lines(parties))
    )


def _completes(choices: tuple[int, ...], boxes: tuple[dict[int, frozenset[int]], ...]) -> int:
    return sum(all(choices[i] in ok for i, ok in box.items()) for box in boxes)


@SETTINGS
@given(_with_red_lines(), st.data())
def test_every_one_option_change_is_scored_as_the_profiles_score_it(
    drawn: Drawn, data: st.DataObject
) -> None:
    """Both utilities and the red lines completed, for every change of one option, are those
    of the changed package scored directly; options outside the kept ones score -inf."""
    parties, boxes = drawn
    shape = parties[0].agenda.shape
    kept = [sorted(data.draw(st.sets(st.integers(0, n - 1), min_size=1))) for n in shape]
    moves = OneOptionMoves(parties, kept, boxes)
    package = tuple(data.draw(st.sampled_from(options)) for options in kept)
    scored = moves.neighbours(np.array(package, dtype=np.intp))
    for i, n in enumerate(shape):
        for o in range(n):
            if o not in kept[i]:
                assert np.all(scored[i, o] == -np.inf)
                continue
            changed = (*package[:i], o, *package[i + 1 :])
            expected = (*(p.utility(changed) for p in parties), _completes(changed, boxes))
            assert np.allclose(scored[i, o], expected)


@SETTINGS
@given(_with_red_lines(), st.data())
def test_a_start_keeps_the_bounds_and_the_red_lines(drawn: Drawn, data: st.DataObject) -> None:
    """What ``climb`` returns has party 1 at least the floor, party 0 at most the cap, kept
    options only and no red line completed; it is found whenever a package one option away
    keeps them."""
    parties, boxes = drawn
    shape = parties[0].agenda.shape
    every = [c for c in itertools.product(*(range(n) for n in shape)) if not _completes(c, boxes)]
    if not every:
        return
    package = data.draw(st.sampled_from(every))
    floor = data.draw(st.integers(-4, 40)) / 2
    cap = data.draw(st.integers(-4, 40)) / 2
    moves = OneOptionMoves(parties, [list(range(n)) for n in shape], boxes)
    start = moves.climb(package, floor, cap)
    near = [
        c
        for c in every
        if sum(a != b for a, b in zip(c, package, strict=True)) == 1
        and parties[1].utility(c) >= floor
        and parties[0].utility(c) <= cap
    ]
    if near:
        assert start is not None
    if start is not None:
        assert parties[1].utility(start) >= floor
        assert parties[0].utility(start) <= cap
        assert not _completes(start, boxes)


@SETTINGS
@given(_with_red_lines(), st.data())
def test_a_start_never_changes_the_optimum(drawn: Drawn, data: st.DataObject) -> None:
    """HiGHS given any package as a start (one that breaks the bounds or a red line, too)
    proves the same optimum as without: the start is a hint, never an answer."""
    parties, boxes = drawn
    program = Program(parties, boxes)
    package = tuple(data.draw(st.sampled_from(kept)) for kept in program.kept)
    floor = float(data.draw(st.integers(-4, 30)))
    status, plain = program.solve({0: 1.0}, {1: floor}, 10.0)
    started_status, started = program.solve({0: 1.0}, {1: floor}, 10.0, start=package)
    assert started_status == status
    if plain is None:
        assert started is None
    else:
        assert started is not None
        assert started.utilities[0] == plain.utilities[0]
        assert started.utilities[1] >= floor


@pytest.mark.slow
def test_the_frontier_with_starts_is_the_brute_force_one_on_a_larger_space() -> None:
    """Seven issues of four options, eight bonuses a party over two or three issues and a red
    line: the epsilon-constraint, every solve but the first started from the moves' package,
    finds the brute-force frontier."""
    rng = np.random.default_rng(5)
    agenda = Agenda(tuple(Issue.discrete(f"i{k}", [str(v) for v in range(4)]) for k in range(7)))

    def party() -> InterdependentProfile:
        values = {f"i{k}": {str(v): int(rng.integers(0, 5)) for v in range(4)} for k in range(7)}
        bonuses = []
        for _ in range(8):
            size = int(rng.integers(2, 4))
            chosen = sorted(int(i) for i in rng.choice(7, size=size, replace=False))
            within = {}
            for k in chosen:
                low = int(rng.integers(0, 4))
                within[f"i{k}"] = tuple(str(v) for v in range(low, int(rng.integers(low, 4)) + 1))
            bonuses.append(Bonus(int(rng.integers(1, 30)), within))
        return InterdependentProfile.of(agenda, values, bonuses)

    pair = (party(), party())
    line = ({0: frozenset({1}), 3: frozenset({2})},)
    found = exact_frontier(pair, forbidden=line, engine="milp")
    assert found.status == "optimal"
    truth = brute_frontier(
        [
            tuple(p.utility(c) for p in pair)
            for c in itertools.product(range(4), repeat=7)
            if not _completes(c, line)
        ]
    )
    assert {p.utilities for p in found.points} == truth
