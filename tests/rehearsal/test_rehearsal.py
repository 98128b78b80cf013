"""Strategies and behaviours on small scenarios with known frontiers; every run is checked
against the contract all strategies share."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from tests.rehearsal.scenarios import four_issues, toy

from gobetween.analysis import analyze
from gobetween.errors import ProtocolError, ValidationFailed
from gobetween.rehearsal import BEHAVIOURS, STRATEGIES, Rehearsal, behaviour
from gobetween.rehearsal.strategies import Room, StrategySpec

PAIRS = list(itertools.product(STRATEGIES, BEHAVIOURS))


@pytest.fixture(scope="module")
def four() -> Rehearsal:
    return Rehearsal(four_issues())


def test_the_toy_frontier_and_nash_point_are_the_hand_computed_ones() -> None:
    rehearsal = Rehearsal(toy())
    expected = [(1, 0), (11 / 15, 1 / 6), (2 / 3, 2 / 3), (0.4, 5 / 6), (0, 1)]
    assert np.allclose(rehearsal.frontier, expected)
    assert rehearsal.nash_point is not None
    assert np.allclose(rehearsal.nash_point, (2 / 3, 2 / 3))


def test_nash_seeking_with_truthful_parties_agrees_on_the_nash_point_at_once() -> None:
    result = Rehearsal(toy()).run("nash-seeking", "truthful", seed=3)
    assert result.agreement
    assert result.pareto_optimal
    assert result.package == (0, 0)  # x / p
    assert result.nash_distance == pytest.approx(0.0, abs=1e-12)
    assert result.rounds == 1


def test_follow_amendments_from_a_poor_text_grants_the_requested_changes() -> None:
    rehearsal = Rehearsal(toy())
    # seed chosen so that the first text is z/q (.333, .333): both below or near their floor
    for seed in range(50):
        result = rehearsal.run("follow-amendments", "truthful", seed)
        assert result.rounds <= 3  # each issue moves at most once
        if result.agreement:
            utilities = result.utilities
            assert utilities[0] >= 0.3 - 1e-12
            assert utilities[1] >= 0.2 - 1e-12


@pytest.mark.parametrize(("strategy_name", "behaviour_name"), PAIRS)
def test_every_run_keeps_the_contract(
    four: Rehearsal, strategy_name: str, behaviour_name: str
) -> None:
    delegates = four.delegates(behaviour_name)
    for seed in range(25):
        result = four.run(strategy_name, behaviour_name, seed, rounds=40)
        assert 0 <= result.rounds <= 40
        assert result.nash_distance >= 0
        if result.agreement:
            assert result.package is not None
            # every delegation accepted it on what it declared (so no true red line is crossed)
            assert all(not d.table.crossed(result.package) for d in delegates)
            assert all(not t.crossed(result.package) for t in four.truth)
            assert result.utilities == tuple(t.utility(result.package) for t in four.truth)
        else:
            assert result.package is None
            assert not result.pareto_optimal
            assert result.utilities == tuple(t.reservation for t in four.truth)


@pytest.mark.parametrize(("strategy_name", "behaviour_name"), PAIRS)
def test_a_run_is_deterministic_given_its_seed(strategy_name: str, behaviour_name: str) -> None:
    first = [Rehearsal(four_issues()).run(strategy_name, behaviour_name, s) for s in range(8)]
    again = [Rehearsal(four_issues()).run(strategy_name, behaviour_name, s) for s in range(8)]
    assert first == again


def test_seeds_give_different_runs_for_the_random_strategies(four: Rehearsal) -> None:
    packages = {four.run("veto", "truthful", s).package for s in range(20)}
    assert len(packages) > 1


def test_pareto_optimality_matches_the_exact_analysis(four: Rehearsal) -> None:
    analysis = analyze(four.scenario)
    frontier = {tuple(np.round(u, 9)) for u in analysis.frontier.utilities}
    seen = 0
    for strategy_name in STRATEGIES:
        for seed in range(15):
            result = four.run(strategy_name, "truthful", seed)
            if result.agreement:
                seen += 1
                on_frontier = tuple(np.round(result.utilities, 9)) in frontier
                assert result.pareto_optimal == on_frontier
    assert seen > 10


def test_nash_seeking_beats_the_random_baselines_with_truthful_parties(four: Rehearsal) -> None:
    def share(name: str) -> float:
        runs = [four.run(name, "truthful", s) for s in range(30)]
        return sum(r.pareto_optimal for r in runs) / len(runs)

    assert share("nash-seeking") == 1.0
    assert share("veto") < 1.0
    assert share("hill-climbing") < 1.0


def test_exaggerating_parties_declare_red_lines_they_do_not_have() -> None:
    scenario = four_issues()
    declared = behaviour("exaggerating").delegate("A", scenario.preferences["A"], scenario.agenda)
    claimed = {tuple(sorted(r.pairs)) for r in declared.declared.red_lines}
    # A weighs i0 and i1 at or above the average: its worst open option there becomes a red line
    # (o2 on i0, where o3 already is one; o0 on i1); i2 and i3 matter less and stay open.
    assert claimed == {(("i0", "o3"),), (("i0", "o2"),), (("i1", "o0"),)}
    truthful = behaviour("truthful").delegate("A", scenario.preferences["A"], scenario.agenda)
    assert truthful.declared == scenario.preferences["A"]


def test_a_stubborn_party_refuses_early_what_it_accepts_at_the_end() -> None:
    scenario = toy()
    stubborn = behaviour("stubborn").delegate(
        "seller", scenario.preferences["seller"], scenario.agenda
    )
    text = (1, 0)  # y/p: worth .4 to the seller, whose best is 1 and reservation .3
    assert not stubborn.answer(text, 0, 10).accepts  # it demands .3 + .5 * .7 = .65 at first
    assert stubborn.level(0, 10) == pytest.approx(0.65)
    assert stubborn.answer(text, 9, 10).accepts
    assert stubborn.answer((2, 0), 0, 10).amendment is None  # it never proposes
    truthful = behaviour("truthful").delegate(
        "seller", scenario.preferences["seller"], scenario.agenda
    )
    assert truthful.answer(text, 0, 10).accepts
    assert truthful.answer((2, 0), 0, 10).amendment == (0, 0)  # z -> x gains it the most


def test_the_vectorised_veto_is_the_sequential_rule(four: Rehearsal) -> None:
    """The same draws walked one vote at a time give the same texts and rounds."""

    def sequential(room: Room, rng: np.random.Generator) -> None:
        current = room.random_text(rng)
        count = room.left - 1
        proposals = rng.integers(0, room.sizes, size=(count, len(room.sizes)))
        for row in proposals:
            new = tuple(int(x) for x in row)
            if room.vote(new, current):
                current = new
        room.publish(current)

    registry = {**STRATEGIES, "sequential": StrategySpec("sequential", "oracle", sequential)}
    oracle = Rehearsal(four_issues(), strategies=registry)
    for seed in range(20):
        for name in BEHAVIOURS:
            fast = four.run("veto", name, seed, rounds=60)
            slow = oracle.run("sequential", name, seed, rounds=60)
            assert (fast.package, fast.rounds) == (slow.package, slow.rounds)


def test_hill_climbing_stops_at_a_text_no_single_change_improves_for_all(four: Rehearsal) -> None:
    delegates = four.delegates("truthful")
    for seed in range(20):
        result = four.run("hill-climbing", "truthful", seed, rounds=1000)
        assert result.rounds < 1000
        if result.package is None:
            continue
        text = result.package
        for j, size in enumerate(four.sizes):
            for o in range(size):
                if o != text[j]:
                    new = (*text[:j], o, *text[j + 1 :])
                    assert not all(d.prefers(new, text) for d in delegates)


def test_bad_names_and_limits_are_refused_with_what_is_known(four: Rehearsal) -> None:
    with pytest.raises(ValidationFailed, match="nash-seeking"):
        four.run("nash", "truthful", 0)
    with pytest.raises(ValidationFailed, match="truthful"):
        four.run("veto", "liar", 0)
    with pytest.raises(ValidationFailed, match="rounds"):
        four.run("veto", "truthful", 0, rounds=0)


def test_the_room_refuses_rounds_beyond_its_limit(four: Rehearsal) -> None:
    room = Room(four.delegates("truthful"), four.sizes, 1, plan=lambda: four.plan("truthful"))
    room.publish((0, 0, 0, 0))
    with pytest.raises(ProtocolError, match="no rounds left"):
        room.publish((1, 1, 1, 1))


def test_a_scenario_without_a_nash_point_scores_nan_distance() -> None:
    scenario = toy()
    hard = scenario.with_preferences(
        "seller",
        type(scenario.preferences["seller"])(
            {"a": 2, "b": 1},
            {"a": {"x": 1, "y": 0.6, "z": 0}, "b": {"p": 0, "q": 1}},
            reservation=0.99,
        ),
    )
    result = Rehearsal(hard).run("nash-seeking", "truthful", 0)
    assert not result.agreement
    assert math.isnan(result.nash_distance)


@pytest.mark.parametrize("name", ["classroom", "black_sea_corridor", "energy_moratorium"])
def test_compiled_tables_give_the_model_s_utilities(name: str) -> None:
    """Red lines, interactions and bonuses included, one package at a time and vectorised."""
    from gobetween.formats import examples
    from gobetween.model import Package

    scenario = examples.load(name).scenario
    rehearsal = Rehearsal(scenario)
    rng = np.random.default_rng(5)
    packages = rng.integers(0, rehearsal.sizes, size=(200, len(rehearsal.sizes)))
    for table, prefs in zip(rehearsal.truth, scenario.preferences.values(), strict=True):
        many = table.utilities(packages)
        for row, fast in zip(packages, many, strict=True):
            package = Package(scenario.agenda, tuple(int(c) for c in row))
            expected = prefs.utility(package) if prefs.accepts(package) else -np.inf
            assert table.utility(tuple(row)) == pytest.approx(prefs.utility(package), abs=1e-12)
            assert fast == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("name", ["classroom", "black_sea_corridor", "energy_moratorium"])
@pytest.mark.parametrize("behaviour_name", list(BEHAVIOURS))
def test_neighbour_scores_are_the_scores_of_each_changed_text(
    name: str, behaviour_name: str
) -> None:
    """The shortcut for one-option red lines and the full evaluation agree with one package at
    a time."""
    from gobetween.formats import examples

    rehearsal = Rehearsal(examples.load(name).scenario)
    rng = np.random.default_rng(11)
    for delegate in rehearsal.delegates(behaviour_name):
        issues, options = delegate.table.moves
        for _ in range(20):
            text = tuple(int(x) for x in rng.integers(0, rehearsal.sizes))
            fast = delegate.table.neighbour_scores(text)
            for k, (j, o) in enumerate(zip(issues.tolist(), options.tolist(), strict=True)):
                changed = (*text[:j], o, *text[j + 1 :])
                assert fast[k] == pytest.approx(delegate.score(changed), abs=1e-12)


@pytest.mark.parametrize("behaviour_name", list(BEHAVIOURS))
def test_the_plain_python_climb_step_is_the_vectorised_one(behaviour_name: str) -> None:
    """For additive tables (one-option red lines included) the changes every party prefers are
    found in plain Python; they are those of the vectorised pass, on every text; and a
    delegation's wish (its best single change) is the vectorised one's too."""
    from gobetween.formats import examples
    from gobetween.rehearsal.strategies import improving_moves, improving_moves_vectorised

    checked = moved = 0
    for scenario in (toy(), four_issues(), examples.load("classroom").scenario):
        rehearsal = Rehearsal(scenario)
        delegates = rehearsal.delegates(behaviour_name)
        tables = [d.table for d in delegates]
        if not all(t.flat is not None for t in tables):
            continue  # a red line over two issues: always the vectorised pass
        checked += 1
        rng = np.random.default_rng(3)
        for _ in range(300):
            text = tuple(int(x) for x in rng.integers(0, rehearsal.sizes))
            fast = improving_moves(delegates, text)
            assert fast == improving_moves_vectorised(delegates, text)
            moved += bool(fast)
            for d in delegates:
                scores = d.table.neighbour_scores(text)
                best = int(np.argmax(scores))
                issues, options = d.table.moves
                slow = (
                    (int(issues[best]), int(options[best]))
                    if scores[best] > d.score(text) + 1e-12
                    else None
                )
                assert d.wish(text) == slow
    assert checked == 2
    assert moved > 50  # many random texts can be improved for everyone


def test_first_marked_is_the_chance_of_shuffling() -> None:
    """The number of questions up to the first change every party prefers, drawn from
    first_marked, has the distribution of shuffling the changes: checked exactly against every
    order of small sets."""
    from gobetween.rehearsal.strategies import first_marked

    for total in range(1, 7):
        for marked in range(1, total + 1):
            counts = [0] * (total - marked + 1)
            orders = list(itertools.permutations([True] * marked + [False] * (total - marked)))
            for order in orders:
                counts[order.index(True)] += 1
            cumulative = list(itertools.accumulate(c / len(orders) for c in counts))
            assert first_marked(total, marked) == pytest.approx(cumulative, abs=1e-12)
    with pytest.raises(ValueError, match="0 marked items among 3"):
        first_marked(3, 0)


def test_hill_climbing_asks_as_often_as_a_climb_that_shuffles() -> None:
    """The climb draws the questions it asks at each text instead of shuffling the changes;
    over many runs, its rounds and agreements match a climb that shuffles and asks one by one
    (the contract of the strategy), within sampling error."""
    scenario = four_issues()

    def shuffling(room: Room, rng: np.random.Generator) -> None:
        current = room.random_text(rng)
        while room.left > 1:
            changes = [
                (j, o) for j, k in enumerate(room.sizes) for o in range(k) if o != current[j]
            ]
            moved = False
            for index in rng.permutation(len(changes)).tolist():
                if room.left <= 1:
                    break
                j, o = changes[index]
                new = (*current[:j], o, *current[j + 1 :])
                if room.vote(new, current):
                    current, moved = new, True
                    break
            if not moved:
                break
        room.publish(current)

    registry = {**STRATEGIES, "shuffling": StrategySpec("shuffling", "oracle", shuffling)}
    rehearsal = Rehearsal(scenario, strategies=registry)
    runs = 400
    fast = [rehearsal.run("hill-climbing", "truthful", seed, rounds=40) for seed in range(runs)]
    slow = [rehearsal.run("shuffling", "truthful", seed, rounds=40) for seed in range(runs)]
    for pick in (lambda r: r.rounds, lambda r: float(r.agreement)):
        a = np.array([pick(r) for r in fast], dtype=float)
        b = np.array([pick(r) for r in slow], dtype=float)
        error = 4 * math.sqrt((a.var() + b.var()) / runs) + 1e-9
        assert abs(a.mean() - b.mean()) <= error
