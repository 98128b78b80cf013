"""The merge and the enumeration equal the brute-force frontier, ties and counts included."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from tests.oracles import TOL, brute_frontier, dominates
from tests.strategies import scenarios, utility_arrays

from gobetween.analysis import (
    Frontier,
    UtilitySpace,
    enumerate_outcomes,
    pareto_frontier,
)
from gobetween.errors import AnalysisError, InvalidScenario, OutcomeSpaceTooLarge
from gobetween.model import Agenda, Interaction, Issue, Preferences, RedLine, Scenario

SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_same_as_oracle(scenario: Scenario, front: Frontier) -> None:
    truth = brute_frontier(scenario)
    assert len(front) == len(truth)
    for point in truth:
        [i] = [
            k
            for k in range(len(front))
            if np.allclose(front.utilities[k], point.utilities, rtol=0, atol=TOL)
        ]
        assert front.tie_counts[i] == point.count
        tied = {p.choices for p in front.tied_packages(i, limit=10**6)}
        assert tied == point.packages
        assert front.tied_packages(i)[0] == front.package(i)
        np.testing.assert_allclose(
            scenario.utilities(front.package(i)), front.utilities[i], rtol=0, atol=1e-12
        )


@SETTINGS
@given(scenarios(max_issues=3, interactions=False, coupled=False))
def test_merge_equals_brute_force_on_additive_scenarios(scenario: Scenario) -> None:
    front = pareto_frontier(scenario)
    assert front.method == "merge"
    assert_same_as_oracle(scenario, front)


@SETTINGS
@given(scenarios(max_issues=3))
def test_every_scenario_equals_brute_force(scenario: Scenario) -> None:
    assert_same_as_oracle(scenario, pareto_frontier(scenario))


@settings(max_examples=40, deadline=None)
@given(scenarios(max_issues=3, interactions=False, coupled=False))
def test_enumeration_and_merge_agree(scenario: Scenario) -> None:
    merged, counted = pareto_frontier(scenario), enumerate_outcomes(scenario)
    np.testing.assert_allclose(merged.utilities, counted.utilities, rtol=0, atol=TOL)
    assert merged.tie_counts == counted.tie_counts


@settings(max_examples=40, deadline=None)
@given(utility_arrays())
def test_frontier_order_and_mutual_nondominance(values: list[np.ndarray]) -> None:
    front = pareto_frontier(UtilitySpace.from_arrays(values))
    u = front.utilities
    assert np.all(np.diff(u[:, 0]) <= TOL)
    for a in u:
        assert not any(dominates(b, a) for b in u)
    assert front.package_count == sum(front.tie_counts) >= len(front)
    assert front.choices.shape == (len(front), len(values))


def test_counts_are_exact_beyond_64_bits() -> None:
    # 60 issues, each with three equally good options: 3**60 packages reach one point.
    space = UtilitySpace.from_arrays([[[0.5, 0.5]] * 3] * 60)
    front = pareto_frontier(space)
    assert front.tie_counts == (3**60,)
    assert len(front.tied_packages(0, limit=5)) == 5
    assert len({p.choices for p in front.tied_packages(0, limit=50)}) == 50


def test_large_two_party_space_is_merged_not_enumerated() -> None:
    rng = np.random.default_rng(7)
    space = UtilitySpace.from_arrays([rng.random((10, 2)) / 50 for _ in range(50)])
    front = pareto_frontier(space)
    assert space.size == 10**50
    assert 100 < len(front) < 100_000
    for i in (0, len(front) // 2, len(front) - 1):
        np.testing.assert_allclose(
            space.utilities(front.package(i)), front.utilities[i], rtol=0, atol=1e-12
        )


def _agenda() -> Agenda:
    return Agenda((Issue.discrete("a", ["x", "y", "z"]), Issue.discrete("b", ["p", "q"])))


def _prefs(**extra: object) -> Preferences:
    ratings = {"a": {"x": 1, "y": 0.5, "z": 0}, "b": {"p": 0, "q": 1}}
    return Preferences({"a": 1, "b": 1}, ratings, **extra)  # type: ignore[arg-type]


def test_single_red_lines_remove_options_and_keep_agenda_indices() -> None:
    scenario = Scenario(
        _agenda(), {"A": _prefs(red_lines=(RedLine.of(("a", "x")),)), "B": _prefs()}
    )
    space = UtilitySpace.from_scenario(scenario)
    assert space.option_indices[0].tolist() == [1, 2]
    front = pareto_frontier(scenario)
    assert [p.options for p in front.packages()] == [{"a": "y", "b": "q"}]


def test_red_lines_that_forbid_a_whole_issue_leave_no_frontier() -> None:
    lines = tuple(RedLine.of(("b", o)) for o in ("p", "q"))
    scenario = Scenario(_agenda(), {"A": _prefs(red_lines=lines), "B": _prefs()})
    front = pareto_frontier(scenario)
    assert len(front) == 0
    assert front.packages() == ()


def test_coupled_red_line_and_interaction_use_enumeration() -> None:
    coupled = RedLine.of(("a", "x"), ("b", "q"))
    bonus = Interaction(frozenset({("a", "z"), ("b", "p")}), 0.25)
    scenario = Scenario(
        _agenda(), {"A": _prefs(red_lines=(coupled,)), "B": _prefs(interactions=(bonus,))}
    )
    front = pareto_frontier(scenario)
    assert front.method == "enumeration"
    assert_same_as_oracle(scenario, front)
    with pytest.raises(AnalysisError, match="enumeration"):
        pareto_frontier(UtilitySpace.from_scenario(scenario))


def test_enumeration_limit_is_enforced() -> None:
    agenda = Agenda(tuple(Issue.discrete(f"i{j}", ["a", "b", "c"]) for j in range(5)))
    ratings = {f"i{j}": {"a": 0, "b": 0.5, "c": 1} for j in range(5)}
    bonus = Interaction(frozenset({("i0", "a"), ("i1", "a")}), 0.1)
    prefs = Preferences(dict.fromkeys(ratings, 1), ratings, interactions=(bonus,))
    scenario = Scenario(agenda, {"A": prefs, "B": prefs})
    with pytest.raises(OutcomeSpaceTooLarge) as info:
        pareto_frontier(scenario, enumeration_limit=200)
    assert (info.value.size, info.value.limit) == (243, 200)
    assert "interactions" in str(info.value)
    assert len(pareto_frontier(scenario, enumeration_limit=243)) == 1


def test_bad_arrays_and_tolerance_are_refused() -> None:
    with pytest.raises(InvalidScenario):
        UtilitySpace.from_arrays([np.zeros((0, 2))])
    with pytest.raises(InvalidScenario):
        UtilitySpace.from_arrays([np.zeros((2, 2)), np.zeros((2, 3))])
    with pytest.raises(InvalidScenario):
        UtilitySpace.from_arrays([[[np.nan, 0.0]]])
    with pytest.raises(ValueError, match="tol"):
        pareto_frontier(UtilitySpace.from_arrays([[[0.0, 1.0]]]), tol=-1.0)
    front = pareto_frontier(UtilitySpace.from_arrays([[[0.0, 1.0]]]))
    with pytest.raises(IndexError):
        front.tied_packages(1)


def test_arrays_are_read_only() -> None:
    front = pareto_frontier(UtilitySpace.from_arrays([[[0.0, 1.0], [1.0, 0.0]]]))
    with pytest.raises(ValueError, match="read-only"):
        front.utilities[0, 0] = 5.0


def test_tolerance_decides_ties_and_dominance() -> None:
    # Two packages 1e-6 apart on party 0: tied at tol=1e-5, one dominates at tol=1e-9.
    space = UtilitySpace.from_arrays([[[0.5, 0.5], [0.5 + 1e-6, 0.5]]])
    loose = pareto_frontier(space, tol=1e-5)
    assert loose.tie_counts == (2,)
    strict = pareto_frontier(space, tol=1e-9)
    assert strict.tie_counts == (1,)
    assert strict.package(0).choices == (1,)
    assert loose.tol == 1e-5
