"""The branch and bound of ``analysis.bonus_search`` against brute force."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import linprog
from tests.analysis.test_milp import (
    SETTINGS,
    allowed_packages,
    brute_frontier,
    every_package,
    profiles,
    red_lines,
)

from gobetween.analysis import bonus_search
from gobetween.analysis.bonus_search import _WEIGHTS, _tables, search_frontier
from gobetween.analysis.interdependent import Bonus, InterdependentProfile
from gobetween.analysis.milp import exact_frontier
from gobetween.errors import AnalysisError
from gobetween.model import Agenda, Issue

Drawn = tuple[tuple[InterdependentProfile, ...], tuple[dict[int, frozenset[int]], ...]]


def _with_red_lines(decimal: bool = False) -> st.SearchStrategy[Drawn]:
    return profiles(parties=2, decimal=decimal).flatmap(
        lambda parties: st.tuples(st.just(parties), red_lines(parties))
    )


@SETTINGS
@given(_with_red_lines())
def test_the_search_is_the_brute_force_frontier(drawn: Drawn) -> None:
    """Values, positive and negative bonuses, red lines over one issue or several."""
    parties, boxes = drawn
    found = search_frontier(parties, boxes)
    assert found is not None
    assert found.status == "optimal"
    assert {p.utilities for p in found.points} == brute_frontier(allowed_packages(parties, boxes))
    assert len({p.utilities for p in found.points}) == len(found.points)
    for point in found.points:
        assert point.utilities == tuple(p.utility(point.choices) for p in parties)
        assert not any(all(point.choices[i] in ok for i, ok in b.items()) for b in boxes)


@SETTINGS
@given(_with_red_lines(decimal=True))
def test_tenths_are_searched_in_tenths(drawn: Drawn) -> None:
    """Values and bonuses in tenths: searched as whole tenths, exactly."""
    parties, boxes = drawn
    found = search_frontier(parties, boxes)
    assert found is not None
    assert found.status == "optimal"
    truth = brute_frontier(allowed_packages(parties, boxes), tol=1e-9)
    # rounded: the brute force sums tenths in floats, so one point of the frontier can stand in
    # it twice (5.1 and 5.1000000000000005, neither beating the other by more than 1e-9)
    assert {_rounded(p.utilities) for p in found.points} == {_rounded(u) for u in truth}


def _rounded(utilities: tuple[float, ...]) -> tuple[float, ...]:
    return tuple(round(u, 9) for u in utilities)


@SETTINGS
@given(_with_red_lines(), st.integers(0, 40))
def test_a_search_stopped_early_returns_only_frontier_points(drawn: Drawn, limit: int) -> None:
    """Stopped after ``limit`` branches: every point returned is on the true frontier (one no
    open branch could beat), and a search that ended is complete."""
    parties, boxes = drawn
    found = search_frontier(parties, boxes, node_limit=limit)
    assert found is not None
    truth = brute_frontier(allowed_packages(parties, boxes))
    got = {p.utilities for p in found.points}
    assert got <= truth
    if found.status == "optimal":
        assert got == truth
    else:
        assert found.status == "node limit"
        assert found.nodes == limit


def _packages(parties: tuple[InterdependentProfile, ...]) -> np.ndarray:
    shape = parties[0].agenda.shape
    return np.array(
        [[p.utility(c) for p in parties] for c in itertools.product(*(range(n) for n in shape))]
    )


def _frontier2(points: np.ndarray) -> set[tuple[float, ...]]:
    """The two-party frontier of many points: best for party 0 first, kept when better for
    party 1 than every point before."""
    order = np.lexsort((-points[:, 1], -points[:, 0]))
    kept, best = set(), -np.inf
    for u0, u1 in points[order].tolist():
        if u1 > best:
            kept.add((u0, u1))
            best = u1
    return kept


def test_a_time_limit_mid_search_returns_only_frontier_points() -> None:
    """Seven issues of five options, 30 boxes each (ANAC 2014-like): stopped by the clock at
    several points of the search, it returns only true frontier points, and the whole search
    gives the whole frontier."""
    rng = np.random.default_rng(7)
    agenda = Agenda(tuple(Issue.discrete(f"i{k}", [str(v) for v in range(5)]) for k in range(7)))

    def party() -> InterdependentProfile:
        bonuses = []
        for _ in range(30):
            chosen = sorted(int(i) for i in rng.choice(7, size=3, replace=False))
            within = {}
            for k in chosen:
                low = int(rng.integers(0, 5))
                within[f"i{k}"] = tuple(str(v) for v in range(low, int(rng.integers(low, 5)) + 1))
            bonuses.append(Bonus(int(rng.integers(1, 101)), within))
        return InterdependentProfile.of(agenda, {}, bonuses)

    pair = (party(), party())
    truth = _frontier2(_packages(pair))
    whole = search_frontier(pair)
    assert whole is not None
    assert whole.status == "optimal"
    assert {p.utilities for p in whole.points} == truth
    stopped = search_frontier(pair, time_limit=0.0)
    assert stopped is not None
    assert (stopped.points, stopped.status) == ((), "time limit")
    for nodes in (whole.nodes // 4, whole.nodes // 2, whole.nodes - 1):
        part = search_frontier(pair, node_limit=nodes)
        assert part is not None
        assert part.status == "node limit"
        assert {p.utilities for p in part.points} <= truth


def test_it_leaves_to_the_solver_what_it_cannot_search_exactly() -> None:
    agenda = Agenda((Issue.discrete("a", ["x", "y"]), Issue.discrete("b", ["p", "q"])))
    linked = Bonus(1, {"a": ("y",), "b": ("q",)})
    third = InterdependentProfile.of(agenda, {"a": {"x": 1 / 3}}, [linked])
    whole = InterdependentProfile.of(agenda, {"a": {"y": 1}}, [Bonus(2, {"a": ("x",)})])
    assert search_frontier((third, whole)) is None  # thirds are no decimal unit
    assert search_frontier((whole, whole, whole)) is None  # three parties
    front = exact_frontier((third, whole))
    assert (front.engine, front.status) == ("milp", "optimal")
    assert exact_frontier((whole, whole)).engine == "search"
    with pytest.raises(AnalysisError, match="engine"):
        exact_frontier((whole, whole), engine="fast")


def test_a_red_line_every_package_completes_leaves_nothing() -> None:
    agenda = Agenda((Issue.discrete("a", ["x", "y"]), Issue.discrete("b", ["p"])))
    one = InterdependentProfile.of(agenda, {"a": {"x": 1}}, [Bonus(1, {"b": ("p",)})])
    two = InterdependentProfile.of(agenda, {"a": {"y": 1}})
    found = search_frontier((one, two), ({0: frozenset({0, 1}), 1: frozenset({0})},))
    assert found is not None
    assert (found.points, found.status) == ((), "optimal")


@SETTINGS
@given(profiles(parties=2))
def test_the_engines_agree_on_the_packages_utilities(
    pair: tuple[InterdependentProfile, ...],
) -> None:
    """The same frontier from HiGHS and from the search, point for point."""
    searched = exact_frontier(pair, engine="search")
    solved = exact_frontier(pair, engine="milp")
    assert [p.utilities for p in searched.points] == [p.utilities for p in solved.points]
    assert brute_frontier(every_package(*pair)) == {p.utilities for p in searched.points}


def _medium(
    seed: int,
) -> tuple[tuple[InterdependentProfile, ...], tuple[dict[int, frozenset[int]], ...]]:
    """Six issues of four options: values, 16 bonuses each over 2 to 4 issues (a quarter of
    them negative), and three red lines over two issues."""
    rng = np.random.default_rng(seed)
    agenda = Agenda(tuple(Issue.discrete(f"i{k}", [str(v) for v in range(4)]) for k in range(6)))

    def party() -> InterdependentProfile:
        values = {f"i{k}": {str(v): int(rng.integers(0, 6)) for v in range(4)} for k in range(6)}
        bonuses = []
        for _ in range(16):
            chosen = sorted(
                int(i) for i in rng.choice(6, size=int(rng.integers(2, 5)), replace=False)
            )
            within = {}
            for k in chosen:
                low = int(rng.integers(0, 4))
                within[f"i{k}"] = tuple(str(v) for v in range(low, int(rng.integers(low, 4)) + 1))
            value = int(rng.integers(1, 60)) * (-1 if rng.random() < 0.25 else 1)
            bonuses.append(Bonus(value, within))
        return InterdependentProfile.of(agenda, values, bonuses)

    lines = []
    for _ in range(3):
        a, b = (int(i) for i in rng.choice(6, size=2, replace=False))
        lines.append(
            {a: frozenset({int(rng.integers(0, 4))}), b: frozenset({int(rng.integers(0, 4))})}
        )
    return (party(), party()), tuple(lines)


@pytest.mark.parametrize("seed", range(6))
def test_shared_bonus_bounds_keep_the_frontier_exact(seed: int) -> None:
    """Deep trees where the second bound (bonuses shared over their issues) prunes: the
    frontier is still the brute-force one, point for point."""
    parties, lines = _medium(seed)
    found = search_frontier(parties, lines)
    assert found is not None
    assert found.status == "optimal"
    assert {p.utilities for p in found.points} == brute_frontier(allowed_packages(parties, lines))


def _root_bound(seed: int) -> tuple[Any, Any, np.ndarray]:
    """The parties of ``_medium(seed)``, the search's tables at the root, and each weighted
    sum's second bound there (constants, plus each issue's best option with the shares)."""
    parties, _ = _medium(seed)
    shape = parties[0].agenda.shape
    kept = [list(range(n)) for n in shape]
    tables = _tables(parties, (), kept, list(range(len(shape))), [1.0, 1.0])
    assert tables is not None
    columns = _WEIGHTS.shape[1]
    bound = tables.constants @ _WEIGHTS + tables.scores[:, columns:, :].max(axis=2).sum(axis=0)
    return parties, tables, bound


@pytest.mark.parametrize("seed", range(6))
def test_the_shared_bound_is_above_every_package(seed: int) -> None:
    """At the root, each weighted sum's second bound (constants, plus each issue's best option
    with the values and the bonuses' shares) is at least that sum for every package, and no
    higher than the first bound (every bonus at its last issue)."""
    parties, tables, bound = _root_bound(seed)
    columns = _WEIGHTS.shape[1]
    weighted = _packages(parties) @ _WEIGHTS
    assert np.all(weighted <= bound + 1e-6)
    first = tables.constants @ _WEIGHTS + tables.scores[:, :columns, :].max(axis=2).sum(axis=0)
    assert np.all(bound <= first + 1e-6)  # the shares start from the first bound's, all at last


def _relaxation(
    parties: tuple[InterdependentProfile, ...],
    weights: np.ndarray,
    kept: list[list[int]] | None = None,
) -> float:
    """The linear relaxation's best weighted sum, stated apart from the search with SciPy: one
    option per issue (fractions allowed; only the ``kept`` ones when given), a positive bonus
    met at most as much as its options are chosen on each issue of its box, negative bonuses
    counted only where they always pay (on the kept options)."""
    shape = parties[0].agenda.shape
    options = kept if kept is not None else [list(range(n)) for n in shape]
    first = np.concatenate([[0], np.cumsum(shape)])
    cost: list[float] = [0.0] * int(first[-1])
    links: list[tuple[int, list[int]]] = []  # (bonus column, option columns in range)
    constant = 0.0
    for party, weight in zip(parties, weights, strict=True):
        for i, values in enumerate(party.values):
            for o, value in enumerate(values):
                cost[first[i] + o] += weight * value
        for bonus, box in zip(party.bonuses, party.boxes, strict=True):
            if bonus.value < 0:
                if all(set(ok) >= set(options[i]) for i, ok in box.items()):
                    constant += weight * bonus.value
                continue
            links.extend((len(cost), [int(first[i]) + o for o in ok]) for i, ok in box.items())
            cost.append(weight * bonus.value)
    upper = np.zeros((len(links), len(cost)))  # bonus - options in range <= 0
    for k, (bonus, in_range) in enumerate(links):
        upper[k, in_range] = -1.0
        upper[k, bonus] = 1.0
    choose = np.zeros((len(shape), len(cost)))
    for i in range(len(shape)):
        choose[i, first[i] : first[i + 1]] = 1.0
    found = linprog(
        -np.array(cost),
        A_ub=upper,
        b_ub=np.zeros(len(links)),
        A_eq=choose,
        b_eq=np.ones(len(shape)),
        bounds=[(0, 1 if o in options[i] else 0) for i, n in enumerate(shape) for o in range(n)]
        + [(0, 1)] * (len(cost) - int(first[-1])),
    )
    assert found.status == 0
    return float(-found.fun) + constant


@pytest.mark.parametrize("seed", range(6))
def test_the_shared_bound_is_the_linear_relaxation_at_the_root(seed: int) -> None:
    """The shares come from the linear relaxation's duals: at the root, each weighted sum's
    second bound is that relaxation's optimum (the best any split of the bonuses can give),
    and every share is non-negative, each positive bonus's shares adding up to its value."""
    parties, tables, bound = _root_bound(seed)
    columns = _WEIGHTS.shape[1]
    for column in range(columns):
        relaxed = _relaxation(parties, _WEIGHTS[:, column])
        assert bound[column] == pytest.approx(relaxed, abs=1e-6)
    shares = tables.collected[:, -1, :]  # (bonuses, weights): every position's share added up
    assert np.all(np.diff(tables.collected, axis=1) >= 0)
    worth = np.maximum(tables.complete, 0.0) @ _WEIGHTS
    assert shares == pytest.approx(worth, abs=1e-9)


@pytest.mark.parametrize("seed", range(6))
def test_a_subtree_s_shares_are_its_own_relaxation_s(seed: int) -> None:
    """A subtree (its first issues pinned to one option each) gets its tables from the root's
    relaxation with the other options of those issues ruled out: its second bound at its top
    is the relaxation of the pinned space, below the root's split there."""
    parties, _ = _medium(seed)
    shape = parties[0].agenda.shape
    kept = [list(range(n)) for n in shape]
    order = list(range(len(shape)))
    root = _tables(parties, (), kept, order, [1.0, 1.0])
    assert root is not None
    pinned = [[seed % 4], [(seed + 1) % 4], *kept[2:]]
    sub = _tables(parties, (), pinned, order, [1.0, 1.0], root.root)
    assert sub is not None
    columns = _WEIGHTS.shape[1]
    bound = sub.constants @ _WEIGHTS + sub.scores[:, columns:, :].max(axis=2).sum(axis=0)
    for column in range(columns):
        relaxed = _relaxation(parties, _WEIGHTS[:, column], pinned)
        assert bound[column] == pytest.approx(relaxed, abs=1e-6)


@pytest.mark.parametrize("seed", range(6))
def test_subtrees_with_their_own_shares_keep_the_frontier_exact(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Subtrees given their own tables at every depth: the same frontier as brute force, and
    stopped after any number of branches, only frontier points."""
    monkeypatch.setattr(bonus_search, "_RESHARE", (1, 2, 3, 4))
    monkeypatch.setattr(bonus_search, "_RESHARE_OPEN", 0)
    parties, lines = _medium(seed)
    truth = brute_frontier(allowed_packages(parties, lines))
    found = search_frontier(parties, lines)
    assert found is not None
    assert found.status == "optimal"
    assert {p.utilities for p in found.points} == truth
    for limit in (1, 7, 40, found.nodes // 2):
        part = search_frontier(parties, lines, node_limit=limit)
        assert part is not None
        assert {p.utilities for p in part.points} <= truth
