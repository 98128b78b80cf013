"""The two-party epsilon-constraint of :mod:`gobetween.analysis.milp`: one sweep, or bands of
party 1's utility swept side by side.

**One sweep** (:func:`sweep`): maximise party 0's utility with party 1's at least a floor and
party 0's at most the previous point's; raise the floor just above the point found; until
infeasible. A point that the next solve matches on party 0's utility was dominated and is
dropped (the next one is better for party 1). Each solve starts from a package a few one-option
changes from the point just found (:mod:`~gobetween.analysis.milp_starts`).

**Bands** (:func:`banded`): the sweep is one solve after another, each waiting for the point
before. With an executor (processes on this machine, or Dask's distributed scheduler on several),
party 1's range between the two ends of the frontier is cut into ``bands`` stretches, and a sweep
starts at the bottom of each: the sweep from a floor finds, in order, every frontier point with
party 1 at least that high, so each stretch's sweep stops at the first point that reaches the
next stretch (which that stretch's own sweep finds first) and keeps the points before it. The
stretches' points together are the frontier, exact as the one sweep's; each stretch costs one
solve more (the point where it stops). No bound is put on party 1 (the program's bonus columns
may understate a package's utility for a party it does not maximise, so a cap on party 1 would
not hold for the package); a stretch stopped by a time limit keeps the points it has proven, all
of them frontier points.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Sequence
from concurrent.futures import BrokenExecutor, Executor
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from gobetween.analysis.interdependent import InterdependentProfile
from gobetween.analysis.milp_program import Box, MilpPoint, Program
from gobetween.analysis.milp_starts import OneOptionMoves
from gobetween.errors import N_, AnalysisError

__all__ = [
    "MAX_FRONTIER_POINTS",
    "RESOLUTION",
    "Band",
    "BandResult",
    "Budget",
    "banded",
    "sweep",
    "sweep_band",
    "undominated",
]

#: Frontier points closer than this fraction of a party's utility range may be merged (only
#: when some value or bonus is not an integer).
RESOLUTION = 1e-6
#: At most this many frontier points (and, for three parties or more, ten times as many solves).
MAX_FRONTIER_POINTS = 10_000
#: Relative tolerance when sums of the same values are compared (a few binary digits).
_SUM_TOL = 1e-12


@dataclass(frozen=True)
class Budget:
    """Seconds for each solve and, when ``total`` is given, for every solve of ``program``
    together (HiGHS's own clock)."""

    program: Program
    each: float
    total: float | None

    def next(self) -> float | None:
        """Seconds the next solve may take; ``None`` when the total is spent."""
        if self.total is None:
            return self.each
        left = self.total - self.program.seconds
        return min(self.each, left) if left > 0 else None


#: Where a sweep starts (party 1's floor) and where it stops (the first point with party 1 at
#: least that high is not kept); ``None``: no floor, no stop.
Band = tuple[float | None, float | None]


def sweep(
    program: Program,
    budget: Budget,
    forbidden: Sequence[Box] = (),
    band: Band = (None, None),
) -> tuple[list[MilpPoint], str, int]:
    """The epsilon-constraint on party 1 (see the module docstring) from ``band``'s floor to its
    stop: the frontier points with party 1's utility in that stretch, best for party 0 first,
    HiGHS's last word and the number of solves.

    A sweep stopped by a time limit drops its last point: only the next solve could show that a
    package as good for party 0 and better for party 1 dominates it.
    """
    low, stop = band
    points: list[MilpPoint] = []
    floors: dict[int, float] = {} if low is None else {1: low}
    caps: dict[int, float] = {}
    solves = 0
    moves = OneOptionMoves(program.profiles, program.kept, forbidden)
    start: tuple[int, ...] | None = None
    # the same utility for party 0 (half a unit: sums of decimal units may differ in the last
    # binary digit), or within the resolution
    near = program.step(0, RESOLUTION) / (2.0 if program.integral[0] else 1.0)
    while len(points) <= MAX_FRONTIER_POINTS:
        seconds = budget.next()
        if seconds is None:
            return points[:-1], "time limit", solves
        status, best = program.solve({0: 1.0}, floors, seconds, caps, start)
        solves += 1
        if best is None:
            if status == "infeasible":
                return points, "optimal", solves
            return points[:-1], status, solves
        if points and best.utilities[0] >= points[-1].utilities[0] - near:
            points.pop()  # as good for party 0 and better for party 1: the last one was dominated
        if stop is not None and best.utilities[1] >= stop:
            return points, "optimal", solves  # the next stretch's sweep finds it first
        points.append(best)
        floors = {1: best.utilities[1] + program.step(1, RESOLUTION)}
        caps = {0: best.utilities[0]}
        start = moves.climb(best.choices, floors[1], caps[0])
    return points, "point limit", solves


@dataclass(frozen=True)
class BandResult:
    """What one stretch's sweep found: its frontier points (best for party 0 first), HiGHS's
    last word, its solves and HiGHS's seconds."""

    points: tuple[MilpPoint, ...]
    status: str
    solves: int
    seconds: float


def sweep_band(
    profiles: Sequence[InterdependentProfile],
    forbidden: Sequence[Box],
    band: Band,
    time_limit: float,
    deadline: float | None,
) -> BandResult:
    """One stretch swept in a program of its own (this runs in a worker process: the program
    is built where it is solved). ``deadline`` is a wall-clock time (``time.time()``) after
    which no solve starts."""
    program = Program(profiles, forbidden)
    total = None if deadline is None else max(deadline - time.time(), 0.0)
    points, status, solves = sweep(program, Budget(program, time_limit, total), forbidden, band)
    return BandResult(tuple(points), status, solves, program.seconds)


def banded(
    program: Program,
    budget: Budget,
    forbidden: Sequence[Box],
    executor: Executor,
    bands: int,
    deadline: float | None,
) -> tuple[list[MilpPoint], str, int, float]:
    """The frontier of two parties from ``bands`` stretches of party 1's utility swept on
    ``executor`` (see the module docstring): points, status, solves and HiGHS's seconds in
    every process.

    ``program`` (built here) finds the two ends: party 0's best (its utility for party 1 is the
    floor of the first stretch) and party 1's best (above which no stretch starts).

    Raises
    ------
    AnalysisError
        A worker process stopped before its stretch was swept (the pool is broken).
    """
    solves = 0
    ends: list[MilpPoint] = []
    for weights in ({0: 1.0}, {1: 1.0}):
        seconds = budget.next()
        if seconds is None:
            return [], "time limit", solves, program.seconds
        status, end = program.solve(weights, {}, seconds)
        solves += 1
        if end is None:
            return [], "optimal" if status == "infeasible" else status, solves, program.seconds
        ends.append(end)
    edges = _edges(ends[0].utilities[1], ends[1].utilities[1], bands, program)
    stretches: list[Band] = [*itertools.pairwise(edges), (edges[-1], None)]
    futures = [
        executor.submit(sweep_band, program.profiles, forbidden, stretch, budget.each, deadline)
        for stretch in stretches
    ]
    try:
        results: list[BandResult] = [f.result() for f in futures]
    except BrokenExecutor as exc:  # a worker killed (out of memory, say): say so, no traceback
        raise AnalysisError(
            N_("a worker process stopped before its part of the frontier was found: %(error)s"),
            params={"error": str(exc) or type(exc).__name__},
        ) from None
    seconds = program.seconds + sum(r.seconds for r in results)
    solves += sum(r.solves for r in results)
    status = next((r.status for r in results if r.status != "optimal"), "optimal")
    points = [p for r in results for p in r.points]
    if not points:
        return [], status, solves, seconds
    values = np.array([p.utilities for p in points], dtype=np.float64)
    return [points[i] for i in undominated(values)], status, solves, seconds


def _edges(low: float, high: float, bands: int, program: Program) -> list[float]:
    """Where the ``bands`` stretches start: ``low`` and evenly up to below ``high``, on whole
    units of party 1's utility when its utilities are whole numbers of one."""
    starts = [low + (high - low) * k / max(1, bands) for k in range(max(1, bands))]
    if program.integral[1]:
        unit = program.step(1, RESOLUTION)
        starts = [low, *(math.floor(e / unit) * unit for e in starts[1:])]
    return sorted(set(starts))


def undominated(points: NDArray[np.float64]) -> NDArray[np.intp]:
    """Indices of the points no other point dominates, one per distinct utility vector, best
    for party 0 first. Sums of the same values in another order may differ in the last binary
    digits, so utilities are compared on a grid of :data:`_SUM_TOL` times the largest
    magnitude.

    >>> undominated(np.array([[1.0, 2.0], [2.0, 1.0], [1.0, 1.0], [2.0, 1.0]])).tolist()
    [1, 0]
    """
    step = _SUM_TOL * max(1.0, float(np.abs(points).max(initial=0.0)))
    grid = np.round(points / step)
    order = np.lexsort(-grid.T[::-1])  # best for party 0 first, then party 1 ...
    if points.shape[1] == 2:  # kept when better for party 1 than every point before it
        second = grid[order, 1]
        before = np.maximum.accumulate(np.concatenate(([-np.inf], second[:-1])))
        return np.asarray(order[second > before], dtype=np.intp)
    kept: list[int] = []
    for index in order.tolist():
        point = grid[index]
        if kept and np.any(np.all(grid[kept] >= point, axis=1)):
            continue  # a kept point is at least as good everywhere (or equal)
        kept.append(index)
    return np.asarray(kept, dtype=np.intp)
