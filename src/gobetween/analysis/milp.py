"""Exact analysis of interdependent preferences by mixed-integer programming (HiGHS).

The outcome space is never enumerated: :class:`gobetween.analysis.milp_program.Program` states
the packages and each party's utility as one program (options no party would miss merged away
first) that HiGHS solves again and again with a new objective and new bounds.

- :func:`exact_frontier`, two parties (epsilon-constraint): maximise party 0's utility with
  party 1's at least a floor and party 0's at most the previous point's; raise the floor just
  above the point found; until infeasible. A point that the next solve matches on party 0's
  utility was dominated and is dropped (the next one is better for party 1): no second solve per
  point is needed.
- :func:`exact_frontier`, three parties or more (search regions, Klamroth, Lacour & Vanderpooten
  2015): the packages not yet dominated by a point found are a union of boxes ``u > l``; each box
  is searched with the sum of utilities (so what is found is Pareto-optimal), an empty box is
  dropped, a point found splits every box it lies in.
- :func:`max_welfare_milp`, :func:`egalitarian_milp`: one program each, any number of parties.
- Every function takes ``forbidden``: red lines over several issues, as boxes no package may fall
  in (rows of the program, see :mod:`~gobetween.analysis.milp_program`), never enumerated.
- :func:`nash_milp`: the point of the exact frontier with the largest product of gains over the
  disagreement point, any number of parties.

Every point's utilities are recomputed from its package (not read off the solver). HiGHS runs
with a relative and absolute MIP gap of zero. With integer values and bonuses (ANAC 2014's), the
floors rise by exactly 1 and the frontier is exact with no resolution at all (``resolution`` 0);
otherwise utilities are scaled so that HiGHS's tolerances are far below :data:`RESOLUTION` of
each party's range, and points are exact unless two frontier points differ in a party's utility
by less than that fraction of its range (then one of them may stand for both). Any solve that is
not proven optimal (time limit) is reported in ``status``: the result is then marked not exact,
never silently approximate.

>>> from gobetween.model import Agenda, Issue
>>> from gobetween.analysis.interdependent import Bonus, InterdependentProfile
>>> agenda = Agenda((Issue.discrete("a", ["x", "y"]), Issue.discrete("b", ["p", "q"])))
>>> alice = InterdependentProfile.of(agenda, {"a": {"x": 1}}, [Bonus(2, {"b": ("q",)})])
>>> bob = InterdependentProfile.of(agenda, {"a": {"y": 2}}, [Bonus(1, {"a": ("x",), "b": ("p",)})])
>>> front = exact_frontier((alice, bob))
>>> [p.utilities for p in front.points], front.exact
([(3.0, 0.0), (2.0, 2.0)], True)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from gobetween.analysis.interdependent import InterdependentProfile
from gobetween.analysis.milp_program import Box, MilpPoint, Program, ProgramSize
from gobetween.errors import AnalysisError

__all__ = [
    "DEFAULT_TIME_LIMIT",
    "MAX_FRONTIER_POINTS",
    "RESOLUTION",
    "MilpFrontier",
    "MilpPoint",
    "MilpSolution",
    "ProgramSize",
    "egalitarian_milp",
    "exact_frontier",
    "max_welfare_milp",
    "nash_milp",
]

#: Frontier points closer than this fraction of a party's utility range may be merged (only
#: when some value or bonus is not an integer).
RESOLUTION = 1e-6
#: Seconds HiGHS may spend on one solve (a frontier takes one solve per point, and one more).
DEFAULT_TIME_LIMIT = 60.0
#: At most this many frontier points (and, for three parties or more, ten times as many solves).
MAX_FRONTIER_POINTS = 10_000


@dataclass(frozen=True)
class MilpFrontier:
    """The Pareto frontier found, best for party 0 first; ``status`` is HiGHS's last word.

    ``resolution`` is 0 when every value and bonus is an integer (no two points can merge), else
    :data:`RESOLUTION`; ``size`` says what the program kept of the options and bonuses.
    """

    points: tuple[MilpPoint, ...]
    status: str
    solves: int
    resolution: float
    size: ProgramSize | None = None

    @property
    def exact(self) -> bool:
        """True when every solve was proven optimal (the frontier is complete)."""
        return self.status == "optimal"


@dataclass(frozen=True)
class MilpSolution:
    """A bargaining solution: its point (``None`` if none exists) and the solver status."""

    point: MilpPoint | None
    status: str

    @property
    def exact(self) -> bool:
        """True when the solver proved the point optimal."""
        return self.status == "optimal"


def exact_frontier(
    profiles: Sequence[InterdependentProfile],
    *,
    forbidden: Sequence[Box] = (),
    time_limit: float = DEFAULT_TIME_LIMIT,
    total_time_limit: float | None = None,
) -> MilpFrontier:
    """The Pareto frontier of two or more parties (see the module docstring).

    Points are distinct utility vectors, sorted best for party 0 first (then party 1 ...), of
    packages that fall in none of the ``forbidden`` boxes (red lines over several issues: per
    issue index, the option indices that complete it).
    ``time_limit`` bounds each solve, ``total_time_limit`` (when given) all of them together
    (HiGHS's own clock); when either runs out, ``status`` is ``"time limit"`` and the points
    found so far are Pareto-optimal packages, but the frontier may lack some.

    Raises
    ------
    AnalysisError
        Fewer than two parties, or profiles on different agendas.
    """
    if len(profiles) < 2:
        raise AnalysisError(f"the exact frontier takes two parties or more, not {len(profiles)}")
    program = Program(profiles, forbidden)
    resolution = 0.0 if all(program.integral) else RESOLUTION
    budget = _Budget(program, time_limit, total_time_limit)
    if len(profiles) == 2:
        points, status, solves = _two_parties(program, budget)
    else:
        points, status, solves = _search_regions(program, budget)
    points.sort(key=lambda p: tuple(-u for u in p.utilities))
    return MilpFrontier(tuple(points), status, solves, resolution, program.size)


@dataclass(frozen=True)
class _Budget:
    program: Program
    each: float
    total: float | None

    def next(self) -> float | None:
        """Seconds the next solve may take; ``None`` when the total is spent."""
        if self.total is None:
            return self.each
        left = self.total - self.program.seconds
        return min(self.each, left) if left > 0 else None


def _two_parties(program: Program, budget: _Budget) -> tuple[list[MilpPoint], str, int]:
    """Epsilon-constraint on party 1, party 0 capped by the previous point."""
    points: list[MilpPoint] = []
    floors: dict[int, float] = {}
    caps: dict[int, float] = {}
    solves = 0
    near = program.step(0, RESOLUTION) if not program.integral[0] else 0.0
    while len(points) <= MAX_FRONTIER_POINTS:
        seconds = budget.next()
        if seconds is None:
            return points, "time limit", solves
        status, best = program.solve({0: 1.0}, floors, seconds, caps)
        solves += 1
        if best is None:
            return points, "optimal" if status == "infeasible" else status, solves
        if points and best.utilities[0] >= points[-1].utilities[0] - near:
            points.pop()  # as good for party 0 and better for party 1: the last one was dominated
        points.append(best)
        floors = {1: best.utilities[1] + program.step(1, RESOLUTION)}
        caps = {0: best.utilities[0]}
    return points, "point limit", solves


def _search_regions(program: Program, budget: _Budget) -> tuple[list[MilpPoint], str, int]:
    """Boxes ``u > l`` of packages no point found dominates, searched until all are empty."""
    n = len(program.profiles)
    steps = [program.step(p, RESOLUTION) for p in range(n)]
    weights = {p: 1.0 if all(program.integral) else 1.0 / program.spans[p] for p in range(n)}
    bounds: list[tuple[float, ...]] = [(-math.inf,) * n]
    points: list[MilpPoint] = []
    solves = 0
    while bounds:
        if len(points) > MAX_FRONTIER_POINTS or solves > 10 * MAX_FRONTIER_POINTS:
            return points, "point limit", solves
        seconds = budget.next()
        if seconds is None:
            return points, "time limit", solves
        low = bounds.pop()
        floors = {p: low[p] + steps[p] for p in range(n) if low[p] > -math.inf}
        status, best = program.solve(weights, floors, seconds)
        solves += 1
        if best is None:
            if status != "infeasible":
                return points, status, solves
            continue
        points.append(best)
        bounds = _split(
            [*bounds, low],
            best.utilities,
            [u - s for u, s in zip(best.utilities, steps, strict=True)],
        )
    return points, "optimal", solves


def _split(
    bounds: list[tuple[float, ...]], found: tuple[float, ...], below: list[float]
) -> list[tuple[float, ...]]:
    """The lower bounds once the packages ``found`` dominates are taken out of the search:
    each box holding ``found`` (``found > l``, i.e. ``l <= below``) becomes one box per party
    with that party's bound raised to ``found``; boxes inside others are dropped."""
    split: set[tuple[float, ...]] = set()
    for low in bounds:
        if all(lo <= b for lo, b in zip(low, below, strict=True)):
            for p, u in enumerate(found):
                split.add((*low[:p], u, *low[p + 1 :]))
        else:
            split.add(low)
    ordered = sorted(split)
    return [
        low
        for low in ordered
        if not any(
            other != low and all(o <= lo for o, lo in zip(other, low, strict=True))
            for other in ordered
        )
    ]


def max_welfare_milp(
    profiles: Sequence[InterdependentProfile],
    *,
    forbidden: Sequence[Box] = (),
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> MilpSolution:
    """The package with the largest sum of utilities, for any number of parties (outside the
    ``forbidden`` boxes, as in :func:`exact_frontier`).

    >>> from gobetween.model import Agenda, Issue
    >>> from gobetween.analysis.interdependent import Bonus, InterdependentProfile
    >>> agenda = Agenda((Issue.discrete("a", ["x", "y"]),))
    >>> one = InterdependentProfile.of(agenda, {"a": {"x": 1}})
    >>> two = InterdependentProfile.of(agenda, {}, [Bonus(3, {"a": ("y",)})])
    >>> max_welfare_milp((one, two)).point.utilities
    (0.0, 3.0)
    """
    program = Program(profiles, forbidden)
    status, point = program.solve(dict.fromkeys(range(len(profiles)), 1.0), {}, time_limit)
    return MilpSolution(point, status)


def egalitarian_milp(
    profiles: Sequence[InterdependentProfile],
    *,
    forbidden: Sequence[Box] = (),
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> MilpSolution:
    """A package maximising the smallest utility, for any number of parties (ties: any one;
    outside the ``forbidden`` boxes).

    >>> from gobetween.model import Agenda, Issue
    >>> from gobetween.analysis.interdependent import InterdependentProfile
    >>> agenda = Agenda((Issue.discrete("a", ["x", "y", "z"]),))
    >>> one = InterdependentProfile.of(agenda, {"a": {"x": 3, "y": 1, "z": 2}})
    >>> two = InterdependentProfile.of(agenda, {"a": {"x": 0, "y": 3, "z": 2}})
    >>> egalitarian_milp((one, two)).point.choices
    (2,)
    """
    program = Program(profiles, forbidden)
    n = len(profiles)
    weights = {p: 1.0 if all(program.integral) else 1.0 / program.spans[p] for p in range(n)}
    status, point = program.solve(weights, {}, time_limit)
    # Raise every party's floor above the smallest utility found until no package clears it:
    # no continuous variable, the same floors as the frontier (exact steps for integers).
    for _ in range(MAX_FRONTIER_POINTS):
        if point is None:
            break
        least = min(point.utilities)
        floors = {p: least + program.step(p, RESOLUTION) for p in range(n)}
        status, better = program.solve(weights, floors, time_limit)
        if better is None:
            return MilpSolution(point, "optimal" if status == "infeasible" else status)
        point = better
    else:
        status = "point limit"
    return MilpSolution(point, status)


def nash_milp(
    profiles: Sequence[InterdependentProfile],
    disagreement: Sequence[float] | None = None,
    *,
    forbidden: Sequence[Box] = (),
    time_limit: float = DEFAULT_TIME_LIMIT,
    total_time_limit: float | None = None,
) -> MilpSolution:
    """The Nash point of two or more parties: on the exact frontier, the largest product of
    gains over ``disagreement`` (zeros when ``None``; every gain positive); no point when no
    package gives every party a gain.

    >>> from gobetween.model import Agenda, Issue
    >>> from gobetween.analysis.interdependent import InterdependentProfile
    >>> agenda = Agenda((Issue.discrete("a", ["x", "y", "z"]),))
    >>> one = InterdependentProfile.of(agenda, {"a": {"x": 3, "y": 1, "z": 2}})
    >>> two = InterdependentProfile.of(agenda, {"a": {"x": 0, "y": 3, "z": 2}})
    >>> nash_milp((one, two)).point.utilities
    (2.0, 2.0)
    """
    d = tuple(disagreement) if disagreement is not None else (0.0,) * len(profiles)
    if len(d) != len(profiles):
        raise AnalysisError(
            f"the disagreement point has {len(d)} utilities for {len(profiles)} parties"
        )
    front = exact_frontier(
        profiles, forbidden=forbidden, time_limit=time_limit, total_time_limit=total_time_limit
    )
    gains = [
        (math.prod(u - v for u, v in zip(p.utilities, d, strict=True)), p)
        for p in front.points
        if all(u > v for u, v in zip(p.utilities, d, strict=True))
    ]
    best = max(gains, key=lambda pair: pair[0])[1] if gains else None
    return MilpSolution(best, front.status)
