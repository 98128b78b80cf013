"""A track's analysis refused by the exact solver is said in the reader's language: a party's
2,000 bonuses (the most the API takes) and an interaction are 2,001 bonuses for the solver
(it was said in English whatever the reader's language, "2001 bonuses")."""

from __future__ import annotations

from typing import Any

from tests.service.world import World, food_preferences

from gobetween.model import MAX_BONUSES


def _crowded() -> dict[str, Any]:
    body = food_preferences("ua")
    body["bonuses"] = [{"when": {"term": ["60"]}, "bonus": 0.001}] * MAX_BONUSES
    body["interactions"] = [
        {
            "pairs": [
                {"issue": "ports", "option": "three ports"},
                {"issue": "term", "option": "180"},
            ],
            "bonus": 0.1,
        }
    ]
    return body


def test_the_solvers_bonus_count_is_refused_in_ukrainian(world: World) -> None:
    food = world.tracks["food"]
    r = world.put("ua", f"/api/tracks/{food}/preferences", json=_crowded())
    assert r.status_code == 201, r.text
    r = world.put("ru", f"/api/tracks/{food}/preferences", json=food_preferences("ru"))
    assert r.status_code == 201, r.text
    english = world.get("un", f"/api/tracks/{food}/analysis")
    assert english.status_code == 422, english.text
    assert english.json()["detail"] == (
        "bonuses: 2001 bonuses, each interaction counted as one (expected at most 2000)"
    )
    r = world.get("un", f"/api/tracks/{food}/analysis", headers={"Accept-Language": "uk"})
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == (
        "bonuses: бонусів (кожна взаємодія рахується як один бонус): 2001 "
        "(очікувалося: щонайбільше 2000)"
    )
