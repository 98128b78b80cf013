"""The team's tools over the API: mediators' notes, channel assignments, meetings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from tests.service.world import World


def _note(world: World, who: str, track: str = "food", **body: Any) -> Any:
    return world.post(who, f"/api/tracks/{world.tracks[track]}/notes", json=body)


def test_mediators_write_notes_on_a_track_and_on_a_channel(world: World) -> None:
    food = world.tracks["food"]
    ua_channel = world.channels[("food", "ua")]
    general = _note(world, "un", text="Türkiye hosts round 3 in Istanbul.")
    assert general.status_code == 201, general.text
    assert general.json()["channel_id"] is None
    on_ua = _note(world, "tr", text="Ukraine may move on inspection.", channel_id=ua_channel)
    assert on_ua.status_code == 201
    assert on_ua.json()["party_id"] == world.orgs["Ukraine"]
    # every mediator of the track reads them, newest first; one channel's alone on request
    listed = world.get("un", f"/api/tracks/{food}/notes").json()
    assert [n["text"] for n in listed] == [
        "Ukraine may move on inspection.",
        "Türkiye hosts round 3 in Istanbul.",
    ]
    assert [n["author"] for n in listed] == ["tr", "un"]
    only = world.get("un", f"/api/tracks/{food}/notes", params={"channel_id": ua_channel}).json()
    assert [n["id"] for n in only] == [on_ua.json()["id"]]
    # edit and delete
    note_id = general.json()["id"]
    edited = world.put("tr", f"/api/notes/{note_id}", json={"text": "Round 3: Istanbul, 4 May."})
    assert edited.json()["text"] == "Round 3: Istanbul, 4 May."
    assert world.request("un", "DELETE", f"/api/notes/{note_id}").status_code == 204
    assert world.put("un", f"/api/notes/{note_id}", json={"text": "x"}).status_code == 404


def test_notes_are_hidden_from_everyone_but_the_tracks_mediators(world: World) -> None:
    food = world.tracks["food"]
    note = _note(world, "un", text="private", channel_id=world.channels[("food", "ua")]).json()
    for who in ("ua", "ru", "obs", "admin", "icrc", "outsider"):
        listing = world.get(who, f"/api/tracks/{food}/notes")
        assert listing.status_code == 404, (who, listing.text)
        assert _note(world, who, text="x").status_code == 404
        edit = world.put(who, f"/api/notes/{note['id']}", json={"text": "x"})
        assert edit.status_code == 404
        assert edit.json()["detail"] == f"no note {note['id']}"
        assert world.request(who, "DELETE", f"/api/notes/{note['id']}").status_code == 404
    # a note on a channel of another track is refused as missing
    other = world.channels[("energy", "ua")]
    assert _note(world, "un", text="x", channel_id=other).status_code == 404


def test_bad_notes_name_the_field(world: World) -> None:
    for body in ({"text": ""}, {"text": "   "}, {"text": "x" * 20_001}, {"txt": "x"}):
        r = _note(world, "un", **body)
        assert r.status_code == 422, body
        assert r.headers["content-type"].startswith("application/problem+json")
        assert "text" in r.text or "txt" in r.text


def test_assignments_say_who_handles_which_channel(world: World) -> None:
    food = world.tracks["food"]
    ua, ru = world.channels[("food", "ua")], world.channels[("food", "ru")]
    body = {"channel_id": ua, "user_id": world.users["tr"]}
    r = world.post("un", f"/api/tracks/{food}/assignments", json=body)
    assert r.status_code == 201, r.text
    world.post("un", f"/api/tracks/{food}/assignments", json={**body, "user_id": world.users["un"]})
    again = {"channel_id": ru, "user_id": world.users["un"]}
    world.post("tr", f"/api/tracks/{food}/assignments", json=again)
    rows = {r["channel_id"]: r for r in world.get("tr", f"/api/tracks/{food}/assignments").json()}
    assert [m["name"] for m in rows[ua]["mediators"]] == ["tr", "un"]
    assert [m["name"] for m in rows[ru]["mediators"]] == ["un"]
    # a mediator of another track, a party member: not a mediator of this track
    for user in ("icrc", "ua"):
        bad = world.post(
            "un",
            f"/api/tracks/{food}/assignments",
            json={"channel_id": ua, "user_id": world.users[user]},
        )
        assert bad.status_code == 422
        assert "user_id" in bad.text
    gone = world.request("un", "DELETE", f"/api/tracks/{food}/assignments/{ua}/{world.users['un']}")
    assert [m["name"] for m in {r["channel_id"]: r for r in gone.json()}[ua]["mediators"]] == ["tr"]
    for who in ("ua", "ru", "obs", "admin"):
        assert world.get(who, f"/api/tracks/{food}/assignments").status_code == 404
        assert world.post(who, f"/api/tracks/{food}/assignments", json=body).status_code == 404


def _meeting(world: World, parties: list[str], **more: Any) -> Any:
    body = {
        "held_at": "2022-07-14T10:00:00+03:00",
        "kind": "meeting",
        "place": "Istanbul, Dolmabahçe Palace",
        "party_ids": [world.orgs[p] for p in parties],
        "attendees": "UN: M. Griffiths; Türkiye: H. Akar",
        "summary": "Agreed the joint coordination centre in principle.",
        "follow_ups": [{"text": "Draft the JCC's terms", "owner": "UN", "due": "2022-07-18"}],
        **more,
    }
    return world.post("un", f"/api/tracks/{world.tracks['food']}/meetings", json=body)


def test_meetings_are_recorded_and_each_party_sees_only_its_own(world: World) -> None:
    food = world.tracks["food"]
    joint = _meeting(world, ["Ukraine", "Russian Federation"])
    assert joint.status_code == 201, joint.text
    assert joint.json()["held_at"] == "2022-07-14T07:00:00+00:00"
    assert joint.json()["follow_ups"][0]["due"] == "2022-07-18"
    ua_only = _meeting(
        world, ["Ukraine"], kind="shuttle", place="Kyiv", held_at="2022-07-16T09:00Z"
    )
    ru_only = _meeting(world, ["Russian Federation"], kind="call", place="video call")
    ids = {k: r.json()["id"] for k, r in (("joint", joint), ("ua", ua_only), ("ru", ru_only))}
    seen = {who: [m["id"] for m in world.get(who, f"/api/tracks/{food}/meetings").json()]
            for who in ("un", "tr", "ua", "ua2", "ru")}  # fmt: skip
    assert set(seen["un"]) == set(seen["tr"]) == set(ids.values())
    assert set(seen["ua"]) == set(seen["ua2"]) == {ids["joint"], ids["ua"]}
    assert set(seen["ru"]) == {ids["joint"], ids["ru"]}
    # the joint meeting names both parties to each of them
    names = [p["name"] for p in world.get("ru", f"/api/meetings/{ids['joint']}").json()["parties"]]
    assert names == sorted(names, key=lambda n: world.orgs[n])
    assert set(names) == {"Ukraine", "Russian Federation"}
    # another party's meeting, observers, admins, other tracks' mediators: 404 like a missing one
    assert world.get("ru", f"/api/meetings/{ids['ua']}").status_code == 404
    for who in ("obs", "admin", "icrc", "outsider"):
        assert world.get(who, f"/api/meetings/{ids['joint']}").status_code == 404
        assert world.get(who, f"/api/tracks/{food}/meetings").status_code == 404
    # parties read their meetings but do not write them
    assert world.put("ua", f"/api/meetings/{ids['ua']}", json={}).status_code == 422
    r = world.put(
        "ua",
        f"/api/meetings/{ids['ua']}",
        json={
            "held_at": "2022-07-16T09:00Z",
            "place": "Kyiv",
            "party_ids": [world.orgs["Ukraine"]],
        },
    )
    assert r.status_code == 403
    assert world.request("ru", "DELETE", f"/api/meetings/{ids['ua']}").status_code == 404
    # a mediator corrects the record; deleting removes it for everyone
    fixed = world.put(
        "tr",
        f"/api/meetings/{ids['ua']}",
        json={"held_at": "2022-07-16T09:00Z", "place": "Lviv", "party_ids": [world.orgs["Ukraine"]],
              "follow_ups": [{"text": "Send the inspection plan", "done": True}]},
    )  # fmt: skip
    assert fixed.json()["place"] == "Lviv"
    assert fixed.json()["follow_ups"] == [
        {"text": "Send the inspection plan", "owner": "", "due": None, "done": True}
    ]
    assert world.request("un", "DELETE", f"/api/meetings/{ids['ua']}").status_code == 204
    assert world.get("ua", f"/api/meetings/{ids['ua']}").status_code == 404


def test_bad_meetings_name_the_field(world: World) -> None:
    cases = {
        "party_ids": {"party_ids": []},
        "held_at": {"held_at": "yesterday"},
        "place": {"place": ""},
        "kind": {"kind": "dinner"},
        "follow_ups": {"follow_ups": [{"text": "x", "due": "soon"}]},
    }
    for field, change in cases.items():
        r = _meeting(world, ["Ukraine"], **change)
        assert r.status_code == 422, (field, r.text)
        assert field in r.text, (field, r.text)
    # an observer's organisation is no party of the track
    r = _meeting(world, ["Ukraine"], party_ids=[world.orgs["Observers"]])
    assert r.status_code == 422
    assert "party_ids" in r.text
    naive = _meeting(world, ["Ukraine"], held_at="2022-07-14T10:00:00")
    assert naive.status_code == 422
    assert "held_at" in naive.text


def test_a_translator_of_the_track_reads_no_notes_assignments_or_meetings(world: World) -> None:
    from tests.service.test_translations import add_translator

    food = world.tracks["food"]
    interpreter = add_translator(world, "interpreter", "United Nations")
    assert world.put("un", f"/api/tracks/{food}/translators/{interpreter}").status_code == 204
    _note(world, "un", text="for the team only", channel_id=world.channels[("food", "ua")])
    _meeting(world, ["Ukraine"], summary="met Ukraine alone")
    for url in (
        f"/api/tracks/{food}/notes",
        f"/api/tracks/{food}/assignments",
        f"/api/tracks/{food}/meetings",
        f"/api/tracks/{food}/archive",
    ):
        assert world.get("interpreter", url).status_code == 404, url
    found = world.get("interpreter", "/api/search", params={"q": "team only"}).json()
    assert found["results"] == []
    assert (
        world.get("interpreter", "/api/search", params={"q": "Ukraine alone"}).json()["results"]
        == []
    )


def test_listing_meetings_reads_the_names_once_however_many_meetings(world: World) -> None:
    """The meetings list (page, API, archive) costs the same number of queries for 2 or 12."""
    food = world.tracks["food"]
    statements: list[str] = []

    def counted() -> int:
        statements.clear()
        listing = world.get("un", f"/api/tracks/{food}/meetings")
        assert listing.status_code == 200
        return len(statements)

    def note(*args: Any) -> None:
        statements.append(str(args[2]))

    for _ in range(2):
        assert _meeting(world, ["Ukraine", "Russian Federation"]).status_code == 201
    event.listen(world.services.db.engine, "before_cursor_execute", note)
    try:
        few = counted()
        for _ in range(10):
            assert _meeting(world, ["Ukraine"]).status_code == 201
        many = counted()
    finally:
        event.remove(world.services.db.engine, "before_cursor_execute", note)
    assert many == few, (few, many)


def test_a_channel_id_beyond_32_bits_in_the_notes_query_is_refused_naming_it(world: World) -> None:
    """The fuzzer's case: 2**31 reached PostgreSQL as an INTEGER and answered 500."""
    food = world.tracks["food"]
    r = world.get("un", f"/api/tracks/{food}/notes?channel_id={2**31}")
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["location"] == "query.channel_id"
