"""NegMAS 0.16 on the same problems: utility functions from normalised values, frontier, Nash.

NegMAS (AGPL) is a test/benchmark-only dependency: this module imports it, ``src/`` never does.
NegMAS's own Genius loader keeps raw (un-normalised) evaluations, so the utility functions are
built here from the normalised tables of :mod:`benchmarks.genius_reference` (Genius semantics):
one :class:`~negmas.preferences.LinearAdditiveUtilityFunction` per party whose issue functions are
tables ``option index -> e_i(option)`` and whose weights are the profile's weights. Synthetic
cases pass per-issue value arrays with weights 1.

Issues are NegMAS contiguous integer issues ``0 .. k_j - 1`` (the option index), so NegMAS's
outcomes ``(i_1, ..., i_m)`` are the same package indices gobetween uses.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from negmas.outcomes import make_issue, make_os
from negmas.preferences import LinearAdditiveUtilityFunction
from negmas.preferences.ops import nash_points, pareto_frontier
from negmas.preferences.value_fun import TableFun
from numpy.typing import NDArray

from benchmarks.genius_reference import GeniusTables

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class NegmasProblem:
    """A NegMAS outcome space and one utility function per party."""

    outcome_space: Any
    ufuns: tuple[Any, ...]


@dataclass(frozen=True)
class NegmasResult:
    """NegMAS's Pareto frontier (sorted by the first party descending) and Nash points."""

    frontier: FloatArray  # (m, n)
    frontier_packages: tuple[tuple[int, ...], ...]
    nash: FloatArray  # (t, n): every point NegMAS returns as a Nash point
    seconds: float  # pareto_frontier + nash_points


def problem_from_tables(
    evaluations: Sequence[FloatArray],
    weights: FloatArray,
    reservations: FloatArray,
    issue_names: Sequence[str] | None = None,
) -> NegmasProblem:
    """Utility functions ``u_p = sum_j weights[p, j] * evaluations[j][option, p]``.

    ``evaluations[j]`` has shape ``(k_j, n)``, ``weights`` shape ``(n, m)``.
    """
    names = issue_names or [f"issue{j}" for j in range(len(evaluations))]
    pairs = zip(evaluations, names, strict=True)
    issues = [make_issue(int(e.shape[0]), name=str(name)) for e, name in pairs]
    space = make_os(issues)
    n = int(weights.shape[0])
    ufuns = tuple(
        LinearAdditiveUtilityFunction(
            values=[TableFun({k: float(v) for k, v in enumerate(e[:, p])}) for e in evaluations],
            weights=[float(w) for w in weights[p]],
            outcome_space=space,
            reserved_value=float(reservations[p]),
        )
        for p in range(n)
    )
    return NegmasProblem(space, ufuns)


def problem_from_genius(tables: GeniusTables) -> NegmasProblem:
    """NegMAS utility functions on Genius semantics (normalised evaluations, given weights)."""
    return problem_from_tables(
        tables.evaluations, tables.weights, tables.reservations, tables.issue_names
    )


def problem_from_values(
    values: Sequence[FloatArray], reservations: FloatArray | None = None
) -> NegmasProblem:
    """NegMAS utility functions from already weighted per-issue values (weights 1)."""
    n = int(values[0].shape[1])
    weights = np.ones((n, len(values)))
    reserve = np.zeros(n) if reservations is None else reservations
    return problem_from_tables(values, weights, reserve)


def frontier_and_nash(
    problem: NegmasProblem,
    *,
    disagreement: FloatArray | None = None,
    packages: bool = True,
) -> NegmasResult:
    """NegMAS's ``pareto_frontier`` over the whole outcome space, then ``nash_points`` on it.

    With ``disagreement`` the Nash product is taken relative to it (``ranges`` passed explicitly);
    without, NegMAS's default applies: ``max(reserved value, minimum utility)`` per party. Only
    the two NegMAS calls are timed. ``packages=False`` skips listing the frontier's outcomes
    (which enumerates the outcome space once more, in memory).
    """
    ufuns = list(problem.ufuns)
    start = time.perf_counter()
    points, indices = pareto_frontier(ufuns, issues=problem.outcome_space.issues)
    if disagreement is None:
        nash = nash_points(ufuns, points, outcome_space=problem.outcome_space)
    else:
        tops = [max(p[i] for p in points) if points else 1.0 for i in range(len(ufuns))]
        ranges = [(float(d), float(t)) for d, t in zip(disagreement, tops, strict=True)]
        nash = nash_points(ufuns, points, ranges=ranges)
    seconds = time.perf_counter() - start
    frontier = np.array(points, dtype=np.float64).reshape(-1, len(ufuns))
    order = np.lexsort(tuple(-frontier[:, c] for c in range(frontier.shape[1] - 1, -1, -1)))
    chosen: tuple[tuple[int, ...], ...] = ()
    if packages:
        outcomes = list(problem.outcome_space.enumerate_or_sample())
        chosen = tuple(tuple(int(v) for v in outcomes[indices[i]]) for i in order)
    nash_utils = np.array([u for u, _ in nash], dtype=np.float64).reshape(-1, len(ufuns))
    return NegmasResult(frontier[order], chosen, nash_utils, seconds)
