"""Bonuses in the model: validation against the agenda, the bound, and their part of utility."""

from __future__ import annotations

import itertools

import pytest

from gobetween.analysis.interdependent import InterdependentProfile
from gobetween.errors import InvalidPreferences
from gobetween.model import (
    MAX_BONUSES,
    Agenda,
    Bonus,
    Interaction,
    Issue,
    Package,
    Preferences,
    Scenario,
)

AGENDA = Agenda(
    (
        Issue.discrete("term", ["60", "120", "180"]),
        Issue.discrete("inspection", ["none", "joint"]),
        Issue.discrete("ports", ["Odesa", "Pivdennyi"]),
    )
)
RATINGS = {
    "term": {"60": 0, "120": 0.5, "180": 1},
    "inspection": {"none": 1, "joint": 0},
    "ports": {"Odesa": 0, "Pivdennyi": 1},
}


def _prefs(*bonuses: Bonus, **extra: object) -> Preferences:
    return Preferences({"term": 2, "inspection": 1, "ports": 1}, RATINGS, bonuses=bonuses, **extra)  # type: ignore[arg-type]  # extra keywords are Preferences fields


def test_a_bonus_adds_its_value_exactly_inside_its_box() -> None:
    bonus = Bonus.conditional(0.25, when={"term": ["120", "180"]}, then={"inspection": ["joint"]})
    penalty = Bonus(-0.1, {"ports": ("Odesa",)})
    with_bonuses = _prefs(bonus, penalty)
    plain = _prefs()
    with_bonuses.validate(AGENDA)
    assert not with_bonuses.is_additive
    assert plain.is_additive
    for choices in itertools.product(*(range(n) for n in AGENDA.shape)):
        package = Package(AGENDA, choices)
        options = package.options
        expected = plain.utility(package)
        if options["term"] in ("120", "180") and options["inspection"] == "joint":
            expected += 0.25
        if options["ports"] == "Odesa":
            expected -= 0.1
        assert with_bonuses.utility(package) == pytest.approx(expected, abs=1e-12)


def test_the_profile_for_the_solver_scores_like_the_preferences() -> None:
    prefs = _prefs(
        Bonus(0.3, {"term": ("180",), "ports": ("Odesa", "Pivdennyi")}),
        interactions=(Interaction(frozenset({("inspection", "joint"), ("ports", "Odesa")}), 0.2),),
    )
    profile = InterdependentProfile.from_preferences(AGENDA, prefs)
    for choices in itertools.product(*(range(n) for n in AGENDA.shape)):
        package = Package(AGENDA, choices)
        assert profile.utility(choices) == pytest.approx(prefs.utility(package), abs=1e-12)


@pytest.mark.parametrize(
    ("bonus", "where", "words"),
    [
        (Bonus(0.1, {"length": ("60",)}), "bonuses[0].within.length", "agenda lacks"),
        (Bonus(0.1, {"term": ("90",)}), "bonuses[0].within.term", "has no option '90'"),
    ],
)
def test_a_bonus_off_the_agenda_is_refused_with_its_place(
    bonus: Bonus, where: str, words: str
) -> None:
    with pytest.raises(InvalidPreferences) as caught:
        _prefs(bonus).validate(AGENDA)
    assert caught.value.location == where
    assert words in caught.value.message
    with pytest.raises(InvalidPreferences):
        Scenario(AGENDA, {"A": _prefs(bonus), "B": _prefs()})


@pytest.mark.parametrize(
    ("value", "within"),
    [
        (float("nan"), {"term": ("60",)}),
        (True, {"term": ("60",)}),
        (0.1, {}),
        (0.1, {"term": ()}),
        (0.1, {"term": "60"}),
    ],
)
def test_malformed_bonuses_are_refused(value: float, within: dict[str, tuple[str, ...]]) -> None:
    with pytest.raises(InvalidPreferences):
        Bonus(value, within)


def test_the_number_of_bonuses_is_bounded() -> None:
    one = Bonus(0.001, {"term": ("60",)})
    assert len(_prefs(*[one] * MAX_BONUSES).bonuses) == MAX_BONUSES
    with pytest.raises(InvalidPreferences) as caught:
        _prefs(*[one] * (MAX_BONUSES + 1))
    assert caught.value.location == "bonuses"


def test_bonuses_compare_and_hash_by_content() -> None:
    a = Bonus(0.2, {"term": ["120", "120", "180"], "ports": ["Odesa"]})
    b = Bonus(0.2, {"term": ("120", "180"), "ports": ("Odesa",)})
    assert a == b
    assert hash(a) == hash(b)
    assert hash(_prefs(a)) == hash(_prefs(b))
    assert _prefs(a) == _prefs(b)
