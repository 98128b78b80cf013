"""The tournament runner: time limits that kill, resumable results, the report, the command."""

from __future__ import annotations

import csv
import json
import os
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from tests.rehearsal.scenarios import four_issues, toy

from gobetween.batch.pool import run_pool
from gobetween.batch.report import ALL, summarise, write_report
from gobetween.batch.store import ResultStore
from gobetween.batch.tasks import FIELDS, Player, Task, failed_row, find_scenarios, plan_tasks
from gobetween.cli.main import cli
from gobetween.errors import InputError, ValidationFailed
from gobetween.formats import save_scenario
from gobetween.rehearsal import STRATEGIES
from gobetween.rehearsal.strategies import Room, StrategySpec


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder as people have them: a scenario file, a nested Genius folder, a notes file."""
    root = tmp_path / "scenarios"
    root.mkdir()
    save_scenario(four_issues(), root / "four.yaml")
    save_scenario(toy(), root / "genius" / "toy")
    (root / "notes.txt").write_text("not a scenario\n")
    return root


def _comparable(rows: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return sorted(tuple(r[f] for f in FIELDS if f != "seconds") for r in rows)


def test_find_scenarios_reads_files_and_genius_folders_and_names_them(folder: Path) -> None:
    (folder / "broken.yaml").write_text("parties: [\n")
    found, failed = find_scenarios(folder)
    assert sorted(found) == ["four.yaml", "genius/toy"]
    assert list(failed) == ["broken.yaml"]
    assert failed["broken.yaml"]  # the reason, for the user


def test_plan_tasks_is_bounded_and_checks_names() -> None:
    tasks = plan_tasks(["a", "b"], ["veto"], ["truthful", "stubborn"], range(3))
    assert len(tasks) == 12
    assert tasks[0] == Task("a", "veto", "truthful", 0)
    with pytest.raises(ValidationFailed, match="more than the limit of 11"):
        plan_tasks(["a", "b"], ["veto"], ["truthful", "stubborn"], range(3), max_tasks=11)
    with pytest.raises(ValidationFailed, match="no strategy called 'nope'"):
        plan_tasks(["a"], ["nope"], ["truthful"], [0])


def _sleeper(room: Room, rng: np.random.Generator) -> None:
    """A strategy stuck for an hour; it leaves its process id where the test can find it."""
    Path(os.environ["F_SLEEPER_PIDS"], str(os.getpid())).touch()
    time.sleep(3600)


def _broken(room: Room, rng: np.random.Generator) -> None:
    raise RuntimeError("this strategy has a bug")


REGISTRY = {
    **STRATEGIES,
    "sleeper": StrategySpec("sleeper", "never returns", _sleeper),
    "broken": StrategySpec("broken", "raises", _broken),
}


def test_a_stuck_run_is_killed_recorded_as_timeout_and_the_rest_carry_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("F_SLEEPER_PIDS", str(tmp_path))
    player = Player({"toy": toy()}, rounds=50, registry=REGISTRY)
    tasks = plan_tasks(
        ["toy"],
        ["veto", "sleeper", "broken", "nash-seeking"],
        ["truthful"],
        range(3),
        registry=REGISTRY,
    )
    start = time.monotonic()
    rows = list(run_pool(tasks, player.play_batch, workers=2, timeout=0.5, most=4))
    elapsed = time.monotonic() - start
    # three stuck runs of an hour each, stopped at half a second in a batch, then again at
    # half a second each when played alone
    assert elapsed < 20
    by_status: dict[str, list[str]] = {}
    for row in rows:
        by_status.setdefault(str(row["status"]), []).append(str(row["strategy"]))
    assert sorted(by_status["timeout"]) == ["sleeper"] * 3
    assert sorted(by_status["error"]) == ["broken"] * 3
    assert sorted(by_status["ok"]) == ["nash-seeking"] * 3 + ["veto"] * 3
    assert all(
        "RuntimeError: this strategy has a bug" in r["error"]
        for r in rows
        if r["status"] == "error"
    )
    pids = [int(p.name) for p in tmp_path.iterdir()]
    assert len(pids) >= 3  # each stuck run alone (and a batch that held one or more)
    for pid in pids:  # the workers that ran them are gone (killed and reaped)
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_the_pool_gives_the_rows_of_playing_in_one_process() -> None:
    scenarios = {"toy": toy(), "four": four_issues()}
    tasks = plan_tasks(scenarios, seeds=range(3))
    player = Player(scenarios, rounds=30)
    alone = [player.play(t) for t in tasks]
    pooled = list(run_pool(tasks, Player(scenarios, rounds=30).play_batch, workers=2, timeout=30))
    assert _comparable(pooled) == _comparable(alone)


@pytest.mark.parametrize("name", ["results.csv", "results.parquet"])
def test_a_rerun_skips_finished_runs_and_the_store_keeps_every_row(
    folder: Path, tmp_path: Path, name: str
) -> None:
    out = tmp_path / name
    args = ["tournament", str(folder), "--out", str(out), "--workers", "1", "--quiet"]
    first = CliRunner().invoke(cli, [*args, "--seeds", "2", "-s", "veto", "-s", "nash-seeking"])
    assert first.exit_code == 0, first.output
    rows = ResultStore(out).rows()
    assert len(rows) == 2 * 2 * 3 * 2  # scenarios x strategies x behaviours x seeds
    again = CliRunner().invoke(cli, [*args, "--seeds", "3", "-s", "veto", "-s", "nash-seeking"])
    assert again.exit_code == 0, again.output
    assert "24 of 36 runs already in" in again.output
    after = ResultStore(out).rows()
    assert len(after) == 36
    assert _comparable([r for r in after if r["seed"] < 2]) == _comparable(rows)
    assert ResultStore(out).finished() == {
        (r["scenario"], r["strategy"], r["behaviour"], r["seed"]) for r in after
    }


def test_a_partial_last_line_from_a_killed_run_is_ignored_and_replayed(tmp_path: Path) -> None:
    store = ResultStore(tmp_path / "r.csv")
    player = Player({"toy": toy()}, rounds=20)
    rows = [player.play(t) for t in plan_tasks(["toy"], ["veto"], ["truthful"], range(3))]
    store.append(rows)
    with (tmp_path / "r.csv").open("a") as handle:
        handle.write("toy,veto,truthful,3,ok,Tr")  # cut off mid-row
    assert len(store.rows()) == 3
    more = [player.play(Task("toy", "veto", "truthful", 3))]
    store.append(more)
    assert sorted(r["seed"] for r in store.rows()) == [0, 1, 2, 3]


def test_results_with_other_columns_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match="other columns"):
        ResultStore(path).rows()
    with pytest.raises(InputError, match=r"\.csv or \.parquet"):
        ResultStore(tmp_path / "r.xlsx")


def test_the_report_counts_shares_means_and_speed() -> None:
    base = dict.fromkeys(FIELDS)
    rows = [
        {
            **base,
            "strategy": "s",
            "behaviour": "truthful",
            "status": "ok",
            "agreement": True,
            "pareto_optimal": True,
            "nash_distance": 0.0,
            "rounds": 1,
            "seconds": 0.001,
        },
        {
            **base,
            "strategy": "s",
            "behaviour": "truthful",
            "status": "ok",
            "agreement": False,
            "pareto_optimal": False,
            "nash_distance": 0.5,
            "rounds": 9,
            "seconds": 0.003,
        },
        {**base, "strategy": "s", "behaviour": "stubborn", "status": "timeout"},
    ]
    lines = summarise(rows)
    truthful, total = lines[0], lines[-1]
    assert (truthful.runs, truthful.agreements, truthful.pareto_optimal) == (2, 0.5, 0.5)
    assert truthful.nash_distance == pytest.approx(0.25)
    assert truthful.rounds == pytest.approx(5.0)
    assert truthful.per_second == pytest.approx(500.0)
    assert (total.behaviour, total.runs, total.timeouts) == (ALL, 2, 1)


def test_the_command_prints_and_writes_the_report(folder: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    result = CliRunner().invoke(
        cli,
        [
            "tournament",
            str(folder),
            "--seeds",
            "3",
            "--workers",
            "2",
            "--quiet",
            "--report",
            str(report),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Tournament report" in result.output
    lines = json.loads(report.read_text())["strategies"]
    totals = {line["strategy"]: line for line in lines if line["behaviour"] == ALL}
    assert list(totals) == list(STRATEGIES)
    assert all(line["runs"] == 2 * 3 * 3 for line in totals.values())
    nash = totals["nash-seeking"]
    assert nash["pareto_optimal"] >= max(t["pareto_optimal"] for t in totals.values())
    csv_report = tmp_path / "report.csv"
    write_report(summarise([]), csv_report)
    with csv_report.open(newline="") as handle:
        assert next(csv.reader(handle))[0] == "strategy"


def test_the_command_refuses_bad_input_clearly(folder: Path, tmp_path: Path) -> None:
    too_many = CliRunner().invoke(cli, ["tournament", str(folder), "--max-tasks", "5"])
    assert too_many.exit_code != 0
    assert "more than the limit of 5" in too_many.output + str(too_many.exception)
    unknown = CliRunner().invoke(cli, ["tournament", str(folder), "-s", "nash"])
    assert unknown.exit_code == 2
    assert "nash-seeking" in unknown.output
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = CliRunner().invoke(cli, ["tournament", str(empty)])
    assert nothing.exit_code != 0
    assert "no scenario below this folder" in nothing.output + str(nothing.exception)
    bad_address = CliRunner().invoke(cli, ["tournament", str(folder), "--scheduler", "foo"])
    assert bad_address.exit_code == 2
    said = " ".join(bad_address.output.split())
    assert "--scheduler: 'foo' is not a Dask scheduler's address" in said
    assert "internal error" not in said


@pytest.mark.slow
def test_a_dask_local_cluster_gives_the_rows_of_the_pool() -> None:
    """Worker processes (daemonic, under a nanny) fork their own time-limited children."""
    import distributed  # in the test extra, so CI runs this

    from gobetween.batch.remote import run_distributed

    scenarios = {"toy": toy(), "four": four_issues()}
    tasks = plan_tasks(scenarios, seeds=range(2))
    pooled = list(run_pool(tasks, Player(scenarios, rounds=30).play_batch, workers=2, timeout=30))
    with (
        distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = list(
            run_distributed(tasks, scenarios, scheduler=client, rounds=30, timeout=30, most=12)
        )
    assert _comparable(remote) == _comparable(pooled)


def test_a_folder_of_too_many_scenario_files_is_refused(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gobetween.batch import tasks

    monkeypatch.setattr(tasks, "MAX_SCENARIOS", 1)
    (folder / "second.yaml").write_text((folder / "four.yaml").read_text())
    with pytest.raises(InputError, match="more than 1 scenario files"):
        find_scenarios(folder)


def test_retry_failed_plays_again_only_the_runs_without_a_result(tmp_path: Path) -> None:
    store = ResultStore(tmp_path / "r.csv")
    player = Player({"toy": toy()}, rounds=20)
    played = player.play(Task("toy", "veto", "truthful", 0))
    stuck = Task("toy", "veto", "truthful", 1)
    store.append([played, failed_row(stuck, "timeout", "stopped after 1 s", 1.0)])
    assert store.finished() == {played_key(played), stuck.key}
    assert store.finished(retry_failed=True) == {played_key(played)}
    store.append([player.play(stuck)])  # played again: the last row of a key counts
    assert {r["seed"]: r["status"] for r in store.rows()} == {0: "ok", 1: "ok"}


def played_key(row: dict[str, object]) -> tuple[object, ...]:
    return (row["scenario"], row["strategy"], row["behaviour"], row["seed"])


def test_a_scenario_too_slow_to_prepare_costs_the_time_limit_once_not_per_run() -> None:
    scenarios = {"toy": toy(), "slow": four_issues()}
    player = Player(scenarios, rounds=20)

    def play(batch: list[Task]) -> list[dict[str, object]]:
        if batch[0].scenario == "slow":  # as if preparing it (its exact frontier) took an hour
            time.sleep(3600)
        return player.play_batch(batch)

    tasks = plan_tasks(["slow", "toy"], ["veto", "nash-seeking"], ["truthful"], range(4))
    start = time.monotonic()
    rows = list(run_pool(tasks, play, workers=1, timeout=0.5, most=3))
    # the time limit of a batch, then of its first run alone, not eight limits
    assert time.monotonic() - start < 5
    slow = [r for r in rows if r["scenario"] == "slow"]
    assert len(slow) == 8
    assert all(r["status"] == "timeout" for r in slow)
    assert sum("preparing the scenario" in r["error"] for r in slow) == 7
    assert [r["status"] for r in rows if r["scenario"] == "toy"] == ["ok"] * 8


def test_the_report_is_read_whole_in_an_80_column_terminal() -> None:
    """In 80 columns the report's ten columns were cut to "stra…", "agre…", "14,4…" (found
    walking the demo): a narrow terminal gets a line per row with every figure named and
    whole; a wide one the table."""
    import io

    from rich.console import Console

    from gobetween.batch.report import ALL, Summary
    from gobetween.cli.tournament import print_report

    lines = [
        Summary("hill-climbing", "exaggerating", 6, 0, 0, 1 / 3, 0.0, 0.679, 45.5, 32123.0),
        Summary("hill-climbing", ALL, 18, 0, 0, 0.78, 0.0, 0.372, 45.5, 27939.0),
    ]
    for width in (80, 140):
        out = io.StringIO()
        print_report(lines, Console(file=out, width=width, color_system=None))
        said = out.getvalue()
        assert "…" not in said, said
        for figure in ("hill-climbing", "exaggerating", "33%", "0.679", "32,123", "27,939"):
            assert figure in said, (width, figure, said)
        assert ("┃" in said) == (width == 140), said  # a table only where it fits
