"""Every result of gobetween's runs in ``python -m benchmarks.tournament``, to compare two trees.

``python -m benchmarks.tournament_results [--out FILE] [--against FILE] [--folder PATH ...]``
plays gobetween's four strategies on the benchmark's scenarios (the 75 two-party scenarios of
ANAC 2010 and 2012 by default) x three behaviours and writes one line per run (every field of
its :class:`~gobetween.rehearsal.RunResult`, floats by ``repr``: exact), in three passes:

- ``runs``: seeds 0-4 at 100 rounds through :meth:`Rehearsal.runs`, in the benchmark's
  interleaved order (per scenario and behaviour, the four strategies), on one rehearsal per
  scenario;
- ``shuffled``: on a fresh rehearsal per scenario, behaviours in reverse order, seeds out of
  order (4, 0, 3, 2**64 + 1, 1) at 3 and at 100 rounds through :meth:`Rehearsal.runs`;
- ``one-by-one``: on a fresh rehearsal, seeds 0-4 at 100 rounds through :meth:`Rehearsal.run`.

With ``--against``, the lines are compared with that file's (written the same way by another
tree: ``PYTHONPATH=/tmp/old/src:. python -m benchmarks.tournament_results --out old.txt``) and
the command fails naming the first differences. A change that makes the runs faster must leave
every line the same.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from benchmarks.tournament import DEFAULT_FOLDERS, load
from gobetween.rehearsal import BEHAVIOURS, STRATEGIES, Rehearsal

SEEDS = range(5)
SHUFFLED = (4, 0, 3, 2**64 + 1, 1)


def line(pass_: str, rounds: int, result: Any) -> str:
    """One run as a line: the pass, the rounds allowed and every field of the result."""
    fields = (
        result.scenario,
        result.strategy,
        result.behaviour,
        result.seed,
        result.agreement,
        result.package,
        result.utilities,
        result.pareto_optimal,
        result.nash_distance,
        result.rounds,
    )
    return f"{pass_} {rounds} " + " ".join(repr(f) for f in fields)


def lines(scenarios: dict[str, Any]) -> Iterator[str]:
    """Every run of the three passes, in order."""
    for name, scenario in scenarios.items():
        rehearsal = Rehearsal(scenario, name)
        for behaviour in BEHAVIOURS:
            for strategy in STRATEGIES:
                for r in rehearsal.runs(strategy, behaviour, SEEDS, rounds=100):
                    yield line("runs", 100, r)
    for name, scenario in scenarios.items():
        rehearsal = Rehearsal(scenario, name)
        for behaviour in reversed(list(BEHAVIOURS)):
            for strategy in STRATEGIES:
                for rounds in (3, 100):
                    for r in rehearsal.runs(strategy, behaviour, SHUFFLED, rounds=rounds):
                        yield line("shuffled", rounds, r)
    for name, scenario in scenarios.items():
        rehearsal = Rehearsal(scenario, name)
        for behaviour in BEHAVIOURS:
            for strategy in STRATEGIES:
                for seed in SEEDS:
                    yield line("one-by-one", 100, rehearsal.run(strategy, behaviour, seed))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--folder", type=Path, action="append")
    parser.add_argument("--out", type=Path, help="write the lines here")
    parser.add_argument("--against", type=Path, help="compare with the lines of this file")
    args = parser.parse_args(argv)
    mine = list(lines(load(args.folder or DEFAULT_FOLDERS)))
    text = "\n".join(mine) + "\n"
    if args.out:
        args.out.write_text(text)
    digest = hashlib.sha256(text.encode()).hexdigest()
    sys.stdout.write(f"{len(mine)} runs, sha256 {digest}\n")
    if args.against is None:
        return 0
    theirs = args.against.read_text().splitlines()
    differ = [(a, b) for a, b in zip(mine, theirs, strict=False) if a != b]
    if not differ and len(mine) == len(theirs):
        sys.stdout.write(f"every run the same as in {args.against}\n")
        return 0
    sys.stdout.write(f"{len(differ)} runs differ ({len(mine)} here, {len(theirs)} there):\n")
    for a, b in differ[:10]:
        sys.stdout.write(f"  here:  {a}\n  there: {b}\n")
    return 1


if __name__ == "__main__":
    sys.exit(main())
