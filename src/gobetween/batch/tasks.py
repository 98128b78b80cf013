"""Tournament tasks: which runs to play, and playing one (in whatever process runs it).

A task is one run: ``(scenario, strategy, behaviour, seed)``, its *key* in the results. The
scenarios come from a folder (:func:`find_scenarios`: scenario files and Genius folders, each
named by its path below the folder); :func:`plan_tasks` crosses them with the strategies,
behaviours and seeds, bounded; :func:`execute` plays one task and returns its result row.
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gobetween.errors import N_, GobetweenError, InputError, ValidationFailed
from gobetween.formats.genius import load_genius
from gobetween.formats.genius_folders import find_genius_folders
from gobetween.formats.loading import load_scenario
from gobetween.model import Scenario
from gobetween.rehearsal import BEHAVIOURS, STRATEGIES, Rehearsal, RunResult
from gobetween.rehearsal.strategies import StrategySpec

__all__ = [
    "FIELDS",
    "MAX_SCENARIOS",
    "MAX_TASKS",
    "Task",
    "batches",
    "execute",
    "failed_row",
    "find_scenarios",
    "plan_tasks",
]

#: A tournament plays at most this many runs unless told otherwise.
MAX_TASKS = 1_000_000
#: Scenario files read from one folder at most (Genius folders have their own bound).
MAX_SCENARIOS = 10_000
#: Columns of a result row, in file order.
FIELDS = (
    "scenario",
    "strategy",
    "behaviour",
    "seed",
    "status",
    "agreement",
    "pareto_optimal",
    "nash_distance",
    "rounds",
    "seconds",
    "utilities",
    "package",
    "error",
)
_SCENARIO_SUFFIXES = {".yaml", ".yml", ".json"}


@dataclass(frozen=True, order=True)
class Task:
    """One run to play; its fields are the key that makes a rerun skip it once done."""

    scenario: str
    strategy: str
    behaviour: str
    seed: int

    @property
    def key(self) -> tuple[str, str, str, int]:
        """``(scenario, strategy, behaviour, seed)``."""
        return (self.scenario, self.strategy, self.behaviour, self.seed)


def find_scenarios(
    root: str | os.PathLike[str],
) -> tuple[dict[str, Scenario], dict[str, str]]:
    """Every scenario at or below ``root``: scenario files (``.yaml``, ``.yml``, ``.json``) and
    Genius folders, each named by its path relative to ``root`` (a file: its own name).

    Returns the scenarios that load and, separately, the ones that do not with the reason (a
    tournament carries on without them and says so).
    """
    base = Path(root)
    if base.is_file():
        return {base.name: load_scenario(base)}, {}
    if not base.is_dir():
        raise InputError(N_("no such file or folder"), source=str(base), expected=N_("a folder"))
    loaded: dict[str, Scenario] = {}
    failed: dict[str, str] = {}
    for path in sorted(base.rglob("*")):
        relative = path.relative_to(base)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_file() and path.suffix.lower() in _SCENARIO_SUFFIXES:
            if len(loaded) + len(failed) >= MAX_SCENARIOS:
                raise InputError(
                    N_("more than %(most)s scenario files"),
                    source=str(base),
                    expected=N_("at most %(most)s scenarios in one tournament"),
                    params={"most": MAX_SCENARIOS},
                )
            _load(loaded, failed, relative.as_posix(), lambda p=path: load_scenario(p))
    try:
        folders = find_genius_folders(base)
    except GobetweenError:
        folders = []
    for folder in folders:
        name = folder.name if folder == base else folder.relative_to(base).as_posix()
        _load(loaded, failed, name, lambda f=folder: load_genius(f))
    if not loaded and not failed:
        raise InputError(
            N_("no scenario below this folder"),
            source=str(base),
            expected=N_("scenario files (.yaml, .yml, .json) or Genius folders"),
        )
    return dict(sorted(loaded.items())), failed


def _load(loaded: dict[str, Scenario], failed: dict[str, str], name: str, load: Any) -> None:
    try:
        loaded[name] = load()
    except GobetweenError as exc:
        failed[name] = str(exc)


#: The refusal of an unknown name, by what it names (``_known``'s ``what``).
_UNKNOWN = {
    "strategy": N_("no strategy called %(name)r"),
    "behaviour": N_("no behaviour called %(name)r"),
}


def _known(names: Sequence[str], registry: Mapping[str, object], what: str) -> tuple[str, ...]:
    for name in names:
        if name not in registry:
            raise ValidationFailed(
                _UNKNOWN[what],
                location=what,
                expected=N_("one of %(choices)s"),
                params={"name": name, "choices": ", ".join(registry)},
            )
    return tuple(dict.fromkeys(names))


def plan_tasks(
    scenarios: Iterable[str],
    strategies: Sequence[str] = tuple(STRATEGIES),
    behaviours: Sequence[str] = tuple(BEHAVIOURS),
    seeds: Sequence[int] = (0,),
    *,
    max_tasks: int = MAX_TASKS,
    registry: Mapping[str, StrategySpec] = STRATEGIES,
) -> list[Task]:
    """Every ``(scenario, strategy, behaviour, seed)``, scenario by scenario (so a worker
    prepares each scenario once); :class:`ValidationFailed` above ``max_tasks`` runs or for an
    unknown strategy or behaviour."""
    names = tuple(scenarios)
    chosen = _known(strategies, registry, "strategy")
    kinds = _known(behaviours, BEHAVIOURS, "behaviour")
    seeds = tuple(dict.fromkeys(int(s) for s in seeds))
    count = len(names) * len(chosen) * len(kinds) * len(seeds)
    if count > max_tasks:
        raise ValidationFailed(
            N_("%(count)s runs asked for, more than the limit of %(limit)s"),
            location="tasks",
            expected=N_(
                "fewer scenarios, strategies, behaviours or seeds (or a higher --max-tasks)"
            ),
            params={"count": count, "limit": max_tasks},
        )
    return [
        Task(scenario, strategy, behaviour, seed)
        for scenario in names
        for strategy in chosen
        for behaviour in kinds
        for seed in seeds
    ]


def _row(task: Task, status: str, **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(FIELDS)
    row.update(scenario=task.scenario, strategy=task.strategy, behaviour=task.behaviour)
    row.update(seed=task.seed, status=status, **fields)
    return row


def failed_row(
    task: Task, status: str, error: str = "", seconds: float | None = None
) -> dict[str, Any]:
    """The row of a task that gave no result: ``"timeout"``, ``"error"`` or ``"crashed"``."""
    return _row(task, status, error=error[:500], seconds=seconds)


#: A scenario's names a row uses: its parties', its issues' and each issue's options'.
Labels = tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, ...], ...]]


def labels(scenario: Scenario) -> Labels:
    """The names :func:`result_row` writes, worked out once for many rows of a scenario."""
    issues = scenario.agenda.issues
    return (
        tuple(scenario.party_names),
        tuple(i.name for i in issues),
        tuple(i.option_names for i in issues),
    )


def result_row(
    result: RunResult, scenario: Scenario, seconds: float, names: Labels | None = None
) -> dict[str, Any]:
    """The row of a played run (utilities by party, the package by issue and option name);
    ``names``: the scenario's :func:`labels`, when already worked out."""
    task = Task(result.scenario, result.strategy, result.behaviour, result.seed)
    parties, issues, options = names or labels(scenario)
    package = None
    if result.package is not None:
        package = json.dumps(
            {
                issue: choices[c]
                for issue, choices, c in zip(issues, options, result.package, strict=True)
            },
            ensure_ascii=False,
        )
    utilities = dict(zip(parties, result.utilities, strict=True))
    return _row(
        task,
        "ok",
        agreement=result.agreement,
        pareto_optimal=result.pareto_optimal,
        nash_distance=None if math.isnan(result.nash_distance) else result.nash_distance,
        rounds=result.rounds,
        seconds=seconds,
        utilities=json.dumps(utilities, ensure_ascii=False),
        package=package,
        error="",
    )


class Player:
    """Plays tasks in one process, preparing each scenario once (the last few are kept)."""

    def __init__(
        self,
        scenarios: Mapping[str, Scenario],
        *,
        rounds: int,
        registry: Mapping[str, StrategySpec] = STRATEGIES,
        keep: int = 16,
    ) -> None:
        self.scenarios = scenarios
        self.rounds = rounds
        self.registry = registry
        self.keep = keep
        self._prepared: dict[str, Rehearsal] = {}

    def _rehearsal(self, name: str) -> Rehearsal:
        prepared = self._prepared.pop(name, None)
        if prepared is None:
            prepared = Rehearsal(self.scenarios[name], name, strategies=self.registry)
        self._prepared[name] = prepared  # most recently used last
        while len(self._prepared) > self.keep:
            self._prepared.pop(next(iter(self._prepared)))
        return prepared

    def play(self, task: Task) -> dict[str, Any]:
        """One task's row; a gobetween error (a scenario too large to analyse, ...) is a row
        with status ``"error"``, not an exception."""
        start = time.perf_counter()
        try:
            rehearsal = self._rehearsal(task.scenario)
            rehearsal.prepare(task.strategy, task.behaviour)
            begun = time.perf_counter()
            result = rehearsal.run(task.strategy, task.behaviour, task.seed, rounds=self.rounds)
            seconds = time.perf_counter() - begun
        except GobetweenError as exc:
            return failed_row(task, "error", str(exc), time.perf_counter() - start)
        return result_row(result, rehearsal.scenario, seconds)

    def play_batch(self, batch: Sequence[Task]) -> list[dict[str, Any]]:
        """The rows of runs of one scenario, strategy and behaviour (a :func:`batches` item),
        played together through :meth:`Rehearsal.runs`: the rows :meth:`play` gives task by
        task, but each run's ``seconds`` is the batch's time shared out evenly. A gobetween
        error (preparing the scenario, ...) plays the batch again task by task, so that each
        task's row is the one :meth:`play` gives."""
        if len(batch) == 1:
            return [self.play(batch[0])]
        first = batch[0]
        try:
            rehearsal = self._rehearsal(first.scenario)
            rehearsal.prepare(first.strategy, first.behaviour)
            begun = time.perf_counter()
            results = rehearsal.runs(
                first.strategy, first.behaviour, [t.seed for t in batch], rounds=self.rounds
            )
            seconds = (time.perf_counter() - begun) / len(batch)
        except GobetweenError:
            return [self.play(task) for task in batch]
        scenario = rehearsal.scenario
        names = labels(scenario)
        return [result_row(result, scenario, seconds, names) for result in results]

    def play_all(self, tasks: Iterable[Task]) -> Iterator[dict[str, Any]]:
        """Rows of ``tasks``, in order."""
        for task in tasks:
            yield self.play(task)


def batches(tasks: Iterable[Task], *, most: int = 64) -> list[list[Task]]:
    """Consecutive tasks of one scenario, strategy and behaviour, together (at most ``most``
    a batch): what :meth:`Player.play_batch` plays at once."""
    out: list[list[Task]] = []
    for task in tasks:
        last = out[-1] if out else None
        if (
            last is not None
            and len(last) < most
            and (last[0].scenario, last[0].strategy, last[0].behaviour)
            == (task.scenario, task.strategy, task.behaviour)
        ):
            last.append(task)
        else:
            out.append([task])
    return out


def execute(task: Task, scenarios: Mapping[str, Scenario], *, rounds: int) -> dict[str, Any]:
    """One task's row, played in this process (no time limit: see :mod:`~gobetween.batch.pool`)."""
    return Player(scenarios, rounds=rounds).play(task)
