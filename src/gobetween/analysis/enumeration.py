"""Exact enumeration for non-additive scenarios, and the one entry point to the frontier.

Interactions (bonuses for combinations) and red lines that couple issues break the Minkowski-sum
structure that the merge relies on. Such scenarios are enumerated exactly, package by package, in
vectorised chunks: options forbidden by single-option red lines are removed first, coupled red
lines mask packages out, interactions add their bonus, and each chunk's frontier is merged into the
running frontier. Enumeration is refused above ``enumeration_limit`` packages with
:class:`~gobetween.errors.OutcomeSpaceTooLarge`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from gobetween.analysis.bonus_frontier import milp_applies, milp_frontier
from gobetween.analysis.dominance import nondominated
from gobetween.analysis.frontier import (
    Frontier,
    empty_frontier,
    frontier_order,
    pareto_frontier_of_space,
    readonly,
)
from gobetween.analysis.space import UtilitySpace
from gobetween.errors import N_, OutcomeSpaceTooLarge, Sentence
from gobetween.model import Scenario

__all__ = ["DEFAULT_ENUMERATION_LIMIT", "enumerate_outcomes", "pareto_frontier"]

FloatArray = NDArray[np.float64]
IndexArray = NDArray[np.intp]
FlatArray = NDArray[np.int64]

#: Largest outcome space enumerated by default (packages).
DEFAULT_ENUMERATION_LIMIT = 10**7
#: Packages evaluated per vectorised chunk.
CHUNK_SIZE = 1 << 16

# (issue index, position(s) among the issue's allowed options): a position, or a bonus's list
_Condition = list[tuple[int, int | tuple[int, ...]]]


def pareto_frontier(
    source: UtilitySpace | Scenario,
    *,
    tol: float = 1e-9,
    enumeration_limit: int = DEFAULT_ENUMERATION_LIMIT,
) -> Frontier:
    """The exact Pareto frontier of a scenario or of an additive utility space.

    Additive scenarios and spaces use the issue-by-issue merge (Nemhauser & Ullmann 1969), whose
    work grows with the frontier, not with the outcome space. A scenario with bonuses (two
    parties or more, red lines of any kind) is solved exactly by mixed-integer programming without
    enumerating (see :func:`~gobetween.analysis.bonus_frontier.milp_frontier`; the frontier
    carries the solver's ``status``). Other non-additive scenarios (interactions, red lines
    coupling issues, with no bonus) are enumerated exactly (see :func:`enumerate_outcomes`).

    Parameters
    ----------
    source
        A :class:`~gobetween.model.Scenario` or a :class:`UtilitySpace`.
    tol
        Utility tolerance: ``a`` is dominated by ``b`` iff ``b >= a - tol`` everywhere and
        ``b > a + tol`` somewhere; points equal within ``tol`` are ties, reported together.
    enumeration_limit
        Largest outcome space enumerated for a non-additive scenario.

    Examples
    --------
    >>> from gobetween.analysis import UtilitySpace
    >>> space = UtilitySpace.from_arrays([[[1.0, 0.0], [0.0, 1.0], [0.3, 0.3]]] * 2)
    >>> front = pareto_frontier(space)
    >>> front.utilities.tolist(), front.tie_counts
    ([[2.0, 0.0], [1.3, 0.3], [1.0, 1.0], [0.3, 1.3], [0.0, 2.0]], (1, 2, 2, 2, 1))
    """
    if isinstance(source, Scenario):
        if milp_applies(source):
            return milp_frontier(source, tol=tol)
        if not source.is_additive:
            return enumerate_outcomes(source, tol=tol, enumeration_limit=enumeration_limit)
        source = UtilitySpace.from_scenario(source)
    return pareto_frontier_of_space(source, tol)


def enumerate_outcomes(
    scenario: Scenario,
    *,
    tol: float = 1e-9,
    enumeration_limit: int = DEFAULT_ENUMERATION_LIMIT,
) -> Frontier:
    """The exact frontier by enumerating every allowed package (any preferences).

    Raises :class:`~gobetween.errors.OutcomeSpaceTooLarge` when the packages left after removing
    singly forbidden options exceed ``enumeration_limit``.

    Examples
    --------
    >>> from gobetween.model import Agenda, Interaction, Issue, Preferences, Scenario
    >>> agenda = Agenda((Issue.discrete("a", ["x", "y"]), Issue.discrete("b", ["p", "q"])))
    >>> flat = {"a": {"x": 1, "y": 0}, "b": {"p": 1, "q": 0}}
    >>> bonus = Interaction(frozenset({("a", "y"), ("b", "q")}), 1.5)
    >>> s = Scenario(agenda, {"A": Preferences({"a": 1, "b": 1}, flat),
    ...                       "B": Preferences({"a": 1, "b": 1}, flat, interactions=(bonus,))})
    >>> front = enumerate_outcomes(s)
    >>> front.utilities.tolist(), [p.options for p in front.packages()]
    ([[1.0, 1.0], [0.0, 1.5]], [{'a': 'x', 'b': 'p'}, {'a': 'y', 'b': 'q'}])
    """
    space = UtilitySpace.from_scenario(scenario)
    size = space.size
    if size > enumeration_limit:
        raise OutcomeSpaceTooLarge(size, enumeration_limit, _reason(scenario))
    if tol < 0 or not np.isfinite(tol):
        raise ValueError(f"tol must be a finite number >= 0, got {tol!r}")
    if size == 0:
        return empty_frontier(space, tol, "enumeration")
    red_lines, bonuses = _rules(scenario, space)
    current = np.empty((0, space.n_parties))
    members: list[FlatArray] = []
    for start in range(0, size, CHUNK_SIZE):
        flat = np.arange(start, min(start + CHUNK_SIZE, size), dtype=np.int64)
        positions = np.unravel_index(flat, space.shape)
        utilities, allowed = _evaluate(space, positions, red_lines, bonuses)
        current, members = _absorb(current, members, utilities[allowed], flat[allowed], tol)
    return _build(space, tol, current, members)


def _reason(scenario: Scenario) -> Sentence:
    """Why the scenario needs exact enumeration, as a sentence ("interactions and red lines
    that couple issues") that the service and the CLI say in the reader's language."""
    interacting = any(p.interactions for p in scenario.preferences.values())
    coupled = any(not r.is_single for p in scenario.preferences.values() for r in p.red_lines)
    bonuses = any(p.bonuses for p in scenario.preferences.values())
    parts = [
        Sentence(template)
        for template, present in (
            (N_("interactions"), interacting),
            (N_("red lines that couple issues"), coupled),
            (N_("bonuses with red lines that couple issues"), bonuses),
        )
        if present
    ]
    if not parts:
        return Sentence(N_("non-additive preferences"))
    said = parts[-1]
    for part in reversed(parts[:-1]):
        said = Sentence(N_("%(one)s and %(other)s"), {"one": part, "other": said})
    return said


def _rules(
    scenario: Scenario, space: UtilitySpace
) -> tuple[list[_Condition | None], list[tuple[int, float, _Condition | None]]]:
    """Red lines, interactions and bonuses as conditions on option positions (None: can never
    hold)."""
    agenda = scenario.agenda
    position = [{int(a): p for p, a in enumerate(idx)} for idx in space.option_indices]

    def condition(pairs: frozenset[tuple[str, str]]) -> _Condition | None:
        result: _Condition = []
        for issue, option in sorted(pairs):
            j = agenda.index(issue)
            p = position[j].get(agenda.issues[j].index(option))
            if p is None:
                return None
            result.append((j, p))
        return result

    def box(within: Mapping[str, tuple[str, ...]]) -> _Condition | None:
        result: _Condition = []
        for issue, options in within.items():
            j = agenda.index(issue)
            found = (position[j].get(agenda.issues[j].index(o)) for o in options)
            kept = tuple(p for p in found if p is not None)
            if not kept:
                return None
            result.append((j, kept))
        return result

    red_lines: list[_Condition | None] = []
    bonuses: list[tuple[int, float, _Condition | None]] = []
    for column, prefs in enumerate(scenario.preferences.values()):
        red_lines += [condition(r.pairs) for r in prefs.red_lines if not r.is_single]
        bonuses += [(column, i.bonus, condition(i.pairs)) for i in prefs.interactions]
        bonuses += [(column, b.value, box(b.within)) for b in prefs.bonuses]
    return red_lines, bonuses


def _holds(positions: tuple[NDArray[np.intp], ...], cond: _Condition) -> NDArray[np.bool_]:
    mask: NDArray[np.bool_] = np.ones(positions[0].shape, dtype=bool)
    for j, p in cond:
        mask &= np.isin(positions[j], p) if isinstance(p, tuple) else positions[j] == p
    return mask


def _evaluate(
    space: UtilitySpace,
    positions: tuple[NDArray[np.intp], ...],
    red_lines: list[_Condition | None],
    bonuses: list[tuple[int, float, _Condition | None]],
) -> tuple[FloatArray, NDArray[np.bool_]]:
    utilities = space.values[0][positions[0]].copy()
    for j in range(1, len(space.values)):
        utilities += space.values[j][positions[j]]
    allowed = np.ones(utilities.shape[0], dtype=bool)
    for cond in red_lines:
        if cond is not None:
            allowed &= ~_holds(positions, cond)
    for column, bonus, cond in bonuses:
        if cond is not None:
            utilities[:, column] += bonus * _holds(positions, cond)
    return utilities, allowed


def _absorb(
    current: FloatArray,
    members: list[FlatArray],
    points: FloatArray,
    flat: FlatArray,
    tol: float,
) -> tuple[FloatArray, list[FlatArray]]:
    """Merge a chunk's packages into the running frontier (members: flat package indices).

    The running frontier goes first, so most of the chunk is dropped against it at once.
    """
    if points.shape[0] == 0:
        return current, members
    m = current.shape[0]
    candidates = np.vstack([current, points])
    merged = nondominated(candidates, tol)
    reps = merged.representatives
    is_rep = np.zeros(candidates.shape[0], dtype=bool)
    is_rep[reps] = True
    # Each group lists its representative's packages first.
    pieces = [[members[r] if r < m else flat[r - m : r - m + 1]] for r in reps.tolist()]
    for i in np.flatnonzero((merged.group[:m] >= 0) & ~is_rep[:m]).tolist():
        pieces[int(merged.group[i])].append(members[i])
    chunk = merged.group[m:]
    alive = np.flatnonzero((chunk >= 0) & ~is_rep[m:])
    order = alive[np.argsort(chunk[alive], kind="stable")]
    if order.size:
        groups, starts = np.unique(chunk[order], return_index=True)
        for g, part in zip(groups.tolist(), np.split(flat[order], starts[1:]), strict=True):
            pieces[g].append(part)
    return candidates[reps], [np.concatenate(p).astype(np.int64) for p in pieces]


@dataclass(frozen=True, eq=False)
class _ExplicitTies:
    members: tuple[FlatArray, ...]
    shape: tuple[int, ...]
    option_indices: tuple[IndexArray, ...]

    def packages(self, point: int, limit: int) -> list[tuple[int, ...]]:
        positions = np.unravel_index(self.members[point][:limit], self.shape)
        columns = [idx[p] for idx, p in zip(self.option_indices, positions, strict=True)]
        return [tuple(int(c[r]) for c in columns) for r in range(len(columns[0]))]


def _build(
    space: UtilitySpace, tol: float, utilities: FloatArray, members: list[FlatArray]
) -> Frontier:
    order = frontier_order(utilities, tol)
    ordered = tuple(members[i] for i in order)
    ties = _ExplicitTies(ordered, space.shape, space.option_indices)
    choices = np.array([ties.packages(i, 1)[0] for i in range(len(ordered))], dtype=np.intp)
    return Frontier(
        utilities=readonly(utilities[order]),
        choices=readonly(choices.reshape(len(ordered), len(space.values))),
        tie_counts=tuple(int(m.size) for m in ordered),
        party_names=space.party_names,
        agenda=space.agenda,
        reservations=space.reservations,
        tol=tol,
        method="enumeration",
        _ties=ties,
    )
