"""The exact Pareto frontier by issue-by-issue merging (Nemhauser & Ullmann 1969).

The frontier of a Minkowski sum is contained in the sum of the frontiers, so the frontier of
the first ``t + 1`` issues is the frontier of (frontier of the first ``t`` issues ⊕ options of issue
``t``). Dominated partial packages are pruned at every step; each surviving partial package keeps
back-pointers (the partial packages and options that reach it, ties included), so the work grows
with the size of the frontier and never with the size of the outcome space, and every package on
the frontier can be rebuilt and counted exactly.

The merge is bounded: :class:`MergeLimits` caps the frontier points kept after any step and the
candidate sums formed in one step (the memory a step needs), checked at every step, so a space
whose frontier explodes stops with :class:`~gobetween.errors.FrontierTooLarge` naming the limit
instead of exhausting memory. :func:`merge_limits` sets other limits for a block of code.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

import numpy as np
from numpy.typing import NDArray

from gobetween.analysis.dominance import nondominated
from gobetween.analysis.space import UtilitySpace
from gobetween.errors import AnalysisError, FrontierTooLarge
from gobetween.model import Agenda, Package

__all__ = [
    "DEFAULT_MERGE_LIMITS",
    "Frontier",
    "MergeLimits",
    "merge_limits",
    "pareto_frontier_of_space",
]

_T = TypeVar("_T", bound=np.generic)
FloatArray = NDArray[np.float64]
IndexArray = NDArray[np.intp]
CountArray = NDArray[np.int64] | NDArray[np.object_]

_INT64_SAFE = 2**62


@dataclass(frozen=True)
class MergeLimits:
    """Bounds of the merge, checked at every step.

    Attributes
    ----------
    points
        Most frontier points (tie groups) kept after any step.
    candidates
        Most candidate sums (kept points x useful options of the next issue) formed in one step;
        each takes ``8 * n_parties`` bytes, plus the dominance work on them.
    """

    points: int
    candidates: int

    def check(self, step: int, issues: int, points: int, candidates: int) -> None:
        """Raise :class:`~gobetween.errors.FrontierTooLarge` if a step went, or would go, past
        a limit."""
        if points > self.points:
            raise FrontierTooLarge("points", points, self.points, step, issues)
        if candidates > self.candidates:
            raise FrontierTooLarge("candidates", candidates, self.candidates, step + 1, issues)


#: Bounds used unless :func:`merge_limits` says otherwise (about 1 GB at two parties).
DEFAULT_MERGE_LIMITS = MergeLimits(points=2_000_000, candidates=40_000_000)
_LIMITS: ContextVar[MergeLimits] = ContextVar("merge_limits", default=DEFAULT_MERGE_LIMITS)


@contextlib.contextmanager
def merge_limits(*, points: int, candidates: int) -> Iterator[MergeLimits]:
    """Use these merge bounds inside the block (in this thread or task only).

    >>> from gobetween.analysis import UtilitySpace, merge_limits, pareto_frontier
    >>> space = UtilitySpace.from_arrays([[[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]]] * 4)
    >>> with merge_limits(points=3, candidates=100):
    ...     pareto_frontier(space)
    Traceback (most recent call last):
    ...
    gobetween.errors.FrontierTooLarge: the Pareto frontier grew to 5 points after merging 2 of 4 ...
    """
    limits = MergeLimits(points, candidates)
    token = _LIMITS.set(limits)
    try:
        yield limits
    finally:
        _LIMITS.reset(token)


class TieSource(Protocol):
    """Where a frontier's tied packages come from (internal)."""

    def packages(self, point: int, limit: int) -> list[tuple[int, ...]]:
        """Up to ``limit`` agenda choice tuples of the packages reaching frontier ``point``."""
        ...


@dataclass(frozen=True, eq=False)
class Frontier:
    """The Pareto frontier: the undominated utility vectors, each with the packages reaching it.

    Attributes
    ----------
    utilities
        Shape ``(m, n_parties)``, sorted by the first party's utility descending (then by the next
        parties' utilities descending).
    choices
        Shape ``(m, n_issues)``: agenda option indices of one representative package per point
        (its utility vector is exactly ``utilities[i]``).
    tie_counts
        Length ``m``: how many packages reach each point (within ``tol``); exact Python ints.
    party_names, agenda
        What the columns and the choices refer to.
    reservations
        Shape ``(n_parties,)``: the default disagreement point.
    tol
        The tolerance the frontier was computed with (see :mod:`gobetween.analysis.dominance`).
    method
        ``"merge"`` (additive, exact merge), ``"enumeration"`` (non-additive, every package
        scored) or ``"milp"`` (bonuses, solved by mixed-integer programming, see
        :mod:`gobetween.analysis.bonus_frontier`).
    status
        ``"optimal"`` when the frontier is proven exact and complete; for ``"milp"``, the
        solver's word otherwise (``"time limit"``: the points found are Pareto-optimal
        packages of the space, but points may be missing and nothing is proven).

    Examples
    --------
    >>> from gobetween.analysis import UtilitySpace, pareto_frontier
    >>> space = UtilitySpace.from_arrays([[[1.0, 0.0], [0.0, 1.0], [0.2, 0.2]],
    ...                                   [[0.5, 0.0], [0.0, 0.5]]])
    >>> front = pareto_frontier(space)
    >>> front.utilities.tolist()
    [[1.5, 0.0], [1.0, 0.5], [0.5, 1.0], [0.0, 1.5]]
    >>> front.tie_counts, len(front)
    ((1, 1, 1, 1), 4)
    >>> front.package(1).choices
    (0, 1)
    """

    utilities: FloatArray
    choices: IndexArray
    tie_counts: tuple[int, ...]
    party_names: tuple[str, ...]
    agenda: Agenda
    reservations: FloatArray
    tol: float
    method: str
    _ties: TieSource = field(repr=False)
    status: str = "optimal"

    def __len__(self) -> int:
        return int(self.utilities.shape[0])

    @property
    def exact(self) -> bool:
        """True when the frontier is proven exact and complete (``status == "optimal"``)."""
        return self.status == "optimal"

    @property
    def ties_counted(self) -> bool:
        """True when ``tie_counts`` count every package reaching each point (merge and
        enumeration); the solver (``"milp"``) finds one package per point and counts no ties."""
        return self.method != "milp"

    @property
    def package_count(self) -> int:
        """Number of packages on the frontier, ties included (exact)."""
        return sum(self.tie_counts)

    def package(self, i: int) -> Package:
        """The representative package of frontier point ``i``."""
        return Package(self.agenda, tuple(int(c) for c in self.choices[i]))

    def packages(self) -> tuple[Package, ...]:
        """One representative package per frontier point, in frontier order."""
        return tuple(self.package(i) for i in range(len(self)))

    def tied_packages(self, i: int, *, limit: int = 1000) -> tuple[Package, ...]:
        """Up to ``limit`` of the ``tie_counts[i]`` packages reaching point ``i`` (the first is the
        representative).

        >>> from gobetween.analysis import UtilitySpace, pareto_frontier
        >>> front = pareto_frontier(UtilitySpace.from_arrays([[[1.0, 0.0], [1.0, 0.0]]] * 2))
        >>> front.tie_counts
        (4,)
        >>> [p.choices for p in front.tied_packages(0, limit=3)]
        [(0, 0), (1, 0), (0, 1)]
        """
        if not 0 <= i < len(self):
            raise IndexError(f"frontier point {i} out of range 0..{len(self) - 1}")
        if limit < 0:
            raise ValueError(f"limit must be >= 0, got {limit}")
        return tuple(Package(self.agenda, c) for c in self._ties.packages(i, limit))


@dataclass(frozen=True, eq=False)
class _Stage:
    """Back-pointers of one merge step: the edges into each node, representative first."""

    offsets: IndexArray  # (nodes + 1,)
    parent: IndexArray  # (edges,) node of the previous stage (0 for the first stage)
    option: IndexArray  # (edges,) agenda option index on this stage's issue


@dataclass(frozen=True, eq=False)
class _MergeTies:
    stages: tuple[_Stage, ...]
    final_nodes: IndexArray  # frontier position -> node of the last stage

    def packages(self, point: int, limit: int) -> list[tuple[int, ...]]:
        found: list[tuple[int, ...]] = []
        last = len(self.stages) - 1
        stack: list[tuple[int, int, tuple[int, ...]]] = [(last, int(self.final_nodes[point]), ())]
        while stack and len(found) < limit:
            t, node, suffix = stack.pop()
            stage = self.stages[t]
            lo, hi = int(stage.offsets[node]), int(stage.offsets[node + 1])
            if t == 0:
                found.extend((int(stage.option[e]), *suffix) for e in range(lo, hi))
                continue
            for e in range(hi - 1, lo - 1, -1):
                stack.append((t - 1, int(stage.parent[e]), (int(stage.option[e]), *suffix)))
        return found[:limit]


def pareto_frontier_of_space(space: UtilitySpace, tol: float) -> Frontier:
    """The exact frontier of an additive space by merging issue by issue (see the module)."""
    if not space.exact:
        raise AnalysisError(
            "this utility space ignores interactions or red lines that couple issues; "
            "call pareto_frontier(scenario) to analyse the scenario by exact enumeration"
        )
    if tol < 0 or not np.isfinite(tol):
        raise ValueError(f"tol must be a finite number >= 0, got {tol!r}")
    n = space.n_parties
    if any(v.shape[0] == 0 for v in space.values):
        return empty_frontier(space, tol, "merge")
    current = np.zeros((1, n))
    counts: CountArray = np.ones(1, dtype=np.int64)
    bound = 1
    stages: list[_Stage] = []
    limits = _LIMITS.get()
    issues = len(space.values)
    for step, (values, indices) in enumerate(zip(space.values, space.option_indices, strict=True)):
        bound *= values.shape[0]
        if bound >= _INT64_SAFE and counts.dtype != object:
            counts = counts.astype(object)
        limits.check(step, issues, current.shape[0], current.shape[0] * values.shape[0])
        current, counts, stage = _merge(current, counts, values, indices, tol)
        stages.append(stage)
    limits.check(issues, issues, current.shape[0], 0)
    return _finish(space, tol, current, counts, stages)


def _useful_options(values: FloatArray, tol: float) -> IndexArray:
    """Options not dominated within their issue (a dominated option is on no frontier package)."""
    return np.flatnonzero(nondominated(values, tol).group >= 0).astype(np.intp)


def _merge(
    current: FloatArray,
    counts: CountArray,
    values: FloatArray,
    indices: IndexArray,
    tol: float,
) -> tuple[FloatArray, CountArray, _Stage]:
    m = current.shape[0]
    # The first issue is filtered once, as the candidates themselves.
    useful = np.arange(values.shape[0]) if m == 1 else _useful_options(values, tol)
    options = values[useful]
    k = options.shape[0]
    candidates = (options[:, None, :] + current[None, :, :]).reshape(m * k, -1)
    groups = nondominated(candidates, tol)
    reps = groups.representatives
    members = np.flatnonzero(groups.group >= 0)
    if members.size == reps.size:  # no ties: one edge per node
        members = reps
        offsets = np.arange(reps.size + 1, dtype=np.intp)
    else:
        child = groups.group[members]
        is_rep = np.zeros(candidates.shape[0], dtype=bool)
        is_rep[reps] = True
        order = np.lexsort((~is_rep[members], child))
        members, child = members[order], child[order]
        offsets = np.searchsorted(child, np.arange(reps.size + 1)).astype(np.intp)
    parent = (members % m).astype(np.intp)
    option = indices[useful[members // m]].astype(np.intp)
    if members.size == reps.size:
        new_counts: CountArray = counts[parent]
    else:
        new_counts = np.add.reduceat(counts[parent], offsets[:-1])
    return candidates[reps], new_counts, _Stage(offsets, parent, option)


def _finish(
    space: UtilitySpace,
    tol: float,
    utilities: FloatArray,
    counts: CountArray,
    stages: Sequence[_Stage],
) -> Frontier:
    order = frontier_order(utilities, tol)
    nodes = order.astype(np.intp)
    choices = np.empty((nodes.size, len(stages)), dtype=np.intp)
    walk = nodes.copy()
    for t in range(len(stages) - 1, -1, -1):
        stage = stages[t]
        first = stage.offsets[walk]
        choices[:, t] = stage.option[first]
        walk = stage.parent[first]
    return Frontier(
        utilities=readonly(utilities[order]),
        choices=readonly(choices),
        tie_counts=tuple(int(c) for c in counts[order]),
        party_names=space.party_names,
        agenda=space.agenda,
        reservations=space.reservations,
        tol=tol,
        method="merge",
        _ties=_MergeTies(tuple(stages), nodes),
    )


def frontier_order(utilities: FloatArray, tol: float) -> IndexArray:
    """Sort by the first party's utility descending, then the next parties' descending.

    Utilities are compared in units of ``tol`` so that rounding noise does not decide the order.
    """
    scaled = np.round(utilities / tol) if tol > 0 else utilities
    keys = tuple(-scaled[:, c] for c in range(utilities.shape[1] - 1, -1, -1))
    return np.lexsort(keys).astype(np.intp)


def empty_frontier(space: UtilitySpace, tol: float, method: str) -> Frontier:
    """The frontier of a space where some issue has no allowed option (no feasible package)."""
    return Frontier(
        utilities=readonly(np.empty((0, space.n_parties))),
        choices=readonly(np.empty((0, len(space.values)), dtype=np.intp)),
        tie_counts=(),
        party_names=space.party_names,
        agenda=space.agenda,
        reservations=space.reservations,
        tol=tol,
        method=method,
        _ties=_MergeTies((), np.empty(0, np.intp)),
    )


def readonly(array: NDArray[_T]) -> NDArray[_T]:
    """A contiguous read-only copy (or view) of ``array``."""
    array = np.ascontiguousarray(array)
    array.flags.writeable = False
    return array
