"""A track whose preferences carry bonuses: recorded through the API, analysed exactly by the
solver (the answer says so), on the JSON twin, the page and the improvements."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from bs4 import BeautifulSoup
from tests.oracles import brute_frontier
from tests.service.world import World, food_agenda, food_preferences

from gobetween.model import Package, Scenario
from gobetween.store.codec import preferences_from_json


def _with_bonuses(favour: str) -> dict[str, Any]:
    body = food_preferences(favour)
    if favour == "ua":  # "joint inspection at Istanbul is worth more if the term is long"
        body["bonuses"] = [
            {"when": {"inspection": ["Istanbul JCC"], "term": ["120", "180"]}, "bonus": 0.2}
        ]
    else:  # "three ports without inspection at sea cost us"
        body["bonuses"] = [
            {
                "when": {"ports": ["three ports"], "inspection": ["Istanbul JCC", "none"]},
                "bonus": -0.15,
            }
        ]
    return body


def test_a_track_with_bonuses_is_analysed_exactly_and_says_so(world: World) -> None:
    food = world.tracks["food"]
    for party in ("ua", "ru"):
        r = world.put(party, f"/api/tracks/{food}/preferences", json=_with_bonuses(party))
        assert r.status_code == 201, r.text
        assert r.json()["preferences"]["bonuses"] == _with_bonuses(party)["bonuses"]
    r = world.get("un", f"/api/tracks/{food}/analysis")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["method"] == "milp"
    assert body["status"] == "optimal"
    assert body["exact"] is True
    assert body["ties_counted"] is False
    scenario = Scenario(
        food_agenda(),
        {
            p: preferences_from_json(_with_bonuses(k))
            for p, k in zip(body["parties"], ("ua", "ru"), strict=True)
        },
    )
    oracle = brute_frontier(scenario)
    found = [tuple(point["utilities"].values()) for point in body["frontier"]]
    assert len(found) == len(oracle)
    for got, want in zip(found, oracle, strict=True):
        assert got == pytest.approx(want.utilities, abs=1e-9)
    worst = {"ports": "Odesa", "inspection": "Istanbul JCC", "term": "60"}
    r = world.post("un", f"/api/tracks/{food}/analysis/improve", json={"package": worst})
    assert r.status_code == 200, r.text
    assert r.json()["exact"] is True


def test_malformed_bonuses_are_refused_with_their_place(world: World) -> None:
    food = world.tracks["food"]
    unknown = {**food_preferences("ua"), "bonuses": [{"when": {"term": ["90"]}, "bonus": 0.1}]}
    r = world.put("ua", f"/api/tracks/{food}/preferences", json=unknown)
    assert r.status_code == 422
    assert "90" in r.text
    assert "bonuses[0]" in r.text
    empty = {**food_preferences("ua"), "bonuses": [{"when": {"term": []}, "bonus": 0.1}]}
    assert world.put("ua", f"/api/tracks/{food}/preferences", json=empty).status_code == 422
    many = [{"when": {"term": ["60"]}, "bonus": 0.001}] * 2001
    too_many = {**food_preferences("ua"), "bonuses": many}
    assert world.put("ua", f"/api/tracks/{food}/preferences", json=too_many).status_code in {
        413,
        422,
    }


def test_the_analysis_page_shows_the_solver_status(world: World) -> None:
    food = world.tracks["food"]
    for party in ("ua", "ru"):
        world.put(party, f"/api/tracks/{food}/preferences", json=_with_bonuses(party))
    page = world.get("un", f"/tracks/{food}/analysis")
    assert page.status_code == 200, page.text
    status = BeautifulSoup(page.text, "html.parser").select_one("#solver-status")
    assert status is not None
    assert "Exact" in status.get_text()
    assert "proved every point optimal" in status.get_text()


def test_the_preview_finds_the_best_and_worst_package_with_the_bonuses(world: World) -> None:
    """With bonuses the best package is not the best option of each issue: the preview asks
    the solver, and its best and worst are the brute-force ones (within single red lines)."""
    food = world.tracks["food"]
    body = food_preferences("ua")
    # a large bonus for a package whose options are each far from the party's favourite
    body["bonuses"] = [
        {"when": {"ports": ["Odesa"], "inspection": ["Istanbul JCC"], "term": ["60"]}, "bonus": 0.9}
    ]
    url = f"/api/tracks/{food}/parties/{world.orgs['Ukraine']}/preferences/preview"
    r = world.post("ua", url, json={"preferences": body})
    assert r.status_code == 200, r.text
    best, _middle, worst = r.json()["packages"][:3]
    prefs = preferences_from_json(body)
    agenda = food_agenda()
    allowed = [
        Package(agenda, choices)
        for choices in itertools.product(*(range(n) for n in agenda.shape))
        if not any(
            pair in prefs.forbidden_options() for pair in Package(agenda, choices).options.items()
        )
    ]
    assert best["package"] == {"ports": "Odesa", "inspection": "Istanbul JCC", "term": "60"}
    assert best["utility"] == pytest.approx(max(prefs.utility(p) for p in allowed))
    assert worst["utility"] == pytest.approx(min(prefs.utility(p) for p in allowed))
