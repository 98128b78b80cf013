"""Stored agendas and preferences read back: a value of the wrong shape is refused as the
model's error at ``agenda`` or ``preferences`` (naming the Python error, its chain cut); the
model's own refusals (duplicate options, a negative weight) pass unchanged, at their place."""

from __future__ import annotations

from typing import Any

import pytest

from gobetween.errors import InvalidAgenda, InvalidModel, InvalidPreferences
from gobetween.store.codec import agenda_from_json, preferences_from_json

ONE_ISSUE: dict[str, Any] = {"issues": [{"name": "x", "options": [{"name": "o"}]}]}
ONE_RATING: dict[str, Any] = {"weights": {"a": 1}, "ratings": {"a": {"x": 1}}}


@pytest.mark.parametrize(
    ("data", "said"),
    [
        ({"name": "a"}, "agenda: malformed agenda: 'issues'"),
        ({"issues": 5}, "agenda: malformed agenda: 'int' object is not iterable"),
        (
            {"issues": [{**ONE_ISSUE["issues"][0], "kind": "nope"}]},
            "agenda: malformed agenda: 'nope' is not a valid IssueKind",
        ),
    ],
)
def test_a_malformed_agenda_is_refused_at_agenda(data: dict[str, Any], said: str) -> None:
    with pytest.raises(InvalidAgenda) as caught:
        agenda_from_json(data)
    assert str(caught.value) == said
    assert caught.value.location == "agenda"
    assert caught.value.__suppress_context__


@pytest.mark.parametrize(
    ("data", "said"),
    [
        ({"ratings": {}}, "preferences: malformed preferences: 'weights'"),
        ({**ONE_RATING, "scale": {"low": 0}}, "preferences: malformed preferences: 'high'"),
        (
            {**ONE_RATING, "red_lines": [[{"issue": "a"}]]},
            "preferences: malformed preferences: 'option'",
        ),
    ],
)
def test_malformed_preferences_are_refused_at_preferences(data: dict[str, Any], said: str) -> None:
    with pytest.raises(InvalidPreferences) as caught:
        preferences_from_json(data)
    assert str(caught.value) == said
    assert caught.value.location == "preferences"
    assert caught.value.__suppress_context__


def test_the_models_own_refusals_pass_unchanged() -> None:
    twice = {"issues": [{"name": "x", "options": [{"name": "o"}, {"name": "o"}]}]}
    with pytest.raises(InvalidAgenda) as agenda:
        agenda_from_json(twice)
    assert agenda.value.location == "options[1]"
    assert "malformed" not in str(agenda.value)
    with pytest.raises(InvalidModel) as prefs:
        preferences_from_json({**ONE_RATING, "weights": {"a": -1}})
    assert type(prefs.value) is InvalidPreferences
    assert prefs.value.location == "weights.a"
    assert str(prefs.value).startswith("weights.a: weight of issue 'a' is negative")
