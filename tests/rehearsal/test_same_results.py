"""Making the runs faster changes no result: every run of every strategy, behaviour and seed
gives, field for field, what the code gave before the hill climb's bit sets were counted instead
of listed (a9e48f6), on the tests' scenarios and on the tournament benchmark's 75 two-party ANAC
scenarios (``python -m benchmarks.tournament_results``: the lines below are its).

The digests are of the lines :func:`benchmarks.tournament_results.line` writes (every field,
floats by ``repr``); a change that alters a result, however slightly, alters them. To find which
run differs, write the lines of both trees and compare them (the benchmark's ``--against``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest
from benchmarks.tournament import DEFAULT_FOLDERS, load
from benchmarks.tournament_results import line, lines
from tests.rehearsal.scenarios import long_climbs, several

from gobetween.rehearsal import BEHAVIOURS, STRATEGIES, Rehearsal

#: sha256 of the lines below, by the code at a9e48f6.
SMALL = "161cf7259a50346059e61fd3403e3e864bbcb905cee011a6aee7ad25b9622e7b"
#: sha256 of ``python -m benchmarks.tournament_results``'s 18,000 lines, by the code at a9e48f6.
BENCHMARK = "1273d098896c2d4e4632aed0e87748c9ca029b3e0c2e36754a9cb58dcc47a149"


def _small_lines() -> Iterator[str]:
    """The tests' scenarios (red lines, bonuses, three parties, climbs of many moves): every
    strategy and behaviour, seeds 0-29 through ``runs`` at 2, 7 and 100 rounds on one rehearsal,
    then seeds out of order one by one on a fresh one."""
    for scenario in [*several(), long_climbs()]:
        rehearsal = Rehearsal(scenario)
        for behaviour in BEHAVIOURS:
            for strategy in STRATEGIES:
                for rounds in (2, 7, 100):
                    for r in rehearsal.runs(strategy, behaviour, range(30), rounds=rounds):
                        yield line("runs", rounds, r)
        rehearsal = Rehearsal(scenario)
        for behaviour in reversed(list(BEHAVIOURS)):
            for strategy in STRATEGIES:
                for seed in (17, 3, 2**64 + 3, 0):
                    yield line("one-by-one", 100, rehearsal.run(strategy, behaviour, seed))


def _digest(found: Iterator[str]) -> str:
    return hashlib.sha256(("\n".join(found) + "\n").encode()).hexdigest()


def test_the_runs_on_the_tests_scenarios_are_those_of_before() -> None:
    assert _digest(_small_lines()) == SMALL


@pytest.mark.shared
@pytest.mark.skipif(
    not all(f.is_dir() for f in DEFAULT_FOLDERS), reason="../shared/data/genius/anac is absent"
)
def test_the_runs_of_the_tournament_benchmark_are_those_of_before() -> None:
    assert _digest(lines(load(DEFAULT_FOLDERS))) == BENCHMARK
