"""Preferences whose numbers overflow when combined are refused naming the field, not stored:
weights summing past the largest float, a rating scale spanning past it (each made every
weight, or every rating, normalise to 0: the party silently indifferent to everything)."""

from __future__ import annotations

import copy

import pytest
from tests.service.world import World, food_preferences

from gobetween.errors import InvalidPreferences
from gobetween.model import Preferences, RatingScale


def test_weights_summing_past_a_float_are_refused_naming_the_weights(world: World) -> None:
    food = world.tracks["food"]
    body = copy.deepcopy(food_preferences("ua"))
    body["weights"] = {"ports": 1e308, "inspection": 1e308, "term": 1e308}
    r = world.put("ua", f"/api/tracks/{food}/preferences", json=body)
    # before: 201, and every package was worth 0 to Ukraine
    assert r.status_code == 422, r.text
    problem = r.json()
    assert problem["errors"][0]["location"].endswith("weights")
    assert "more than a number can hold" in problem["detail"]
    stored = world.get("ua", f"/api/tracks/{food}/preferences").json()
    assert "1e+308" not in str(stored)


def test_a_scale_spanning_past_a_float_is_refused_in_the_readers_language(world: World) -> None:
    food = world.tracks["food"]
    body = copy.deepcopy(food_preferences("ua"))
    body["scale"] = {"low": -1e308, "high": 1e308}
    r = world.put(
        "ua", f"/api/tracks/{food}/preferences", json=body, headers={"Accept-Language": "uk"}
    )
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["location"].endswith("scale")
    assert "більше, ніж уміщує число" in r.json()["detail"]


def test_the_model_refuses_both_and_keeps_tiny_weights() -> None:
    ratings = {"a": {"x": 0, "y": 10}}
    with pytest.raises(InvalidPreferences, match="weights"):
        Preferences(weights={"a": 1e308, "b": 1e308}, ratings=ratings)
    with pytest.raises(InvalidPreferences, match="scale"):
        RatingScale(-1e308, 1e308)
    tiny = Preferences(weights={"a": 1e-320}, ratings=ratings, scale=RatingScale(0, 10))
    assert tiny.weights["a"] == 1e-320


@pytest.mark.parametrize("bad", [1e308, 1.5, -0.1])
def test_a_reservation_off_the_utility_scale_is_refused_not_stored(
    world: World, bad: float
) -> None:
    """``"reservation": 1e308`` was stored (201): the page then showed the slider at 50 and an
    empty box, and the analysis found no zone of agreement. A reservation is a utility: 0 to 1."""
    food = world.tracks["food"]
    url = f"/api/tracks/{food}/preferences"
    before = world.get("ua", url).json()
    body = copy.deepcopy(food_preferences("ua"))
    body["reservation"] = bad
    r = world.put("ua", url, json=body)
    assert r.status_code == 422, r.text
    problem = r.json()
    assert problem["errors"][0]["location"].endswith("reservation")
    assert "from 0 to 1" in problem["detail"], problem
    assert world.get("ua", url).json() == before


def test_the_model_refuses_a_reservation_off_the_scale_and_keeps_its_ends() -> None:
    ratings = {"a": {"x": 0, "y": 10}}
    scale = RatingScale(0, 10)
    for bad in (1e308, 1.0000001, -1e-9):
        with pytest.raises(InvalidPreferences) as info:
            Preferences(weights={"a": 1}, ratings=ratings, scale=scale, reservation=bad)
        assert info.value.location == "reservation"
    for good in (0, 0.4, 1):
        assert Preferences(weights={"a": 1}, ratings=ratings, scale=scale, reservation=good)
