"""Pareto improvements of a given package (post-settlement settlement, Raiffa 1982).

Given a package on the table (a draft text, or an agreement already reached), the improvements
are the frontier points every party weakly prefers, with a gain for at least one party beyond the
tolerance. The *fairest* of them maximises the Nash product of the gains over the package (ties:
largest total gain, then leximin), which is Raiffa's suggestion for a post-settlement settlement.

An agreement reached is each party's fallback; a draft text is not: a party it leaves below its
reservation value would rather have no deal. Given the ``reservations``, an improvement that
leaves a party below its own is marked (:attr:`Improvements.below`), the fairest is chosen only
among the others, and each party's gain is counted from the better, for that party, of the
package and its reservation value. When the package meets every reservation this is the
post-settlement settlement; when it meets none, the Nash solution (Nash 1950) over the
improvements.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from gobetween.analysis.enumeration import DEFAULT_ENUMERATION_LIMIT, pareto_frontier
from gobetween.analysis.frontier import FloatArray, Frontier, IndexArray
from gobetween.analysis.solutions import Solution, disagreement_point, leximin_best
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
        The improvement maximising the Nash product of gains over its ``disagreement`` (see
        below), among those leaving no party below its reservation value; ``None`` when there
        is no such improvement.
    reservations
        The reservation values the improvements were checked against (``None``: not checked,
        the package is every party's fallback, as an agreement reached is).
    below
        Per improvement (in the order of ``indices``), the positions of the parties it leaves
        below their reservation value, beyond the tolerance (all empty without reservations).

    The fairest's ``disagreement`` is, per party, the better of the package's utility and its
    reservation value (the package's utilities without reservations); its ``gains`` are counted
    from there.

    >>> from gobetween.analysis import UtilitySpace
    >>> space = UtilitySpace.from_arrays([[[1.0, 0.0], [0.2, 0.2], [0.6, 0.6], [0.0, 1.0]]])
    >>> imp = pareto_improvements(space, space.agenda.package({"issue0": "1"}))
    >>> imp.indices, imp.fairest.utilities, imp.is_pareto_optimal
    ((1,), (0.6, 0.6), False)
    >>> pareto_improvements(space, space.agenda.package({"issue0": "1"}),
    ...                     reservations=[0.7, 0.0]).below
    ((0,),)
    """

    package: Package
    utilities: tuple[float, ...]
    indices: tuple[int, ...]
    fairest: Solution | None
    reservations: tuple[float, ...] | None = None
    below: tuple[tuple[int, ...], ...] = ()

    @property
    def is_pareto_optimal(self) -> bool:
        """True when nothing improves on the package."""
        return not self.indices

    @property
    def acceptable(self) -> tuple[int, ...]:
        """The frontier positions of the improvements that leave no party below its
        reservation value (every improvement without reservations)."""
        if self.reservations is None:
            return self.indices
        return tuple(i for i, short in zip(self.indices, self.below, strict=True) if not short)


def pareto_improvements(
    source: UtilitySpace | Scenario,
    package: Package,
    frontier: Frontier | None = None,
    *,
    reservations: ArrayLike | None = None,
    enumeration_limit: int = DEFAULT_ENUMERATION_LIMIT,
) -> Improvements:
    """The Pareto improvements of ``package`` (see :class:`Improvements`).

    ``frontier`` saves recomputing the frontier of ``source``; its tolerance is used. With a
    scenario, the package's utilities include interactions; a package that crosses a red line
    is still compared (every improvement is a feasible frontier point). ``reservations`` (one
    per party; a draft's case, ``scenario.reservations()``): an improvement below one is not
    one that party would accept, and is never the fairest.

    >>> from gobetween.analysis import UtilitySpace
    >>> space = UtilitySpace.from_arrays([[[1.0, 0.0], [0.5, 0.5], [0.2, 0.2]]])
    >>> pareto_improvements(space, space.agenda.package({"issue0": "2"})).indices
    (1,)
    >>> # a draft (0.2, 0.2) where the first party's reservation value is 0.8: the improvement
    >>> # (0.5, 0.5) leaves it below, so there is no fair improvement to propose
    >>> found = pareto_improvements(space, space.agenda.package({"issue0": "2"}),
    ...                             reservations=[0.8, 0.0])
    >>> found.below, found.acceptable, found.fairest
    (((0,),), (), None)
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
    reference, kept = own, None
    short = np.zeros((rows.size, own.size), dtype=bool)
    if reservations is not None:
        kept = disagreement_point(frontier, reservations)
        reference = np.maximum(own, kept)
        short = frontier.utilities[rows] < kept - tol
    return Improvements(
        package=package,
        utilities=tuple(float(u) for u in own),
        indices=tuple(int(i) for i in rows),
        fairest=_fairest(frontier, rows[~short.any(axis=1)], reference),
        reservations=None if kept is None else tuple(float(r) for r in kept),
        below=tuple(tuple(int(p) for p in np.flatnonzero(s)) for s in short),
    )


def _fairest(frontier: Frontier, rows: IndexArray, reference: FloatArray) -> Solution | None:
    """Of the frontier ``rows``, the one with the largest product of gains over ``reference``
    (ties: largest total gain, then leximin); ``None`` without rows."""
    if not rows.size:
        return None
    tol = frontier.tol
    gains = frontier.utilities - reference
    product = np.prod(np.maximum(gains[rows], 0.0), axis=1)
    top = rows[product >= product.max() * (1 - 1e-9)]
    total = gains[top].sum(axis=1)
    top = top[total >= total.max() - tol * reference.size]
    index = leximin_best(gains, top, tol)
    return Solution(
        name="post-settlement",
        package=frontier.package(index),
        utilities=tuple(float(u) for u in frontier.utilities[index]),
        index=index,
        # an improvement gains at least 0 for each party: a gain within the tolerance
        # below 0 is the rounding of the same utility summed in another order, so 0
        gains=tuple(float(g) for g in np.maximum(gains[index], 0.0)),
        disagreement=tuple(float(u) for u in reference),
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
