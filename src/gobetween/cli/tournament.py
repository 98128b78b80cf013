"""``gobetween tournament FOLDER``: mediator strategies against simulated delegations, at scale.

Every scenario in FOLDER (scenario files and Genius folders, as they are) x strategies x party
behaviours x seeds, played by a pool of worker processes with a time limit per run (a stuck run
is killed and recorded as "timeout"), or on a Dask cluster with ``--scheduler``. With ``--out``
every result is appended to a CSV file or a Parquet dataset as it comes, and a rerun skips the
runs already there. The report (a table, and ``--report`` as JSON or CSV) gives per strategy
the share of agreements, the share of Pareto-optimal agreements, the mean distance to the Nash
point, the mean rounds and the negotiations per second; and, for a Genius folder that carries a
published reference frontier, whether gobetween's exact frontier equals or dominates it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from gobetween import i18n
from gobetween.batch.pool import DEFAULT_TIMEOUT, run_pool
from gobetween.batch.references import ReferenceCheck, check_references
from gobetween.batch.report import ALL, Summary, summarise, write_report
from gobetween.batch.store import ResultStore
from gobetween.batch.tasks import MAX_TASKS, Player, Task, find_scenarios, plan_tasks
from gobetween.cli.language import Command, number, percent, refusal
from gobetween.errors import N_, GobetweenError
from gobetween.formats.genius import load_genius
from gobetween.formats.loading import load_scenario
from gobetween.i18n import _
from gobetween.rehearsal import BEHAVIOURS, DEFAULT_ROUNDS, MAX_ROUNDS, STRATEGIES

__all__ = ["tournament"]

#: Results are written at least this often (seconds) and every this many rows.
FLUSH_SECONDS = 2.0
FLUSH_ROWS = 2000


def _rows(
    todo: Sequence[Task],
    scenarios: Any,
    *,
    rounds: int,
    workers: int,
    timeout: float,
    scheduler: str | None,
) -> Iterator[dict[str, Any]]:
    if scheduler:
        from gobetween.batch.remote import run_distributed

        return run_distributed(todo, scenarios, scheduler=scheduler, rounds=rounds, timeout=timeout)
    player = Player(scenarios, rounds=rounds)
    return run_pool(todo, player.play_batch, workers=workers, timeout=timeout)


def _percent(share: float) -> str:
    return percent(share)


def _number(value: float | None, digits: int) -> str:
    return "-" if value is None else number(value, digits)


#: Below this many columns the report is written as lines, not a table: its ten columns cut
#: with "…" in an 80-column terminal could not be read (found walking the demo).
TABLE_COLUMNS = 120


def print_report(lines: Sequence[Summary], console: Console) -> None:
    """The report as a table: each strategy's behaviours, then its total in bold (in a
    narrower terminal, a line per row, each figure named)."""
    headers = (
        _("runs"),
        _("agreements"),
        _("Pareto-optimal"),
        _("distance to Nash"),
        _("rounds"),
        _("runs/s"),
        _("timeouts"),
        _("errors"),
    )
    rows = []
    for line in lines:
        total = line.behaviour == ALL
        figures = (
            number(line.runs),
            _percent(line.agreements),
            _percent(line.pareto_optimal),
            _number(line.nash_distance, 3),
            _number(line.rounds, 1),
            _number(line.per_second, 0),
            number(line.timeouts),
            number(line.errors),
        )
        rows.append((line.strategy, _("all behaviours") if total else line.behaviour, figures))
    if console.width < TABLE_COLUMNS:
        console.print(_("Tournament report"), style="bold")
        for strategy, parties, figures in rows:
            named = ", ".join(f"{h} {f}" for h, f in zip(headers, figures, strict=True))
            console.print(f"{strategy} · {parties}: {named}", soft_wrap=False)
        return
    table = Table(title=_("Tournament report"), title_justify="left")
    table.add_column(_("strategy"), justify="left")
    table.add_column(_("parties"), justify="left")
    for header in headers:
        table.add_column(header, justify="right")
    for strategy, parties, figures in rows:
        total = parties == _("all behaviours")
        table.add_row(
            strategy, parties, *figures, style="bold" if total else None, end_section=total
        )
    console.print(table)


def print_references(checks: Sequence[ReferenceCheck], console: Console) -> None:
    """Each published reference frontier against gobetween's exact frontier, point by point."""
    verdicts = {
        "equal": _("equal"),
        "dominates": _("dominates"),
        "misses": _("misses"),
        "error": _("could not compare"),
    }
    table = Table(
        title=_("Reference frontiers (gobetween's exact frontier against the published one)"),
        title_justify="left",
    )
    table.add_column(_("scenario"), justify="left")
    table.add_column(_("reference file"), justify="left")
    table.add_column(_("verdict"), justify="left")
    for header in (_("points"), _("equal"), _("beaten"), _("missed"), _("gobetween's points")):
        table.add_column(header, justify="right")
    for check in checks:
        verdict = verdicts.get(check.verdict, check.verdict)
        table.add_row(
            check.scenario,
            check.reference,
            f"{verdict}: {check.error}" if check.error else verdict,
            number(check.reference_points),
            number(check.equal),
            number(check.dominated),
            number(check.missed),
            number(check.frontier_points),
        )
    console.print(table)


def _why(folder: Path, name: str, reason: str) -> str:
    """Why the scenario ``name`` below ``folder`` was skipped, in the run's language.

    :func:`~gobetween.batch.tasks.find_scenarios` keeps the English sentence only; outside
    English the scenario is read again for its error, which :func:`refusal` translates.
    """
    if i18n.current_locale() == i18n.DEFAULT_LOCALE:
        return reason
    path = folder / name
    if not path.exists():  # the folder itself is the Genius folder, named by its own name
        path = folder
    try:
        if path.is_dir():
            load_genius(path)
        else:
            load_scenario(path)
    except GobetweenError as error:
        return refusal(error)
    return reason


@click.command(
    cls=Command,
    help=N_(
        "Play mediator strategies against simulated parties on every scenario in FOLDER.\n\n"
        "FOLDER holds scenario files (.yaml, .yml, .json) and Genius folders, nested as you like "
        "(a single scenario file works too). Strategies: follow-amendments, nash-seeking, "
        "hill-climbing, veto (VetoST-like). Party behaviours: truthful, exaggerating (claims red "
        "lines it does not have), stubborn (holds out, concedes slowly). Results are scored on "
        "the parties' true preferences against the exact Pareto frontier."
    ),
)
@click.argument("folder", type=click.Path(exists=True, path_type=Path))
@click.option(
    "-s",
    "--strategy",
    "strategies",
    multiple=True,
    type=click.Choice(list(STRATEGIES)),
    help=N_("A mediator strategy to play (repeatable; all by default)."),
)
@click.option(
    "-b",
    "--behaviour",
    "behaviours",
    multiple=True,
    type=click.Choice(list(BEHAVIOURS)),
    help=N_("A behaviour of the simulated parties (repeatable; all by default)."),
)
@click.option(
    "--seeds",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help=N_("Runs per scenario, strategy and behaviour (seeds 0 to N-1)."),
)
@click.option(
    "--rounds",
    type=click.IntRange(min=1, max=MAX_ROUNDS),
    default=DEFAULT_ROUNDS,
    show_default=True,
    help=N_("Most rounds (texts published and votes taken) in one run."),
)
@click.option(
    "--out",
    type=click.Path(dir_okay=True, path_type=Path),
    help=N_("Append results to this .csv file or .parquet dataset; a rerun skips finished runs."),
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help=N_("Also write the report to this .json or .csv file."),
)
@click.option(
    "--workers",
    type=click.IntRange(min=1, max=256),
    default=os.cpu_count() or 1,
    show_default=N_("the number of CPUs"),
    help=N_("Worker processes on this machine."),
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.01, max=86_400),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    help=N_("Seconds one run may take before its worker is killed and the run recorded 'timeout'."),
)
@click.option(
    "--max-tasks",
    type=click.IntRange(min=1),
    default=MAX_TASKS,
    show_default=True,
    help=N_("Refuse tournaments of more runs than this."),
)
@click.option(
    "--retry-failed", is_flag=True, help=N_("Play again the runs that timed out or failed.")
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help=N_(
        "Play on a Dask cluster (tcp://host:8786); needs pip install 'gobetween[distributed]'."
    ),
)
@click.option("--quiet", is_flag=True, help=N_("No progress bar."))
def tournament(
    folder: Path,
    strategies: tuple[str, ...],
    behaviours: tuple[str, ...],
    seeds: int,
    rounds: int,
    out: Path | None,
    report_path: Path | None,
    workers: int,
    timeout: float,
    max_tasks: int,
    retry_failed: bool,
    scheduler: str | None,
    quiet: bool,
) -> None:
    """``gobetween tournament`` (help: the N_ text above)."""
    console = Console(stderr=True, highlight=False)
    scenarios, failed = find_scenarios(folder)
    for name, reason in failed.items():
        console.print(
            _("skipped %(name)s: %(reason)s")
            % {"name": name, "reason": _why(folder, name, reason)},
            markup=False,
        )
    chosen = list(strategies or STRATEGIES)
    kinds = list(behaviours or BEHAVIOURS)
    tasks = plan_tasks(scenarios, chosen, kinds, range(seeds), max_tasks=max_tasks)
    store = ResultStore(out) if out is not None else None
    done = store.finished(retry_failed=retry_failed) if store is not None else set()
    todo = [t for t in tasks if t.key not in done]
    if done:
        console.print(
            _("%(done)s of %(runs)s runs already in %(out)s")
            % {"done": number(len(tasks) - len(todo)), "runs": number(len(tasks)), "out": out},
            markup=False,
        )
    rows: list[dict[str, Any]] = []
    pending: list[dict[str, Any]] = []
    start = time.perf_counter()
    with Progress(
        TextColumn(_("runs")),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=quiet,
        transient=False,
    ) as progress:
        bar = progress.add_task(_("runs"), total=len(todo))
        flushed = time.monotonic()
        for row in _rows(
            todo, scenarios, rounds=rounds, workers=workers, timeout=timeout, scheduler=scheduler
        ):
            rows.append(row)
            pending.append(row)
            progress.advance(bar)
            if store is not None and (
                len(pending) >= FLUSH_ROWS or time.monotonic() - flushed > FLUSH_SECONDS
            ):
                store.append(pending)
                pending, flushed = [], time.monotonic()
        if store is not None:
            store.append(pending)
    wall = time.perf_counter() - start
    if todo:
        console.print(
            _("%(runs)s runs in %(seconds)s s (%(rate)s runs/s overall)")
            % {
                "runs": number(len(todo)),
                "seconds": number(wall, 1),
                "rate": number(len(todo) / wall, 0),
            },
            markup=False,
        )
    wanted = {t.key for t in tasks}
    everything = store.rows() if store is not None else rows
    mine = [
        r for r in everything if (r["scenario"], r["strategy"], r["behaviour"], r["seed"]) in wanted
    ]
    lines = summarise(mine, chosen, kinds)
    print_report(lines, Console(highlight=False))
    checks = check_references(folder, scenarios)
    if checks:
        print_references(checks, Console(highlight=False))
    if report_path is not None:
        write_report(lines, report_path, checks)
