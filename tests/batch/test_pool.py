"""The process pool: a worker that dies costs its run, not the rest of its batch or chunk."""

from __future__ import annotations

import os

from gobetween.batch.pool import run_pool
from gobetween.batch.tasks import Task, plan_tasks


def _play(batch: list[Task]) -> list[dict[str, object]]:
    if any(task.seed == 1 for task in batch):
        os._exit(3)  # the worker process dies mid-run
    return [{"scenario": task.scenario, "seed": task.seed, "status": "ok"} for task in batch]


def test_a_dead_worker_costs_its_run_and_the_rest_of_its_batch_is_played() -> None:
    tasks = plan_tasks(["toy"], ["veto"], ["truthful"], range(4))
    rows = list(run_pool(tasks, _play, workers=1, timeout=30, most=4))
    by_seed = {row["seed"]: row for row in rows}
    assert sorted(by_seed) == [0, 1, 2, 3]
    assert len(rows) == 4
    assert (by_seed[1]["status"], by_seed[1]["error"]) == ("crashed", "the worker process died")
    assert [by_seed[s]["status"] for s in (0, 2, 3)] == ["ok"] * 3
