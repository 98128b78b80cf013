"""Differential tests against NegMAS 0.16 (AGPL, test-only) on small and medium problems.

NegMAS's utility functions are built from the *normalised* Genius values
(:mod:`benchmarks.negmas_side`), since NegMAS's own loader keeps raw evaluations. Two documented
differences are detected here, not hidden:

- NegMAS's ``pareto_frontier`` keeps only rational points (every utility at least the reserved
  value), so gobetween's frontier is compared after the same filter.
- NegMAS compares floats exactly. Where two packages' utilities differ by a rounding error (a few
  ulps), NegMAS reports both, including points that another frontier point beats by less than
  1e-9 in one utility and by rounding noise in the other. gobetween (``tol=1e-9``) treats such
  points as dominated or tied. :data:`EXTRA_NEGMAS_POINTS` lists, per template, how many NegMAS
  points lie farther than the tolerance from gobetween's frontier; each is checked to be
  dominated within the tolerance by a gobetween point.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from benchmarks.genius_reference import (
    GENIUS_ROOT,
    enumerate_utilities,
    exact_frontier,
    read_genius,
    scenario_folders,
    unmatched,
)
from benchmarks.negmas_side import (
    NegmasResult,
    frontier_and_nash,
    problem_from_genius,
    problem_from_values,
)

from gobetween.analysis import UtilitySpace, pareto_frontier
from gobetween.analysis.solutions import nash
from gobetween.formats.loading import load_scenario

TOL = 1e-9
#: Two-party templates up to this size are run through NegMAS (about 6 µs per package).
NEGMAS_LIMIT = 20_000
#: Larger templates run too because they show the float-comparison difference or are classics.
MEDIUM = ("anac/y2010/Travel", "anac/y2011/Energy", "anac/y2012/SupermarketA")
#: NegMAS frontier points farther than 1e-9 from gobetween's frontier (dominated within 1e-9).
EXTRA_NEGMAS_POINTS = {
    "anac/y2011/Energy": 6,
    "anac/y2012/BarterB": 1,
    "anac/y2012/BarterC": 1,
    "anac/y2012/SupermarketA": 3,
}

FOLDERS = scenario_folders() if GENIUS_ROOT.is_dir() else []
TWO_PARTY = [
    f
    for f in FOLDERS
    if (t := read_genius(f)).n_parties == 2
    and (t.size <= NEGMAS_LIMIT or str(f.relative_to(GENIUS_ROOT)) in MEDIUM)
]


def _name(folder: Path) -> str:
    return str(folder.relative_to(GENIUS_ROOT))


def _dominated_within_tol(points: np.ndarray, by: np.ndarray) -> np.ndarray:
    weak = np.all(by[None, :, :] >= points[:, None, :] - TOL, axis=2)
    strict = np.any(by[None, :, :] > points[:, None, :] + TOL, axis=2)
    return np.any(weak & strict, axis=1)


def _compare(
    ours: np.ndarray, solution: np.ndarray | None, theirs: NegmasResult, reserve: np.ndarray
) -> int:
    """Check both frontiers and Nash points; return the number of extra NegMAS points.

    ``ours`` is gobetween's frontier and ``solution`` its Nash utilities (or None), both in
    NegMAS's party order and scale.
    """
    ours = ours[np.all(ours >= reserve[None, :], axis=1)]
    assert unmatched(ours, theirs.frontier, TOL).shape[0] == 0, "a gobetween point NegMAS lacks"
    extra = unmatched(theirs.frontier, ours, TOL)
    assert np.all(_dominated_within_tol(extra, ours)), "NegMAS has an undominated point we lack"
    gains = theirs.nash - reserve[None, :]
    if solution is None:
        assert not np.any(np.all(gains > TOL, axis=1))
    else:
        assert unmatched(solution[None, :], theirs.nash, TOL).shape[0] == 0
    return int(extra.shape[0])


@pytest.mark.shared
@pytest.mark.skipif(not GENIUS_ROOT.is_dir(), reason="../shared/data/genius is not present")
@pytest.mark.parametrize("folder", TWO_PARTY, ids=_name)
def test_genius_frontier_and_nash_match_negmas(folder: Path) -> None:
    tables = read_genius(folder)
    scenario = load_scenario(folder)
    names = list(scenario.party_names)
    order = [names.index(p.removesuffix(".xml")) for p in tables.profiles]
    # Weights summing above 1 (the Laptop templates): gobetween divides by the sum, NegMAS keeps
    # them; compare on NegMAS's scale, with the disagreement point rescaled the same way.
    best = np.asarray(sum(v.max(axis=0) for v in tables.values))
    scale = np.where(best > 1.0 + 1e-12, best, 1.0)
    front = pareto_frontier(UtilitySpace.from_scenario(scenario), tol=TOL)
    disagreement = np.empty(len(order))
    disagreement[order] = tables.reservations / scale
    solution = nash(front, disagreement=disagreement)
    mine = None if solution is None else np.array(solution.utilities)[order] * scale
    theirs = frontier_and_nash(problem_from_genius(tables), disagreement=tables.reservations)
    extra = _compare(front.utilities[:, order] * scale, mine, theirs, tables.reservations)
    assert extra == EXTRA_NEGMAS_POINTS.get(_name(folder), 0)


@pytest.mark.shared
def test_negmas_frontier_is_the_exact_float_frontier() -> None:
    """NegMAS equals exact-float brute force bit for bit: the extras come from exactness."""
    folder = GENIUS_ROOT / "anac/y2012/BarterA"
    if not folder.is_dir():
        pytest.skip("../shared/data/genius is not present")
    tables = read_genius(folder)
    theirs = frontier_and_nash(problem_from_genius(tables), disagreement=tables.reservations)
    points = enumerate_utilities(tables.values)
    rational = points[np.all(points >= tables.reservations[None, :], axis=1)]
    np.testing.assert_array_equal(theirs.frontier, exact_frontier(rational))


@pytest.mark.shared
def test_negmas_own_loader_keeps_dominated_points() -> None:
    """With its own loader (raw evaluations), NegMAS's BarterA frontier has 16 points, two of
    which another of its points dominates by float noise in one utility (e.g. 2.64 vs
    2.6400000000000001) and by a real margin in the other."""
    from negmas.inout import Scenario
    from negmas.preferences.ops import pareto_frontier as negmas_frontier

    folder = GENIUS_ROOT / "anac/y2012/BarterA"
    if not folder.is_dir():
        pytest.skip("../shared/data/genius is not present")
    loaded = Scenario.from_genius_folder(str(folder), ignore_discount=True, safe_parsing=False)
    assert loaded is not None
    points, _ = negmas_frontier(list(loaded.ufuns), issues=loaded.outcome_space.issues)
    frontier = np.array(points)
    assert frontier.shape == (16, 2)
    assert int(_dominated_within_tol(frontier, frontier).sum()) == 2


@pytest.mark.parametrize(
    ("parties", "shape", "grid", "extra"),
    [
        (2, (6, 5, 4, 7, 3), 0, 0),
        (3, (5, 5, 5, 5, 4), 0, 0),
        (3, (7, 7, 7, 7), 0, 0),
        (5, (4, 4, 4, 4), 0, 0),
        (3, (5, 5, 5, 5, 4), 20, 5),
    ],
)
def test_synthetic_spaces_match_negmas(
    parties: int, shape: tuple[int, ...], grid: int, extra: int
) -> None:
    """Random values (``grid=0``) or multiples of ``1/grid``, whose sums carry rounding noise."""
    rng = np.random.default_rng(len(shape) * 10 + parties)
    if grid:
        values = [rng.integers(0, grid, size=(k, parties)) / grid for k in shape]
    else:
        values = [rng.random((k, parties)) / len(shape) for k in shape]
    reserve = np.full(parties, 0.3)
    front = pareto_frontier(UtilitySpace.from_arrays(values, reserve), tol=TOL)
    solution = nash(front)
    mine = None if solution is None else np.array(solution.utilities)
    theirs = frontier_and_nash(problem_from_values(values, reserve), disagreement=reserve)
    assert _compare(front.utilities, mine, theirs, reserve) == extra
