"""The readable report of ``gobetween analyze``, printed with Rich."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from rich.console import Console, JustifyMethod
from rich.markup import escape
from rich.table import Table

from gobetween.analysis import Analysis, Solution
from gobetween.cli.language import number, solver_word
from gobetween.formats.scenario_file import ScenarioFile
from gobetween.i18n import _, _l, ngettext

__all__ = ["print_report"]

SOLUTION_TITLES = {
    "nash": _l("Nash"),
    "kalai_smorodinsky": _l("Kalai-Smorodinsky"),
    "egalitarian": _l("egalitarian"),
    "max_welfare": _l("max-welfare"),
}


def _styled(style: str, text: str) -> str:
    """``text`` (a translation: its brackets are not markup) in a Rich ``style``."""
    return f"[{style}]{escape(text)}[/{style}]"


def _size(n: int) -> str:
    if n < 10**15:
        return number(n)
    return _("about 10^%(exponent)s") % {"exponent": number(math.log10(n), 1, grouped=False)}


def _package_text(options: dict[str, str]) -> str:
    return "; ".join(f"{issue}: {option}" for issue, option in options.items())


def _versus(options: dict[str, str], reference: dict[str, str] | None) -> str:
    """The package as its differences from ``reference`` (the Nash package), to stay short."""
    if reference is None:
        return _package_text(options)
    changed = {issue: o for issue, o in options.items() if reference.get(issue) != o}
    if not changed:
        return _("(same)")
    return _("but %(changes)s") % {"changes": _package_text(changed)}


def _reference(result: Analysis) -> dict[str, str] | None:
    return None if result.nash is None else result.nash.package.options


def _utilities(values: Any) -> list[str]:
    return [number(float(v), 3, grouped=False) for v in values]


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
    out.rule(f"[bold]{escape(scenario.name)}[/bold]")
    if scenario.illustrative:
        out.print(_styled("italic", _("Preferences in this scenario are illustrative.")))
    front = result.frontier
    out.print(
        escape(
            _(
                "%(parties)s parties (%(names)s); %(issues)s issues; %(packages)s packages "
                "(%(allowed)s allowed by red lines); method: %(method)s"
            )
            % {
                "parties": number(len(names)),
                "names": ", ".join(names),
                "issues": number(len(scenario.agenda)),
                "packages": _size(result.outcome_space_size),
                "allowed": _size(result.allowed_size),
                "method": solver_word(front.method),
            }
        )
    )
    if front.ties_counted:
        reached = _("reached by %(count)s packages") % {"count": _size(front.package_count)}
    else:
        reached = _("(one package found for each; packages tied with it are not counted)")
    out.print(
        escape(
            _("Pareto frontier: %(points)s utility points %(reached)s, tolerance %(tol)s")
            % {"points": number(len(front)), "reached": reached, "tol": f"{front.tol:g}"}
        )
    )
    if front.method == "milp":
        if front.exact:
            out.print(
                _styled("green", _("Solver: exact"))
                + " "
                + escape(_("(HiGHS proved every point optimal)"))
            )
        else:
            out.print(
                _styled(
                    "red",
                    _("Solver: %(status)s: not proven") % {"status": solver_word(front.status)},
                )
                + "; "
                + escape(
                    _(
                        "the points shown are Pareto-optimal, but others may be missing and the "
                        "solutions are over these only"
                    )
                )
            )
    _frontier_table(out, result, max_rows)
    _solutions_table(out, result)
    zone = result.zopa
    if zone.exists:
        best = ", ".join(
            _("%(party)s up to %(utility)s") % {"party": n, "utility": number(b, 3)}
            for n, b in zip(names, zone.best, strict=True)
        )
        if front.ties_counted:
            clear = _(
                "%(points)s frontier points (%(packages)s packages) clear every reservation "
                "value; %(best)s."
            ) % {"points": number(zone.count), "packages": _size(zone.package_count), "best": best}
        else:
            clear = _("%(points)s frontier points clear every reservation value; %(best)s.") % {
                "points": number(zone.count),
                "best": best,
            }
        out.print(_styled("green", _("Zone of possible agreement: yes")) + ", " + escape(clear))
    else:
        out.print(
            _styled("red", _("Zone of possible agreement: none"))
            + ": "
            + escape(_("no package clears every party's reservation value."))
        )
    _tradeoff_table(out, result)
    for row in named:
        if row["pareto_optimal"]:
            status = _("Pareto-optimal")
        else:
            status = ngettext(
                "not Pareto-optimal: %(num)d frontier point improves on it",
                "not Pareto-optimal: %(num)d frontier points improve on it",
                row["improvements"],
            ) % {"num": row["improvements"]}
        out.print(f"\n[bold]{escape(row['name'])}[/bold]: {escape(_package_text(row['package']))}")
        utilities = ", ".join(_utilities(row["utilities"].values()))
        out.print(
            "  "
            + escape(
                _("utilities %(utilities)s; %(status)s")
                % {"utilities": utilities, "status": status}
            )
        )
        fairest = row["fairest_improvement"]
        if fairest is not None:
            gains = ", ".join(f"{n} +{number(g, 3)}" for n, g in fairest["gains"].items())
            out.print(
                "  "
                + escape(
                    _("fairest improvement (%(gains)s): %(package)s")
                    % {"gains": gains, "package": _versus(fairest["package"], row["package"])}
                )
            )
    for row in references or ():
        out.print(_reference_line(row))
    if plot is not None:
        out.print("\n" + escape(_("Utility space drawn to %(file)s") % {"file": plot}))


def _reference_line(row: dict[str, Any]) -> str:
    """One published reference frontier against gobetween's: equals, dominates, or is
    dominated at N points (Rich markup)."""
    head = (
        "\n[bold]" + escape(_("Reference frontier %(file)s") % {"file": row["file"]}) + "[/bold]: "
    )
    if "error" in row:
        return head + escape(_("not compared (%(error)s)") % {"error": row["error"]})
    counts = _(
        "%(reference)s reference points: %(equal)s equal, %(dominated)s dominated by "
        "gobetween's, %(missed)s not reached; %(extra)s of gobetween's points are not in it "
        "(tolerance %(tol)s)"
    ) % {
        "reference": number(row["reference_points"]),
        "equal": number(row["equal"]),
        "dominated": number(row["dominated"]),
        "missed": number(row["missed"]),
        "extra": number(row["extra"]),
        "tol": f"{row['tol']:g}",
    }
    if row["verdict"] == "equal":
        verdict = "[green]" + escape(_("gobetween's frontier equals it")) + "[/green]"
    elif row["verdict"] == "dominates":
        verdict = "[green]" + escape(_("gobetween's frontier dominates it")) + "[/green]"
    else:
        dominated = ngettext(
            "gobetween's frontier is dominated at %(num)d point",
            "gobetween's frontier is dominated at %(num)d points",
            row["missed"],
        ) % {"num": row["missed"]}
        verdict = f"[red]{escape(dominated)}[/red]" + (
            "" if row["exact"] else escape(_(" (the solver did not prove it complete)"))
        )
    return head + f"{verdict}; {escape(counts)}."


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
    table = _party_table(_("Pareto frontier"), "#", result, first_justify="right")
    table.add_column(_("ties"), justify="right")
    table.add_column(_("package, as changes to the Nash package"))
    step = max(1, math.ceil(len(front) / max_rows))
    for i in range(0, len(front), step):
        table.add_row(
            number(i),
            *_utilities(front.utilities[i]),
            _size(front.tie_counts[i]) if front.ties_counted else "-",
            _versus(front.package(i).options, _reference(result)),
        )
    if step > 1:
        table.caption = _("one point in %(step)s of %(points)s shown; --json gives all") % {
            "step": number(step),
            "points": number(len(front)),
        }
    out.print(table)


def _solutions_table(out: Console, result: Analysis) -> None:
    table = _party_table(_("Bargaining solutions"), _("solution"), result)
    table.add_column(_("package (others as changes to Nash's)"))
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
                str(SOLUTION_TITLES[key]),
                *["-"] * len(result.party_names),
                _("none: no package beats the disagreement point for every party"),
            )
        else:
            options = solution.package.options
            shown = _package_text(options) if key == "nash" else _versus(options, reference)
            table.add_row(str(SOLUTION_TITLES[key]), *_utilities(solution.utilities), shown)
    out.print(table)


def _tradeoff_table(out: Console, result: Analysis) -> None:
    table = _party_table(_("Trade-off hints (stake = weight x rating spread)"), _("issue"), result)
    table.add_column(_("cares most"))
    table.add_column(_("tradeable"))
    for hint in result.trade_offs:
        table.add_row(
            hint.issue,
            *_utilities(hint.stakes),
            _("equal stakes") if hint.balanced else hint.cares_most,
            _("yes") if hint.tradeable else "",
        )
    out.print(table)
