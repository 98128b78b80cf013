"""The nondominated filter against the pairwise definition, tolerance included."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from tests.oracles import dominates, tied

from gobetween.analysis import dominance
from gobetween.analysis.dominance import nondominated

TOL = 1e-9


def grid_points(max_parties: int = 5) -> st.SearchStrategy[np.ndarray]:
    """Points on a 1/4 grid with rounding noise far below the tolerance."""
    return st.tuples(st.integers(1, 60), st.integers(1, max_parties)).flatmap(
        lambda shape: arrays(np.int64, shape, elements=st.integers(0, 4)).map(
            lambda a: a / 4 + np.where(a % 2 == 1, 1e-13, 0.0)
        )
    )


def check_against_definition(points: np.ndarray, tol: float) -> None:
    groups = nondominated(points, tol)
    rows = [tuple(p) for p in points]
    for i, a in enumerate(rows):
        assert (groups.group[i] < 0) == any(dominates(b, a, tol) for b in rows)
    alive = np.flatnonzero(groups.group >= 0)
    for i in alive:
        for j in alive:
            assert (groups.group[i] == groups.group[j]) == tied(rows[i], rows[j], tol)
    for position, rep in enumerate(groups.representatives):
        assert groups.group[rep] == position
    assert set(groups.group[alive]) == set(range(groups.representatives.size))


@settings(max_examples=80, deadline=None)
@given(grid_points())
def test_filter_matches_pairwise_definition(points: np.ndarray) -> None:
    check_against_definition(points, TOL)


@settings(max_examples=40, deadline=None)
@given(grid_points(max_parties=4))
def test_small_blocks_give_the_same_answer(points: np.ndarray) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dominance, "BLOCK", 3)
        patch.setattr(dominance, "CHUNK", 5)
        patch.setattr(dominance, "FIRST_CHUNK", 1)
        check_against_definition(points, TOL)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_tolerance_is_used(n: int) -> None:
    base = np.full(n, 0.5)
    close = base.copy()
    close[0] -= 0.05
    better = base.copy()
    better[-1] += 0.2
    points = np.array([base, close])
    assert nondominated(points, 0.1).group.tolist() == [0, 0]  # ties within 0.1
    assert nondominated(points, 0.01).group.tolist() == [0, -1]  # dominated at 0.01
    three = np.array([base, close, better])
    assert nondominated(three, 0.1).group.tolist() == [-1, -1, 0]


def test_empty_input() -> None:
    groups = nondominated(np.empty((0, 3)), TOL)
    assert groups.representatives.size == 0
    assert groups.group.size == 0
