"""Exact analysis of interdependent preferences by mixed-integer programming (HiGHS).

The outcome space is never enumerated: :class:`gobetween.analysis.milp_program.Program` states
the packages and each party's utility as one program (options no party would miss merged away
first) that HiGHS solves again and again with a new objective and new bounds.

- :func:`exact_frontier`, two parties with values and bonuses in whole decimal units, on at most
  :data:`SEARCH_PACKAGES` packages: one branch and bound over the issues
  (:mod:`~gobetween.analysis.bonus_search`), no solver.
- :func:`exact_frontier`, two parties otherwise (epsilon-constraint): maximise party 0's
  utility with party 1's at least a floor and party 0's at most the previous point's; raise the
  floor just above the point found; until infeasible. A point that the next solve matches on
  party 0's utility was dominated and is dropped (the next one is better for party 1): no second
  solve per point is needed. Each solve starts from a package a few one-option changes from
  the point just found (:mod:`~gobetween.analysis.milp_starts`): a hint, HiGHS still proves
  the optimum. Given an ``executor`` (processes, or Dask's distributed scheduler), party 1's
  range is cut into stretches swept side by side (:mod:`~gobetween.analysis.milp_sweep`).
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
import time
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, replace

import numpy as np

from gobetween.analysis.bonus_search import SearchResult, search_frontier
from gobetween.analysis.interdependent import InterdependentProfile
from gobetween.analysis.milp_program import Box, MilpPoint, Program, ProgramSize
from gobetween.analysis.milp_sweep import (
    MAX_FRONTIER_POINTS,
    RESOLUTION,
    Budget,
    banded,
    sweep,
    undominated,
)
from gobetween.errors import N_, AnalysisError
from gobetween.model import Agenda

__all__ = [
    "DEFAULT_BANDS",
    "DEFAULT_TIME_LIMIT",
    "MAX_FRONTIER_POINTS",
    "RESOLUTION",
    "SEARCH_PACKAGES",
    "MilpFrontier",
    "MilpPoint",
    "MilpSolution",
    "ProgramSize",
    "egalitarian_milp",
    "exact_frontier",
    "max_welfare_milp",
    "nash_milp",
]

#: Seconds HiGHS may spend on one solve (a frontier takes one solve per point, and one more).
DEFAULT_TIME_LIMIT = 60.0
#: ``exact_frontier(engine="auto")`` searches (branch and bound) spaces of at most this many
#: packages and leaves larger ones to HiGHS (docs/benchmarks.md). With shares from the linear
#: relaxation the search took 4-6x less CPU than HiGHS on one 20-issue instance (20 x 10 x 80:
#: 2.5 s against 14.6 s, 10.0 s with starting packages), but on another (20 x 10, 120 boxes
#: of 3 issues each: the time-limit test of tests/analysis/test_milp.py) neither finished in a
#: minute and HiGHS had proven 12 points where the search, which proves points only as whole
#: branches close, had none: so larger spaces stay with HiGHS, whose points come one by one.
SEARCH_PACKAGES = 10**15
#: Stretches of party 1's utility swept at once when :func:`exact_frontier` has an executor
#: (four for each of two workers: see :data:`gobetween.batch.executors.BANDS_PER_WORKER`).
DEFAULT_BANDS = 8


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
    seconds: float = 0.0
    #: ``"search"`` (the branch and bound of :mod:`~gobetween.analysis.bonus_search`: no solve,
    #: ``nodes`` branches) or ``"milp"`` (HiGHS, ``solves`` runs).
    engine: str = "milp"
    nodes: int = 0

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
    engine: str = "auto",
    executor: Executor | None = None,
    bands: int = DEFAULT_BANDS,
) -> MilpFrontier:
    """The Pareto frontier of two or more parties (see the module docstring).

    Points are distinct utility vectors, sorted best for party 0 first (then party 1 ...), of
    packages that fall in none of the ``forbidden`` boxes (red lines over several issues: per
    issue index, the option indices that complete it).
    ``time_limit`` bounds each solve, ``total_time_limit`` (when given) all of them together
    (HiGHS's own clock); when either runs out, ``status`` is ``"time limit"`` and the points
    found so far are Pareto-optimal packages, but the frontier may lack some.

    ``engine``: ``"auto"`` takes the branch and bound of
    :func:`~gobetween.analysis.bonus_search.search_frontier` for two parties whose values and
    bonuses are whole numbers of a decimal unit, on at most :data:`SEARCH_PACKAGES` packages
    (one search, bounded by ``time_limit`` and ``total_time_limit`` together; stopped, it
    returns only the points no open branch can beat), HiGHS otherwise; ``"milp"`` always
    HiGHS; ``"search"`` the branch and bound wherever it applies.

    ``executor`` (a :class:`concurrent.futures.Executor`: a process pool, or
    ``distributed.Client(...).get_executor()``): two parties solved by HiGHS are swept in
    ``bands`` stretches of party 1's utility at once (:func:`~gobetween.analysis.milp_sweep.banded`;
    the same frontier). ``total_time_limit`` then counts wall-clock seconds from the call, and
    ``seconds`` adds up HiGHS's time in every process.

    Raises
    ------
    AnalysisError
        Fewer than two parties, profiles on different agendas, or an unknown ``engine``.
    """
    if len(profiles) < 2:
        raise AnalysisError(
            N_("the exact frontier takes two parties or more, not %(count)s"),
            params={"count": len(profiles)},
        )
    if engine not in _ENGINES:
        raise AnalysisError(
            N_("no engine %(engine)r: one of %(choices)s"),
            params={"engine": engine, "choices": ", ".join(_ENGINES)},
        )
    if any(p.agenda != profiles[0].agenda for p in profiles):
        raise AnalysisError(N_("the profiles are on different agendas"))
    return _frontier(
        profiles, forbidden, _Settings(time_limit, total_time_limit, engine, executor, bands)
    )


@dataclass(frozen=True)
class _Settings:
    """How :func:`exact_frontier` was asked to solve (passed on to each group of issues)."""

    time_limit: float
    total_time_limit: float | None
    engine: str
    executor: Executor | None
    bands: int


def _frontier(
    profiles: Sequence[InterdependentProfile], forbidden: Sequence[Box], settings: _Settings
) -> MilpFrontier:
    """:func:`exact_frontier` once its arguments are checked."""
    blocks = _blocks(profiles, forbidden)
    if len(blocks) > 1:
        split = _by_blocks(profiles, forbidden, blocks, settings)
        if split is not None:
            return split
    time_limit, total_time_limit = settings.time_limit, settings.total_time_limit
    engine = settings.engine
    if engine == "search" or (
        engine == "auto" and math.prod(profiles[0].agenda.shape) <= SEARCH_PACKAGES
    ):
        seconds = time_limit if total_time_limit is None else min(time_limit, total_time_limit)
        searched = search_frontier(profiles, forbidden, time_limit=seconds)
        if searched is not None:
            return _searched(searched, len(forbidden))
    deadline = None if total_time_limit is None else time.time() + total_time_limit
    program = Program(profiles, forbidden)
    resolution = 0.0 if all(program.integral) else RESOLUTION
    budget = Budget(program, time_limit, total_time_limit)
    if len(profiles) == 2 and settings.executor is not None:
        points, status, solves, spent = banded(
            program, budget, forbidden, settings.executor, settings.bands, deadline
        )
    else:
        if len(profiles) == 2:
            points, status, solves = sweep(program, budget, forbidden)
        else:
            points, status, solves = _search_regions(program, budget)
        spent = program.seconds
    points.sort(key=lambda p: tuple(-u for u in p.utilities))
    return MilpFrontier(tuple(points), status, solves, resolution, program.size, spent)


#: The engines :func:`exact_frontier` takes.
_ENGINES = ("auto", "search", "milp")


def _searched(found: SearchResult, red_lines: int) -> MilpFrontier:
    """A branch and bound's result as a frontier (integer units: no two points merge)."""
    size = ProgramSize(
        options=found.options,
        options_kept=found.options_kept,
        bonuses=found.bonuses,
        bonuses_modelled=found.bonuses_modelled,
        columns=0,
        rows=0,
        red_lines=red_lines,
        red_lines_modelled=found.red_lines_modelled,
    )
    return MilpFrontier(
        found.points, found.status, 0, 0.0, size, found.seconds, "search", found.nodes
    )


def _blocks(profiles: Sequence[InterdependentProfile], forbidden: Sequence[Box]) -> list[list[int]]:
    """The issues in groups that no bonus and no red line links: each group's issues are
    linked, directly or through others, by some party's bonus or a red line (issue indices,
    groups in the order of their first issue)."""
    parent = list(range(len(profiles[0].agenda.issues)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for box in [*(b for p in profiles for b in p.boxes), *forbidden]:
        first, *others = sorted(box)
        for other in others:
            parent[root(other)] = root(first)
    groups: dict[int, list[int]] = {}
    for issue in range(len(parent)):
        groups.setdefault(root(issue), []).append(issue)
    return list(groups.values())


def _block_profiles(
    profiles: Sequence[InterdependentProfile], forbidden: Sequence[Box], issues: list[int]
) -> tuple[tuple[InterdependentProfile, ...], tuple[Box, ...]]:
    """The profiles and red lines of one group of issues, on an agenda of those issues."""
    agenda = profiles[0].agenda
    local = {i: k for k, i in enumerate(issues)}
    sub = Agenda(tuple(agenda.issues[i] for i in issues))
    parts = tuple(
        InterdependentProfile(
            sub,
            tuple(p.values[i] for i in issues),
            tuple(b for b, box in zip(p.bonuses, p.boxes, strict=True) if min(box) in local),
        )
        for p in profiles
    )
    lines = tuple({local[i]: ok for i, ok in box.items()} for box in forbidden if min(box) in local)
    return parts, lines


def _by_blocks(
    profiles: Sequence[InterdependentProfile],
    forbidden: Sequence[Box],
    blocks: list[list[int]],
    settings: _Settings,
) -> MilpFrontier | None:
    """The frontier when the issues fall into groups no bonus or red line links: each group's
    frontier on its own (an issue no bonus touches: its options' values), then their sums with
    the dominated ones left out, group by group (the frontier of a sum of independent parts is
    made of sums of the parts' frontier points). When a group's solve runs out of time nothing
    is reported (a sum with an unfinished group's points may be dominated). ``None`` when the
    sums of two steps would exceed :data:`_MAX_SUMS` (then one program for all is solved)."""
    n = len(profiles)
    utilities = np.zeros((1, n))
    choices = np.zeros((1, len(profiles[0].agenda.issues)), dtype=np.intp)
    solves, resolution, spent, nodes = 0, 0.0, 0.0, 0
    sizes: list[ProgramSize] = []
    engines: set[str] = set()

    def done(points: tuple[MilpPoint, ...], status: str) -> MilpFrontier:
        engine = "+".join(sorted(engines)) or "none"
        size = _total(sizes, blocks)
        return MilpFrontier(points, status, solves, resolution, size, spent, engine, nodes)

    for issues in blocks:
        parts, lines = _block_profiles(profiles, forbidden, issues)
        if any(p.bonuses for p in parts) or lines:
            total = settings.total_time_limit
            left = None if total is None else total - spent
            if left is not None and left <= 0:
                return done((), "time limit")
            found = _frontier(parts, lines, replace(settings, total_time_limit=left))
            solves += found.solves
            nodes += found.nodes
            engines.add(found.engine)
            resolution = max(resolution, found.resolution)
            spent += found.seconds
            if found.size is not None:
                sizes.append(found.size)
            if not found.exact:
                return done((), found.status)
            values = np.array([q.utilities for q in found.points], dtype=np.float64)
            picked = np.array([q.choices for q in found.points], dtype=np.intp)
        else:  # one issue, additive: its options
            (issue,) = issues
            values = np.array([p.values[issue] for p in profiles], dtype=np.float64).T
            picked = np.arange(values.shape[0], dtype=np.intp)[:, None]
        if values.shape[0] == 0:
            return done((), "optimal")
        if utilities.shape[0] * values.shape[0] > _MAX_SUMS:
            return None
        summed = (utilities[:, None, :] + values[None, :, :]).reshape(-1, n)
        rows = np.repeat(np.arange(utilities.shape[0]), values.shape[0])
        cols = np.tile(np.arange(values.shape[0]), utilities.shape[0])
        keep = undominated(summed)
        utilities = summed[keep]
        choices = choices[rows[keep]]
        choices[:, issues] = picked[cols[keep]]
    points = [
        MilpPoint(tuple(int(c) for c in row), tuple(p.utility(row) for p in profiles))
        for row in choices.tolist()
    ]
    points.sort(key=lambda q: tuple(-u for u in q.utilities))
    return done(tuple(points), "optimal")


#: At most this many sums of two groups' frontier points at once.
_MAX_SUMS = 4_000_000


def _total(sizes: list[ProgramSize], blocks: list[list[int]]) -> ProgramSize | None:
    """The blocks' program sizes added up (``columns`` and ``rows`` of all programs)."""
    if not sizes:
        return None
    return ProgramSize(
        options=sum(z.options for z in sizes),
        options_kept=sum(z.options_kept for z in sizes),
        bonuses=sum(z.bonuses for z in sizes),
        bonuses_modelled=sum(z.bonuses_modelled for z in sizes),
        columns=sum(z.columns for z in sizes),
        rows=sum(z.rows for z in sizes),
        red_lines=sum(z.red_lines for z in sizes),
        red_lines_modelled=sum(z.red_lines_modelled for z in sizes),
        blocks=len(blocks),
    )


def _search_regions(program: Program, budget: Budget) -> tuple[list[MilpPoint], str, int]:
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
            # the box held it if its floors (bound + step) were kept: half a step of slack for
            # sums of decimal units that differ in the last binary digit
            [u - s / 2 for u, s in zip(best.utilities, steps, strict=True)],
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
            N_("the disagreement point has %(count)s utilities for %(parties)s parties"),
            params={"count": len(d), "parties": len(profiles)},
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
