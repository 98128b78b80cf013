"""Scenarios with bonuses reach the exact solver through pareto_frontier and analyze, and agree
with brute force; its status is reported; other cases are enumerated with bonuses counted."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.oracles import brute_frontier
from tests.strategies import agendas

from gobetween.analysis import analyze, enumerate_outcomes, pareto_frontier, pareto_improvements
from gobetween.analysis.bonus_frontier import milp_applies, milp_time_limit
from gobetween.formats import examples
from gobetween.model import (
    Agenda,
    Bonus,
    Interaction,
    Issue,
    IssueKind,
    Preferences,
    RatingScale,
    RedLine,
    Scenario,
)


@st.composite
def bonus_preferences(draw: st.DrawFn, agenda: Agenda, *, coupled: bool) -> Preferences:
    """Random preferences with 0-3 bonuses, single red lines (and coupled ones if asked)."""
    weights = {i.name: draw(st.integers(0, 3)) for i in agenda.issues}
    if not any(weights.values()):
        weights[agenda.issues[0].name] = 1
    ratings = {i.name: {o: draw(st.integers(0, 4)) for o in i.option_names} for i in agenda}
    bonuses = []
    for _ in range(draw(st.integers(0, 3))):
        issues = draw(st.lists(st.sampled_from(agenda.issues), min_size=1, max_size=3))
        within = {
            i.name: tuple(draw(st.lists(st.sampled_from(i.option_names), min_size=1)))
            for i in issues
        }
        bonuses.append(Bonus(draw(st.integers(-4, 4)) / 8, within))
    lines = []
    for _ in range(draw(st.integers(0, 2 if coupled else 1))):
        picked = draw(st.lists(st.sampled_from(agenda.issues), min_size=1, max_size=2, unique=True))
        if not coupled:
            picked = picked[:1]
        lines.append(
            RedLine(frozenset((i.name, draw(st.sampled_from(i.option_names))) for i in picked))
        )
    interactions = []
    if draw(st.booleans()):
        issue = draw(st.sampled_from(agenda.issues))
        interactions.append(
            Interaction(
                frozenset({(issue.name, issue.option_names[0])}), draw(st.integers(-2, 2)) / 8
            )
        )
    return Preferences(
        weights,
        ratings,
        scale=RatingScale(0, 4),
        reservation=draw(st.integers(0, 8)) / 16,
        red_lines=tuple(lines),
        interactions=tuple(interactions),
        bonuses=tuple(bonuses),
    )


@st.composite
def bonus_scenarios(draw: st.DrawFn, *, parties: int = 2, coupled: bool = False) -> Scenario:
    agenda = draw(agendas(max_issues=4, max_options=4))
    prefs = {f"P{p}": draw(bonus_preferences(agenda, coupled=coupled)) for p in range(parties)}
    if not any(p.bonuses for p in prefs.values()):
        first = agenda.issues[0]
        prefs["P0"] = dataclasses.replace(
            prefs["P0"], bonuses=(Bonus(0.25, {first.name: (first.option_names[-1],)}),)
        )
    return Scenario(agenda, prefs, name="random")


def _same_points(found: np.ndarray, oracle: list[tuple[float, ...]]) -> None:
    """The same frontier points, in any order: two points whose first utility ties (up to the
    last binary digit: 0.39285714285714285 against 0.3928571428571428) may come in either
    order from the solver and from brute force."""
    assert found.shape[0] == len(oracle)
    expected = np.array(oracle).reshape(found.shape)

    def ordered(points: np.ndarray) -> np.ndarray:
        rounded = np.round(points, 9)
        return points[np.lexsort(rounded.T[::-1])]

    assert np.allclose(ordered(found), ordered(expected), atol=1e-7)


@settings(max_examples=60, deadline=None)
@given(bonus_scenarios())
def test_two_parties_with_bonuses_take_the_solver_and_match_brute_force(s: Scenario) -> None:
    assert milp_applies(s)
    front = pareto_frontier(s)
    assert front.method == "milp"
    assert front.exact
    assert not front.ties_counted
    _same_points(front.utilities, [p.utilities for p in brute_frontier(s)])
    for i in range(len(front)):
        package = front.package(i)
        assert all(p.accepts(package) for p in s.preferences.values())
        assert np.allclose(s.utilities(package), front.utilities[i], atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.one_of(bonus_scenarios(parties=3), bonus_scenarios(coupled=True)))
def test_three_parties_or_coupled_red_lines_agree_with_brute_force(s: Scenario) -> None:
    """Three parties and red lines over several issues go to the solver too (red lines are rows
    of the program, not enumerated)."""
    assert milp_applies(s)
    front = pareto_frontier(s)
    assert (front.method, front.status) == ("milp", "optimal")
    oracle = brute_frontier(s)
    _same_points(front.utilities, [p.utilities for p in oracle])
    for i in range(len(front)):
        package = front.package(i)
        assert all(p.accepts(package) for p in s.preferences.values())


def test_a_red_line_over_two_issues_is_kept_by_the_solver() -> None:
    """The package both parties like best is forbidden by one party's red line over two issues:
    the solver's frontier leaves it out, as brute force does, without enumerating."""
    agenda = Agenda((Issue.discrete("a", ["x", "y"]), Issue.discrete("b", ["p", "q"])))
    flat = {"a": {"x": 1, "y": 0}, "b": {"p": 1, "q": 0}}
    line = RedLine.of(("a", "x"), ("b", "p"))
    s = Scenario(
        agenda,
        {
            "A": Preferences({"a": 1, "b": 1}, flat, red_lines=(line,)),
            "B": Preferences({"a": 1, "b": 1}, flat, bonuses=(Bonus(0.5, {"a": ("y",)}),)),
        },
    )
    front = pareto_frontier(s)
    assert (front.method, front.status) == ("milp", "optimal")
    # (weights normalised) x/p (1, 1) is out; y/p (0.5, 1) beats x/q (0.5, 0.5) and y/q (0, 0.5)
    assert [p.options for p in front.packages()] == [{"a": "y", "b": "p"}]
    assert front.utilities.tolist() == [[0.5, 1.0]]
    _same_points(front.utilities, [p.utilities for p in brute_frontier(s)])
    free = s.with_preferences("A", dataclasses.replace(s.preferences["A"], red_lines=()))
    assert pareto_frontier(free).utilities.tolist() == [[1.0, 1.0]]


def test_the_example_analysis_is_exact_and_its_solutions_are_on_the_brute_force_frontier() -> None:
    scenario = examples.load("energy_moratorium").scenario
    result = analyze(scenario)
    assert result.frontier.method == "milp"
    oracle = enumerate_outcomes(scenario)
    _same_points(result.frontier.utilities, [tuple(u) for u in oracle.utilities.tolist()])
    data = result.to_dict()
    assert data["method"] == "milp"
    assert data["status"] == "optimal"
    assert data["exact"] is True
    assert data["ties_counted"] is False
    assert result.nash is not None
    best = max(
        np.prod(u - np.array(result.disagreement))
        for u in oracle.utilities
        if np.all(u > np.array(result.disagreement))
    )
    assert np.prod(np.array(result.nash.utilities) - result.disagreement) == pytest.approx(best)
    opening = examples.load("energy_moratorium").packages["opening text"]
    found = pareto_improvements(scenario, opening, result.frontier)
    assert not found.is_pareto_optimal
    assert found.fairest is not None


def _anac_like(issues: int, bonuses: int, seed: int) -> Scenario:
    """Two parties scored only by hyperrectangle bonuses on integer issues of 10 values."""
    rng = np.random.default_rng(seed)
    agenda = Agenda(
        tuple(Issue.from_range(f"i{k}", 0, 9, 1, kind=IssueKind.INTEGER) for k in range(issues))
    )

    def party() -> Preferences:
        found = []
        for _ in range(bonuses):
            chosen = rng.choice(issues, size=int(rng.integers(2, 5)), replace=False)
            within = {}
            for k in sorted(int(i) for i in chosen):
                low = int(rng.integers(0, 10))
                high = int(rng.integers(low, 10))
                within[agenda.issues[k].name] = agenda.issues[k].option_names[low : high + 1]
            found.append(Bonus(int(rng.integers(1, 101)) / 1000, within))
        return Preferences(
            {i.name: 1 for i in agenda.issues},
            {i.name: dict.fromkeys(i.option_names, 0) for i in agenda.issues},
            bonuses=tuple(found),
        )

    return Scenario(agenda, {"A": party(), "B": party()})


def test_a_solver_stopped_by_its_time_limit_says_so_and_claims_nothing() -> None:
    scenario = _anac_like(50, 200, seed=1)
    with milp_time_limit(0.0):  # HiGHS gets 0.01 s per solve: far too little here
        result = analyze(scenario)
    data = result.to_dict()
    assert data["method"] == "milp"
    assert data["status"] == "time limit"
    assert data["exact"] is False
    for point in data["frontier"]:  # whatever was found is a real package with its utilities
        package = scenario.agenda.package(point["package"])
        assert tuple(point["utilities"].values()) == pytest.approx(scenario.utilities(package))
