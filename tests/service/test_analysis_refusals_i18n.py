"""A track's analysis refused by the exact solver is said in the reader's language: a party's
2,000 bonuses and an interaction are 2,001 bonuses for the solver. The API now refuses them
when they are recorded (tests/service/test_bonus_limit.py); preferences stored before that are
refused by name when analysed (it was said in English whatever the reader's language, "2001
bonuses", without the party)."""

from __future__ import annotations

from tests.service.test_bonus_limit import _crowded, _stored
from tests.service.world import World, food_preferences


def test_the_solvers_bonus_count_is_refused_in_ukrainian(world: World) -> None:
    food = world.tracks["food"]
    _stored(world, "Ukraine", _crowded())
    r = world.put("ru", f"/api/tracks/{food}/preferences", json=food_preferences("ru"))
    assert r.status_code == 201, r.text
    english = world.get("un", f"/api/tracks/{food}/analysis")
    assert english.status_code == 422, english.text
    assert english.json()["detail"] == (
        "parties.Ukraine.bonuses: 2001 bonuses and interactions together (bonuses: 2000, "
        "interactions: 1) (expected at most 2000 bonuses and interactions together)"
    )
    r = world.get("un", f"/api/tracks/{food}/analysis", headers={"Accept-Language": "uk"})
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == (
        "parties.Ukraine.bonuses: бонусів і взаємодій разом: 2001 (бонусів: 2000, "
        "взаємодій: 1) (очікувалося: щонайбільше 2000 бонусів і взаємодій разом)"
    )
