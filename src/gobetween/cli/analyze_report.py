"""The readable report of ``gobetween analyze``, printed with Rich."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from rich.console import Console, JustifyMethod
from rich.table import Table

from gobetween.analysis import Analysis, Solution
from gobetween.formats.scenario_file import ScenarioFile

__all__ = ["print_report"]

SOLUTION_TITLES = {
    "nash": "Nash",
    "kalai_smorodinsky": "Kalai-Smorodinsky",
    "egalitarian": "egalitarian",
    "max_welfare": "max-welfare",
}


def _size(n: int) -> str:
    return f"{n:,}" if n < 10**15 else f"about 10^{math.log10(n):.1f}"


def _package_text(options: dict[str, str]) -> str:
    return "; ".join(f"{issue}: {option}" for issue, option in options.items())


def _versus(options: dict[str, str], reference: dict[str, str] | None) -> str:
    """The package as its differences from ``reference`` (the Nash package), to stay short."""
    if reference is None:
        return _package_text(options)
    changed = {issue: o for issue, o in options.items() if reference.get(issue) != o}
    return "(same)" if not changed else "but " + _package_text(changed)


def _reference(result: Analysis) -> dict[str, str] | None:
    return None if result.nash is None else result.nash.package.options


def _utilities(values: Any) -> list[str]:
    return [f"{float(v):.3f}" for v in values]


def print_report(
    loaded: ScenarioFile,
    result: Analysis,
    named: list[dict[str, Any]],
    *,
    max_rows: int,
    plot: Path | None,
    console: Console | None = None,
    references: list[dict[str, Any]] | None = None,
) -> None:
    """Print sizes, frontier, solutions, ZOPA, trade-offs, named packages and the comparison
    with the folder's published reference frontiers."""
    out = console or Console(highlight=False)
    scenario = loaded.scenario
    names = result.party_names
    out.rule(f"[bold]{scenario.name}[/bold]")
    if scenario.illustrative:
        out.print("[italic]Preferences in this scenario are illustrative.[/italic]")
    front = result.frontier
    out.print(
        f"{len(names)} parties ({', '.join(names)}); {len(scenario.agenda)} issues; "
        f"{_size(result.outcome_space_size)} packages ({_size(result.allowed_size)} allowed by "
        f"red lines); method: {front.method}"
    )
    if front.ties_counted:
        reached = f"reached by {_size(front.package_count)} packages"
    else:
        reached = "(one package found for each; packages tied with it are not counted)"
    out.print(f"Pareto frontier: {len(front):,} utility points {reached}, tolerance {front.tol:g}")
    if front.method == "milp":
        out.print(
            "[green]Solver: exact[/green] (HiGHS proved every point optimal)"
            if front.exact
            else f"[red]Solver: {front.status}: not proven[/red]; the points shown are "
            "Pareto-optimal, but others may be missing and the solutions are over these only"
        )
    _frontier_table(out, result, max_rows)
    _solutions_table(out, result)
    zone = result.zopa
    if zone.exists:
        best = ", ".join(f"{n} up to {b:.3f}" for n, b in zip(names, zone.best, strict=True))
        out.print(
            f"[green]Zone of possible agreement: yes[/green], {zone.count:,} frontier points "
            + (f"({_size(zone.package_count)} packages) " if front.ties_counted else "")
            + f"clear every reservation value; {best}."
        )
    else:
        out.print(
            "[red]Zone of possible agreement: none[/red]: no package clears every "
            "party's reservation value."
        )
    _tradeoff_table(out, result)
    for row in named:
        status = (
            "Pareto-optimal"
            if row["pareto_optimal"]
            else (f"not Pareto-optimal: {row['improvements']} frontier points improve on it")
        )
        out.print(f"\n[bold]{row['name']}[/bold]: {_package_text(row['package'])}")
        out.print(f"  utilities {', '.join(_utilities(row['utilities'].values()))}; {status}")
        fairest = row["fairest_improvement"]
        if fairest is not None:
            gains = ", ".join(f"{n} +{g:.3f}" for n, g in fairest["gains"].items())
            out.print(
                f"  fairest improvement ({gains}): {_versus(fairest['package'], row['package'])}"
            )
    for row in references or ():
        out.print(_reference_line(row))
    if plot is not None:
        out.print(f"\nUtility space drawn to {plot}")


def _reference_line(row: dict[str, Any]) -> str:
    """One published reference frontier against gobetween's: equals, dominates, or is
    dominated at N points."""
    head = f"\n[bold]Reference frontier {row['file']}[/bold]: "
    if "error" in row:
        return head + f"not compared ({row['error']})"
    counts = (
        f"{row['reference_points']} reference points: {row['equal']} equal, "
        f"{row['dominated']} dominated by gobetween's, {row['missed']} not reached; "
        f"{row['extra']} of gobetween's points are not in it (tolerance {row['tol']:g})"
    )
    if row["verdict"] == "equal":
        verdict = "gobetween's frontier [green]equals[/green] it"
    elif row["verdict"] == "dominates":
        verdict = "gobetween's frontier [green]dominates[/green] it"
    else:
        verdict = (
            f"gobetween's frontier [red]is dominated at {row['missed']} "
            f"point{'s' if row['missed'] != 1 else ''}[/red]"
            + ("" if row["exact"] else " (the solver did not prove it complete)")
        )
    return head + f"{verdict}; {counts}."


def _party_table(
    title: str, first: str, result: Analysis, first_justify: JustifyMethod = "left"
) -> Table:
    """A table of ``first`` then one right-aligned figure column per party (more follow)."""
    table = Table(title=title, title_justify="left")
    table.add_column(first, justify=first_justify)
    for name in result.party_names:
        table.add_column(name, justify="right")
    return table


def _frontier_table(out: Console, result: Analysis, max_rows: int) -> None:
    front = result.frontier
    table = _party_table("Pareto frontier", "#", result, first_justify="right")
    table.add_column("ties", justify="right")
    table.add_column("package, as changes to the Nash package")
    step = max(1, math.ceil(len(front) / max_rows))
    for i in range(0, len(front), step):
        table.add_row(
            str(i),
            *_utilities(front.utilities[i]),
            _size(front.tie_counts[i]) if front.ties_counted else "-",
            _versus(front.package(i).options, _reference(result)),
        )
    if step > 1:
        table.caption = f"one point in {step} of {len(front):,} shown; --json gives all"
    out.print(table)


def _solutions_table(out: Console, result: Analysis) -> None:
    table = _party_table("Bargaining solutions", "solution", result)
    table.add_column("package (others as changes to Nash's)")
    reference = _reference(result)
    found: list[tuple[str, Solution | None]] = [
        ("nash", result.nash),
        ("kalai_smorodinsky", result.kalai_smorodinsky),
        ("egalitarian", result.egalitarian),
        ("max_welfare", result.max_welfare),
    ]
    for key, solution in found:
        if solution is None:
            table.add_row(
                SOLUTION_TITLES[key],
                *["-"] * len(result.party_names),
                "none: no package beats the disagreement point for every party",
            )
        else:
            options = solution.package.options
            shown = _package_text(options) if key == "nash" else _versus(options, reference)
            table.add_row(SOLUTION_TITLES[key], *_utilities(solution.utilities), shown)
    out.print(table)


def _tradeoff_table(out: Console, result: Analysis) -> None:
    table = _party_table("Trade-off hints (stake = weight x rating spread)", "issue", result)
    table.add_column("cares most")
    table.add_column("tradeable")
    for hint in result.trade_offs:
        table.add_row(
            hint.issue,
            *_utilities(hint.stakes),
            "equal stakes" if hint.balanced else hint.cares_most,
            "yes" if hint.tradeable else "",
        )
    out.print(table)
