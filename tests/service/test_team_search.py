"""Search and the archive export: only what the caller may read, bounded."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.service.agree_helpers import TEXT, create, make_ready, register_keys, sign_all
from tests.service.world import World

from gobetween.errors import ValidationFailed
from gobetween.service import archive
from gobetween.store import repositories


def _post(world: World, who: str, party: str, text: str, track: str = "food") -> None:
    r = world.post(who, f"/api/channels/{world.channels[(track, party)]}/messages", json={
        "text": text})  # fmt: skip
    assert r.status_code == 201, r.text


def _meeting(world: World, parties: list[str], summary: str) -> int:
    r = world.post(
        "un",
        f"/api/tracks/{world.tracks['food']}/meetings",
        json={
            "held_at": "2022-07-14T10:00:00+03:00",
            "place": "Istanbul",
            "party_ids": [world.orgs[p] for p in parties],
            "summary": summary,
        },
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _search(world: World, who: str, q: str, **params: Any) -> dict[str, Any]:
    r = world.get(who, "/api/search", params={"q": q, **params})
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def _kinds(result: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((h["kind"], h["snippet"]) for h in result["results"])


def test_search_finds_only_what_the_caller_may_read(world: World) -> None:
    _post(world, "ua", "ua", "Corridor via Odesa")
    _post(world, "ru", "ru", "Corridor inspections at sea")
    world.post(
        "un",
        f"/api/tracks/{world.tracks['food']}/notes",
        json={"text": "Corridor: Russia will not budge"},
    )
    _meeting(world, ["Ukraine"], "Corridor map shown to Ukraine")
    _meeting(world, ["Russian Federation"], "Corridor map shown to Russia")
    r = world.post("un", f"/api/tracks/{world.tracks['food']}/text/versions", json=TEXT)
    assert r.status_code == 201, r.text
    assert _kinds(_search(world, "ua", "corridor")) == [
        ("meeting", "Istanbul Corridor map shown to Ukraine"),
        ("message", "Corridor via Odesa"),
    ]
    assert _kinds(_search(world, "ru", "CORRIDOR")) == [
        ("meeting", "Istanbul Corridor map shown to Russia"),
        ("message", "Corridor inspections at sea"),
    ]
    mediator = _search(world, "un", "corridor")
    assert [h["kind"] for h in mediator["results"]].count("message") == 2
    assert {h["kind"] for h in mediator["results"]} == {"message", "note", "meeting"}
    assert mediator["count"] == 5
    # texts: every seat that reads the text finds its wording
    for who in ("ua", "ru", "obs", "un"):
        hits = _search(world, who, "Yuzhny", kind="text")["results"]
        assert [(h["kind"], h["id"]) for h in hits] == [("text", 1)], who
    # an observer and a mediator of another track find no channel, note or meeting
    assert _search(world, "obs", "corridor")["results"] == []
    assert _search(world, "icrc", "corridor")["results"] == []
    assert _search(world, "outsider", "corridor")["results"] == []
    # one track; wildcards are text
    assert _search(world, "ua", "corridor", track_id=world.tracks["energy"])["count"] == 0
    assert (
        world.get(
            "un", "/api/search", params={"q": "ab", "track_id": world.tracks["energy"]}
        ).status_code
        == 404
    )
    assert _search(world, "un", "%_")["count"] == 0
    nowhere = {"q": "corridor", "track_id": world.tracks["energy"] + 10**6}
    assert world.get("ua", "/api/search", params=nowhere).status_code == 404


def test_search_is_bounded_and_bad_queries_name_the_field(world: World) -> None:
    for q in ("", "a", "  a  ", "x" * 201):
        r = world.get("ua", "/api/search", params={"q": q})
        assert r.status_code == 422, q
        assert r.headers["content-type"].startswith("application/problem+json")
        assert '"q"' in r.text or "'q'" in r.text or "q:" in r.text or "query.q" in r.text, r.text
    assert world.get("ua", "/api/search", params={"q": "ab", "limit": 101}).status_code == 422
    assert world.get("ua", "/api/search", params={"q": "ab", "kind": "secret"}).status_code == 422
    for i in range(7):
        _post(world, "ua", "ua", f"grain shipment {i}")
    page = _search(world, "ua", "grain", limit=5)
    assert page["count"] == 5
    assert page["truncated"] is True
    assert page["results"][0]["snippet"] == "grain shipment 6"  # newest first


def test_a_partys_search_does_not_depend_on_the_other_party(world: World) -> None:
    _post(world, "ua", "ua", "wheat from Odesa")
    before = _search(world, "ua", "wheat")
    for i in range(20):
        _post(world, "ru", "ru", f"wheat {i}")
        _post(world, "un", "ru", f"wheat reply {i}")
    world.post("un", f"/api/tracks/{world.tracks['food']}/notes", json={"text": "wheat"})
    _meeting(world, ["Russian Federation"], "wheat")
    after = _search(world, "ua", "wheat")
    assert after == before


def _zip(world: World, who: str, track: str = "food") -> dict[str, bytes]:
    r = world.get(who, f"/api/tracks/{world.tracks[track]}/archive")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip"
    assert "archive.zip" in r.headers["content-disposition"]
    return archive.read_archive(r.content)


def test_the_archive_holds_what_the_caller_may_read(world: World) -> None:
    ch = world.channels[("food", "ua")]
    r = world.post(
        "ua",
        f"/api/channels/{ch}/attachments",
        files={"file": ("manifest.txt", b"cargo manifest", "text/plain")},
        data={"text": "the manifest"},
    )
    assert r.status_code == 201, r.text
    _post(world, "ru", "ru", "Russian secret")
    world.post("un", f"/api/tracks/{world.tracks['food']}/notes", json={"text": "team secret"})
    _meeting(world, ["Ukraine"], "met Ukraine")
    _meeting(world, ["Russian Federation"], "met Russia")
    agreement = create(world, make_ready(world))
    sign_all(world, agreement["id"], register_keys(world))
    mediator = _zip(world, "un")
    party = _zip(world, "ua")
    observer = _zip(world, "obs")
    # the mediator's archive: both channels, notes, every meeting, text PDF, agreement
    assert "team/notes.json" in mediator
    assert {"channels/ukraine/messages.json", "channels/russian-federation/messages.json"} <= set(
        mediator
    )
    assert len(json.loads(mediator["meetings.json"])) == 2
    assert mediator["text/version-1.pdf"].startswith(b"%PDF-")
    folder = f"agreements/{agreement['id']}"
    assert mediator[f"{folder}/ukraine.pdf"].startswith(b"%PDF-")
    assert json.loads(mediator[f"{folder}/agreement.json"])["status"] == "in_force"
    assert json.loads(party["offers.json"])["view"] == "party"
    assert "offers.json" not in observer
    # the party's: its own channel with the attachment, its own meeting, no notes, no Russia
    attachments = [n for n in party if "/attachments/" in n]
    assert [party[n] for n in attachments] == [b"cargo manifest"]
    assert all(n.startswith("channels/ukraine/") for n in party if n.startswith("channels/"))
    assert "team/notes.json" not in party
    assert [m["summary"] for m in json.loads(party["meetings.json"])] == ["met Ukraine"]
    everything = b"".join(party.values()) + b"".join(observer.values())
    for secret in (b"Russian secret", b"team secret", b"met Russia"):
        assert secret not in everything
    assert party[f"{folder}/agreement.gbb"] == mediator[f"{folder}/agreement.gbb"]
    # the observer's: the agenda and the text, no channel, meeting or agreement
    assert not [n for n in observer if n.startswith(("channels/", "agreements/", "meetings"))]
    assert "text/single-text.json" in observer
    manifest = json.loads(observer["manifest.json"])
    assert manifest["format"] == "gobetween-archive-v1"
    assert {p["name"] for p in manifest["parts"]} == set(observer) - {"manifest.json"}
    # no seat, no archive
    assert world.get("outsider", f"/api/tracks/{world.tracks['food']}/archive").status_code == 404
    assert world.get("ru", f"/api/tracks/{world.tracks['food'] + 10**6}/archive").status_code == 404


def test_an_archive_past_its_limit_is_refused_before_anything_is_sent(world: World) -> None:
    _post(world, "ua", "ua", "x" * 5000)
    with world.services.db.unit_of_work(write=False) as session:
        actor = repositories.load_actor(session, world.users["un"])
        with pytest.raises(ValidationFailed, match="would exceed 2000 bytes"):
            archive.track_archive(session, actor, world.tracks["food"], max_bytes=2000)
        file, name = archive.track_archive(session, actor, world.tracks["food"])
    data = b"".join(archive.chunks(file, size=1024))
    assert file.closed
    assert name.endswith("-archive.zip")
    assert b"x" * 5000 in archive.read_archive(data)["channels/ukraine/messages.json"]
