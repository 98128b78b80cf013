"""Bargaining solutions: on the frontier, against brute force, and the bargaining axioms."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from tests.oracles import TOL, brute_nash_product, dominates, feasible_outcomes
from tests.strategies import preferences_for, scenarios, utility_arrays

from gobetween.analysis import (
    Frontier,
    Solution,
    UtilitySpace,
    egalitarian,
    kalai_smorodinsky,
    max_welfare,
    nash,
    pareto_frontier,
)
from gobetween.errors import AnalysisError
from gobetween.model import Scenario

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
Rule = Callable[..., Solution | None]
BARGAINING: list[Rule] = [nash, kalai_smorodinsky, egalitarian]
ALL: list[Rule] = [*BARGAINING, max_welfare]


def nash_product(front: Frontier, index: int, d: np.ndarray) -> float:
    return float(np.prod(front.utilities[index] - d))


@SETTINGS
@given(scenarios(max_issues=3))
def test_solutions_are_pareto_optimal_and_individually_rational(scenario: Scenario) -> None:
    front = pareto_frontier(scenario)
    outcomes = [u for _, u in feasible_outcomes(scenario)]
    d = np.array(scenario.reservations())
    for rule in ALL:
        s = rule(front)
        if s is None:
            continue
        np.testing.assert_array_equal(front.utilities[s.index], s.utilities)
        assert s.package == front.package(s.index)
        assert not any(dominates(u, s.utilities) for u in outcomes)
        np.testing.assert_allclose(s.gains, np.array(s.utilities) - d, atol=1e-12)
        if rule is not max_welfare:
            assert all(g > TOL for g in s.gains)


@SETTINGS
@given(scenarios(max_issues=3))
def test_nash_maximises_the_product_over_all_packages(scenario: Scenario) -> None:
    front = pareto_frontier(scenario)
    best = brute_nash_product(scenario, scenario.reservations())
    s = nash(front)
    if best is None:
        assert s is None
        assert kalai_smorodinsky(front) is None
        assert egalitarian(front) is None
    else:
        assert s is not None
        assert math.isclose(math.prod(s.gains), best, rel_tol=1e-9)


@SETTINGS
@given(scenarios(max_issues=3, interactions=False, coupled=False))
def test_max_welfare_is_separable_by_issue(scenario: Scenario) -> None:
    space = UtilitySpace.from_scenario(scenario)
    s = max_welfare(pareto_frontier(scenario))
    if any(v.shape[0] == 0 for v in space.values):
        assert s is None
        return
    assert s is not None
    per_issue = sum(float(v.sum(axis=1).max()) for v in space.values)
    assert math.isclose(sum(s.utilities), per_issue, abs_tol=1e-9)


@SETTINGS
@given(st.data())
def test_symmetry_identical_parties_get_identical_utilities(data: st.DataObject) -> None:
    base = data.draw(scenarios(max_issues=3, max_parties=3, interactions=False, coupled=False))
    twin = data.draw(preferences_for(base.agenda, interactions=False, coupled=False))
    parties = {"twin1": twin, **base.preferences, "twin2": twin}
    scenario = Scenario(base.agenda, parties)
    swapped = Scenario(base.agenda, {"twin2": twin, **base.preferences, "twin1": twin})
    front, other = pareto_frontier(scenario), pareto_frontier(swapped)
    for rule in ALL:
        s, t = rule(front), rule(other)
        assert (s is None) == (t is None)
        if s is None or t is None:
            continue
        assert s.utilities[0] == s.utilities[-1]
        assert s.utilities == t.utilities


@SETTINGS
@given(scenarios(max_issues=3, interactions=False, coupled=False), st.randoms())
def test_permuting_parties_permutes_the_solutions_value(scenario: Scenario, rnd) -> None:  # type: ignore[no-untyped-def]
    names = list(scenario.party_names)
    rnd.shuffle(names)
    permuted = Scenario(scenario.agenda, {n: scenario.preferences[n] for n in names})
    back = [names.index(n) for n in scenario.party_names]
    a, b = pareto_frontier(scenario), pareto_frontier(permuted)
    assert sorted(map(tuple, np.round(a.utilities, 9).tolist())) == sorted(
        map(tuple, np.round(b.utilities[:, back], 9).tolist())
    )
    for rule in BARGAINING:
        s, t = rule(a), rule(b)
        assert (s is None) == (t is None)
        if s is not None and t is not None:
            assert math.isclose(math.prod(s.gains), math.prod(t.gains), rel_tol=1e-9)
            assert np.allclose(sorted(s.gains), sorted(t.gains), atol=1e-9) or rule is nash


@SETTINGS
@given(
    utility_arrays(),
    st.data(),
    st.sampled_from([0.5, 2.0, 4.0]),
    st.sampled_from([-0.25, 0.125, 1.0]),
)
def test_nash_and_ks_are_invariant_to_affine_rescaling(
    values: list[np.ndarray], data: st.DataObject, scale: float, shift: float
) -> None:
    n = values[0].shape[1]
    party = data.draw(st.integers(0, n - 1))
    d = np.array([data.draw(st.integers(0, 4)) / 8 for _ in range(n)])
    moved = [v.copy() for v in values]
    for j, v in enumerate(moved):
        v[:, party] *= scale
        if j == 0:
            v[:, party] += shift
    d2 = d.copy()
    d2[party] = d2[party] * scale + shift
    a = pareto_frontier(UtilitySpace.from_arrays(values, d))
    b = pareto_frontier(UtilitySpace.from_arrays(moved, d2))
    for rule in (nash, kalai_smorodinsky):
        s, t = rule(a), rule(b)
        assert (s is None) == (t is None)
        if s is None or t is None:
            continue
        back = np.array(t.utilities)
        back[party] = (back[party] - shift) / scale
        # the transformed solution, mapped back, is as good as the original one
        if rule is nash:
            assert math.isclose(np.prod(back - d), np.prod(np.array(s.utilities) - d), rel_tol=1e-9)
        else:
            ideal = (a.utilities - d)[np.all(a.utilities - d >= -TOL, axis=1)].max(axis=0)
            assert math.isclose(
                min((back - d) / ideal), min((np.array(s.utilities) - d) / ideal), rel_tol=1e-9
            )


@SETTINGS
@given(utility_arrays(), st.data())
def test_nash_is_independent_of_irrelevant_alternatives(
    values: list[np.ndarray], data: st.DataObject
) -> None:
    n = values[0].shape[1]
    d = np.array([data.draw(st.integers(0, 3)) / 8 for _ in range(n)])
    space = UtilitySpace.from_arrays(values, d)
    s = nash(pareto_frontier(space))
    assume(s is not None)
    assert s is not None
    removable = [
        (j, o)
        for j, v in enumerate(values)
        for o in range(v.shape[0])
        if v.shape[0] > 1 and o != s.package.choices[j]
    ]
    assume(removable)
    j, o = data.draw(st.sampled_from(removable))
    smaller = [np.delete(v, o, axis=0) if k == j else v for k, v in enumerate(values)]
    t = nash(pareto_frontier(UtilitySpace.from_arrays(smaller, d)))
    assert t is not None
    assert math.isclose(math.prod(t.gains), math.prod(s.gains), rel_tol=1e-9)


def test_no_point_better_than_disagreement_gives_none() -> None:
    front = pareto_frontier(UtilitySpace.from_arrays([[[1.0, 0.0], [0.0, 1.0]]]))
    for rule in BARGAINING:
        assert rule(front) is None
        assert rule(front, [-0.5, -0.5]) is not None
    assert max_welfare(front) is not None


def test_disagreement_must_fit_the_parties() -> None:
    front = pareto_frontier(UtilitySpace.from_arrays([[[1.0, 0.0], [0.0, 1.0]]]))
    with pytest.raises(AnalysisError, match="disagreement"):
        nash(front, [0.0, 0.0, 0.0])


def test_solutions_differ_where_the_theory_says() -> None:
    # Frontier (1, 0), (0.7, 0.3), (0.4, 0.4), (0, 0.5); disagreement (0, 0). Welfare ties
    # between (1, 0) and (0.7, 0.3) are broken by leximin.
    values = [[[1.0, 0.0], [0.7, 0.3], [0.4, 0.4], [0.0, 0.5], [0.2, 0.1]]]
    front = pareto_frontier(UtilitySpace.from_arrays(values))
    assert len(front) == 4
    assert nash(front).utilities == (0.7, 0.3)  # type: ignore[union-attr]
    assert kalai_smorodinsky(front).utilities == (0.7, 0.3)  # type: ignore[union-attr]
    assert egalitarian(front).utilities == (0.4, 0.4)  # type: ignore[union-attr]
    assert max_welfare(front).utilities == (0.7, 0.3)  # type: ignore[union-attr]


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_ks_ties_in_relative_gains_do_not_depend_on_the_parties_order(
    order: tuple[int, int],
) -> None:
    """Ideal (0.3, 0.2): (0.15, 0.05) and (0.075, 0.1) both give relative gains 0.5 and 0.25, in
    the two orders. Before, the earlier frontier row won, so listing the parties the other way
    round gave the other package (found by Hypothesis in a full run, 6 December 2026); now the
    larger smallest gain decides: (0.075, 0.1) whichever the order."""
    points = np.array([[0.3, 0.0], [0.15, 0.05], [0.075, 0.1], [0.0, 0.2]])[:, list(order)]
    front = pareto_frontier(UtilitySpace.from_arrays([points.tolist()]))
    solution = kalai_smorodinsky(front, disagreement=[0.0, 0.0])
    assert solution is not None
    expected = np.array([0.075, 0.1])[list(order)]
    assert np.allclose(solution.utilities, expected), solution.utilities
