"""How long an analysis small enough to run in a server thread takes.

The service computes tracks of at most
:data:`~gobetween.service.analysis_worker.INLINE_UTILITIES` utilities (packages x parties) in a
thread of the server (outside any transaction or lock, but with no wall-clock limit) instead of
starting a worker process. This times :func:`gobetween.analysis.analyze` at that boundary, with
random additive preferences, for 2 to 100 parties, best of three, and once for 500 parties on
5,000 packages, which the size limit allows but which now goes to a worker::

    .venv/bin/python -m benchmarks.inline_analysis
"""

from __future__ import annotations

import time

import numpy as np

from gobetween.analysis import analyze
from gobetween.model import Agenda, Issue, Preferences, Scenario
from gobetween.service.analysis_worker import INLINE_UTILITIES

PARTIES = (2, 4, 8, 20, 100)


def scenario(shape: tuple[int, ...], parties: int, seed: int = 1) -> Scenario:
    """Random additive preferences of ``parties`` parties on issues of ``shape`` options."""
    rng = np.random.default_rng(seed)
    issues = tuple(
        Issue.discrete(f"i{k}", [f"o{j}" for j in range(n)]) for k, n in enumerate(shape)
    )
    agenda = Agenda(issues)
    prefs = {
        f"p{p}": Preferences(
            {i.name: float(rng.integers(1, 10)) for i in issues},
            {i.name: {o.name: round(float(rng.random()), 3) for o in i.options} for i in issues},
        )
        for p in range(parties)
    }
    return Scenario(agenda, prefs, name="inline")


def _best_of_three(case: Scenario) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        analyze(case).to_dict()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    """Print the best of three timings per shape and party count at the inline boundary."""
    for parties in PARTIES:
        packages = INLINE_UTILITIES // parties
        for shape in ((packages,), (10, packages // 10)):
            case = scenario(shape, parties)
            print(
                f"{parties} parties, issues of {shape} options "
                f"({case.agenda.size:,} packages): {_best_of_three(case) * 1000:.0f} ms"
            )
    case = scenario((10, 10, 10, 5), 500)
    started = time.perf_counter()
    analyze(case).to_dict()
    print(f"500 parties, 5,000 packages (a worker's job): {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
