"""Tournaments on Dask's distributed scheduler, for more than one machine.

``pip install 'gobetween[distributed]'``, start a scheduler and workers (``dask scheduler``,
``dask worker tcp://host:8786``), then ``gobetween tournament FOLDER --scheduler
tcp://host:8786``. The scenarios travel as gobetween scenario documents (JSON), so the workers
need no access to the folder; each Dask task plays a chunk of one scenario's runs in a fresh
Python process (:mod:`gobetween.batch.child`) with the same per-task time limit as the local
pool (:mod:`gobetween.batch.pool`, a scenario's seeds of one strategy and behaviour played
together), so a stuck run is killed on the worker's machine too. The rows are the same as the
local pool's.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from itertools import groupby
from typing import Any

from gobetween.batch.executors import dask_client, distributed_module
from gobetween.batch.pool import fresh_interpreter, run_pool
from gobetween.batch.tasks import Task
from gobetween.formats.scenario_file import loads_scenario, scenario_document
from gobetween.model import Scenario

__all__ = ["play_chunk", "run_distributed"]

Row = dict[str, Any]


def play_chunk(
    document: str, name: str, tasks: Sequence[Task], rounds: int, timeout: float
) -> list[Row]:
    """Runs of one scenario (given as a JSON scenario document), on a Dask worker: in a fresh
    interpreter under the time limit (a forked child of the multi-threaded worker could hang)."""
    loads_scenario(document, fmt="json", source=name)  # a bad document fails here, said once
    start = fresh_interpreter((document, name, rounds))
    rows = run_pool(list(tasks), _unused, workers=1, timeout=timeout, most=len(tasks), start=start)
    return list(rows)


def _unused(batch: list[Task]) -> list[Row]:  # pragma: no cover - the fresh interpreter plays
    raise AssertionError("played in the worker's own interpreter")


def run_distributed(
    tasks: Sequence[Task],
    scenarios: Mapping[str, Scenario],
    *,
    scheduler: Any,
    rounds: int,
    timeout: float,
    most: int = 64,
) -> Iterator[Row]:
    """Play ``tasks`` on a Dask cluster, yielding rows as chunks finish.

    ``scheduler`` is the scheduler's address (``tcp://host:8786``) or a ``distributed.Client``
    or ``LocalCluster`` already made.
    """
    distributed = distributed_module()
    own = not isinstance(scheduler, distributed.Client)
    client = dask_client(scheduler) if own else scheduler
    try:
        documents = {
            name: json.dumps(scenario_document(scenario), ensure_ascii=False)
            for name, scenario in scenarios.items()
        }
        futures = []
        for name, group in groupby(tasks, key=lambda t: t.scenario):
            mine = list(group)
            for i in range(0, len(mine), most):
                futures.append(
                    client.submit(
                        play_chunk,
                        documents[name],
                        name,
                        mine[i : i + most],
                        rounds,
                        timeout,
                        pure=False,
                    )
                )
        for future in distributed.as_completed(futures):
            yield from future.result()
    finally:
        if own:
            client.close()
