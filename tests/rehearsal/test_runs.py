"""Many runs at once (:meth:`Rehearsal.runs`) give exactly what one run at a time gives: the
climb from the first text and draws a rehearsal keeps per seed, the settling of a last text
without the changes the parties would ask for."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from tests.rehearsal.scenarios import four_issues, long_climbs, several

from gobetween.model import Scenario
from gobetween.rehearsal import BEHAVIOURS, STRATEGIES, Rehearsal
from gobetween.rehearsal.strategies import CLIMB_BLOCK, text_of


def _scenarios() -> list[Scenario]:
    return [*several(), long_climbs()]


@pytest.mark.parametrize("strategy_name", list(STRATEGIES))
def test_runs_are_the_runs_one_by_one(strategy_name: str) -> None:
    """Every strategy and behaviour, on fresh rehearsals (nothing kept from the other way), at
    a few round limits: the same results, in seed order."""
    long_runs = 0
    for scenario in _scenarios():
        one, many = Rehearsal(scenario), Rehearsal(scenario)
        for behaviour_name in BEHAVIOURS:
            for rounds in (1, 2, 100, 1000):
                seeds = [*range(12), 3, 2**64 + 5]
                expected = [one.run(strategy_name, behaviour_name, s, rounds=rounds) for s in seeds]
                got = many.runs(strategy_name, behaviour_name, seeds, rounds=rounds)
                assert got == expected, (scenario.name, behaviour_name, rounds)
                long_runs += sum(r.rounds > 2 * CLIMB_BLOCK for r in got)
    if strategy_name == "hill-climbing":
        assert long_runs > 20  # climbs that needed draws beyond the kept ones


def test_the_kept_draws_are_the_run_s_stream() -> None:
    """A seed's first text and draws, kept once, are the numbers its generator gives when
    restarted, whichever seed's draws were kept before (the generator jumps from there), and
    a block drawn at once is the same as drawn in parts."""
    rehearsal, fresh = Rehearsal(four_issues()), Rehearsal(four_issues())
    n = len(rehearsal.sizes)
    for seed in (0, 7, 3, 2**64 + 7, 2**64 - 1, 8, 9, 1):
        start, tail, head = rehearsal._first(seed)
        stream = fresh._generator(seed).random(n + 3 * CLIMB_BLOCK)
        assert start == text_of(stream[:n].tolist(), rehearsal.sizes)
        assert [*head.tolist(), *tail] == stream[n : n + CLIMB_BLOCK].tolist()
        parts = fresh._generator(seed)
        pieces = [parts.random(n), parts.random(CLIMB_BLOCK)]
        assert np.concatenate(pieces).tolist() == stream[: n + CLIMB_BLOCK].tolist()
        if seed == 3:  # something else draws: the next seed's draws start afresh
            rehearsal.run("veto", "truthful", 5)
    assert rehearsal._firsts[7][1] == rehearsal._firsts[2**64 + 7][1]  # seeds repeat after 2**64


def test_a_text_is_drawn_within_the_options() -> None:
    assert text_of([0.0, 0.5, 1 - 2**-53], (3, 2, 4)) == (0, 1, 3)
    assert text_of([1 - 2**-53, 0.25, 0.9], (7, 4)) == (6, 1)  # one number per issue


@pytest.mark.parametrize("behaviour_name", list(BEHAVIOURS))
def test_settling_a_text_is_publishing_it(behaviour_name: str) -> None:
    """Room.settle ends the track exactly when publish would, and a delegation's accepts is
    its answer's."""
    rng = np.random.default_rng(5)
    for scenario in _scenarios()[:4]:
        rehearsal = Rehearsal(scenario)
        delegates = rehearsal.delegates(behaviour_name)
        for _ in range(100):
            text = tuple(int(x) for x in rng.integers(0, rehearsal.sizes))
            for rounds, round_ in ((1, 0), (100, 0), (100, 50), (100, 99)):
                for d in delegates:
                    assert d.accepts(text, round_, rounds) == d.answer(text, round_, rounds).accepts
                a, b = (rehearsal._room("veto", behaviour_name, rounds)[1] for _ in range(2))
                a.used = b.used = round_
                replies = a.publish(text)
                assert b.settle(text) == all(r.accepts for r in replies)
                assert (a.agreement, a.used, a.last) == (b.agreement, b.used, b.last)


def test_delegations_that_declare_the_same_keep_one_store_of_scores() -> None:
    """Truthful and stubborn delegations declare the same preferences and keep their scores in
    one store; exaggerating ones declare more red lines and keep their own; every kept score
    is the table's."""
    rng = np.random.default_rng(3)
    for scenario in several():
        rehearsal = Rehearsal(scenario)
        by_behaviour = {b: rehearsal.delegates(b) for b in ("stubborn", "exaggerating", "truthful")}
        for truthful, stubborn, exaggerating in zip(
            by_behaviour["truthful"],
            by_behaviour["stubborn"],
            by_behaviour["exaggerating"],
            strict=True,
        ):
            assert stubborn._scores is truthful._scores
            if exaggerating.declared != truthful.declared:
                assert exaggerating._scores is not truthful._scores
        for _ in range(100):
            text = tuple(int(x) for x in rng.integers(0, rehearsal.sizes))
            for delegates in by_behaviour.values():
                for d in delegates:
                    assert d.score(text) == d.table.score(text)
        exaggerated = sum(
            e.declared != t.declared
            for e, t in zip(by_behaviour["exaggerating"], by_behaviour["truthful"], strict=True)
        )
        assert exaggerated  # the stores are told apart where the declarations differ


def test_behaviours_that_declare_the_same_walk_once() -> None:
    """Truthful and stubborn delegations declare the same preferences: a climb's walk (votes
    and last text) is kept per seed and rounds for both, so the stubborn runs do not walk
    again; exaggerating ones keep their own. Every result is what a fresh rehearsal gives one
    run at a time."""
    walked: list[int] = []
    spec = STRATEGIES["hill-climbing"]
    assert spec.walk is not None
    inner = spec.walk

    def counted(*args: Any) -> tuple[int, tuple[int, ...]]:
        walked.append(1)
        return inner(*args)

    registry = {**STRATEGIES, "hill-climbing": replace(spec, walk=counted)}
    for scenario in several():
        many = Rehearsal(scenario, strategies=registry)
        one = Rehearsal(scenario)
        many.delegates("truthful"), many.delegates("stubborn"), many.delegates("exaggerating")
        assert many._walks["truthful"] is many._walks["stubborn"]
        for behaviour_name in ("truthful", "stubborn", "exaggerating"):
            for rounds in (2, 100):
                walked.clear()
                got = many.runs("hill-climbing", behaviour_name, range(8), rounds=rounds)
                expected = [
                    one.run("hill-climbing", behaviour_name, s, rounds=rounds) for s in range(8)
                ]
                assert got == expected, (scenario.name, behaviour_name, rounds)
                assert len(walked) == (0 if behaviour_name == "stubborn" else 8)


def test_a_package_s_utility_from_the_flat_values_is_the_table_s() -> None:
    """A rehearsal scores agreements from every party's option values in one list when the
    true tables are additive without red lines: the same utilities as the tables give, and
    the same scores as the general path."""
    rng = np.random.default_rng(23)
    flat = 0
    for scenario in [*several(), long_climbs()]:
        rehearsal, general = Rehearsal(scenario), Rehearsal(scenario)
        general._flat_truth = None
        flat += rehearsal._flat_truth is not None
        for _ in range(300):
            package = tuple(int(x) for x in rng.integers(0, rehearsal.sizes))
            assert rehearsal._score(package) == general._score(package)
            if rehearsal._flat_truth is not None:
                utilities = rehearsal._score(package)[0]
                assert utilities == tuple(t.utility(package) for t in rehearsal.truth)
    assert flat >= 2  # the toy and the long climbs; the others have red lines or bonuses
