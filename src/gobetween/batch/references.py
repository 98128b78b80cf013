"""A tournament's scenarios against the reference frontiers published with them.

Some Genius folders (ANAC 2014's among them) ship the scenario's Pareto frontier as plain rows of
numbers (:func:`gobetween.formats.genius_frontier.reference_frontiers`). For each such file in
the folder of a scenario the tournament played, :func:`check_references` computes gobetween's
exact frontier (the one the runs' Pareto-optimality is measured against) and says point by point
whether it equals or dominates the reference (:func:`gobetween.analysis.reference.
compare_frontiers`, within :data:`~gobetween.analysis.reference.REFERENCE_TOL`, since published
frontiers are printed with about six decimals). Scenario files and folders without a reference
give nothing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from gobetween.analysis.reference import REFERENCE_TOL, compare_frontiers
from gobetween.errors import GobetweenError
from gobetween.formats.genius_frontier import reference_frontiers
from gobetween.model import Scenario
from gobetween.rehearsal.run import exact_frontier

__all__ = ["ReferenceCheck", "check_references", "scenario_folder"]


@dataclass(frozen=True)
class ReferenceCheck:
    """One scenario's exact frontier against one reference frontier file of its folder.

    Attributes
    ----------
    scenario
        The scenario's name in the tournament.
    reference
        The reference file's name (in the scenario's folder).
    verdict
        ``equal`` (the same points), ``dominates`` (every reference point equalled or beaten,
        and at least one beaten or a point added), ``misses`` (some reference point neither:
        another utility scale or party order, or a frontier that is not exact), or ``error``.
    reference_points, equal, dominated, missed
        The reference's points, and how many gobetween's frontier equals, beats (a point no
        worse for every party and better for one) or neither.
    extra, frontier_points
        gobetween's points that equal no reference point, and all of its points.
    points
        Each reference point's verdict, in the file's order.
    error
        Why the comparison could not be made (``verdict == "error"``), else ``None``.
    """

    scenario: str
    reference: str
    verdict: str
    reference_points: int
    equal: int
    dominated: int
    missed: int
    extra: int
    frontier_points: int
    points: tuple[str, ...]
    error: str | None = None


def scenario_folder(root: str | os.PathLike[str], name: str) -> Path | None:
    """The Genius folder of the scenario ``name`` found below ``root`` (as
    :func:`~gobetween.batch.tasks.find_scenarios` names them), or ``None`` for a scenario file."""
    base = Path(root)
    inside = base / name
    if inside.is_dir():
        return inside
    if base.is_dir() and name == base.name:
        return base
    return None


def check_references(
    root: str | os.PathLike[str], scenarios: Mapping[str, Scenario], *, tol: float = REFERENCE_TOL
) -> list[ReferenceCheck]:
    """For every scenario whose Genius folder below ``root`` holds reference frontiers, one
    check per reference file (scenarios in the given order, files by name)."""
    checks: list[ReferenceCheck] = []
    for name, scenario in scenarios.items():
        folder = scenario_folder(root, name)
        if folder is None:
            continue
        try:
            references = reference_frontiers(folder)
        except GobetweenError as exc:
            checks.append(_failed(name, folder.name, str(exc)))
            continue
        if not references:
            continue
        try:
            found = exact_frontier(scenario).utilities
        except GobetweenError as exc:
            checks.extend(_failed(name, file, str(exc)) for file in references)
            continue
        for file, rows in references.items():
            try:
                comparison = compare_frontiers(found, rows, tol=tol)
            except GobetweenError as exc:
                checks.append(_failed(name, file, str(exc)))
                continue
            checks.append(
                ReferenceCheck(
                    scenario=name,
                    reference=file,
                    verdict=str(comparison.verdict),
                    reference_points=len(comparison.points),
                    equal=comparison.equal,
                    dominated=comparison.dominated,
                    missed=comparison.missed,
                    extra=comparison.extra,
                    frontier_points=len(found),
                    points=tuple(str(p) for p in comparison.points),
                )
            )
    return checks


def _failed(scenario: str, reference: str, reason: str) -> ReferenceCheck:
    return ReferenceCheck(scenario, reference, "error", 0, 0, 0, 0, 0, 0, (), reason)
