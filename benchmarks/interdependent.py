"""Exact Pareto frontier of two parties with interdependent (ANAC 2014-like) preferences.

Run ``python -m benchmarks.interdependent ISSUES CONSTRAINTS [SEED]``: it builds two random
profiles on ``ISSUES`` integer issues of 10 values, each with ``CONSTRAINTS`` hyperrectangle
bonuses (2 to 4 issues per box, each a random range of 1 to 10 values, integer value 1 to 100,
like ANAC 2014's nonlinear profiles; ``numpy`` PCG64 with the seed, default 0), computes the exact
frontier with :func:`gobetween.analysis.milp.exact_frontier`, and prints one JSON line: seconds,
frontier size, solver status, number of solves and the peak resident memory of the process
(``getrusage`` ``ru_maxrss``, interpreter and libraries included).
"""

from __future__ import annotations

import json
import resource
import sys
import time

import numpy as np

from gobetween.analysis.interdependent import Bonus, InterdependentProfile
from gobetween.analysis.milp import exact_frontier
from gobetween.model import Agenda, Issue, IssueKind

VALUES = 10


def profile(agenda: Agenda, constraints: int, rng: np.random.Generator) -> InterdependentProfile:
    """A party scored only by hyperrectangle bonuses, as ANAC 2014's nonlinear profiles are."""
    issues = len(agenda.issues)
    bonuses = []
    for _ in range(constraints):
        chosen = rng.choice(issues, size=int(rng.integers(2, min(4, issues) + 1)), replace=False)
        within = {}
        for index in sorted(int(i) for i in chosen):
            low = int(rng.integers(0, VALUES))
            high = int(rng.integers(low, VALUES))
            issue = agenda.issues[index]
            within[issue.name] = issue.option_names[low : high + 1]
        bonuses.append(Bonus(int(rng.integers(1, 101)), within))
    return InterdependentProfile.of(agenda, {}, bonuses)


def main(argv: list[str]) -> None:
    issues, constraints = int(argv[0]), int(argv[1])
    rng = np.random.default_rng(int(argv[2]) if len(argv) > 2 else 0)
    agenda = Agenda(
        tuple(
            Issue.from_range(f"i{k}", 0, VALUES - 1, 1, kind=IssueKind.INTEGER)
            for k in range(issues)
        )
    )
    pair = (profile(agenda, constraints, rng), profile(agenda, constraints, rng))
    start = time.perf_counter()
    front = exact_frontier(pair, time_limit=120.0)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "issues": issues,
                "constraints_each": constraints,
                "seconds": round(seconds, 3),
                "frontier_points": len(front.points),
                "status": front.status,
                "solves": front.solves,
                "peak_rss_mb": round(peak_mb),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
