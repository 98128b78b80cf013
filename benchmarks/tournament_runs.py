"""gobetween's hill-climbing runs alone: CPU microseconds a run, and where a first pass spends.

``python -m benchmarks.tournament_runs [--repeat N] [--parts]`` plays the hill-climbing runs of
``python -m benchmarks.tournament`` (the 75 two-party scenarios of ANAC 2010 and 2012 x three
behaviours x 5 seeds, through ``Rehearsal.runs``) on freshly prepared rehearsals (a first pass)
and again on the same ones (every text met before), ``--repeat`` times, and prints the medians.
With ``--parts``, also first passes in which one part of the work was done beforehand (copied
from rehearsals that played the same runs): scoring the agreements, the seeds' first draws, the
climbs' texts, the delegations' scores, and all of them.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from benchmarks.tournament import DEFAULT_FOLDERS, load
from gobetween.rehearsal import BEHAVIOURS, Rehearsal

SEEDS = range(5)


def prepared(scenarios: dict[str, Any]) -> list[Rehearsal]:
    """A rehearsal per scenario with every behaviour's delegations built."""
    rehearsals = [Rehearsal(s, name) for name, s in scenarios.items()]
    for r in rehearsals:
        for b in BEHAVIOURS:
            r.prepare("hill-climbing", b)
    return rehearsals


def play(rehearsals: list[Rehearsal]) -> float:
    """CPU microseconds a run for every scenario x behaviour x seed."""
    gc.collect()
    start = time.process_time()
    runs = 0
    for r in rehearsals:
        for b in BEHAVIOURS:
            runs += len(r.runs("hill-climbing", b, SEEDS))
    return (time.process_time() - start) / runs * 1e6


def _copy(part: str, to: Rehearsal, played: Rehearsal) -> None:
    if part in ("scores of agreements", "all"):
        to._scores = dict(played._scores)
    if part in ("first draws", "all"):
        to._firsts = dict(played._firsts)
    if part in ("climbs", "all"):
        for b in BEHAVIOURS:
            to._climbs[b].update(played._climbs[b])
    if part in ("delegations' scores", "all"):
        for b in BEHAVIOURS:
            for mine, theirs in zip(to.delegates(b), played.delegates(b), strict=True):
                mine._scores.update(theirs._scores)


PARTS = ("scores of agreements", "first draws", "climbs", "delegations' scores", "all")


def measure(repeat: int, parts: bool) -> dict[str, float]:
    """Median microseconds a run: first pass, second pass, and (``parts``) each part done."""
    scenarios = load(DEFAULT_FOLDERS)
    times: dict[str, list[float]] = {}
    played = prepared(scenarios)
    play(played)
    for _ in range(repeat):
        rehearsals = prepared(scenarios)
        times.setdefault("first pass", []).append(play(rehearsals))
        times.setdefault("second pass", []).append(play(rehearsals))
        for part in PARTS if parts else ():
            rehearsals = prepared(scenarios)
            for to, source in zip(rehearsals, played, strict=True):
                _copy(part, to, source)
            times.setdefault(f"first pass, {part} done", []).append(play(rehearsals))
    return {label: statistics.median(values) for label, values in times.items()}


def main(argv: Sequence[str] | None = None, out: Callable[[str], Any] = sys.stdout.write) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--parts", action="store_true")
    args = parser.parse_args(argv)
    for label, value in measure(args.repeat, args.parts).items():
        out(f"{label}: {value:.1f} us a run\n")


if __name__ == "__main__":
    main()
