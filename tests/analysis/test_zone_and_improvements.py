"""ZOPA, Pareto improvements of a given package, and trade-off hints."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.oracles import TOL, brute_frontier, dominates, feasible_outcomes
from tests.strategies import packages, scenarios

from gobetween.analysis import (
    UtilitySpace,
    is_pareto_optimal,
    nash,
    pareto_frontier,
    pareto_improvements,
    trade_off_hints,
    zopa,
)
from gobetween.model import Agenda, Issue, Preferences, RatingScale, RedLine, Scenario

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(scenarios(max_issues=3))
def test_zopa_is_the_individually_rational_part_of_the_frontier(scenario: Scenario) -> None:
    front = pareto_frontier(scenario)
    r = np.array(scenario.reservations())
    zone = zopa(front)
    truth = [p for p in brute_frontier(scenario) if all(np.array(p.utilities) >= r - TOL)]
    assert zone.exists == bool(truth)
    assert zone.count == len(truth)
    assert zone.package_count == sum(p.count for p in truth)
    assert zone.reservations == tuple(r)
    if truth:
        best = np.array([p.utilities for p in truth]).max(axis=0)
        np.testing.assert_allclose(zone.best, best, atol=TOL)
        for party, i in enumerate(zone.best_indices):
            assert front.utilities[i, party] == zone.best[party]
    else:
        assert zone.best == ()
        assert zone.best_indices == ()


@SETTINGS
@given(scenarios(max_issues=3), st.data())
def test_improvements_are_exactly_the_dominating_frontier_points(
    scenario: Scenario, data: st.DataObject
) -> None:
    package = data.draw(packages(scenario.agenda))
    own = scenario.utilities(package)
    front = pareto_frontier(scenario)
    result = pareto_improvements(scenario, package, front)
    assert result.utilities == own
    expected = [i for i in range(len(front)) if dominates(front.utilities[i], own)]
    assert list(result.indices) == expected
    assert result.is_pareto_optimal == (not expected)
    assert is_pareto_optimal(scenario, package) == (not expected)
    feasible = [u for _, u in feasible_outcomes(scenario)]
    assert any(dominates(u, own) for u in feasible) == (not result.is_pareto_optimal)
    if result.fairest is None:
        assert not expected
        return
    assert min(result.fairest.gains) >= 0  # an improvement; not -5.6e-17 (rounding) as seen once
    gains = front.utilities[expected] - np.array(own)
    products = np.prod(np.maximum(gains, 0), axis=1)
    assert math.isclose(math.prod(result.fairest.gains), products.max(), rel_tol=1e-9, abs_tol=0)
    assert result.fairest.disagreement == own
    assert dominates(result.fairest.utilities, own)


@SETTINGS
@given(scenarios(max_issues=3, interactions=False, coupled=False))
def test_frontier_packages_are_pareto_optimal(scenario: Scenario) -> None:
    front = pareto_frontier(scenario)
    space = UtilitySpace.from_scenario(scenario)
    for i in range(len(front)):
        assert pareto_improvements(space, front.package(i), front).is_pareto_optimal


@SETTINGS
@given(scenarios(max_issues=3), st.data())
def test_the_fairest_improvement_of_a_draft_leaves_no_party_below_its_reservation(
    scenario: Scenario, data: st.DataObject
) -> None:
    # A draft text is no party's fallback: a party it leaves below its reservation value would
    # rather have no deal. Found on the demo's analysis page: the "fairest" improvement of
    # version 1 gave Ukraine 73 where its reservation level is 75, while the Nash package (81,
    # 71) met both parties' levels.
    package = data.draw(packages(scenario.agenda))
    own = np.array(scenario.utilities(package))
    r = np.array(scenario.reservations())
    front = pareto_frontier(scenario)
    result = pareto_improvements(scenario, package, front, reservations=r)
    assert result.indices == pareto_improvements(scenario, package, front).indices
    assert result.reservations == tuple(r)
    below = [
        tuple(p for p in range(r.size) if front.utilities[i, p] < r[p] - front.tol)
        for i in result.indices
    ]
    assert list(result.below) == below
    fine = [i for i, short in zip(result.indices, below, strict=True) if not short]
    assert list(result.acceptable) == fine
    if not fine:
        assert result.fairest is None
        return
    assert result.fairest is not None
    assert result.fairest.index in fine
    reference = np.maximum(own, r)
    assert result.fairest.disagreement == tuple(float(u) for u in reference)
    assert min(result.fairest.gains) >= 0
    products = np.prod(np.maximum(front.utilities[fine] - reference, 0), axis=1)
    assert math.isclose(math.prod(result.fairest.gains), products.max(), rel_tol=1e-9)
    if np.all(own < r - front.tol) and (solution := nash(front, r)) is not None:
        # below every party's reservation, the fairest improvement is the Nash solution
        assert math.isclose(
            math.prod(result.fairest.gains), math.prod(solution.gains), rel_tol=1e-9
        )


def test_the_fairest_improvement_of_a_draft_below_a_reservation() -> None:
    # The draft gives both sides 0.2; the first side's reservation value is 0.75, the second's
    # 0.3. Over the draft, (0.5, 0.9) multiplies the gains most (0.21), but it leaves the first
    # side below its reservation; (0.8, 0.5) and (0.97, 0.36) meet both, and counted from the
    # reservations, which both sides prefer to the draft, (0.97, 0.36) balances the gains best.
    space = UtilitySpace.from_arrays(
        [[[0.2, 0.2], [0.5, 0.9], [0.8, 0.5], [0.97, 0.36]]], reservations=[0.75, 0.3]
    )
    draft = space.agenda.package({"issue0": "0"})
    front = pareto_frontier(space)
    assert front.utilities.tolist() == [[0.97, 0.36], [0.8, 0.5], [0.5, 0.9]]
    plain = pareto_improvements(space, draft, front)
    assert plain.fairest is not None
    assert plain.fairest.utilities == (0.5, 0.9)  # a deal reached is everyone's fallback
    found = pareto_improvements(space, draft, front, reservations=space.reservations)
    assert found.indices == (0, 1, 2)
    assert found.below == ((), (), (0,))
    assert found.acceptable == (0, 1)
    assert found.fairest is not None
    assert found.fairest.utilities == (0.97, 0.36)
    assert found.fairest.disagreement == (0.75, 0.3)
    out_of_reach = pareto_improvements(space, draft, front, reservations=[0.99, 0.3])
    assert out_of_reach.acceptable == ()
    assert out_of_reach.fairest is None


def test_post_settlement_picks_the_fair_improvement() -> None:
    # A cares most about a (wants x), B about b (wants q): the draft (y, p) gives each side
    # its less important issue, and the logroll (x, q) improves both by 0.5.
    agenda = Agenda((Issue.discrete("a", ["x", "y"]), Issue.discrete("b", ["p", "q"])))
    a = Preferences({"a": 3, "b": 1}, {"a": {"x": 1, "y": 0}, "b": {"p": 1, "q": 0}})
    b = Preferences({"a": 1, "b": 3}, {"a": {"x": 0, "y": 1}, "b": {"p": 0, "q": 1}})
    scenario = Scenario(agenda, {"A": a, "B": b})
    result = pareto_improvements(scenario, agenda.package({"a": "y", "b": "p"}))
    assert result.utilities == (0.25, 0.25)
    assert result.fairest is not None
    assert result.fairest.name == "post-settlement"
    assert result.fairest.package.options == {"a": "x", "b": "q"}
    assert result.fairest.gains == (0.5, 0.5)
    assert is_pareto_optimal(scenario, result.fairest.package)


def test_trade_off_hints_find_logrolling_issues() -> None:
    agenda = Agenda(
        (
            Issue.discrete("ports", ["one", "three"]),
            Issue.discrete("term", ["60", "120"]),
            Issue.discrete("flag", ["a", "b"]),
        )
    )
    ukraine = Preferences(
        {"ports": 6, "term": 1, "flag": 3},
        {"ports": {"one": 0, "three": 1}, "term": {"60": 0, "120": 1}, "flag": {"a": 0, "b": 1}},
    )
    russia = Preferences(
        {"ports": 1, "term": 6, "flag": 3},
        {"ports": {"one": 1, "three": 0}, "term": {"60": 1, "120": 0}, "flag": {"a": 0, "b": 1}},
    )
    hints = trade_off_hints(Scenario(agenda, {"UA": ukraine, "RU": russia}))
    assert [h.issue for h in hints] == ["ports", "term", "flag"]
    assert [(h.cares_most, h.tradeable) for h in hints] == [
        ("UA", True),
        ("RU", True),
        ("UA", False),
    ]
    np.testing.assert_allclose(hints[0].stakes, (0.6, 0.1))
    assert math.isclose(hints[0].ratio, 6.0)
    assert hints[2].ratio == 1.0


def test_an_improvement_never_shows_a_party_a_loss_from_rounding() -> None:
    # Found by the property above (6 December 2026): the frontier sums a package's utility in
    # another order than the package itself, so the fairest improvement showed two parties a
    # "gain" of -1.1e-16 where they gain nothing.
    agenda = Agenda(
        (
            Issue.discrete("i0", ["o0", "o1"]),
            Issue.discrete("i1", ["o0", "o1", "o2"]),
            Issue.discrete("i2", ["o0"]),
        )
    )
    scale = RatingScale(0, 4)
    first = Preferences(
        {"i0": 0, "i1": 2, "i2": 1},
        {"i0": {"o0": 2, "o1": 1}, "i1": {"o0": 2, "o1": 0, "o2": 3}, "i2": {"o0": 0}},
        scale=scale,
        reservation=0.25,
    )
    other = Preferences(
        {"i0": 3, "i1": 2, "i2": 2},
        {"i0": {"o0": 3, "o1": 2}, "i1": {"o0": 4, "o1": 1, "o2": 1}, "i2": {"o0": 2}},
        scale=scale,
        reservation=0.125,
        red_lines=(RedLine(frozenset({("i1", "o0"), ("i2", "o0")})),),
    )
    scenario = Scenario(agenda, {"P0": first, "P1": other, "P2": other})
    result = pareto_improvements(scenario, agenda.package({"i0": "o0", "i1": "o1", "i2": "o0"}))
    assert result.fairest is not None
    assert result.fairest.gains == (0.5, 0.0, 0.0)
