"""The exact frontier of a scenario whose preferences carry bonuses, by mixed-integer programming.

Bonuses ("if ... then ... is worth ...", Genius hyperrectangles) break the additive structure
the merge relies on. The frontier is found without enumerating the outcome space by
:func:`gobetween.analysis.milp.exact_frontier` (HiGHS; epsilon-constraint for two parties,
search regions for more), on the agenda
left once single-option red lines have removed their options; red lines over several issues are
rows of the program (no package may complete one), and interactions count as bonuses of one
option per issue. The result is an ordinary :class:`~gobetween.analysis.frontier.Frontier`
with ``method="milp"`` and the solver's ``status``: ``"optimal"`` when every solve was proven
optimal (the frontier is exact and complete), anything else (``"time limit"``) when it was not,
and then the frontier is marked not exact, never passed off as complete.

The solver returns one package per frontier point: packages tied with it are not counted
(``Frontier.ties_counted`` is False), so ``tie_counts`` are all 1.

>>> from gobetween.model import Agenda, Bonus, Issue, Preferences, Scenario
>>> agenda = Agenda((Issue.discrete("a", ["x", "y"]), Issue.discrete("b", ["p", "q"])))
>>> flat = {"a": {"x": 1, "y": 0}, "b": {"p": 1, "q": 0}}
>>> s = Scenario(agenda, {"A": Preferences({"a": 1, "b": 1}, flat),
...                       "B": Preferences({"a": 1, "b": 1}, flat,
...                                        bonuses=(Bonus(1.5, {"a": ("y",), "b": ("q",)}),))})
>>> front = milp_frontier(s)
>>> front.utilities.tolist(), front.method, front.status
([[1.0, 1.0], [0.0, 1.5]], 'milp', 'optimal')
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from concurrent.futures import Executor
from contextvars import ContextVar
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from numpy.typing import NDArray

from gobetween.analysis.frontier import Frontier, empty_frontier, frontier_order, readonly
from gobetween.analysis.interdependent import InterdependentProfile
from gobetween.analysis.milp import (
    DEFAULT_BANDS,
    DEFAULT_TIME_LIMIT,
    exact_frontier,
    max_welfare_milp,
)
from gobetween.analysis.milp_program import Box
from gobetween.analysis.space import UtilitySpace
from gobetween.errors import AnalysisError, InvalidPreferences
from gobetween.model import (
    Agenda,
    Bonus,
    Issue,
    Package,
    Preferences,
    Scenario,
    check_bonus_limit,
)

__all__ = [
    "EXTREME_TIME_LIMIT",
    "extreme_package",
    "has_bonuses",
    "milp_applies",
    "milp_executor",
    "milp_frontier",
    "milp_time_limit",
]

#: Seconds the solver may take to find one party's best or worst package (a form's preview).
EXTREME_TIME_LIMIT = 2.0

_TIME_LIMIT: ContextVar[float] = ContextVar("milp_time_limit", default=DEFAULT_TIME_LIMIT)
_EXECUTOR: ContextVar[tuple[Executor | None, int]] = ContextVar(
    "milp_executor", default=(None, DEFAULT_BANDS)
)


@contextlib.contextmanager
def milp_time_limit(seconds: float) -> Iterator[float]:
    """Let each solver run take at most ``seconds`` inside the block (this thread or task).

    >>> with milp_time_limit(5.0) as limit:
    ...     limit
    5.0
    """
    token = _TIME_LIMIT.set(float(seconds))
    try:
        yield float(seconds)
    finally:
        _TIME_LIMIT.reset(token)


@contextlib.contextmanager
def milp_executor(
    executor: Executor | None, bands: int = DEFAULT_BANDS
) -> Iterator[Executor | None]:
    """Let a two-party frontier the solver finds inside the block sweep ``bands`` stretches of
    the frontier side by side on ``executor`` (``None``: one sweep here; see
    :func:`~gobetween.analysis.milp.exact_frontier`)."""
    token = _EXECUTOR.set((executor, bands))
    try:
        yield executor
    finally:
        _EXECUTOR.reset(token)


def has_bonuses(scenario: Scenario) -> bool:
    """Whether any party's preferences carry bonuses."""
    return any(p.bonuses for p in scenario.preferences.values())


def milp_applies(scenario: Scenario) -> bool:
    """Whether :func:`milp_frontier` takes this scenario: bonuses and two parties or more (red
    lines of any kind are constraints of the program)."""
    return has_bonuses(scenario) and len(scenario.preferences) >= 2


@dataclass(frozen=True, eq=False)
class _OnePackage:
    """The tie source of a solver's frontier: the one package found per point."""

    choices: NDArray[np.intp]

    def packages(self, point: int, limit: int) -> list[tuple[int, ...]]:
        return [tuple(int(c) for c in self.choices[point])][:limit]


def _restricted(space: UtilitySpace) -> Agenda:
    """The agenda with only the options no single-option red line forbids."""
    issues = []
    for issue, indices in zip(space.agenda.issues, space.option_indices, strict=True):
        names = [issue.options[int(i)].name for i in indices]
        issues.append(Issue.discrete(issue.name, names))
    return Agenda(tuple(issues), name=space.agenda.name)


def _red_line_boxes(scenario: Scenario, agenda: Agenda) -> tuple[Box, ...]:
    """Every party's red lines over several issues as boxes on the restricted agenda (one
    option per issue); a red line naming an option already removed can never be crossed and is
    left out."""
    boxes: list[Box] = []
    for prefs in scenario.preferences.values():
        for line in prefs.red_lines:
            if line.is_single:
                continue
            box: dict[int, frozenset[int]] = {}
            for issue_name, option in line.pairs:
                issue = agenda.issue(issue_name)
                if not issue.has_option(option):
                    break
                box[agenda.index(issue_name)] = frozenset({issue.index(option)})
            else:
                boxes.append(MappingProxyType(box))
    return tuple(boxes)


def _allowed_bonuses(prefs: Preferences, agenda: Agenda) -> tuple[Bonus, ...]:
    """The party's bonuses and interactions on the restricted agenda (a bonus none of whose
    options remain on some issue can never be met and is left out)."""
    found = list(prefs.bonuses)
    found += [Bonus(i.bonus, {k: (v,) for k, v in sorted(i.pairs)}) for i in prefs.interactions]
    kept: list[Bonus] = []
    for bonus in found:
        within = {
            name: tuple(o for o in options if agenda.issue(name).has_option(o))
            for name, options in bonus.within.items()
        }
        if all(within.values()):
            kept.append(Bonus(bonus.value, within))
    return tuple(kept)


def milp_frontier(scenario: Scenario, *, tol: float = 1e-9) -> Frontier:
    """The exact frontier of a scenario with bonuses (see the module docstring).

    Raises
    ------
    AnalysisError
        One party, or no bonus (:func:`milp_applies` is False).
    InvalidPreferences
        A party's bonuses and interactions together pass the limit
        (:func:`~gobetween.model.check_bonus_limit`; preferences stored before the input
        checked it), located at ``parties.<party>.bonuses``.
    """
    if not milp_applies(scenario):
        raise AnalysisError("the exact solver for bonuses takes two or more parties and a bonus")
    for party, prefs in scenario.preferences.items():
        try:
            check_bonus_limit(prefs)
        except InvalidPreferences as exc:
            raise exc.located(location=f"parties.{party}") from None
    space = UtilitySpace.from_scenario(scenario)
    if space.size == 0:
        return empty_frontier(space, tol, "milp")
    agenda = _restricted(space)
    profiles = tuple(
        InterdependentProfile(
            agenda,
            tuple(tuple(float(v) for v in values[:, column]) for values in space.values),
            _allowed_bonuses(prefs, agenda),
        )
        for column, prefs in enumerate(scenario.preferences.values())
    )
    executor, bands = _EXECUTOR.get()
    found = exact_frontier(
        profiles,
        forbidden=_red_line_boxes(scenario, agenda),
        time_limit=_TIME_LIMIT.get(),
        executor=executor,
        bands=bands,
    )
    m = len(found.points)
    n = len(profiles)
    utilities = np.array([p.utilities for p in found.points], dtype=np.float64).reshape(m, n)
    local = np.array([p.choices for p in found.points], dtype=np.intp).reshape(m, len(agenda))
    choices = np.empty_like(local)
    for j, indices in enumerate(space.option_indices):
        choices[:, j] = indices[local[:, j]]
    order = frontier_order(utilities, tol)
    ordered = readonly(choices[order])
    return Frontier(
        utilities=readonly(utilities[order]),
        choices=ordered,
        tie_counts=(1,) * m,
        party_names=space.party_names,
        agenda=space.agenda,
        reservations=space.reservations,
        tol=tol,
        method="milp",
        _ties=_OnePackage(ordered),
        status=found.status,
    )


def extreme_package(prefs: Preferences, agenda: Agenda, *, best: bool) -> Package | None:
    """One party's best (or worst) package within its red lines, its bonuses and interactions
    counted, by the solver; ``None`` when some issue has no option left or the
    solver did not prove the answer within :data:`EXTREME_TIME_LIMIT` seconds. Raises
    :class:`~gobetween.errors.InvalidPreferences` when the bonuses and interactions together
    pass the limit (:func:`~gobetween.model.check_bonus_limit`).

    >>> from gobetween.model import Issue
    >>> agenda = Agenda((Issue.discrete("a", ["x", "y"]), Issue.discrete("b", ["p", "q"])))
    >>> prefs = Preferences({"a": 1, "b": 1}, {"a": {"x": 1, "y": 0}, "b": {"p": 1, "q": 0}},
    ...                     bonuses=(Bonus(1.5, {"a": ("y",), "b": ("q",)}),))
    >>> extreme_package(prefs, agenda, best=True).options
    {'a': 'y', 'b': 'q'}
    """
    check_bonus_limit(prefs)
    space = UtilitySpace.from_scenario(Scenario(agenda, {"party": prefs}))
    if space.size == 0:
        return None
    restricted = _restricted(space)
    sign = 1.0 if best else -1.0
    profile = InterdependentProfile(
        restricted,
        tuple(tuple(sign * float(v) for v in values[:, 0]) for values in space.values),
        tuple(Bonus(sign * b.value, b.within) for b in _allowed_bonuses(prefs, restricted)),
    )
    found = max_welfare_milp(
        (profile,),
        forbidden=_red_line_boxes(Scenario(agenda, {"party": prefs}), restricted),
        time_limit=EXTREME_TIME_LIMIT,
    )
    if not found.exact or found.point is None:
        return None
    choices = tuple(
        int(indices[c])
        for indices, c in zip(space.option_indices, found.point.choices, strict=True)
    )
    return Package(agenda, choices)
