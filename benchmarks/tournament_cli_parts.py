"""Where ``gobetween tournament``'s CPU goes, in one process: the parts a worker and the parent do.

``python -m benchmarks.tournament_cli_parts [FOLDER] [--seeds N]`` (FOLDER defaults to
``../shared/data/genius``) times with ``time.process_time``: loading the scenarios, preparing
them for every strategy and behaviour (exact frontiers, delegations, declared frontiers),
playing every run and building its row as a worker does (batches through
``Player.play_batch``), pickling the rows there and back (the pipe's share), writing them to a
CSV file, and reading it back into the report.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import pickle
import sys
import tempfile
import time
from pathlib import Path

from gobetween.batch.report import summarise
from gobetween.batch.store import ResultStore
from gobetween.batch.tasks import Player, batches, find_scenarios, plan_tasks
from gobetween.errors import GobetweenError
from gobetween.rehearsal import BEHAVIOURS, STRATEGIES


def main(argv: list[str] | None = None) -> None:
    """Print each part's CPU seconds."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", nargs="?", default="../shared/data/genius")
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args(argv)
    clock = time.process_time
    times = [clock()]
    scenarios, _ = find_scenarios(args.folder)
    times.append(clock())
    tasks = plan_tasks(scenarios, seeds=range(args.seeds))
    player = Player(scenarios, rounds=100, keep=len(scenarios))
    for name in scenarios:
        for behaviour in BEHAVIOURS:
            for strategy in STRATEGIES:
                # a scenario that cannot be prepared is an error row, as in the command
                with contextlib.suppress(GobetweenError):
                    player._rehearsal(name).prepare(strategy, behaviour)
    times.append(clock())
    rows = [row for batch in batches(tasks) for row in player.play_batch(batch)]
    times.append(clock())
    pickle.loads(pickle.dumps(rows))
    times.append(clock())
    with tempfile.TemporaryDirectory() as folder:
        store = ResultStore(Path(folder) / "results.csv")
        store.append(rows)
        times.append(clock())
        summarise(store.rows())
        times.append(clock())
    parts = ("load", "prepare", "play", "pickle", "csv write", "read back and report")
    spent = [b - a for a, b in itertools.pairwise(times)]
    print(f"{len(rows):,} runs of {len(scenarios)} scenarios, CPU seconds:")
    for part, seconds in zip(parts, spent, strict=True):
        print(f"  {part:22} {seconds:6.2f}")
    print(f"  play, a run            {spent[2] / max(1, len(rows)) * 1e6:6.1f} us")


if __name__ == "__main__":
    main(sys.argv[1:])
