"""Synthetic speed and memory figures of the analysis engine (frontier + Nash).

Uniform random ratings in [0, 1] and uniform random issue weights normalised to sum to 1 per
party, ``k`` options on each of ``issues`` issues, ``parties`` parties; the seed is explicit. Time
is the best of ``--repeat`` runs of ``pareto_frontier`` + ``nash`` (without tracing), as wall
time and as process CPU time (the latter is less sensitive to other work on a shared machine);
peak memory is measured in a separate traced run with :mod:`tracemalloc` (NumPy reports its
buffers to it). A target counts as met on wall time.

Run from the project root::

    .venv/bin/python -m benchmarks.synthetic            # the standard cases
    .venv/bin/python -m benchmarks.synthetic --json     # machine-readable

The targets the cases are held to are in :data:`CASES`.
"""

from __future__ import annotations

import argparse
import json
import time
import tracemalloc
from dataclasses import asdict, dataclass

import numpy as np

from gobetween.analysis import UtilitySpace, nash, pareto_frontier


@dataclass(frozen=True)
class Case:
    """One synthetic problem and the time it must stay under (seconds)."""

    parties: int
    issues: int
    options: int
    target: float


@dataclass(frozen=True)
class Figure:
    """The measurement of one case."""

    parties: int
    issues: int
    options: int
    outcome_space: str
    frontier_points: int
    seconds: float
    cpu_seconds: float
    target: float
    met: bool
    peak_mib: float


CASES = (
    Case(2, 50, 10, 0.1),
    Case(2, 6, 10, 0.001),
    Case(2, 7, 10, 0.001),
    Case(3, 8, 7, 0.1),
    Case(3, 12, 10, 1.0),
    Case(5, 6, 10, 1.0),
)


def random_space(parties: int, issues: int, options: int, seed: int = 0) -> UtilitySpace:
    """Uniform ratings and uniform normalised weights, as a :class:`UtilitySpace`.

    >>> random_space(3, 4, 5).shape
    (5, 5, 5, 5)
    """
    rng = np.random.default_rng(seed)
    weights = rng.random((parties, issues))
    weights /= weights.sum(axis=1, keepdims=True)
    values = [rng.random((options, parties)) * weights[:, j] for j in range(issues)]
    return UtilitySpace.from_arrays(values, np.zeros(parties))


def measure(case: Case, *, seed: int = 0, repeat: int = 5) -> Figure:
    """Time (best of ``repeat``) and traced peak memory of frontier + Nash for ``case``."""
    space = random_space(case.parties, case.issues, case.options, seed)
    best = cpu = float("inf")
    size = 0
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        front = pareto_frontier(space)
        nash(front)
        best = min(best, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
        size = len(front)
    tracemalloc.start()
    nash(pareto_frontier(space))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return Figure(
        parties=case.parties,
        issues=case.issues,
        options=case.options,
        outcome_space=f"{case.options}^{case.issues}",
        frontier_points=size,
        seconds=best,
        cpu_seconds=cpu,
        target=case.target,
        met=best < case.target,
        peak_mib=peak / 2**20,
    )


def main(argv: list[str] | None = None) -> int:
    """Measure every case and print a table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = [measure(c, seed=args.seed, repeat=args.repeat) for c in CASES]
    if args.json:
        print(json.dumps([asdict(f) for f in figures], indent=2))
        return 0
    print(
        f"{'parties':>7} {'space':>7} {'frontier':>8} {'time':>11} {'cpu':>11} {'target':>9} "
        f"{'peak':>9}"
    )
    for f in figures:
        flag = "" if f.met else "  MISSED"
        print(
            f"{f.parties:>7} {f.outcome_space:>7} {f.frontier_points:>8} "
            f"{f.seconds * 1e3:>8.2f} ms {f.cpu_seconds * 1e3:>8.2f} ms {f.target * 1e3:>6.0f} ms "
            f"{f.peak_mib:>6.1f} MiB{flag}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
