"""Every kind of preferences refuses what is not a finite number (a bool included) in its own
words, and a rating for an option the issue lacks names the issue's options: one rule
(:mod:`gobetween.model.numbers`, :meth:`Issue.unknown_option`) behind each refusal."""

from __future__ import annotations

import math

import pytest

from gobetween.analysis.interdependent import InterdependentProfile
from gobetween.errors import InvalidPreferences
from gobetween.model import Agenda, Bonus, Issue, Preferences


@pytest.fixture
def agenda() -> Agenda:
    return Agenda((Issue.discrete("a", ["x", "y"]),))


@pytest.mark.parametrize("bad", [True, math.nan, math.inf, "1"])
def test_a_bonus_that_is_not_a_finite_number_is_refused_in_its_words(bad: object) -> None:
    with pytest.raises(InvalidPreferences) as info:
        Bonus(bad, {"a": ("x",)})  # type: ignore[arg-type]  # what a file could hold
    assert (info.value.location, info.value.template, info.value.expected) == (
        "value",
        "the bonus is %(value)r, not a finite number",
        "a finite number (negative for a penalty)",
    )
    assert info.value.params == {"value": bad}


@pytest.mark.parametrize("bad", [False, math.nan, None])
def test_a_profile_value_that_is_not_a_finite_number_is_refused(
    agenda: Agenda, bad: object
) -> None:
    with pytest.raises(InvalidPreferences) as info:
        InterdependentProfile.of(agenda, {"a": {"x": bad}})  # type: ignore[dict-item]
    assert (info.value.location, info.value.template, info.value.expected) == (
        "values.a.x",
        "%(value)r is not a finite number",
        "a finite number",
    )


def test_a_weight_that_is_a_bool_is_refused_naming_the_weight() -> None:
    with pytest.raises(InvalidPreferences) as info:
        Preferences({"a": True}, {"a": {"x": 1, "y": 0}})  # type: ignore[dict-item]
    assert info.value.location == "weights.a"
    assert str(info.value).startswith("weights.a: weight of 'a' must be a finite number, got True")


def test_a_rating_for_an_option_the_issue_lacks_lists_the_issue_s_options(agenda: Agenda) -> None:
    prefs = Preferences({"a": 1}, {"a": {"x": 1, "y": 0, "z": 0.5}})
    with pytest.raises(InvalidPreferences) as info:
        prefs.validate(agenda)
    assert str(info.value) == (
        "ratings.a.z: rating given for option 'z', which issue 'a' lacks (expected one of 'x', 'y')"
    )
