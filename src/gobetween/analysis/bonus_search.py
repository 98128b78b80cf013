"""The exact two-party frontier of interdependent preferences by a branch and bound of our own.

For two parties whose values and bonuses are whole numbers of a decimal unit (ANAC 2014's
integers, or tenths, hundredths ...), a bi-objective branch and bound over the issues finds the
whole frontier in one search, instead of one solver run per point (:mod:`~gobetween.analysis.milp`).

- **Tree.** Issues are fixed one at a time, in a fixed order (the issues whose options
  decide most bonus first); a node is the options chosen so far, a leaf a package.
- **Bounds per node.** A bonus is *alive* while every fixed issue it names takes one of its
  options. Each positive bonus is counted at the last of its issues in the order (a bonus that is
  met has that issue in its range; shares spread evenly over its issues, or rising towards the
  last, were measured and gave 2.1x and 1.3x the branches on 10 x 10 x 40, seeds 0-5): for
  every issue still open, the best option scores its own
  value plus the alive bonuses counted there that accept it, and a party's bound is what is
  fixed plus those best scores (a negative bonus counts once all its issues are fixed). Bounds on
  weighted sums of the two parties (the same best option for both, per issue) cut further.
  A node keeps its open issues' scores per option; a child's are its parent's less the bonuses
  its option rules out (only those naming the issue just fixed), not recomputed from every
  bonus alive: 1.3x to 2.5x fewer seconds per branch from 15 issues on (docs/benchmarks.md).
- **A second bound, bonuses shared** (a Lagrangian relaxation of "every issue of the box in
  range"): each positive bonus's value is split over the issues of its box, an issue's share
  counted for the options in range there; an issue fixed in range keeps its share (collected)
  until the bonus is decided. Any split bounds every completion; the split used, per weighted
  sum, is the best one at the top of the tree: the duals of the linear relaxation
  (:mod:`~gobetween.analysis.bonus_relaxation`, one HiGHS linear program per weighted sum;
  :func:`_shares`), so the bound there is that relaxation's. A node's bound is the lower of the
  two, rounded down to whole units (after half a unit of slack for rounding): on 10 x 10 x 40
  the root bound on one party fell from 1.8x the optimum to 1.01x (seed 2: 643 against 637; a
  subgradient descent's split, before, gave 1.17x), and 15 x 10 x 60 needs 16x fewer branches
  than with the first bound alone (docs/benchmarks.md).
- **Subtrees with shares of their own.** On large trees (at least :data:`_RESHARE_OPEN` issues
  open below), each node at the depths of :data:`_RESHARE` gets tables of its own: the options
  it has fixed pinned, its shares the duals of its own linear relaxation (the root's program
  with the other options of those issues ruled out, HiGHS starting from its last basis), so
  its bounds start from its relaxation rather than the root's split; all subtrees share one
  staircase of points found. On 20 x 10 x 80: 2.6x fewer branches, 1.6x less CPU.
- **Pruning by the staircase.** A new frontier point must beat every point found so far on one
  party or the other: it lies in one of the corners between consecutive points. A node whose
  bounds reach none of those corners is dropped.
- **Dominated options.** An option that another option of the same issue beats at that node in
  every completion (as much fixed for both parties, every positive bonus still possible for it
  possible for the other, no negative bonus or red line possible for the other that is not for
  it) is not branched on: half the branches on 10 x 10 x 40 (docs/benchmarks.md).
- **Red lines** (boxes no package may complete) end a branch once its last issue is fixed inside.
- The option classes of :mod:`~gobetween.analysis.milp_program` (an option every party weakly
  prefers stands for the other) are applied first.

Utilities are integers in their unit inside the search (exact in floating point below
``2**53``); every point's utilities are recomputed from its package. When the time runs out, only
the points that no open branch could still beat are returned (each is a Pareto-optimal package),
with the status ``"time limit"``.

>>> from gobetween.model import Agenda, Issue
>>> from gobetween.analysis.interdependent import Bonus, InterdependentProfile
>>> agenda = Agenda((Issue.discrete("a", ["x", "y"]), Issue.discrete("b", ["p", "q"])))
>>> alice = InterdependentProfile.of(agenda, {"a": {"x": 1}}, [Bonus(2, {"b": ("q",)})])
>>> bob = InterdependentProfile.of(agenda, {"a": {"y": 2}}, [Bonus(1, {"a": ("x",), "b": ("p",)})])
>>> found = search_frontier((alice, bob))
>>> [p.utilities for p in found.points], found.status
([(3.0, 0.0), (2.0, 2.0)], 'optimal')
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from gobetween.analysis.bonus_relaxation import Relaxation
from gobetween.analysis.bonus_staircase import FAR, SearchLimits, Staircase
from gobetween.analysis.interdependent import InterdependentProfile
from gobetween.analysis.milp_program import Box, MilpPoint, kept_options, whole_units

__all__ = ["SearchResult", "search_frontier"]

#: Utilities are searched as integers only while a party's range stays below this (exact sums).
_EXACT_SPAN = 2.0**50
#: The weights of the bounds kept per node: each party alone, then weighted sums of the two.
_WEIGHTS = np.array([[1.0, 0.0, 1.0, 1.0, 2.0], [0.0, 1.0, 1.0, 2.0, 1.0]])


@dataclass(frozen=True)
class SearchResult:
    """The frontier points found (best for party 0 first), ``"optimal"`` when the search ended,
    ``"time limit"`` when it was stopped; ``nodes`` counts the branches opened."""

    points: tuple[MilpPoint, ...]
    status: str
    nodes: int
    seconds: float
    options: int
    options_kept: int
    bonuses: int
    bonuses_modelled: int
    red_lines_modelled: int


def _order(profiles: Sequence[InterdependentProfile], kept: list[list[int]]) -> list[int]:
    """Issues by how much bonus their choice decides (the value a box loses when the issue
    leaves its range, summed over boxes and parties), most first; additive spread added."""
    weight = [0.0] * len(kept)
    for profile in profiles:
        for i, options in enumerate(kept):
            values = [profile.values[i][o] for o in options]
            weight[i] += max(values) - min(values)
        for bonus, box in zip(profile.bonuses, profile.boxes, strict=True):
            for i, accepted in box.items():
                rejected = sum(o not in accepted for o in kept[i]) / len(kept[i])
                weight[i] += abs(bonus.value) * rejected
    return sorted(range(len(kept)), key=lambda i: -weight[i])


#: A bonus in the search: its party, its value in units, its box by position (local option
#: indices; only the positions where it does not take every kept option) and its index among
#: every bonus of both parties.
_Bonus = tuple[int, float, dict[int, frozenset[int]], int]


def _reduce(
    box: Box, kept: list[list[int]], position: dict[int, int]
) -> dict[int, frozenset[int]] | None:
    """A box on kept options by search position (local option indices): issues where it takes
    every kept option dropped; ``None`` when it takes no kept option of some issue."""
    reduced: dict[int, frozenset[int]] = {}
    for i, accepted in box.items():
        taken = frozenset(k for k, o in enumerate(kept[i]) if o in accepted)
        if not taken:
            return None
        if len(taken) < len(kept[i]):
            reduced[position[i]] = taken
    return reduced


@dataclass
class _Tables:
    """Both parties' values and bonuses by search position (options padded to ``width``)."""

    sizes: list[int]  # kept options per position
    width: int
    values: NDArray[np.float64]  # (positions, width, 2), units; padding: FAR
    accept: list[NDArray[np.float64]]  # per position: (options, bonuses) 1.0 when taken
    complete: NDArray[np.float64]  # (bonuses, 2): its value in its party's column
    rows: list[int]  # per position (and one more): the first bonus whose last is at or after it
    constants: NDArray[np.float64]  # (2,)
    line_accept: list[NDArray[np.bool_]]  # per position: (options, red lines)
    line_last: NDArray[np.intp]
    bonuses: int
    negative: NDArray[np.bool_]  # (bonuses,): the bonus is negative
    # The root's open scores, (positions, 2 * weights, width): the values weighted plus, in the
    # first weights columns, every positive bonus where its last position takes the option
    # (the first bound), in the others its shares where its positions take the option (the
    # second bound, see _shares)
    scores: NDArray[np.float64]
    touch: list[NDArray[np.intp]]  # per position: the positive bonuses naming it, decided later
    reject: list[NDArray[np.float64]]  # per position: (options, touch) 1.0 where not taken
    lost: list[NDArray[np.float64]]  # per position: (touch, later positions * 2 * weights * width)
    collected: NDArray[np.float64]  # (bonuses, positions + 1, weights): shares before a position
    root: tuple[Relaxation, list[list[int]]]  # the root's relaxation and kept options


def _tables(
    profiles: Sequence[InterdependentProfile],
    forbidden: Sequence[Box],
    kept: list[list[int]],
    order: list[int],
    units: list[float],
    root: tuple[Relaxation, list[list[int]]] | None = None,
) -> _Tables | None:
    """The search's tables; ``None`` when a red line takes every package. ``root``: the root's
    relaxation and kept options, for a subtree's tables (its kept options a part of those);
    ``None`` at the root (the relaxation is stated then)."""
    position = {issue: k for k, issue in enumerate(order)}
    sizes = [len(kept[i]) for i in order]
    n, width = len(order), max(sizes, default=1)
    values = np.full((n, width, 2), FAR)
    constants = np.zeros(2)
    boxes: list[_Bonus] = []
    every = 0  # bonuses of the parties before
    for p, (profile, unit) in enumerate(zip(profiles, units, strict=True)):
        for pos, issue in enumerate(order):
            values[pos, : sizes[pos], p] = [
                round(profile.values[issue][o] * unit) for o in kept[issue]
            ]
        for index, (bonus, box) in enumerate(zip(profile.bonuses, profile.boxes, strict=True)):
            value = float(round(bonus.value * unit))
            reduced = _reduce(box, kept, position)
            if reduced is None or value == 0:
                continue
            if not reduced:
                constants[p] += value
            else:
                boxes.append((p, value, reduced, every + index))
        every += len(profile.bonuses)
    boxes.sort(key=lambda found: max(found[2]))  # by last position: a node keeps a suffix
    count = len(boxes)
    rows = [sum(max(box) < pos for _, _, box, _ in boxes) for pos in range(n + 1)]
    accept = [np.ones((size, count)) for size in sizes]
    complete = np.zeros((count, 2))
    table = np.zeros((count, n * width * 2))
    for b, (p, value, box, _) in enumerate(boxes):
        for pos, taken in box.items():
            accept[pos][:, b] = [k in taken for k in range(sizes[pos])]
        last = max(box)
        complete[b, p] = value
        if value > 0:  # counted where its last issue is decided (see the module docstring)
            start = last * width * 2
            table[b, start + p : start + sizes[last] * 2 : 2] = value * accept[last][:, b]
    lines: list[dict[int, frozenset[int]]] = []
    for box in forbidden:
        reduced = _reduce(box, kept, position)
        if reduced is None:
            continue
        if not reduced:
            return None
        lines.append(reduced)
    line_accept = [np.ones((size, len(lines)), dtype=bool) for size in sizes]
    for line, box in enumerate(lines):
        for pos, taken in box.items():
            line_accept[pos][:, line] = [k in taken for k in range(sizes[pos])]
    line_last = np.array([max(box) for box in lines], dtype=np.intp)
    weights = _WEIGHTS.shape[1]
    # (positions, weights, width): the values in each weighted sum, its options side by side
    weighted = np.ascontiguousarray((values @ _WEIGHTS).transpose(0, 2, 1))
    if root is None:
        root = (_relaxation(boxes, sizes, weighted, every), kept)
    relaxation, root_kept = root
    allowed = [[root_kept[issue].index(o) for o in kept[issue]] for issue in order]
    shared, collected = _shares(boxes, accept, relaxation.duals(allowed), width)
    # (bonuses, positions * 2 * weights * width): the first bound's scores, then the second's
    both = np.concatenate(
        [(table.reshape(count, n, width, 2) @ _WEIGHTS).transpose(0, 1, 3, 2), shared], axis=2
    ).reshape(count, n * 2 * weights * width)
    # a node's open scores less, per option fixed, the bonuses that option rules out (a bonus
    # is ruled out at most once on a branch: only those naming the position, decided later)
    touch, reject, lost = [], [], []
    for pos in range(n):
        named = np.array(
            [
                b
                for b, (_, value, box, _) in enumerate(boxes)
                if value > 0 and pos in box and max(box) > pos
            ],
            dtype=np.intp,
        )
        touch.append(named)
        reject.append(np.ascontiguousarray(1.0 - accept[pos][:, named]))
        lost.append(np.ascontiguousarray(both[named, (pos + 1) * 2 * weights * width :]))
    return _Tables(
        sizes,
        width,
        values,
        accept,
        complete,
        rows,
        constants,
        line_accept,
        line_last,
        count,
        complete.sum(axis=1) < 0,
        np.concatenate([weighted, weighted], axis=1) + both.sum(axis=0).reshape(n, -1, width),
        touch,
        reject,
        lost,
        collected,
        root,
    )


def _relaxation(
    boxes: list[_Bonus], sizes: list[int], weighted: NDArray[np.float64], every: int
) -> Relaxation:
    """The root's linear relaxation (:class:`~gobetween.analysis.bonus_relaxation.Relaxation`)
    of each weighted sum; ``every`` counts the bonuses of both parties."""
    worth = np.zeros((every, weighted.shape[1]))
    links: list[tuple[int, int, list[int]]] = []
    for party, value, box, index in boxes:
        if value > 0:
            worth[index] = value * _WEIGHTS[party]
            links.extend((index, pos, sorted(taken)) for pos, taken in box.items())
    return Relaxation(weighted, sizes, worth, links)


def _shares(
    boxes: list[_Bonus],
    accept: list[NDArray[np.float64]],
    duals: NDArray[np.float64],
    width: int,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The second bound's tables: each positive bonus shared over the issues of its box, per
    weighted sum, as a Lagrangian relaxation of "every issue of the box in range" is (any
    shares summing to the bonus's value bound every completion: a bonus met gets every share;
    an issue fixed in range keeps its share, *collected*, until the bonus is decided). The
    shares are the best multipliers of that relaxation at the top of the (sub)tree: the
    ``duals`` of its linear relaxation (``(weights, every bonus, positions)``, see
    :mod:`~gobetween.analysis.bonus_relaxation`), scaled to sum to the bonus's value, so the
    bound there is the relaxation's (any split is a valid bound, so the solver's accuracy never
    matters for exactness; a bonus whose duals vanish is counted at its last issue).

    Returns the shares as scores, ``(bonuses, positions, weights, width)``, and per bonus
    the shares of the positions before each position, ``(bonuses, positions + 1, weights)``.
    """
    count, (k, _, n) = len(boxes), duals.shape
    # (bonuses, positions, width): 1.0 where the bonus's box takes the option there
    taken = np.zeros((count, n, width))
    inside = np.zeros((count, n))
    worth = np.zeros((count, k))  # each bonus's value in each weighted sum (0 if negative)
    start = np.zeros((count, n))
    for b, (party, value, box, _) in enumerate(boxes):
        if value <= 0:
            continue
        worth[b] = value * _WEIGHTS[party]
        for pos in box:
            taken[b, pos, : len(accept[pos])] = accept[pos][:, b]
            inside[b, pos] = 1.0
        start[b, max(box)] = 1.0
    parts = duals[:, [index for _, _, _, index in boxes], :] * inside[None, :, :]
    sums = parts.sum(axis=2, keepdims=True)
    parts = np.where(sums > 0, parts / np.where(sums > 0, sums, 1.0), start[None, :, :])
    shares = parts.transpose(1, 2, 0) * worth[:, None, :]  # (bonuses, positions, weights)
    scores = shares[:, :, :, None] * taken[:, :, None, :]
    collected = np.concatenate([np.zeros((count, 1, k)), np.cumsum(shares, axis=1)], axis=1)
    return scores, collected


def search_frontier(
    profiles: Sequence[InterdependentProfile],
    forbidden: Sequence[Box] = (),
    *,
    time_limit: float | None = None,
    node_limit: int | None = None,
) -> SearchResult | None:
    """The exact frontier of two parties by branch and bound (see the module docstring);
    ``None`` when it does not apply (not two parties, or a party's values and bonuses are not
    whole numbers of a decimal unit: :func:`gobetween.analysis.milp.exact_frontier` then solves
    it). ``time_limit`` bounds the search in seconds (wall clock), ``node_limit`` in branches
    (status ``"node limit"``: as for a time limit, the points returned are those no open branch
    can beat)."""
    if len(profiles) != 2:
        return None
    started = time.perf_counter()
    shape = profiles[0].agenda.shape
    kept = [kept_options(profiles, forbidden, i, n) for i, n in enumerate(shape)]
    units: list[float] = []
    for profile in profiles:
        numbers = [v for row in profile.values for v in row] + [b.value for b in profile.bonuses]
        span = math.fsum(max(v) - min(v) for v in profile.values) + math.fsum(
            abs(b.value) for b in profile.bonuses
        )
        unit = whole_units(numbers, span)
        if unit is None or span * unit >= _EXACT_SPAN:
            return None
        units.append(unit)
    problem = _Problem(tuple(profiles), tuple(forbidden), kept, _order(profiles, kept), units)
    tables = _tables(profiles, forbidden, kept, problem.order, units)
    stairs = Staircase(_WEIGHTS)
    status, budget = "optimal", SearchLimits(started, time_limit, node_limit)
    if tables is not None:
        status, stopped = _Search(problem, tables, stairs, budget).run()
        if stopped:
            stairs.keep_proven(np.array(stopped))
    points = [
        MilpPoint(choices, tuple(p.utility(choices) for p in profiles))
        for choices in stairs.packages
    ]
    points.sort(key=lambda q: tuple(-u for u in q.utilities))
    return SearchResult(
        tuple(points),
        status,
        budget.nodes,
        time.perf_counter() - started,
        options=sum(shape),
        options_kept=sum(len(k) for k in kept),
        bonuses=sum(len(p.bonuses) for p in profiles),
        bonuses_modelled=tables.bonuses if tables is not None else 0,
        red_lines_modelled=len(tables.line_last) if tables is not None else len(forbidden),
    )


#: A node: depth, choices by position, bonuses alive (1.0), red lines alive, the utilities
#: fixed so far (2,), its bounds (one per column of _WEIGHTS), the staircase's version then,
#: and its open scores (open positions, weights, width: see _Tables.scores; the bounds add up
#: their best options).
_Node = tuple[
    int,
    tuple[int, ...],
    NDArray[np.float64],
    NDArray[np.bool_],
    NDArray[np.float64],
    NDArray[np.float64],
    int,
    NDArray[np.float64],
]


def _dominated(
    utilities: NDArray[np.float64],
    alive: NDArray[np.float64],
    negative: NDArray[np.bool_],
    lines: NDArray[np.bool_],
    allowed: NDArray[np.bool_],
) -> NDArray[np.bool_]:
    """Per option of the issue being fixed: whether another allowed option is at least as good
    for both parties in every completion (as much fixed, every positive bonus still possible
    for this one possible for it, every negative bonus and red line still possible for it
    possible for this one); of two such options for each other, the first is kept."""
    future = np.concatenate(
        [np.where(negative[None, :], 1.0 - alive, alive), 1.0 - lines.astype(np.float64)], axis=1
    )
    covers = np.all(future[None, :, :] <= future[:, None, :], axis=2)  # [a, b]: a covers b
    covers &= np.all(utilities[:, None, :] >= utilities[None, :, :], axis=2)
    covers &= allowed[:, None]
    np.fill_diagonal(covers, False)
    first = np.arange(len(allowed))
    strict = covers & (~covers.T | (first[:, None] < first[None, :]))
    return np.asarray(strict.any(axis=0))


@dataclass(frozen=True)
class _Problem:
    """What a search's tables are built from: both profiles, the red lines, the kept options of
    each issue (one, the option chosen, on the issues a subtree has fixed), the search order
    (issue per position) and each party's decimal unit."""

    profiles: tuple[InterdependentProfile, ...]
    forbidden: tuple[Box, ...]
    kept: list[list[int]]
    order: list[int]
    units: list[float]

    def pinned(self, choices: tuple[int, ...]) -> _Problem:
        """The subtree where the first positions take these choices (indices into ``kept``)."""
        kept = list(self.kept)
        for pos, local in enumerate(choices):
            issue = self.order[pos]
            kept[issue] = [self.kept[issue][local]]
        return _Problem(self.profiles, self.forbidden, kept, self.order, self.units)

    def package(self, choices: tuple[int, ...]) -> tuple[int, ...]:
        """The package (option index per issue) of a leaf's choices by position."""
        package = [0] * len(self.order)
        for pos, issue in enumerate(self.order):
            package[issue] = self.kept[issue][choices[pos]]
        return tuple(package)


#: Depths at which a subtree gets tables of its own: the bonuses' shares recomputed for it
#: (the duals of its linear relaxation, the options it has fixed pinned), so its bounds start
#: from its own relaxation instead of the root's split; only when at least
#: :data:`_RESHARE_OPEN` issues are still open below it (five linear programs per subtree cost
#: more than they save on small trees: docs/benchmarks.md).
_RESHARE = (2,)
_RESHARE_OPEN = 16


class _Search:
    """Depth first, best child first; the staircase of points found prunes. At the depths of
    :data:`_RESHARE` below its own, each node's subtree is searched with its own tables."""

    def __init__(
        self,
        problem: _Problem,
        tables: _Tables,
        stairs: Staircase,
        budget: SearchLimits,
        depth: int = 0,
    ) -> None:
        self.problem = problem
        self.t = tables
        self.stairs = stairs
        self.budget = budget
        self.depth = depth  # the positions before are pinned: not reshared again
        self.n = len(tables.sizes)

    def run(self) -> tuple[str, list[NDArray[np.float64]]]:
        """The status, and when stopped the bounds of every branch left open."""
        t, stairs, budget = self.t, self.stairs, self.budget
        root: _Node = (
            0,
            (),
            np.ones(t.bonuses),
            np.ones(len(t.line_last), dtype=bool),
            t.constants.copy(),
            np.full(_WEIGHTS.shape[1], np.inf),
            0,
            t.scores,
        )
        stack = [root]
        while stack:
            stop = budget.stop()
            if stop is not None:
                return stop, [node[5] for node in stack]
            node = stack.pop()
            if node[6] != stairs.version and not stairs.open(node[5][None, :])[0]:
                continue
            budget.nodes += 1
            d = node[0]
            if d == self.n:
                stairs.add(node[4], self.problem.package(node[1]))
            elif d > self.depth and d in _RESHARE and self.n - d >= _RESHARE_OPEN:
                stop, left = self._reshared(node)
                if stop is not None:
                    return stop, [*left, *(other[5] for other in stack)]
            else:
                stack.extend(self._children(node))
        return "optimal", []

    def _reshared(self, node: _Node) -> tuple[str | None, list[NDArray[np.float64]]]:
        """The node's subtree searched with tables of its own."""
        problem = self.problem.pinned(node[1])
        p = problem
        tables = _tables(p.profiles, p.forbidden, p.kept, p.order, p.units, self.t.root)
        if tables is None:
            return None, []
        status, left = _Search(problem, tables, self.stairs, self.budget, node[0]).run()
        return (None if status == "optimal" else status), left

    def _children(self, node: _Node) -> list[_Node]:
        t = self.t
        d, choices, alive, lines, fixed = node[0], node[1], node[2], node[3], node[4]
        w = t.width
        # bonuses whose last position is d or later only: rows[d]: on, those decided at d first
        low, high = t.rows[d], t.rows[d + 1]
        now = alive[None, :] * t.accept[d][:, low:]  # (options, bonuses)
        size = t.sizes[d]
        decided = now[:, : high - low] @ t.complete[low:high]
        utilities = fixed[None, :] + t.values[d, :size, :] + decided
        now = now[:, high - low :]
        bound = utilities @ _WEIGHTS
        k = _WEIGHTS.shape[1]
        if d + 1 < self.n:
            # the open scores once each option rules out the bonuses it is not in
            touch = t.touch[d]
            shape = (size, self.n - d - 1, 2 * k, w)
            if len(touch):
                killed = t.reject[d] * alive[touch - low]
                scores = node[7][None, 1:] - (killed @ t.lost[d]).reshape(shape)
                best = scores.max(axis=3).sum(axis=1)
            else:  # the same open scores for every option
                scores = np.broadcast_to(node[7][None, 1:], shape)
                best = node[7][1:].max(axis=2).sum(axis=0)[None, :]
            second = bound + best[:, k:] + now @ t.collected[high:, d + 1]
            # utilities are whole units: a bound within half a unit of rounding is floored
            bound = np.minimum(bound + best[:, :k], np.floor(second + 0.5))
        else:
            scores = np.empty((size, 0, 2 * k, w))
        allowed = np.ones(size, dtype=bool)
        lines_now = lines[None, :] & t.line_accept[d]  # (options, red lines)
        if len(t.line_last):
            allowed &= ~np.asarray(lines_now[:, t.line_last == d]).any(axis=1)
        keep = allowed & self.stairs.open(bound)
        if keep.sum() > 1:
            keep &= ~_dominated(utilities, now, t.negative[high:], lines_now, allowed)
        children: list[_Node] = []
        # best child last on the stack (popped first): by the bound on the plain sum
        for o in np.argsort(bound[:, 2], kind="stable").tolist():
            if keep[o]:
                children.append(
                    (
                        d + 1,
                        (*choices, o),
                        now[o],
                        lines_now[o],
                        utilities[o],
                        bound[o],
                        self.stairs.version,
                        scores[o],
                    )
                )
        return children
