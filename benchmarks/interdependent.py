"""Exact Pareto frontier with interdependent (ANAC 2014-like) preferences.

Run ``python -m benchmarks.interdependent ISSUES CONSTRAINTS [SEED] [--parties N] [--blocks K]
[--total-time-limit S] [--engine auto|search|milp]``: it builds
``N`` (default 2) random profiles on ``ISSUES`` integer issues of 10 values, each with
``CONSTRAINTS`` hyperrectangle bonuses (2 to 4 issues per box, each a random range of 1 to 10
values, integer value 1 to 100, like ANAC 2014's nonlinear profiles; with ``--blocks K`` every
box lies within one group of ``K`` consecutive issues, as conditional values that link few issues
do; ``numpy`` PCG64 with the seed, default 0), computes the exact frontier with
:func:`gobetween.analysis.milp.exact_frontier` (``--engine``: its branch and bound, HiGHS, or
``auto``, either by size), and prints one JSON line: wall seconds, CPU seconds of the process
(user + system, HiGHS's threads included: the figure to compare on a loaded machine), frontier
size, solver status, the engine, number of solves (HiGHS) and of branches (the search), what
the program kept (options of all, bonuses modelled of all) and the peak resident memory of
the process (``getrusage`` ``ru_maxrss``, interpreter and libraries included).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time

import numpy as np

from gobetween.analysis.interdependent import Bonus, InterdependentProfile
from gobetween.analysis.milp import exact_frontier
from gobetween.batch.executors import solve_executor
from gobetween.model import Agenda, Issue, IssueKind

VALUES = 10


def profile(
    agenda: Agenda, constraints: int, rng: np.random.Generator, block: int = 0
) -> InterdependentProfile:
    """A party scored only by hyperrectangle bonuses, as ANAC 2014's nonlinear profiles are
    (with ``block``, each bonus within one group of ``block`` consecutive issues)."""
    issues = len(agenda.issues)
    bonuses = []
    for _ in range(constraints):
        if block:
            start = block * int(rng.integers(0, issues // block))
            group = np.arange(start, start + block)
            size = int(rng.integers(2, min(4, block) + 1))
            chosen = rng.choice(group, size=size, replace=False)
        else:
            size = int(rng.integers(2, min(4, issues) + 1))
            chosen = rng.choice(issues, size=size, replace=False)
        within = {}
        for index in sorted(int(i) for i in chosen):
            low = int(rng.integers(0, VALUES))
            high = int(rng.integers(low, VALUES))
            issue = agenda.issues[index]
            within[issue.name] = issue.option_names[low : high + 1]
        bonuses.append(Bonus(int(rng.integers(1, 101)), within))
    return InterdependentProfile.of(agenda, {}, bonuses)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.interdependent")
    parser.add_argument("issues", type=int)
    parser.add_argument("constraints", type=int)
    parser.add_argument("seed", type=int, nargs="?", default=0)
    parser.add_argument("--parties", type=int, default=2)
    parser.add_argument("--time-limit", type=float, default=120.0, help="seconds per solve")
    parser.add_argument("--total-time-limit", type=float, help="seconds for the whole frontier")
    parser.add_argument(
        "--blocks", type=int, default=0, help="bonuses within groups of this many issues"
    )
    parser.add_argument(
        "--engine",
        choices=("auto", "search", "milp"),
        default="auto",
        help="branch and bound, HiGHS, or either by size (exact_frontier's engine)",
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="processes sweeping stretches side by side (HiGHS)"
    )
    parser.add_argument(
        "--bands", type=int, help="stretches of party 1's utility (default: 4 per worker)"
    )
    parser.add_argument("--scheduler", help="Dask scheduler address (tcp://host:8786)")
    parser.add_argument("--points", help="write the frontier's utilities to this JSON file")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    agenda = Agenda(
        tuple(
            Issue.from_range(f"i{k}", 0, VALUES - 1, 1, kind=IssueKind.INTEGER)
            for k in range(args.issues)
        )
    )
    parties = tuple(
        profile(agenda, args.constraints, rng, args.blocks) for _ in range(args.parties)
    )
    start, cpu = time.perf_counter(), _cpu()
    with solve_executor(args.workers, args.scheduler) as pool:
        front = exact_frontier(
            parties,
            time_limit=args.time_limit,
            total_time_limit=args.total_time_limit,
            engine=args.engine,
            executor=pool.executor,
            bands=args.bands or pool.bands,
        )
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    if args.points:
        with open(args.points, "w", encoding="utf-8") as out:
            json.dump([p.utilities for p in front.points], out)
    size = front.size
    print(
        json.dumps(
            {
                "issues": args.issues,
                "constraints_each": args.constraints,
                "parties": args.parties,
                "blocks_of": args.blocks or None,
                "seed": args.seed,
                "seconds": round(seconds, 3),
                "cpu_seconds": round(cpu, 3),
                "frontier_points": len(front.points),
                "status": front.status,
                "engine": front.engine,
                "solves": front.solves,
                "nodes": front.nodes,
                "blocks": size.blocks if size else None,
                "options_kept": f"{size.options_kept}/{size.options}" if size else None,
                "bonuses_modelled": f"{size.bonuses_modelled}/{size.bonuses}" if size else None,
                "peak_rss_mb": round(peak_mb),
                "workers": args.workers if args.scheduler is None else args.scheduler,
                "bands": (args.bands or pool.bands) if pool.executor else None,
                "workers_cpu_seconds": round(children.ru_utime + children.ru_stime, 3),
                "workers_peak_rss_mb": round(children.ru_maxrss / 1024),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
