"""Brute-force oracles: every package enumerated, every pair compared, no cleverness.

They use only the domain model (``Preferences.utility``, ``Preferences.accepts``) and plain Python,
so that the fast analysis is checked against an independent computation.

>>> from gobetween.model import Agenda, Issue, Preferences, Scenario
>>> agenda = Agenda((Issue.discrete("a", ["x", "y", "z"]),))
>>> s = Scenario(agenda, {"A": Preferences({"a": 1}, {"a": {"x": 1, "y": 0, "z": 1}}),
...                       "B": Preferences({"a": 1}, {"a": {"x": 0, "y": 1, "z": 0}})})
>>> [(p.utilities, p.count) for p in brute_frontier(s)]
[((1.0, 0.0), 2), ((0.0, 1.0), 1)]
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from gobetween.model import Package, Scenario

__all__ = [
    "BrutePoint",
    "brute_frontier",
    "brute_nash_product",
    "dominates",
    "feasible_outcomes",
    "tied",
]

TOL = 1e-9


def dominates(b: Sequence[float], a: Sequence[float], tol: float = TOL) -> bool:
    """``b`` dominates ``a``: as good within tol everywhere, better by more than tol somewhere."""
    return all(y >= x - tol for x, y in zip(a, b, strict=True)) and any(
        y > x + tol for x, y in zip(a, b, strict=True)
    )


def tied(a: Sequence[float], b: Sequence[float], tol: float = TOL) -> bool:
    """Equal within tol in every coordinate."""
    return all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))


def feasible_outcomes(scenario: Scenario) -> list[tuple[tuple[int, ...], tuple[float, ...]]]:
    """Every package no party's red line forbids, with its utility vector."""
    agenda = scenario.agenda
    result = []
    for choices in itertools.product(*(range(i.size) for i in agenda.issues)):
        package = Package(agenda, choices)
        if all(p.accepts(package) for p in scenario.preferences.values()):
            result.append((choices, scenario.utilities(package)))
    return result


@dataclass(frozen=True)
class BrutePoint:
    """One frontier point of the oracle: utilities, number of packages, the packages."""

    utilities: tuple[float, ...]
    count: int
    packages: frozenset[tuple[int, ...]]


def brute_frontier(scenario: Scenario, tol: float = TOL) -> list[BrutePoint]:
    """The frontier by pairwise comparison of all feasible packages, ties grouped, sorted like
    :class:`gobetween.analysis.Frontier` (first party's utility descending, then the next)."""
    outcomes = feasible_outcomes(scenario)
    alive = [(c, u) for c, u in outcomes if not any(dominates(v, u, tol) for _, v in outcomes)]
    groups: list[tuple[tuple[float, ...], list[tuple[int, ...]]]] = []
    for choices, u in alive:
        for rep, members in groups:
            if tied(rep, u, tol):
                members.append(choices)
                break
        else:
            groups.append((u, [choices]))
    points = [BrutePoint(u, len(m), frozenset(m)) for u, m in groups]
    return sorted(points, key=lambda p: tuple(-x for x in p.utilities))


def brute_nash_product(scenario: Scenario, disagreement: Sequence[float]) -> float | None:
    """The largest Nash product of gains over all feasible packages with every gain > tol."""
    best: float | None = None
    for _, u in feasible_outcomes(scenario):
        gains = [x - d for x, d in zip(u, disagreement, strict=True)]
        if all(g > TOL for g in gains):
            value = math.prod(gains)
            best = value if best is None else max(best, value)
    return best
