"""Bargaining solutions, taken over the exact Pareto frontier.

All solutions measure *gains* over a disagreement point ``d`` (by default the parties'
reservation values). Nash (1950), Kalai-Smorodinsky (1975) and the egalitarian solution consider
only frontier points that give **every** party a gain larger than the tolerance; when there is no
such point they return ``None`` rather than invent one. The max-welfare (utilitarian) solution
maximises the sum of utilities over the whole frontier.

Ties (values equal within the frontier's tolerance) are broken by leximin on the gains (the
point whose smallest gain is largest, then the second smallest, ...), then by frontier order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from gobetween.analysis.frontier import Frontier
from gobetween.errors import AnalysisError
from gobetween.model import Package

__all__ = ["Solution", "egalitarian", "kalai_smorodinsky", "max_welfare", "nash"]

FloatArray = NDArray[np.float64]
IndexArray = NDArray[np.intp]


@dataclass(frozen=True)
class Solution:
    """A solution: a frontier point and its representative package.

    Attributes
    ----------
    name
        ``"nash"``, ``"kalai-smorodinsky"``, ``"egalitarian"``, ``"max-welfare"`` or
        ``"post-settlement"``.
    package
        The representative package of the chosen frontier point.
    utilities
        Each party's utility (length ``n_parties``).
    index
        Position of the point in the frontier.
    gains
        ``utilities - disagreement``.
    disagreement
        The reference point the gains are measured from.

    >>> from gobetween.analysis import UtilitySpace, pareto_frontier
    >>> front = pareto_frontier(UtilitySpace.from_arrays([[[1.0, 0.0], [0.6, 0.6], [0.0, 1.0]]]))
    >>> s = nash(front)
    >>> s.name, s.utilities, s.package.choices
    ('nash', (0.6, 0.6), (1,))
    """

    name: str
    package: Package
    utilities: tuple[float, ...]
    index: int
    gains: tuple[float, ...]
    disagreement: tuple[float, ...]


def disagreement_point(frontier: Frontier, disagreement: ArrayLike | None) -> FloatArray:
    """The disagreement point as an array of shape ``(n_parties,)`` (reservations by default)."""
    if disagreement is None:
        return np.asarray(frontier.reservations, dtype=np.float64)
    point = np.asarray(disagreement, dtype=np.float64)
    if point.shape != (len(frontier.party_names),) or not np.all(np.isfinite(point)):
        raise AnalysisError(
            f"the disagreement point must give one finite utility per party "
            f"({len(frontier.party_names)}), got {point.tolist()!r}"
        )
    return point


def _leximin(gains: FloatArray, candidates: IndexArray, tol: float) -> IndexArray:
    """The ``candidates`` (rows of ``gains``) that are leximin-best, within ``tol``."""
    alive = candidates
    ranked = np.sort(gains[alive], axis=1)
    for c in range(ranked.shape[1]):
        keep = ranked[:, c] >= ranked[:, c].max() - tol
        alive, ranked = alive[keep], ranked[keep]
        if alive.size == 1:
            break
    return alive


def leximin_best(
    gains: FloatArray, candidates: IndexArray, tol: float, then: FloatArray | None = None
) -> int:
    """Among ``candidates`` (rows of ``gains``), the leximin-best one; on ties, the leximin-best
    by ``then`` (rows of another measure) when given; earliest on full ties."""
    alive = _leximin(gains, candidates, tol)
    if then is not None and alive.size > 1:
        alive = _leximin(then, alive, tol)
    return int(alive.min())


def _solution(name: str, frontier: Frontier, index: int, point: FloatArray) -> Solution:
    utilities = frontier.utilities[index]
    return Solution(
        name=name,
        package=frontier.package(index),
        utilities=tuple(float(u) for u in utilities),
        index=index,
        gains=tuple(float(g) for g in utilities - point),
        disagreement=tuple(float(d) for d in point),
    )


def _best(
    name: str,
    frontier: Frontier,
    point: FloatArray,
    scores: FloatArray,
    rows: IndexArray,
    slack: float,
) -> Solution:
    """The row of ``rows`` with the highest score (within ``slack``), leximin on gains after."""
    top = rows[scores >= scores.max() - slack]
    gains = frontier.utilities - point
    return _solution(name, frontier, leximin_best(gains, top, frontier.tol), point)


def _everyone_gains(
    frontier: Frontier, disagreement: ArrayLike | None
) -> tuple[FloatArray, IndexArray, FloatArray] | None:
    """The disagreement point, the rows where every gain exceeds the tolerance and every row's
    gains (``None`` when no row gives everyone a gain: no solution)."""
    point = disagreement_point(frontier, disagreement)
    gains = frontier.utilities - point
    rows = np.flatnonzero(np.all(gains > frontier.tol, axis=1)).astype(np.intp)
    return None if rows.size == 0 else (point, rows, gains)


def nash(frontier: Frontier, disagreement: ArrayLike | None = None) -> Solution | None:
    """The Nash bargaining solution: maximise the product of gains (Nash 1950).

    Only points with every gain above the tolerance count; ``None`` when there is none. Products
    equal to a relative ``1e-9`` are ties.

    >>> from gobetween.analysis import UtilitySpace, pareto_frontier
    >>> front = pareto_frontier(UtilitySpace.from_arrays([[[1.0, 0.0], [0.7, 0.4], [0.0, 1.0]]]))
    >>> nash(front).utilities
    (0.7, 0.4)
    >>> nash(front, disagreement=[0.8, 0.0]) is None
    True
    """
    if (found := _everyone_gains(frontier, disagreement)) is None:
        return None
    point, rows, gains = found
    scores = np.log(gains[rows]).sum(axis=1)
    return _best("nash", frontier, point, scores, rows, 1e-9)


def kalai_smorodinsky(frontier: Frontier, disagreement: ArrayLike | None = None) -> Solution | None:
    """The Kalai-Smorodinsky solution (Kalai & Smorodinsky 1975), discrete form.

    The ideal point gives each party its largest gain over the individually rational frontier
    points (every gain ``>= -tol``); the solution maximises the smallest *relative* gain
    ``gain_i / ideal_i`` over the points where every gain exceeds the tolerance (the point
    closest to the segment from the disagreement point to the ideal point), then leximin on
    the relative gains. Points still tied there (relative gains the same but for the parties'
    order: (0.5, 0.25) and (0.25, 0.5)) are told apart by leximin on the gains themselves, so
    that the answer does not depend on the order the parties are listed in. ``None`` when no
    point gives everyone a gain.

    >>> from gobetween.analysis import UtilitySpace, pareto_frontier
    >>> front = pareto_frontier(UtilitySpace.from_arrays([[[1.0, 0.0], [0.7, 0.3],
    ...                                                    [0.4, 0.4], [0.0, 0.5]]]))
    >>> kalai_smorodinsky(front).utilities  # ideal (1.0, 0.5): relative gains (0.7, 0.6)
    (0.7, 0.3)
    """
    if (found := _everyone_gains(frontier, disagreement)) is None:
        return None
    point, rows, gains = found
    rational = np.all(gains >= -frontier.tol, axis=1)
    ideal = gains[rational].max(axis=0)
    relative = gains[rows] / ideal
    scores = relative.min(axis=1)
    top = rows[scores >= scores.max() - 1e-9]
    index = leximin_best(gains / ideal, top, 1e-9, then=gains)
    return _solution("kalai-smorodinsky", frontier, index, point)


def egalitarian(frontier: Frontier, disagreement: ArrayLike | None = None) -> Solution | None:
    """The egalitarian solution: maximise the smallest gain, then leximin (Rawls; Kalai 1977).

    ``None`` when no point gives everyone a gain.

    >>> from gobetween.analysis import UtilitySpace, pareto_frontier
    >>> front = pareto_frontier(UtilitySpace.from_arrays([[[1.0, 0.0], [0.7, 0.3],
    ...                                                    [0.4, 0.4], [0.0, 0.5]]]))
    >>> egalitarian(front, disagreement=[0.0, 0.1]).utilities
    (0.4, 0.4)
    """
    if (found := _everyone_gains(frontier, disagreement)) is None:
        return None
    point, rows, gains = found
    index = leximin_best(gains, rows, frontier.tol)
    return _solution("egalitarian", frontier, index, point)


def max_welfare(frontier: Frontier, disagreement: ArrayLike | None = None) -> Solution | None:
    """The utilitarian solution: maximise the sum of utilities over the whole frontier.

    ``disagreement`` only sets the reported gains (reservations by default). ``None`` only for an
    empty frontier (no feasible package).

    >>> from gobetween.analysis import UtilitySpace, pareto_frontier
    >>> front = pareto_frontier(UtilitySpace.from_arrays([[[1.0, 0.0], [0.6, 0.6], [0.0, 1.0]]]))
    >>> max_welfare(front).utilities
    (0.6, 0.6)
    """
    point = disagreement_point(frontier, disagreement)
    if len(frontier) == 0:
        return None
    rows = np.arange(len(frontier), dtype=np.intp)
    scores = frontier.utilities.sum(axis=1)
    slack = frontier.tol * len(frontier.party_names)
    return _best("max-welfare", frontier, point, scores, rows, slack)
