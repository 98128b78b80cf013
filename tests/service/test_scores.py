"""Scores of packages (preview, text versions, drafted package): the numbers are the model's
:meth:`Preferences.utility`, and each party scores only with its own preferences."""

from __future__ import annotations

from typing import Any

import pytest
from tests.service.world import World, food_agenda, food_preferences

from gobetween.model import Package, Preferences
from gobetween.store.codec import preferences_from_json

AGENDA = food_agenda()
VERSIONS = (
    {"ports": "Odesa", "inspection": "Istanbul JCC", "term": "60"},
    {"ports": "Odesa+Chornomorsk", "inspection": "Istanbul JCC", "term": "120"},
    {"ports": "three ports", "inspection": "none", "term": "180"},
)
DRAFT = {"ports": "Odesa+Chornomorsk", "inspection": "at sea", "term": "120"}


def _prefs(favour: str) -> Preferences:
    return preferences_from_json(food_preferences(favour))


def _package(options: dict[str, str]) -> Package:
    return AGENDA.package(options)


def _record(world: World, *who: str) -> None:
    food = world.tracks["food"]
    for party in who:
        r = world.put(party, f"/api/tracks/{food}/preferences", json=food_preferences(party))
        assert r.status_code == 201, r.text


def _publish(world: World, count: int) -> None:
    food = world.tracks["food"]
    for package in VERSIONS[:count]:
        r = world.post("un", f"/api/tracks/{food}/text/versions", json={"package": package})
        assert r.status_code == 201, r.text


def _preview_url(world: World, party: str) -> str:
    return f"/api/tracks/{world.tracks['food']}/parties/{world.orgs[party]}/preferences/preview"


def _check_scored(rows: list[dict[str, Any]], prefs: Preferences) -> None:
    for row in rows:
        package = _package(row["package"])
        assert row["utility"] == pytest.approx(prefs.utility(package), abs=1e-12)
        assert row["crosses_red_line"] is not prefs.accepts(package)
        assert row["below_reservation"] is (prefs.utility(package) < prefs.reservation)


def test_preview_scores_the_recorded_preferences_like_the_model(world: World) -> None:
    _record(world, "ua")
    _publish(world, 3)
    r = world.post("ua", _preview_url(world, "Ukraine"))
    assert r.status_code == 200, r.text
    body = r.json()
    prefs = _prefs("ua")
    assert (body["draft"], body["version"], body["reservation"]) == (False, 1, prefs.reservation)
    kinds = [(row["kind"], row["version"]) for row in body["packages"]]
    assert kinds == [("best", None), ("middle", None), ("worst", None), ("text", 2), ("text", 3)]
    _check_scored(body["packages"], prefs)
    best, _, worst = body["packages"][:3]
    assert best["utility"] == pytest.approx(max(prefs.utility(p) for p in _within(prefs)))
    assert worst["utility"] == pytest.approx(min(prefs.utility(p) for p in _within(prefs)))


def _within(prefs: Preferences) -> list[Package]:
    """Every package whose options are none of them a red line on its own (brute force)."""
    forbidden = prefs.forbidden_options()
    out = []
    for ports in AGENDA.issue("ports").option_names:
        for inspection in AGENDA.issue("inspection").option_names:
            for term in AGENDA.issue("term").option_names:
                options = {"ports": ports, "inspection": inspection, "term": term}
                if not set(options.items()) & forbidden:
                    out.append(_package(options))
    return out


def test_preview_of_a_draft_stores_nothing(world: World) -> None:
    _record(world, "ua")
    draft = food_preferences("ru")  # Ukraine tries what Russia's ratings would give
    r = world.post("ua", _preview_url(world, "Ukraine"), json={"preferences": draft})
    assert r.status_code == 200, r.text
    assert (r.json()["draft"], r.json()["version"]) == (True, None)
    _check_scored(r.json()["packages"], _prefs("ru"))
    history = world.get(
        "ua", f"/api/tracks/{world.tracks['food']}/parties/{world.orgs['Ukraine']}/preferences"
    ).json()
    assert [h["version"] for h in history] == [1]


def test_preview_without_a_draft_or_a_record_is_a_conflict(world: World) -> None:
    r = world.post("ua", _preview_url(world, "Ukraine"), json={})
    assert r.status_code == 409
    assert r.headers["content-type"].startswith("application/problem+json")


def test_a_bad_draft_is_a_problem_naming_the_field(world: World) -> None:
    draft = food_preferences("ua")
    del draft["ratings"]["ports"]["Odesa"]
    r = world.post("ua", _preview_url(world, "Ukraine"), json={"preferences": draft})
    assert r.status_code == 422
    assert r.json()["errors"][0]["location"] == "preferences.ratings.ports.Odesa"
    draft = food_preferences("ua") | {"reservation": "high"}
    r = world.post("ua", _preview_url(world, "Ukraine"), json={"preferences": draft})
    assert r.status_code == 422
    assert r.json()["errors"][0]["location"] == "body.preferences.reservation"


def test_a_party_scores_only_with_its_own_preferences(world: World) -> None:
    _record(world, "ua", "ru")
    food = world.tracks["food"]
    missing = f"/api/tracks/{food}/parties/2000000000/preferences/preview"
    for body in (None, {"preferences": food_preferences("ua")}):
        theirs = world.post("ua", _preview_url(world, "Russian Federation"), json=body)
        nobody = world.post("ua", missing, json=body)
        assert theirs.status_code == nobody.status_code == 404
        assert theirs.json()["detail"] == nobody.json()["detail"]
    for who in ("obs", "admin", "icrc", "outsider"):
        assert world.post(who, _preview_url(world, "Ukraine")).status_code == 404, who
    mediator = world.post("un", _preview_url(world, "Russian Federation"))
    assert mediator.status_code == 200
    _check_scored(mediator.json()["packages"], _prefs("ru"))


def test_text_scores_are_every_partys_utility_of_every_version(world: World) -> None:
    _record(world, "ua", "ru")
    _publish(world, 2)
    r = world.get("un", f"/api/tracks/{world.tracks['food']}/text/scores")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["missing"] == []
    assert [v["number"] for v in body["versions"]] == [1, 2]
    for version in body["versions"]:
        package = _package(version["package"])
        assert version["package"] == VERSIONS[version["number"] - 1]
        assert {s["party"] for s in version["scores"]} == {"Ukraine", "Russian Federation"}
        for score in version["scores"]:
            prefs = _prefs("ua" if score["party"] == "Ukraine" else "ru")
            assert score["utility"] == pytest.approx(prefs.utility(package), abs=1e-12)
            assert score["reservation"] == prefs.reservation
            assert score["crosses_red_line"] is not prefs.accepts(package)
            assert score["version"] == 1


def test_package_scores_and_who_has_no_preferences_yet(world: World) -> None:
    _record(world, "ua")
    url = f"/api/tracks/{world.tracks['food']}/scores"
    r = world.post("un", url, json={"package": DRAFT})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["missing"] == [
        {"party_id": world.orgs["Russian Federation"], "party": "Russian Federation"}
    ]
    [ua] = body["scores"]
    prefs = _prefs("ua")
    assert ua["party_id"] == world.orgs["Ukraine"]
    assert ua["utility"] == pytest.approx(prefs.utility(_package(DRAFT)), abs=1e-12)
    assert ua["crosses_red_line"] is True  # "at sea" is Ukraine's red line
    assert ua["below_reservation"] is (ua["utility"] < prefs.reservation)


def test_a_package_off_the_agenda_is_a_problem_naming_the_field(world: World) -> None:
    url = f"/api/tracks/{world.tracks['food']}/scores"
    r = world.post("un", url, json={"package": {**DRAFT, "ports": "Mariupol"}})
    assert r.status_code == 422
    assert r.json()["errors"][0]["location"].startswith("package")
    assert world.post("un", url, json={}).json()["errors"][0]["location"] == "body.package"


@pytest.mark.parametrize("who", ["ua", "ru", "obs", "admin", "icrc", "outsider"])
def test_only_the_mediators_see_every_partys_scores(world: World, who: str) -> None:
    _record(world, "ua", "ru")
    _publish(world, 1)
    food = world.tracks["food"]
    for method, path, kwargs in (
        ("GET", f"/api/tracks/{food}/text/scores", {}),
        ("POST", f"/api/tracks/{food}/scores", {"json": {"package": DRAFT}}),
    ):
        real = world.request(who, method, path, **kwargs)
        missing = world.request(who, method, path.replace(str(food), "2000000000"), **kwargs)
        assert real.status_code == missing.status_code == 404, (who, path, real.text)
    assert world.get("tr", f"/api/tracks/{food}/text/scores").status_code == 200
