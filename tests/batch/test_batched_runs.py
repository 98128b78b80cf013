"""Tournaments play a scenario's seeds of one strategy and behaviour together (``Rehearsal.runs``):
the rows are those of playing run by run, a rerun still skips finished runs, and a stuck or
failing run still costs only its own row."""

from __future__ import annotations

import csv
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.rehearsal.scenarios import four_issues, toy

from gobetween.batch.pool import chunks, run_pool
from gobetween.batch.store import ResultStore
from gobetween.batch.tasks import FIELDS, Player, Task, batches, plan_tasks
from gobetween.cli.main import cli
from gobetween.formats import save_scenario
from gobetween.rehearsal import BEHAVIOURS, STRATEGIES

Row = dict[str, object]


def _same(row: Row) -> tuple[object, ...]:
    """A row without its timing."""
    return tuple(row[f] for f in FIELDS if f != "seconds")


def _one_by_one(scenarios: dict[str, object], tasks: list[Task], rounds: int) -> list[Row]:
    player = Player(scenarios, rounds=rounds)  # type: ignore[arg-type]  # scenarios by name
    return [player.play(task) for task in tasks]


@pytest.mark.parametrize("rounds", [1, 30, 100])
def test_a_batch_gives_the_rows_of_its_runs_one_by_one_row_by_row(rounds: int) -> None:
    scenarios = {"toy": toy(), "four": four_issues()}
    tasks = plan_tasks(scenarios, seeds=range(8))
    player = Player(scenarios, rounds=rounds)
    together = [row for batch in batches(tasks) for row in player.play_batch(batch)]
    alone = _one_by_one(scenarios, tasks, rounds)  # type: ignore[arg-type]
    assert [_same(r) for r in together] == [_same(r) for r in alone]
    assert len(together) == 2 * len(STRATEGIES) * len(BEHAVIOURS) * 8
    assert all(r["status"] == "ok" and r["seconds"] is not None for r in together)


def test_batches_hold_one_scenario_strategy_and_behaviour_and_chunks_whole_batches() -> None:
    tasks = plan_tasks(["a", "b"], ["veto", "hill-climbing"], ["truthful", "stubborn"], range(5))
    found = batches(tasks)
    assert len(found) == 8
    assert all(len({(t.scenario, t.strategy, t.behaviour) for t in b}) == 1 for b in found)
    assert [t for b in found for t in b] == tasks
    assert [len(b) for b in batches(tasks, most=2)] == [2, 2, 1] * 8
    cut = chunks(tasks, workers=2, most=64)  # 40 tasks: chunks of at most 5 (40 / 8)
    assert [len(b) for c in cut for b in c] == [5] * 8
    assert [t for c in cut for b in c for t in b] == tasks


def test_the_pool_plays_batches_into_the_rows_of_one_by_one() -> None:
    scenarios = {"toy": toy(), "four": four_issues()}
    tasks = plan_tasks(scenarios, seeds=range(6))
    pooled = list(run_pool(tasks, Player(scenarios, rounds=40).play_batch, workers=2, timeout=30))
    alone = _one_by_one(scenarios, tasks, 40)  # type: ignore[arg-type]
    assert sorted(_same(r) for r in pooled) == sorted(_same(r) for r in alone)


def test_a_stuck_run_in_a_batch_costs_its_own_row_and_the_others_are_played() -> None:
    scenarios = {"toy": toy()}
    player = Player(scenarios, rounds=30)

    def play(batch: list[Task]) -> list[Row]:
        if any(task.seed == 1 for task in batch):  # the run of seed 1 never ends
            time.sleep(3600)
        return player.play_batch(batch)

    tasks = plan_tasks(["toy"], ["hill-climbing"], ["truthful"], range(4))
    start = time.monotonic()
    rows = list(run_pool(tasks, play, workers=1, timeout=0.5, most=4))
    # the batch's limit (half a second), then seed 1 alone (half a second)
    assert time.monotonic() - start < 5
    by_seed = {row["seed"]: row for row in rows}
    assert len(rows) == 4
    assert (by_seed[1]["status"], by_seed[1]["error"]) == ("timeout", "stopped after 0.5 s")
    alone = _one_by_one(scenarios, tasks, 30)  # type: ignore[arg-type]
    assert [_same(by_seed[s]) for s in (0, 2, 3)] == [_same(alone[s]) for s in (0, 2, 3)]


def test_a_run_that_raises_in_a_batch_costs_its_own_row() -> None:
    scenarios = {"toy": toy()}
    player = Player(scenarios, rounds=30)

    def play(batch: list[Task]) -> list[Row]:
        if any(task.seed == 2 for task in batch):
            raise RuntimeError("seed 2 has a bug")
        return player.play_batch(batch)

    tasks = plan_tasks(["toy"], ["veto"], ["stubborn"], range(5))
    rows = list(run_pool(tasks, play, workers=1, timeout=30, most=5))
    by_seed = {row["seed"]: row for row in rows}
    assert sorted(by_seed) == [0, 1, 2, 3, 4]
    assert by_seed[2]["status"] == "error"
    assert "RuntimeError: seed 2 has a bug" in str(by_seed[2]["error"])
    alone = _one_by_one(scenarios, tasks, 30)  # type: ignore[arg-type]
    assert [_same(by_seed[s]) for s in (0, 1, 3, 4)] == [_same(alone[s]) for s in (0, 1, 3, 4)]


def test_a_resumed_tournament_skips_finished_runs_and_gives_the_rows_of_one_by_one(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    save_scenario(four_issues(), folder / "four.yaml")
    save_scenario(toy(), folder / "toy.yaml")
    out = tmp_path / "results.csv"
    args = ["tournament", str(folder), "--out", str(out), "--workers", "2", "--quiet"]
    args += ["--rounds", "50"]
    first = CliRunner().invoke(cli, [*args, "--seeds", "2"])
    assert first.exit_code == 0, first.output
    # seeds 2 to 4 of every strategy and behaviour: batches that do not start at seed 0
    again = CliRunner().invoke(cli, [*args, "--seeds", "5"])
    assert again.exit_code == 0, again.output
    total = 2 * len(STRATEGIES) * len(BEHAVIOURS) * 5
    assert f"{2 * total // 5} of {total} runs already in" in again.output
    with out.open(newline="", encoding="utf-8") as handle:
        written = list(csv.DictReader(handle))
    assert len(written) == total  # no run played twice
    stored = ResultStore(out).rows()
    loaded = {"four.yaml": four_issues(), "toy.yaml": toy()}
    tasks = plan_tasks(loaded, seeds=range(5))
    alone = _one_by_one(loaded, tasks, 50)  # type: ignore[arg-type]
    # through the CSV file: numbers as written and read back, the same for both
    store = ResultStore(tmp_path / "alone.csv")
    store.append(alone)
    assert sorted(_same(r) for r in stored) == sorted(_same(r) for r in store.rows())


def test_after_a_batch_passes_the_limit_its_scenario_s_runs_go_one_by_one(
    tmp_path: Path,
) -> None:
    scenarios = {"toy": toy()}
    player = Player(scenarios, rounds=30)

    def play(batch: list[Task]) -> list[Row]:
        (tmp_path / str(os.getpid())).touch()
        time.sleep(0.3 * len(batch))  # every run slow, but within the limit alone
        return player.play_batch(batch)

    tasks = plan_tasks(["toy"], ["veto", "nash-seeking"], ["truthful"], range(3))
    assert [len(b) for c in chunks(tasks, 1, most=3) for b in c] == [2, 1, 2, 1]
    rows = list(run_pool(tasks, play, workers=1, timeout=0.5, most=3))
    assert [r["status"] for r in rows] == ["ok"] * 6
    alone = _one_by_one(scenarios, tasks, 30)  # type: ignore[arg-type]
    assert sorted(_same(r) for r in rows) == sorted(_same(r) for r in alone)
    # the first batch's worker was killed; the second batch of two went one by one to the
    # worker that took over, instead of passing the limit again
    assert len(list(tmp_path.iterdir())) == 2
