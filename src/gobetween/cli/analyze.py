"""``gobetween analyze PATH``: the mediators' decision support for a scenario file.

Prints a readable report (sizes, frontier, solutions, ZOPA, trade-offs and the named packages of
the file with their Pareto improvements), or JSON with ``--json``, and draws the utility space
with ``--plot``. Heavy modules (Rich, matplotlib) are imported only when they are needed, so
``--json`` stays quick.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from gobetween.analysis import Analysis, pareto_improvements
from gobetween.analysis import analyze as run_analysis
from gobetween.analysis.bonus_frontier import milp_executor, milp_time_limit
from gobetween.analysis.enumeration import DEFAULT_ENUMERATION_LIMIT
from gobetween.analysis.milp import DEFAULT_TIME_LIMIT
from gobetween.batch.executors import solve_executor
from gobetween.cli import options
from gobetween.cli.language import Command
from gobetween.errors import N_
from gobetween.formats import load_scenario_file
from gobetween.formats.scenario_file import ScenarioFile
from gobetween.i18n import _

__all__ = ["analyze"]

#: Above this many packages the plot shows a uniform sample instead of every package.
PLOT_ALL_PACKAGES_UP_TO = 20_000


def _disagreement(text: str | None, parties: tuple[str, ...]) -> tuple[float, ...] | None:
    if text is None:
        return None
    values = dict.fromkeys(parties, 0.0)
    for part in text.split(","):
        name, sep, number = part.rpartition("=")
        if not sep or name.strip() not in values:
            raise click.BadParameter(
                _("%(part)r: expected PARTY=VALUE with PARTY one of %(parties)s")
                % {"part": part, "parties": ", ".join(parties)},
                param_hint="--disagreement",
            )
        try:
            values[name.strip()] = float(number)
        except ValueError:
            raise click.BadParameter(
                _("%(value)r is not a number") % {"value": number}, param_hint="--disagreement"
            ) from None
    return tuple(values.values())


def _named_packages(loaded: ScenarioFile, result: Analysis) -> list[dict[str, Any]]:
    rows = []
    names = result.party_names
    for name, package in loaded.packages.items():
        improvement = pareto_improvements(loaded.scenario, package, result.frontier)
        fairest = improvement.fairest
        rows.append(
            {
                "name": name,
                "package": package.options,
                "utilities": dict(zip(names, improvement.utilities, strict=True)),
                "pareto_optimal": improvement.is_pareto_optimal,
                "improvements": len(improvement.indices),
                "fairest_improvement": None
                if fairest is None
                else {
                    "package": fairest.package.options,
                    "utilities": dict(zip(names, fairest.utilities, strict=True)),
                    "gains": dict(zip(names, fairest.gains, strict=True)),
                },
            }
        )
    return rows


def _references(path: Path, loaded: ScenarioFile, result: Analysis) -> list[dict[str, Any]]:
    """The Genius folder's published reference frontiers compared with the exact one, point
    by point (:func:`gobetween.analysis.reference.compare_frontiers`); empty for other files."""
    if loaded.scenario.metadata.get("source") != "genius":
        return []
    from gobetween.analysis.reference import REFERENCE_TOL, compare_frontiers
    from gobetween.errors import AnalysisError
    from gobetween.formats.genius_frontier import reference_frontiers

    rows: list[dict[str, Any]] = []
    for name, points in reference_frontiers(path).items():
        try:
            comparison = compare_frontiers(result.frontier.utilities, points, tol=REFERENCE_TOL)
        except AnalysisError as exc:
            rows.append({"file": name, "error": exc.message})
            continue
        rows.append({"file": name, "exact": result.frontier.exact} | comparison.to_dict())
    return rows


def _plot_target(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    if value is not None and value.suffix.lower() not in (".svg", ".png"):
        raise click.BadParameter(
            _("%(name)r: expected a .svg or .png file name") % {"name": value.name}
        )
    return value


@click.command(
    cls=Command,
    help=N_(
        "Analyse the scenario at PATH (a .yaml/.json scenario or a Genius folder).\n\n"
        "Reports the outcome space, the exact Pareto frontier, the Nash, Kalai-Smorodinsky, "
        "egalitarian and max-welfare packages, the zone of possible agreement, trade-off hints, "
        "and for each named package of the file whether it is Pareto-optimal and its fairest "
        'improvement. Preferences with bonuses ("if ... then ... is worth ...") are solved '
        "exactly by mixed-integer programming; the report says whether the solver proved the "
        'result ("exact") or ran out of time ("time limit: not proven"). A Genius folder\'s '
        "published reference frontier (rows of comma-separated utilities) is compared point by "
        "point: gobetween's frontier equals it, dominates it, or is dominated at N points."
    ),
)
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the analysis as JSON."))
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, path_type=Path),
    callback=_plot_target,
    help=N_("Draw the utility space to FILE.svg or FILE.png."),
)
@click.option(
    "--disagreement",
    metavar="PARTY=U,...",
    help=N_("Disagreement point for the solutions (default: the reservation values)."),
)
@click.option(
    "--tol",
    type=click.FloatRange(min=0.0),
    default=1e-9,
    show_default=True,
    help=N_("Utility tolerance for dominance and ties."),
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=DEFAULT_ENUMERATION_LIMIT,
    show_default=True,
    help=N_("Largest outcome space enumerated when preferences are not additive."),
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0.01),
    default=DEFAULT_TIME_LIMIT,
    show_default=True,
    help=N_(
        "Seconds the solver may spend on each step of an analysis with bonuses; "
        "if a step runs out, the report says 'time limit: not proven'."
    ),
)
@click.option(
    "--workers",
    type=click.IntRange(min=1, max=256),
    default=1,
    show_default=True,
    help=N_(
        "Processes on this machine that find parts of a frontier with bonuses at once "
        "(the same frontier, sooner on a large agenda)."
    ),
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help=N_(
        "Find parts of a frontier with bonuses on a Dask cluster (tcp://host:8786); "
        "needs pip install 'gobetween[distributed]'."
    ),
)
@options.real_steps
@click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    default=15,
    show_default=True,
    help=N_("Frontier points listed in the readable report."),
)
def analyze(
    path: Path,
    as_json: bool,
    plot: Path | None,
    disagreement: str | None,
    tol: float,
    limit: int,
    time_limit: float,
    workers: int,
    scheduler: str | None,
    real_steps: int,
    max_rows: int,
) -> None:
    """``gobetween analyze``: its help is the N_ text above (shown in the run's language)."""
    loaded = load_scenario_file(path, real_steps=real_steps)
    parties = loaded.scenario.party_names
    with (
        milp_time_limit(time_limit),
        solve_executor(workers, scheduler) as pool,
        milp_executor(pool.executor, pool.bands),
    ):
        result = run_analysis(
            loaded.scenario,
            disagreement=_disagreement(disagreement, parties),
            tol=tol,
            enumeration_limit=limit,
        )
    named = _named_packages(loaded, result)
    references = _references(path, loaded, result)
    if plot is not None:
        from gobetween.cli.analyze_plot import draw

        draw(plot, loaded.scenario, result)
    if as_json:
        document = result.to_dict()
        document["packages"] = named
        if references:
            document["reference_frontiers"] = references
        json.dump(document, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return
    from gobetween.cli.analyze_report import print_report

    print_report(loaded, result, named, max_rows=max_rows, plot=plot, references=references)
