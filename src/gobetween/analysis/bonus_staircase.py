"""The bookkeeping of the branch and bound of :mod:`gobetween.analysis.bonus_search`: the
staircase of points found, which prunes every subtree, and the clock and branch count they
share."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["CLOCK_EVERY", "FAR", "SearchLimits", "Staircase"]

#: Stands for "no option" and "no bound" (far below any utility, finite so that 0 times it is 0).
FAR = -(2.0**60)
#: The clock is read once every this many nodes.
CLOCK_EVERY = 64


class Staircase:
    """The points found so far (utilities in units, their packages) and the corners a new
    point must reach: between each two consecutive points, one at each end. Subtrees searched
    with their own tables share it."""

    def __init__(self, weights: NDArray[np.float64]) -> None:
        self.weights = weights  # (2, sums): the weighted sums a node bounds
        self.front: list[tuple[float, float]] = []
        self.packages: list[tuple[int, ...]] = []
        self.corners = np.full((1, weights.shape[1]), FAR)
        self.version = 0

    def open(self, bound: NDArray[np.float64]) -> NDArray[np.bool_]:
        """Per row of bounds: whether some corner of the staircase is within them."""
        # a corner is within when no bound falls short of it: the least slack is not negative
        slack: NDArray[np.float64] = bound[:, None, :] - self.corners[None, :, :]
        return np.asarray(slack.min(axis=2).max(axis=1) >= 0.0)

    def add(self, utilities: NDArray[np.float64], package: tuple[int, ...]) -> None:
        u = (float(utilities[0]), float(utilities[1]))
        kept = [k for k, (a, b) in enumerate(self.front) if not (u[0] >= a and u[1] >= b)]
        front = [*(self.front[k] for k in kept), u]
        packages = [*(self.packages[k] for k in kept), package]
        order = sorted(range(len(front)), key=lambda k: -front[k][0])
        self.front = [front[k] for k in order]
        self.packages = [packages[k] for k in order]
        # the least utilities a new point may have (integers: one unit above)
        firsts = [a for a, _ in self.front]
        seconds = [b for _, b in self.front]
        corners = [(firsts[0] + 1, FAR)]
        corners += [(firsts[k + 1] + 1, seconds[k] + 1) for k in range(len(self.front) - 1)]
        corners.append((FAR, seconds[-1] + 1))
        self.corners = np.array(corners) @ self.weights
        self.version += 1

    def keep_proven(self, bounds: NDArray[np.float64]) -> None:
        """Keep only the points no open branch (its bounds, one row each) can still beat
        (each a Pareto-optimal package)."""
        proven = [
            k
            for k, (a, b) in enumerate(self.front)
            if not (bounds >= (np.array([a, b]) @ self.weights)[None, :]).all(axis=1).any()
        ]
        self.front = [self.front[k] for k in proven]
        self.packages = [self.packages[k] for k in proven]


@dataclass
class SearchLimits:
    """The clock and the branch count of a search and all its subtrees."""

    started: float
    time_limit: float | None
    node_limit: int | None
    nodes: int = 0

    def stop(self) -> str | None:
        """``"time limit"`` or ``"node limit"`` when the search must stop, else ``None``."""
        if (
            self.time_limit is not None
            and self.nodes % CLOCK_EVERY == 0
            and time.perf_counter() >= self.started + max(self.time_limit, 0.0)
        ):
            return "time limit"
        if self.node_limit is not None and self.nodes >= self.node_limit:
            return "node limit"
        return None
