"""Linked instruments come from the agreed text's article on them, like every operative term,
and refusals raised in the pure core reach the caller in the caller's language."""

from __future__ import annotations

import itertools
from typing import Any

from tests.service.agree_helpers import create, make_ready
from tests.service.world import World

UK = {"Accept-Language": "uk"}
NUMBERS = itertools.count(1)


def memorandum(world: World, option: str, clause: str, *, with_article: bool = True) -> int:
    """A memorandum track between Russia and the UN, its text agreed with ``option`` as the
    article on linked instruments (none with ``with_article=False``); the track id."""
    o = world.orgs
    issues: list[dict[str, Any]] = [
        {"name": "ammonia", "options": [{"name": "no"}, {"name": "yes"}]},
        {"name": "term", "options": [{"name": "1095"}]},
    ]
    package = {"ammonia": "yes", "term": "1095"}
    clauses = {"ammonia": "Ammonia exports resume.", "term": "Three years."}
    if with_article:
        issues.append({"name": "linked instruments", "options": [{"name": option}]})
        package["linked instruments"] = option
        clauses["linked instruments"] = clause
    r = world.post(
        "admin",
        f"/api/processes/{world.process_id}/tracks",
        json={
            "name": f"memorandum {next(NUMBERS)}",
            "agenda": {"issues": issues},
            "organisation_ids": [o["Russian Federation"], o["United Nations"]],
        },
    )
    assert r.status_code == 201, r.text
    memo = int(r.json()["id"])
    text = {"package": package, "clauses": clauses}
    assert world.post("un", f"/api/tracks/{memo}/text/versions", json=text).status_code == 201
    r = world.post("ru", f"/api/tracks/{memo}/text/answers", json={"version": 1, "kind": "accept"})
    assert r.status_code in (200, 201), r.text
    return memo


BODY = {"effective_date": "2022-07-22", "title": "Memorandum"}


def test_a_terms_hash_in_the_articles_wording_names_the_linked_instrument(world: World) -> None:
    first = create(world, make_ready(world))
    memo = memorandum(
        world,
        "the corridor agreement",
        f"This memorandum accompanies the instrument whose terms hash is {first['terms_hash']}.",
    )
    r = world.post("un", f"/api/tracks/{memo}/agreements", json=BODY)
    assert r.status_code == 201, r.text
    assert [(x["title"], x["terms_hash"]) for x in r.json()["links"]] == [
        ("Black Sea food corridor", first["terms_hash"])
    ]


def test_a_form_cannot_add_a_link_the_text_does_not_state(world: World) -> None:
    first = create(world, make_ready(world))
    for memo in (
        memorandum(world, "none", "No other instrument is linked to this memorandum."),
        memorandum(world, "", "", with_article=False),
    ):
        url = f"/api/tracks/{memo}/agreements"
        r = world.post("un", url, json={**BODY, "link_ids": [first["id"]]})
        assert r.status_code == 409, r.text
        assert "linked instrument" in r.json()["detail"]
        made = world.post("un", url, json=BODY)  # without the link it is made, unlinked
        assert made.status_code == 201, made.text
        assert made.json()["links"] == []


def test_a_linked_instrument_nobody_made_is_refused_in_the_callers_language(
    world: World,
) -> None:
    memo = memorandum(world, "Memorandum on food and fertiliser", "Beside the memorandum.")
    url = f"/api/tracks/{memo}/agreements"
    r = world.post("un", url, json=BODY, headers=UK)
    assert r.status_code == 409, r.text
    problem = r.json()
    assert problem["title"] == "AgreementError"
    assert "Memorandum on food and fertiliser" in problem["detail"]
    assert "угод" in problem["detail"], problem["detail"]  # Ukrainian, not English


def test_a_core_refusal_of_the_form_reaches_the_api_in_ukrainian(world: World) -> None:
    food = make_ready(world)
    r = world.post(
        "un",
        f"/api/tracks/{food}/agreements",
        json={"effective_date": "2022-07-22", "term_days": 60},
        headers=UK,
    )
    assert r.status_code == 409, r.text
    problem = r.json()
    assert problem["title"] == "AgreementError"  # stable English
    assert "120" in problem["detail"]
    assert "60" in problem["detail"]
    assert "the form cannot" not in problem["detail"]
    assert "Стаття" in problem["detail"], problem["detail"]


def test_working_language_refusals_of_the_model_are_in_ukrainian(world: World) -> None:
    url = f"/api/processes/{world.process_id}/languages"
    for bad, english in ((["en", "de"], "is not a working language"), (["uk", "uk"], "twice")):
        r = world.put("admin", url, json={"languages": bad}, headers=UK)
        assert r.status_code == 422, r.text
        problem = r.json()
        assert problem["title"] == "ValidationFailed"
        assert english not in problem["detail"], problem["detail"]
        assert "мов" in problem["detail"], problem["detail"]  # мова: language
        english_answer = world.put("admin", url, json={"languages": bad}).json()["detail"]
        assert english in english_answer


def test_an_incomplete_language_version_is_refused_in_ukrainian(world: World) -> None:
    from tests.service.test_translations_agreement import (
        AGREEMENT,
        WORDING,
        declare,
        publish_and_accept,
    )

    declare(world, "en", "uk", "ru")
    food = publish_and_accept(world, WORDING)
    r = world.post("un", f"/api/tracks/{food}/agreements", json=AGREEMENT, headers=UK)
    assert r.status_code == 422, r.text
    problem = r.json()
    assert problem["title"] == "ValidationFailed"
    assert "ru: art-1, art-2, art-3" in problem["detail"]  # the names of the data stay
    assert "not complete" not in problem["detail"]
    assert "мов" in problem["detail"], problem["detail"]
