"""The exact MILP analysis of interdependent preferences, checked against brute force."""

from __future__ import annotations

import itertools
import math
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gobetween.analysis.interdependent import MAX_BONUSES, Bonus, InterdependentProfile
from gobetween.analysis.milp import (
    egalitarian_milp,
    exact_frontier,
    max_welfare_milp,
    nash_milp,
)
from gobetween.errors import AnalysisError, InvalidPreferences
from gobetween.model import Agenda, Issue

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def profiles(
    draw: st.DrawFn, parties: int = 2, decimal: bool = False
) -> tuple[InterdependentProfile, ...]:
    """``parties`` parties on 1-3 issues of 2-4 options, values 0-5 and 0-5 bonuses (-4 to 6)
    each: integers, or tenths when ``decimal`` (then the solver scales and steps by a
    resolution instead of 1)."""
    sizes = draw(st.lists(st.integers(2, 4), min_size=1, max_size=3))
    agenda = Agenda(
        tuple(Issue.discrete(f"i{k}", [f"o{o}" for o in range(n)]) for k, n in enumerate(sizes))
    )

    def number(low: int, high: int) -> float:
        value = (
            draw(st.integers(low * 10, high * 10)) / 10 if decimal else draw(st.integers(low, high))
        )
        return float(value)

    def party() -> InterdependentProfile:
        values = {f"i{k}": {f"o{o}": number(0, 5) for o in range(n)} for k, n in enumerate(sizes)}
        bonuses = []
        for _ in range(draw(st.integers(0, 5))):
            issues = draw(st.sets(st.sampled_from(range(len(sizes))), min_size=1))
            within = {
                f"i{k}": tuple(
                    f"o{o}" for o in sorted(draw(st.sets(st.integers(0, sizes[k] - 1), min_size=1)))
                )
                for k in sorted(issues)
            }
            bonuses.append(Bonus(number(-4, 6), within))
        return InterdependentProfile.of(agenda, values, bonuses)

    return tuple(party() for _ in range(parties))


def every_package(*parties: InterdependentProfile) -> list[tuple[float, ...]]:
    shape = parties[0].agenda.shape
    return [
        tuple(p.utility(c) for p in parties) for c in itertools.product(*(range(n) for n in shape))
    ]


def brute_frontier(points: list[tuple[float, ...]], *, tol: float = 0.0) -> set[tuple[float, ...]]:
    def dominated(p: tuple[float, ...]) -> bool:
        return any(
            all(a >= b - tol for a, b in zip(q, p, strict=True))
            and any(a > b + tol for a, b in zip(q, p, strict=True))
            for q in points
        )

    return {p for p in points if not dominated(p)}


@pytest.mark.parametrize("engine", ["milp", "search"])
@SETTINGS
@given(pair=profiles())
def test_the_frontier_is_the_brute_force_one(
    engine: str, pair: tuple[InterdependentProfile, ...]
) -> None:
    """Both engines (HiGHS and the branch and bound) against brute force."""
    front = exact_frontier(pair, engine=engine)
    assert front.exact
    assert front.status == "optimal"
    found = [p.utilities for p in front.points]
    assert set(found) == brute_frontier(every_package(*pair))
    assert len(found) == len(set(found))
    assert found == sorted(found, key=lambda u: -u[0])
    for point in front.points:
        assert point.utilities == tuple(p.utility(point.choices) for p in pair)
    if engine == "search" and front.size is not None and front.size.blocks == 1:
        assert (front.engine, front.solves) == ("search", 0)
        assert front.nodes >= 1
    elif front.size is not None and front.size.blocks == 1:
        assert front.engine == "milp"
        # one solve per point and a last, infeasible one, plus one per point found and then
        # dropped (the next solve beat it for party 1 at the same utility for party 0; several
        # in a row can be): each solve finds a new utility vector (issues in groups no bonus
        # links are solved group by group: fewer solves)
        assert len(found) + 1 <= front.solves <= len(set(every_package(*pair))) + 1
    assert front.resolution == 0.0  # integer values: floors rise by exactly 1


@SETTINGS
@given(profiles())
def test_solutions_are_the_brute_force_ones(pair: tuple[InterdependentProfile, ...]) -> None:
    packages = every_package(*pair)
    welfare = max_welfare_milp(pair)
    assert welfare.exact
    assert welfare.point is not None
    assert sum(welfare.point.utilities) == max(sum(u) for u in packages)
    fair = egalitarian_milp(pair)
    assert fair.exact
    assert fair.point is not None
    assert min(fair.point.utilities) == max(min(u) for u in packages)
    nash = nash_milp(pair)
    products = [math.prod(u) for u in packages if min(u) > 0]
    if products:
        assert nash.point is not None
        assert math.prod(nash.point.utilities) == max(products)
    else:
        assert nash.point is None


@st.composite
def red_lines(
    draw: st.DrawFn, parties: tuple[InterdependentProfile, ...]
) -> tuple[dict[int, frozenset[int]], ...]:
    """0-4 boxes no package may fall in (red lines over one to every issue, one option or more
    per issue)."""
    shape = parties[0].agenda.shape
    boxes = []
    for _ in range(draw(st.integers(0, 4))):
        issues = draw(st.sets(st.sampled_from(range(len(shape))), min_size=1))
        boxes.append(
            {
                i: frozenset(draw(st.sets(st.integers(0, shape[i] - 1), min_size=1)))
                for i in sorted(issues)
            }
        )
    return tuple(boxes)


def allowed_packages(
    parties: tuple[InterdependentProfile, ...], boxes: tuple[dict[int, frozenset[int]], ...]
) -> list[tuple[float, ...]]:
    shape = parties[0].agenda.shape
    return [
        tuple(p.utility(c) for p in parties)
        for c in itertools.product(*(range(n) for n in shape))
        if not any(all(c[i] in ok for i, ok in box.items()) for box in boxes)
    ]


@SETTINGS
@given(
    st.integers(2, 3)
    .flatmap(lambda n: profiles(parties=n))
    .flatmap(lambda parties: st.tuples(st.just(parties), red_lines(parties)))
)
def test_red_lines_are_rows_of_the_program_and_match_brute_force(
    drawn: tuple[tuple[InterdependentProfile, ...], tuple[dict[int, frozenset[int]], ...]],
) -> None:
    """Red lines over several issues (forbidden boxes) are constraints of the program: the
    frontier and the solutions are those of brute force over the packages they allow."""
    parties, boxes = drawn
    allowed = allowed_packages(parties, boxes)
    front = exact_frontier(parties, forbidden=boxes)
    assert front.exact, front.status
    assert {p.utilities for p in front.points} == brute_frontier(allowed)
    for point in front.points:
        assert not any(all(point.choices[i] in ok for i, ok in b.items()) for b in boxes)
    welfare = max_welfare_milp(parties, forbidden=boxes)
    fair = egalitarian_milp(parties, forbidden=boxes)
    if not allowed:  # the red lines leave no package
        assert (welfare.point, welfare.status) == (None, "infeasible")
        assert fair.point is None
        return
    assert welfare.point is not None
    assert sum(welfare.point.utilities) == max(sum(u) for u in allowed)
    assert fair.point is not None
    assert min(fair.point.utilities) == max(min(u) for u in allowed)


def test_a_red_line_no_package_escapes_leaves_an_empty_frontier() -> None:
    agenda = Agenda((Issue.discrete("a", ["x", "y"]), Issue.discrete("b", ["p"])))
    one = InterdependentProfile.of(agenda, {"a": {"x": 1}}, [Bonus(1, {"b": ("p",)})])
    two = InterdependentProfile.of(agenda, {"a": {"y": 1}})
    front = exact_frontier((one, two), forbidden=({0: frozenset({0, 1}), 1: frozenset({0})},))
    assert (front.points, front.status, front.exact) == ((), "optimal", True)
    assert front.size is not None
    assert (front.size.red_lines, front.size.red_lines_modelled) == (1, 1)


@pytest.mark.slow
@SETTINGS
@given(st.integers(3, 4).flatmap(lambda n: profiles(parties=n)))
def test_the_frontier_of_three_or_four_parties_is_the_brute_force_one(
    parties: tuple[InterdependentProfile, ...],
) -> None:
    front = exact_frontier(parties)
    assert front.exact, front.status
    found = [p.utilities for p in front.points]
    assert set(found) == brute_frontier(every_package(*parties))
    assert len(found) == len(set(found))
    assert found == sorted(found, reverse=True)
    for point in front.points:
        assert point.utilities == tuple(p.utility(point.choices) for p in parties)


@pytest.mark.slow
@SETTINGS
@given(st.integers(3, 4).flatmap(lambda n: profiles(parties=n)))
def test_solutions_of_three_or_four_parties_are_the_brute_force_ones(
    parties: tuple[InterdependentProfile, ...],
) -> None:
    packages = every_package(*parties)
    welfare = max_welfare_milp(parties)
    assert welfare.exact
    assert welfare.point is not None
    assert sum(welfare.point.utilities) == max(sum(u) for u in packages)
    fair = egalitarian_milp(parties)
    assert fair.exact
    assert fair.point is not None
    assert min(fair.point.utilities) == max(min(u) for u in packages)
    nash = nash_milp(parties)
    products = [math.prod(u) for u in packages if min(u) > 0]
    if products:
        assert nash.point is not None
        assert math.prod(nash.point.utilities) == max(products)
    else:
        assert nash.point is None


@SETTINGS
@given(st.integers(2, 3).flatmap(lambda n: profiles(parties=n, decimal=True)))
def test_the_frontier_with_decimal_values_is_the_brute_force_one(
    parties: tuple[InterdependentProfile, ...],
) -> None:
    front = exact_frontier(parties)
    assert front.exact, front.status

    def rounded(points: set[tuple[float, ...]]) -> set[tuple[float, ...]]:
        return {tuple(round(u, 9) for u in p) for p in points}

    # two packages worth 6.3 decimally may differ by one binary unit: the resolution says
    # that either may stand for both, so brute force compares within a tolerance too
    found = {p.utilities for p in front.points}
    packages = every_package(*parties)
    assert rounded(found) == rounded(brute_frontier(packages, tol=1e-9))
    fair = egalitarian_milp(parties)
    assert fair.point is not None
    assert min(fair.point.utilities) == pytest.approx(max(min(u) for u in packages), abs=1e-9)


def test_options_no_party_would_miss_are_left_out_of_the_program() -> None:
    # 'b' is worth less than 'a' to both and no bonus asks for it; 'c' and 'd' are alike
    agenda = Agenda((Issue.discrete("x", ["a", "b", "c", "d"]), Issue.discrete("y", ["p", "q"])))
    one = InterdependentProfile.of(
        agenda, {"x": {"a": 2, "b": 1}}, [Bonus(3, {"x": ("c", "d"), "y": ("q",)})]
    )
    two = InterdependentProfile.of(agenda, {"x": {"a": 1}, "y": {"p": 1}})
    front = exact_frontier((one, two))
    assert front.size is not None
    assert (front.size.options, front.size.options_kept) == (6, 4)
    assert [p.choices for p in front.points] == [(2, 1), (0, 0)]
    assert [p.utilities for p in front.points] == [(3.0, 0.0), (2.0, 2.0)]


def test_the_solver_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    _, ukraine, russia = small()
    exact_frontier((ukraine, russia))
    assert capfd.readouterr() == ("", "")


def test_a_time_limit_is_reported_never_an_approximate_frontier() -> None:
    rng = random.Random(7)
    agenda = Agenda(tuple(Issue.discrete(f"i{k}", [str(v) for v in range(10)]) for k in range(20)))

    def party() -> InterdependentProfile:
        bonuses = []
        for _ in range(120):
            issues = rng.sample(range(20), 3)
            within = {}
            for k in sorted(issues):
                low = rng.randrange(10)
                within[f"i{k}"] = tuple(str(v) for v in range(low, rng.randrange(low, 10) + 1))
            bonuses.append(Bonus(rng.randint(1, 100), within))
        return InterdependentProfile.of(agenda, {}, bonuses)

    pair = (party(), party())
    front = exact_frontier(pair, time_limit=0.01)
    assert front.status == "time limit"
    assert not front.exact
    # a budget for the whole frontier: the first points come, then "time limit". The first
    # point takes a few solves: about 1 s alone on a slow 2-core machine, more than 5 s there
    # with the suite's other worker busy, so the budget grows until a point comes; every
    # budget must still be told as "time limit" (the whole frontier takes minutes).
    for total in (5.0, 20.0, 60.0):
        budgeted = exact_frontier(pair, total_time_limit=total)
        assert budgeted.status == "time limit"
        assert not budgeted.exact
        if budgeted.points:
            break
    assert budgeted.points
    for point in budgeted.points:
        assert point.utilities == tuple(p.utility(point.choices) for p in pair)
    utilities = [p.utilities for p in budgeted.points]
    assert brute_frontier(utilities) == set(utilities)  # none dominates another


def small() -> tuple[Agenda, InterdependentProfile, InterdependentProfile]:
    agenda = Agenda(
        (
            Issue.discrete("term", ["60", "90", "120"]),
            Issue.discrete("inspection", ["none", "joint"]),
        )
    )
    # "joint inspection is worth 4 to us only if the term is 90 days or more"
    ukraine = InterdependentProfile.of(
        agenda,
        {"term": {"60": 0, "90": 2, "120": 3}},
        [Bonus(4, {"term": ("90", "120"), "inspection": ("joint",)})],
    )
    # "a long term without joint inspection costs us 5"
    russia = InterdependentProfile.of(
        agenda,
        {"term": {"60": 6, "90": 4, "120": 1}, "inspection": {"none": 2}},
        [Bonus(-5, {"term": ("120",), "inspection": ("none",)})],
    )
    return agenda, ukraine, russia


def test_conditional_values_and_penalties_on_a_worked_example() -> None:
    _, ukraine, russia = small()
    assert ukraine.utility((1, 1)) == 6.0
    assert ukraine.utility((0, 1)) == 0.0
    assert russia.utility((2, 0)) == -2.0
    front = exact_frontier((ukraine, russia))
    assert [(p.choices, p.utilities) for p in front.points] == [
        ((2, 1), (7.0, 1.0)),
        ((1, 1), (6.0, 4.0)),
        ((1, 0), (2.0, 6.0)),
        ((0, 0), (0.0, 8.0)),
    ]
    assert nash_milp((ukraine, russia)).point == front.points[1]
    assert nash_milp((ukraine, russia), (6.0, 0.0)).point == front.points[0]


def test_welfare_and_egalitarian_take_any_number_of_parties() -> None:
    agenda, ukraine, russia = small()
    turkey = InterdependentProfile.of(agenda, {"inspection": {"joint": 3}})
    welfare = max_welfare_milp((ukraine, russia, turkey))
    assert welfare.point is not None
    assert welfare.point.utilities == (6.0, 4.0, 3.0)
    fair = egalitarian_milp((ukraine, russia, turkey))
    assert fair.point is not None
    assert min(fair.point.utilities) == 3.0


def test_a_conditional_value_is_a_bonus_on_both_sides() -> None:
    _, ukraine, _ = small()
    said = Bonus.conditional(4, when={"term": ["90", "120"]}, then={"inspection": ["joint"]})
    assert said == ukraine.bonuses[0]
    with pytest.raises(InvalidPreferences, match="both in the condition") as info:
        Bonus.conditional(1, when={"term": ["90"]}, then={"term": ["120"]})
    assert info.value.location == "then.term"


def test_bad_profiles_are_refused_with_where_and_what() -> None:
    agenda, ukraine, _ = small()
    with pytest.raises(InvalidPreferences, match="agenda lacks") as info:
        InterdependentProfile.of(agenda, {}, [Bonus(1, {"ports": ("Odesa",)})])
    assert info.value.location == "bonuses[0].within.ports"
    with pytest.raises(InvalidPreferences, match="has no option '30'") as info:
        InterdependentProfile.of(agenda, {}, [Bonus(1, {"term": ("30",)})])
    assert "'60', '90', '120'" in str(info.value.expected)
    with pytest.raises(InvalidPreferences, match="has no option 'x'"):
        InterdependentProfile.of(agenda, {"term": {"x": 1}})
    with pytest.raises(InvalidPreferences, match="agenda lacks"):
        InterdependentProfile.of(agenda, {"ports": {"x": 1}})
    with pytest.raises(InvalidPreferences, match="lists no option"):
        Bonus(1, {"term": ()})
    with pytest.raises(InvalidPreferences, match="names no issue"):
        Bonus(1, {})
    with pytest.raises(InvalidPreferences, match="not a finite number"):
        Bonus(math.inf, {"term": ("60",)})
    with pytest.raises(InvalidPreferences, match="not a finite number") as info:
        InterdependentProfile.of(agenda, {"term": {"60": math.nan}})
    assert info.value.location == "values.term.60"
    with pytest.raises(InvalidPreferences, match="bonuses"):
        InterdependentProfile.of(agenda, {}, [Bonus(1, {"term": ("60",)})] * (MAX_BONUSES + 1))
    other = InterdependentProfile.of(Agenda((Issue.discrete("term", ["60"]),)), {})
    with pytest.raises(AnalysisError, match="different agendas"):
        exact_frontier((ukraine, other))
    with pytest.raises(AnalysisError, match="two parties or more, not 1"):
        exact_frontier((ukraine,))
    with pytest.raises(AnalysisError, match="2 utilities for 3 parties"):
        nash_milp((ukraine, ukraine, ukraine), (0.0, 0.0))
    with pytest.raises(AnalysisError, match="no party"):
        max_welfare_milp(())


def test_issues_no_bonus_links_are_solved_group_by_group() -> None:
    """Bonuses that link i0-i1 and i2-i3 only, and an issue no bonus touches: three groups,
    each solved on its own and their frontiers added up; the frontier is brute force's."""
    rng = random.Random(7)
    agenda = Agenda(tuple(Issue.discrete(f"i{k}", [f"o{o}" for o in range(4)]) for k in range(5)))

    def party() -> InterdependentProfile:
        values = {f"i{k}": {f"o{o}": rng.randint(0, 5) for o in range(4)} for k in range(5)}
        bonuses = [
            Bonus(rng.randint(-3, 8), {a: (f"o{rng.randrange(4)}",), b: ("o0", "o1")})
            for a, b in [("i0", "i1"), ("i2", "i3"), ("i1", "i0"), ("i3", "i2")]
        ]
        return InterdependentProfile.of(agenda, values, bonuses)

    pair = (party(), party())
    front = exact_frontier(pair)
    assert front.exact
    assert front.size is not None
    assert front.size.blocks == 3
    assert {p.utilities for p in front.points} == brute_frontier(every_package(*pair))
    for point in front.points:
        assert point.utilities == tuple(p.utility(point.choices) for p in pair)
    # a red line over i1 and i2 links the two groups
    linked = exact_frontier(pair, forbidden=({1: frozenset({0}), 2: frozenset({1})},))
    assert linked.size is not None
    assert linked.size.blocks == 2  # i0-i3 together, i4 alone
