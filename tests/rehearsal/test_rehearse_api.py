"""Rehearse this draft: mediators see how each party's simulated delegation would answer, article
by article; to a party or an observer a rehearsal is 404 like a draft or version that does not
exist, and rehearsing changes nothing a party can read."""

from __future__ import annotations

import re
from typing import Any

import pytest
from tests.service.world import World, food_preferences

PACKAGE = {"ports": "Odesa", "inspection": "Istanbul JCC", "term": "60"}
MISSING = 2_000_000_000


def _draft(world: World, package: dict[str, str]) -> int:
    food = world.tracks["food"]
    made = world.post("un", f"/api/tracks/{food}/text/drafts", json={"package": package})
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def _record(world: World, *who: str) -> None:
    food = world.tracks["food"]
    for party in who:
        done = world.put(party, f"/api/tracks/{food}/preferences", json=food_preferences(party))
        assert done.status_code in (200, 201), done.text


def _stances(result: dict[str, Any], party: str) -> dict[str, tuple[str, str]]:
    [mine] = [p for p in result["parties"] if p["party"] == party]
    return {a["issue"]: (a["stance"], a["reason"]) for a in mine["articles"] if a["issue"]}


def test_the_mediator_sees_each_delegation_answer_article_by_article(world: World) -> None:
    _record(world, "ua", "ru")
    draft = _draft(world, PACKAGE)
    food = world.tracks["food"]
    got = world.get("un", f"/api/tracks/{food}/text/drafts/{draft}/rehearsal")
    assert got.status_code == 200, got.text
    result = got.json()
    assert result["draft"] == draft
    assert result["without_preferences"] == []
    by_party = {p["party"]: p for p in result["parties"]}
    # Ukraine: (5*0 + 3*.7 + 2*.2) / 10 = .25, below its .3: it names where it loses most
    assert by_party["Ukraine"]["accepts"] is False
    assert by_party["Ukraine"]["utility"] == pytest.approx(0.25)
    assert _stances(result, "Ukraine") == {
        "ports": ("cannot_accept", "below_level"),  # loses .5 against three ports
        "term": ("cannot_accept", "below_level"),  # loses .16 against 180 days
        "inspection": ("can_live_with", "second_choice"),  # loses .09 against none
    }
    # Russia: (5*1 + 3*.7 + 2*1) / 10 = .91: it accepts, and says what it would still prefer
    assert by_party["Russian Federation"]["accepts"] is True
    assert _stances(result, "Russian Federation") == {
        "ports": ("agree", "preferred"),
        "inspection": ("can_live_with", "second_choice"),
        "term": ("agree", "preferred"),
    }
    [ports] = [a for a in by_party["Ukraine"]["articles"] if a["issue"] == "ports"]
    assert ports["preferred"] == "three ports"
    assert ports["loss"] == pytest.approx(0.5)
    assert "three ports" in ports["explanation"]


def test_a_red_line_is_named_with_the_article_that_crosses_it(world: World) -> None:
    _record(world, "ua", "ru")
    draft = _draft(world, {**PACKAGE, "inspection": "at sea"})
    food = world.tracks["food"]
    result = world.get("un", f"/api/tracks/{food}/text/drafts/{draft}/rehearsal").json()
    assert _stances(result, "Ukraine")["inspection"] == ("cannot_accept", "red_line")
    assert _stances(result, "Russian Federation")["inspection"] == ("agree", "preferred")


def test_parties_without_recorded_preferences_are_listed_not_guessed(world: World) -> None:
    _record(world, "ru")
    draft = _draft(world, PACKAGE)
    food = world.tracks["food"]
    result = world.get("un", f"/api/tracks/{food}/text/drafts/{draft}/rehearsal").json()
    assert [p["party"] for p in result["parties"]] == ["Russian Federation"]
    assert [p["party"] for p in result["without_preferences"]] == ["Ukraine"]


def test_behaviours_change_the_answers_and_unknown_ones_are_refused(world: World) -> None:
    _record(world, "ua", "ru")
    draft = _draft(
        world, {"ports": "Odesa+Chornomorsk", "inspection": "Istanbul JCC", "term": "120"}
    )
    url = f"/api/tracks/{world.tracks['food']}/text/drafts/{draft}/rehearsal"
    truthful = world.get("un", url).json()
    stubborn = world.get("un", url, params={"behaviour": "stubborn"}).json()
    assert [p["accepts"] for p in truthful["parties"]] == [True, True]
    assert not all(p["accepts"] for p in stubborn["parties"])  # holds out at the first round
    refused = world.get("un", url, params={"behaviour": "liar"})
    assert refused.status_code == 422
    assert "behaviour" in refused.text


def test_a_published_version_can_be_rehearsed_by_mediators_only(world: World) -> None:
    _record(world, "ua", "ru")
    food = world.tracks["food"]
    published = world.post("un", f"/api/tracks/{food}/text/versions", json={"package": PACKAGE})
    assert published.status_code == 201, published.text
    result = world.get("un", f"/api/tracks/{food}/text/versions/1/rehearsal").json()
    assert result["version"] == 1
    assert _stances(result, "Ukraine")["ports"] == ("cannot_accept", "below_level")
    for who in ("ua", "ru", "obs"):
        real = world.get(who, f"/api/tracks/{food}/text/versions/1/rehearsal")
        missing = world.get(who, f"/api/tracks/{food}/text/versions/{MISSING}/rehearsal")
        assert real.status_code == missing.status_code == 404
        assert re.sub(r"\d+", "N", real.text) == re.sub(r"\d+", "N", missing.text)


@pytest.mark.parametrize("who", ["ua", "ru", "obs", "icrc", "outsider"])
def test_to_anyone_but_the_mediators_a_rehearsal_is_a_missing_draft(world: World, who: str) -> None:
    _record(world, "ua", "ru")
    draft = _draft(world, PACKAGE)
    food = world.tracks["food"]
    text_before = world.get(who, f"/api/tracks/{food}/text")
    real = world.get(who, f"/api/tracks/{food}/text/drafts/{draft}/rehearsal")
    missing = world.get(who, f"/api/tracks/{food}/text/drafts/{MISSING}/rehearsal")
    assert real.status_code == missing.status_code == 404
    assert re.sub(r"\d+", "N", real.text) == re.sub(r"\d+", "N", missing.text)
    assert world.get("un", f"/api/tracks/{food}/text/drafts/{draft}/rehearsal").status_code == 200
    text_after = world.get(who, f"/api/tracks/{food}/text")
    assert (text_after.status_code, text_after.text) == (text_before.status_code, text_before.text)
