"""A party's bonuses and interactions together: at most MAX_BONUSES, refused where they are
given (the API, its preview, the preferences page) and, for preferences stored before the API
checked it, refused by name when analysed, while the party's page still opens.

Before: the API recorded 2,000 bonuses and an interaction (201) and only the analysis refused
them, saying "bonuses: 2001 bonuses, each interaction counted as one" without the party; the
party's own preferences page answered 422 "Please check" and could not be opened at all.
"""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup
from tests.service.world import World, food_preferences

from gobetween.model import MAX_BONUSES
from gobetween.store import tables as t

WORDS = "2001 bonuses and interactions together (bonuses: 2000, interactions: 1)"
EXPECTED = "at most 2000 bonuses and interactions together"
UK_WORDS = "бонусів і взаємодій разом: 2001 (бонусів: 2000, взаємодій: 1)"


def _crowded() -> dict[str, Any]:
    """2,000 bonuses (the most the API takes of them alone) and one interaction."""
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


def _stored(world: World, party: str, body: dict[str, Any]) -> None:
    """``body`` stored as the party's preferences, as a version recorded before the check."""
    with world.services.db.unit_of_work() as session:
        session.add(
            t.PreferenceVersion(
                track_id=world.tracks["food"],
                party_id=world.orgs[party],
                version=1,
                body=body,
                author_id=world.users["ua"],
            )
        )


def test_the_api_refuses_them_at_input_naming_the_field(world: World) -> None:
    food = world.tracks["food"]
    r = world.put("ua", f"/api/tracks/{food}/preferences", json=_crowded())
    assert r.status_code == 422, r.text
    problem = r.json()
    assert problem["errors"] == [
        {"location": "preferences.bonuses", "message": WORDS, "expected": EXPECTED}
    ]
    assert problem["detail"] == f"preferences, bonuses: {WORDS} (expected {EXPECTED})"
    assert world.get("ua", f"/api/tracks/{food}/preferences").json() == []
    said = world.put(
        "ua", f"/api/tracks/{food}/preferences", json=_crowded(), headers={"Accept-Language": "uk"}
    )
    assert said.status_code == 422
    assert said.json()["errors"][0]["message"] == UK_WORDS
    at_limit = _crowded()
    at_limit["bonuses"] = at_limit["bonuses"][1:]
    assert world.put("ua", f"/api/tracks/{food}/preferences", json=at_limit).status_code == 201


def test_the_preview_refuses_a_draft_past_the_limit(world: World) -> None:
    food, ua = world.tracks["food"], world.orgs["Ukraine"]
    url = f"/api/tracks/{food}/parties/{ua}/preferences/preview"
    r = world.post("ua", url, json={"preferences": _crowded()})
    assert r.status_code == 422, r.text
    assert r.json()["errors"] == [
        {"location": "preferences.bonuses", "message": WORDS, "expected": EXPECTED}
    ]


def test_stored_preferences_past_the_limit_are_kept_and_the_analysis_names_the_party(
    world: World,
) -> None:
    food = world.tracks["food"]
    _stored(world, "Ukraine", _crowded())
    kept = world.get("ua", f"/api/tracks/{food}/preferences")
    assert kept.status_code == 200
    assert len(kept.json()[0]["preferences"]["bonuses"]) == MAX_BONUSES
    r = world.put("ru", f"/api/tracks/{food}/preferences", json=food_preferences("ru"))
    assert r.status_code == 201, r.text
    r = world.get("un", f"/api/tracks/{food}/analysis")
    assert r.status_code == 422, r.text
    assert r.json()["errors"] == [
        {"location": "parties.Ukraine.bonuses", "message": WORDS, "expected": EXPECTED}
    ]
    page = world.get("un", f"/tracks/{food}/analysis")
    assert page.status_code == 422
    problem = BeautifulSoup(page.text, "html.parser").select_one("main .problem")
    assert problem is not None
    assert f"parties.Ukraine.bonuses: {WORDS}" in problem.get_text()


def test_the_party_still_opens_its_page_and_is_told_at_the_rules(world: World) -> None:
    food = world.tracks["food"]
    _stored(world, "Ukraine", _crowded())
    page = world.get("ua", f"/tracks/{food}/preferences", headers={"Accept-Language": "uk"})
    assert page.status_code == 200, page.text
    soup = BeautifulSoup(page.text, "html.parser")
    rules = soup.select_one("#rules-error")
    assert rules is not None
    assert UK_WORDS in rules.get_text()
    assert soup.select_one("#rules #rules-error") is not None
    preview = soup.select_one("#preview")
    assert preview is not None
    assert UK_WORDS in preview.get_text()
    form = {
        inp["name"]: inp.get("value", "")
        for inp in soup.select("#prefs-form input[name]")
        if inp.get("type") not in ("checkbox",) or inp.has_attr("checked")
    }
    saved = world.post("ua", f"/tracks/{food}/preferences", data=form)
    assert saved.status_code == 422, saved.text
    again = BeautifulSoup(saved.text, "html.parser").select_one("#rules-error")
    assert again is not None
    assert WORDS in again.get_text()
    versions = world.get("ua", f"/api/tracks/{food}/preferences").json()
    assert [v["version"] for v in versions] == [1]
