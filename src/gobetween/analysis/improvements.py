"""Pareto improvements of a given package (post-settlement settlement, Raiffa 1982).

Given a package on the table (a draft text, or an agreement already reached), the improvements
are the frontier points every party weakly prefers, with a gain for at least one party beyond the
tolerance. The *fairest* of them maximises the Nash product of the gains over the package (ties:
largest total gain, then leximin), which is Raiffa's suggestion for a post-settlement settlement.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gobetween.analysis.enumeration import DEFAULT_ENUMERATION_LIMIT, pareto_frontier
from gobetween.analysis.frontier import Frontier
from gobetween.analysis.solutions import Solution, leximin_best
from gobetween.analysis.space import UtilitySpace
from gobetween.errors import AnalysisError
from gobetween.model import Package, Scenario

__all__ = ["Improvements", "is_pareto_optimal", "pareto_improvements"]


@dataclass(frozen=True)
class Improvements:
    """The frontier points that improve on ``package`` for some party and hurt none.

    Attributes
    ----------
    package
        The package improved upon.
    utilities
        Its utility vector (interactions included when the source is a scenario).
    indices
        Frontier positions of the improving points (empty: the package is Pareto-optimal).
    fairest
        The improvement maximising the Nash product of gains over ``package`` (``None`` when
        there is no improvement); its ``disagreement`` is the package's utilities.

    >>> from gobetween.analysis import UtilitySpace
    >>> space = UtilitySpace.from_arrays([[[1.0, 0.0], [0.2, 0.2], [0.6, 0.6], [0.0, 1.0]]])
    >>> imp = pareto_improvements(space, space.agenda.package({"issue0": "1"}))
    >>> imp.indices, imp.fairest.utilities, imp.is_pareto_optimal
    ((1,), (0.6, 0.6), False)
    """

    package: Package
    utilities: tuple[float, ...]
    indices: tuple[int, ...]
    fairest: Solution | None

    @property
    def is_pareto_optimal(self) -> bool:
        """True when nothing improves on the package."""
        return not self.indices


def pareto_improvements(
    source: UtilitySpace | Scenario,
    package: Package,
    frontier: Frontier | None = None,
    *,
    enumeration_limit: int = DEFAULT_ENUMERATION_LIMIT,
) -> Improvements:
    """The Pareto improvements of ``package`` (see :class:`Improvements`).

    ``frontier`` saves recomputing the frontier of ``source``; its tolerance is used. With a
    scenario, the package's utilities include interactions; a package that crosses a red line
    is still compared (every improvement is a feasible frontier point).

    >>> from gobetween.analysis import UtilitySpace
    >>> space = UtilitySpace.from_arrays([[[1.0, 0.0], [0.5, 0.5], [0.2, 0.2]]])
    >>> pareto_improvements(space, space.agenda.package({"issue0": "2"})).indices
    (1,)
    """
    if package.agenda != source.agenda:
        raise AnalysisError("the package belongs to another agenda than the scenario")
    if frontier is None:
        frontier = pareto_frontier(source, enumeration_limit=enumeration_limit)
    if isinstance(source, Scenario):
        own = np.array(source.utilities(package), dtype=np.float64)
    else:
        own = source.utilities(package)
    tol = frontier.tol
    gains = frontier.utilities - own
    better = np.all(gains >= -tol, axis=1) & np.any(gains > tol, axis=1)
    rows = np.flatnonzero(better).astype(np.intp)
    fairest = None
    if rows.size:
        product = np.prod(np.maximum(gains[rows], 0.0), axis=1)
        top = rows[product >= product.max() * (1 - 1e-9)]
        total = gains[top].sum(axis=1)
        top = top[total >= total.max() - tol * own.size]
        index = leximin_best(gains, top, tol)
        fairest = Solution(
            name="post-settlement",
            package=frontier.package(index),
            utilities=tuple(float(u) for u in frontier.utilities[index]),
            index=index,
            # an improvement gains at least 0 for each party: a gain within the tolerance
            # below 0 is the rounding of the same utility summed in another order, so 0
            gains=tuple(float(g) for g in np.maximum(gains[index], 0.0)),
            disagreement=tuple(float(u) for u in own),
        )
    return Improvements(
        package=package,
        utilities=tuple(float(u) for u in own),
        indices=tuple(int(i) for i in rows),
        fairest=fairest,
    )


def is_pareto_optimal(source: UtilitySpace | Scenario, package: Package, tol: float = 1e-9) -> bool:
    """Whether no package makes some party better off (by more than ``tol``) and none worse.

    >>> from gobetween.analysis import UtilitySpace
    >>> space = UtilitySpace.from_arrays([[[1.0, 0.0], [0.2, 0.2], [0.6, 0.6]]])
    >>> [is_pareto_optimal(space, space.agenda.package({"issue0": o})) for o in "012"]
    [True, False, True]
    """
    frontier = pareto_frontier(source, tol=tol)
    return pareto_improvements(source, package, frontier).is_pareto_optimal
