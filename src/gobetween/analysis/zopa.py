"""The zone of possible agreement (ZOPA): frontier points every party prefers to no deal."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from gobetween.analysis.frontier import Frontier
from gobetween.analysis.solutions import disagreement_point

__all__ = ["Zopa", "zopa"]


@dataclass(frozen=True)
class Zopa:
    """Which frontier points are individually rational for every party (``u_i >= r_i - tol``).

    Attributes
    ----------
    exists
        Whether at least one frontier point is in the zone.
    count
        Number of frontier points in the zone.
    package_count
        Number of packages reaching those points (exact, ties included).
    indices
        Their positions in the frontier.
    reservations
        The reservation values used (one per party).
    best
        Per party, its highest utility within the zone (empty when there is no zone).
    best_indices
        Per party, the frontier position of that best point (empty when there is no zone).

    >>> from gobetween.analysis import UtilitySpace, pareto_frontier
    >>> front = pareto_frontier(UtilitySpace.from_arrays([[[1.0, 0.0], [0.6, 0.5], [0.0, 1.0]]]))
    >>> z = zopa(front, [0.5, 0.4])
    >>> z.exists, z.indices, z.best
    (True, (1,), (0.6, 0.5))
    >>> zopa(front, [0.7, 0.6]).exists
    False
    """

    exists: bool
    count: int
    package_count: int
    indices: tuple[int, ...]
    reservations: tuple[float, ...]
    best: tuple[float, ...]
    best_indices: tuple[int, ...]


def zopa(frontier: Frontier, reservations: ArrayLike | None = None) -> Zopa:
    """The zone of possible agreement on ``frontier`` for ``reservations`` (the frontier's own
    reservation values by default). See :class:`Zopa`.

    >>> from gobetween.analysis import UtilitySpace, pareto_frontier
    >>> space = UtilitySpace.from_arrays([[[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]]], [0.4, 0.4])
    >>> zopa(pareto_frontier(space)).indices
    (1,)
    """
    point = disagreement_point(frontier, reservations)
    inside = np.flatnonzero(np.all(frontier.utilities >= point - frontier.tol, axis=1))
    best: tuple[float, ...] = ()
    best_indices: tuple[int, ...] = ()
    if inside.size:
        zone = frontier.utilities[inside]
        picks = inside[np.argmax(zone, axis=0)]
        best_indices = tuple(int(i) for i in picks)
        best = tuple(float(frontier.utilities[i, p]) for p, i in enumerate(picks))
    return Zopa(
        exists=bool(inside.size),
        count=int(inside.size),
        package_count=sum(frontier.tie_counts[i] for i in inside),
        indices=tuple(int(i) for i in inside),
        reservations=tuple(float(r) for r in point),
        best=best,
        best_indices=best_indices,
    )
