"""The service end to end: auth, prepare, channels, messages, preferences, problem+json."""

from __future__ import annotations

from tests.service.world import PASSWORD, World, food_preferences

PROBLEM = "application/problem+json"


def test_health_of_the_world(world: World) -> None:
    r = world.get("admin", "/api/processes")
    assert r.status_code == 200
    assert [p["name"] for p in r.json()] == ["Black Sea talks"]
    assert world.get("outsider", "/api/processes").json() == []


def test_party_sees_only_its_channel(world: World) -> None:
    food = world.tracks["food"]
    ua = world.get("ua", f"/api/tracks/{food}/channels").json()
    assert [c["party_id"] for c in ua] == [world.orgs["Ukraine"]]
    un = world.get("un", f"/api/tracks/{food}/channels").json()
    assert len(un) == 2
    assert world.get("obs", f"/api/tracks/{food}/channels").json() == []


def test_messages_and_receipts(world: World) -> None:
    ch = world.channels[("food", "ua")]
    r = world.post("ua", f"/api/channels/{ch}/messages", json={"text": "three ports, please"})
    assert r.status_code == 201, r.text
    mid = r.json()["id"]
    listed = world.get("un", f"/api/channels/{ch}/messages").json()
    assert [m["text"] for m in listed] == ["three ports, please"]
    assert world.get("un", f"/api/channels/{ch}").json()["unread"] == 1
    assert world.post("un", f"/api/messages/{mid}/read").status_code == 200
    assert world.get("un", f"/api/channels/{ch}").json()["unread"] == 0
    assert world.get("ua", f"/api/channels/{ch}/messages").json()[0]["read_by"] == [
        world.users["un"]
    ]
    # the other party cannot read it, post to it, or mark it read: 404 as for nothing
    for r in (
        world.get("ru", f"/api/channels/{ch}/messages"),
        world.post("ru", f"/api/channels/{ch}/messages", json={"text": "x"}),
        world.post("ru", f"/api/messages/{mid}/read"),
    ):
        assert r.status_code == 404
        assert r.headers["content-type"] == PROBLEM


def test_search_is_scoped(world: World) -> None:
    food = world.tracks["food"]
    world.post(
        "ua", f"/api/channels/{world.channels[('food', 'ua')]}/messages", json={"text": "grain A"}
    )
    world.post(
        "ru", f"/api/channels/{world.channels[('food', 'ru')]}/messages", json={"text": "grain B"}
    )
    assert [m["text"] for m in world.get("ua", f"/api/tracks/{food}/messages?q=grain").json()] == [
        "grain A"
    ]
    assert len(world.get("un", f"/api/tracks/{food}/messages?q=grain").json()) == 2
    assert world.get("un", f"/api/tracks/{food}/messages?q=%25").json() == []


def test_mediator_of_another_track_sees_nothing_here(world: World) -> None:
    food = world.tracks["food"]
    r = world.get("icrc", f"/api/tracks/{food}")
    assert r.status_code == 404
    assert world.get("icrc", f"/api/channels/{world.channels[('food', 'ua')]}").status_code == 404


def test_preferences_versioned_and_private(world: World) -> None:
    food = world.tracks["food"]
    r = world.put("ua", f"/api/tracks/{food}/preferences", json=food_preferences("ua"))
    assert r.status_code == 201, r.text
    assert r.json()["version"] == 1
    r = world.put("ua", f"/api/tracks/{food}/preferences", json=food_preferences("ua"))
    assert r.json()["version"] == 2
    world.put("ru", f"/api/tracks/{food}/preferences", json=food_preferences("ru"))
    mine = world.get("ua", f"/api/tracks/{food}/preferences").json()
    assert [p["party_id"] for p in mine] == [world.orgs["Ukraine"]]
    assert mine[0]["version"] == 2
    assert len(world.get("un", f"/api/tracks/{food}/preferences").json()) == 2
    ru = world.orgs["Russian Federation"]
    assert world.get("ua", f"/api/tracks/{food}/parties/{ru}/preferences").status_code == 404
    assert len(world.get("un", f"/api/tracks/{food}/parties/{ru}/preferences").json()) == 1
    # mediators do not record a party's preferences
    r = world.put("un", f"/api/tracks/{food}/preferences", json=food_preferences("ua"))
    assert r.status_code == 403


def test_bad_preferences_name_the_field(world: World) -> None:
    food = world.tracks["food"]
    body = food_preferences("ua")
    del body["ratings"]["ports"]["Odesa"]
    r = world.put("ua", f"/api/tracks/{food}/preferences", json=body)
    assert r.status_code == 422
    assert r.headers["content-type"] == PROBLEM
    assert r.json()["errors"][0]["location"] == "preferences.ratings.ports.Odesa"


def test_validation_errors_are_problems(world: World) -> None:
    ch = world.channels[("food", "ua")]
    r = world.post("ua", f"/api/channels/{ch}/messages", json={"txt": "typo"})
    assert r.status_code == 422
    body = r.json()
    assert set(body) == {"type", "title", "status", "detail", "errors"}
    assert {e["location"] for e in body["errors"]} == {"body.text", "body.txt"}
    r = world.get("ua", "/api/channels/0")
    assert r.status_code == 422
    assert r.json()["errors"][0]["location"] == "path.channel_id"
    r = world.get("ua", "/api/no/such/route")
    assert r.status_code == 404
    assert r.headers["content-type"] == PROBLEM


def test_attachments(world: World) -> None:
    ch = world.channels[("food", "ua")]
    r = world.post(
        "ua",
        f"/api/channels/{ch}/attachments",
        files={"file": ("note.txt", b"manifest", "text/plain")},
        data={"text": "see attached"},
    )
    assert r.status_code == 201, r.text
    att = r.json()["attachments"][0]
    assert att["size"] == 8
    got = world.get("un", f"/api/attachments/{att['id']}")
    assert got.content == b"manifest"
    assert world.get("ru", f"/api/attachments/{att['id']}").status_code == 404
    fake = world.post(
        "ua",
        f"/api/channels/{ch}/attachments",
        files={"file": ("x.pdf", b"MZ...", "application/pdf")},
    )
    assert fake.status_code == 422
    assert fake.json()["errors"][0]["location"] == "file"
    big = world.post(
        "ua",
        f"/api/channels/{ch}/attachments",
        files={"file": ("x.txt", b"a" * 20_000, "text/plain")},
    )
    assert big.status_code == 422
    exe = world.post(
        "ua",
        f"/api/channels/{ch}/attachments",
        files={"file": ("x.exe", b"MZ", "application/x-msdownload")},
    )
    assert exe.status_code == 422


def test_cookie_login_csrf_and_throttling(world: World) -> None:
    c = world.client
    r = c.post("/api/auth/login", json={"email": "ua@example.org", "password": PASSWORD})
    assert r.status_code == 200, r.text
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "secure" in cookie
    assert "samesite=strict" in cookie
    csrf = r.json()["csrf_token"]
    assert c.get("/api/auth/me").json()["user"]["email"] == "ua@example.org"
    ch = world.channels[("food", "ua")]
    assert c.post(f"/api/channels/{ch}/messages", json={"text": "hi"}).status_code == 403
    r = c.post(f"/api/channels/{ch}/messages", json={"text": "hi"}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201
    assert c.post("/api/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    c.cookies.clear()
    assert c.get("/api/auth/me").status_code == 401
    for _ in range(5):
        r = c.post(
            "/api/auth/login", json={"email": "ru@example.org", "password": "wrong password"}
        )
        assert r.status_code == 401
    r = c.post("/api/auth/login", json={"email": "ru@example.org", "password": PASSWORD})
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) > 0


def test_api_tokens_hashed_and_revocable(world: World) -> None:
    r = world.post("ua", "/api/auth/tokens", json={"name": "script"})
    assert r.status_code == 201
    token, tid = r.json()["token"], r.json()["id"]
    h = {"Authorization": f"Bearer {token}"}
    assert world.client.get("/api/auth/me", headers=h).status_code == 200
    assert all("token" not in t for t in world.get("ua", "/api/auth/tokens").json())
    assert world.request("ru", "DELETE", f"/api/auth/tokens/{tid}").status_code == 404
    assert world.request("ua", "DELETE", f"/api/auth/tokens/{tid}").status_code == 200
    assert world.client.get("/api/auth/me", headers=h).status_code == 401


def test_invitation_and_role_change(world: World) -> None:
    pid = world.process_id
    body = {
        "email": "new@example.org",
        "role": "party_member",
        "organisation_id": world.orgs["Ukraine"],
    }
    assert world.post("un", f"/api/processes/{pid}/invitations", json=body).status_code == 403
    r = world.post("admin", f"/api/processes/{pid}/invitations", json=body)
    assert r.status_code == 201, r.text
    token = r.json()["token"]
    r = world.client.post(
        "/api/invitations/accept", json={"token": token, "name": "New", "password": PASSWORD}
    )
    assert r.status_code == 201, r.text
    mid = r.json()["id"]
    again = world.client.post(
        "/api/invitations/accept", json={"token": token, "name": "New", "password": PASSWORD}
    )
    assert again.status_code == 409  # used already: it says so
    r = world.request(
        "admin",
        "PATCH",
        f"/api/processes/{pid}/members/{mid}",
        json={"role": "mediator", "organisation_id": world.orgs["Ukraine"]},
    )
    assert r.status_code == 422
    r = world.request(
        "admin",
        "PATCH",
        f"/api/processes/{pid}/members/{mid}",
        json={"role": "observer", "organisation_id": world.orgs["Observers"]},
    )
    assert r.status_code == 200
    assert (
        world.request("admin", "DELETE", f"/api/processes/{pid}/members/{mid}").status_code == 204
    )


def test_events_are_scoped(world: World) -> None:
    food = world.tracks["food"]
    world.post("ua", f"/api/channels/{world.channels[('food', 'ua')]}/messages", json={"text": "a"})
    world.post("ru", f"/api/channels/{world.channels[('food', 'ru')]}/messages", json={"text": "b"})
    ua = world.get("ua", f"/api/tracks/{food}/events?follow=false").text
    un = world.get("un", f"/api/tracks/{food}/events?follow=false").text
    assert ua.count("event: message") == 1
    assert un.count("event: message") == 2
    assert world.get("obs", f"/api/tracks/{food}/events?follow=false").text == ""
    assert world.get("icrc", f"/api/tracks/{food}/events?follow=false").status_code == 404


def test_import_track_from_scenario_file(world: World) -> None:
    from gobetween.formats import examples

    pid = world.process_id
    data = {
        "name": "imported corridor",
        "organisation_ids": [str(world.orgs["Ukraine"]), str(world.orgs["United Nations"])],
    }
    files = {"files": ("corridor.yaml", examples.text("black_sea_corridor").encode(), "text/yaml")}
    r = world.post("ua", f"/api/processes/{pid}/tracks/import", data=data, files=files)
    assert r.status_code == 403
    r = world.post("admin", f"/api/processes/{pid}/tracks/import", data=data, files=files)
    assert r.status_code == 201, r.text
    assert r.json()["source"] == "scenario:corridor.yaml"
    assert len(r.json()["agenda"]["issues"]) >= 5
    bad = {"files": ("x.yaml", b"issues: [", "text/yaml")}
    r = world.post("admin", f"/api/processes/{pid}/tracks/import", data=data, files=bad)
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"


def test_message_numbers_count_within_the_channel_only(world: World) -> None:
    ua, ru = world.channels[("food", "ua")], world.channels[("food", "ru")]
    first = world.post("ua", f"/api/channels/{ua}/messages", json={"text": "1"}).json()
    for n in range(5):
        world.post("ru", f"/api/channels/{ru}/messages", json={"text": f"ru {n}"})
    second = world.post("ua", f"/api/channels/{ua}/messages", json={"text": "2"}).json()
    assert (first["number"], second["number"]) == (1, 2)
    listed = world.get("ua", f"/api/channels/{ua}/messages?after=1").json()
    assert [m["text"] for m in listed] == ["2"]
    # ids are random, so their difference says nothing about the other channel
    assert second["id"] - first["id"] != 6 or first["id"] > second["id"]


def test_event_cursors_count_only_what_the_reader_sees(world: World) -> None:
    food = world.tracks["food"]
    ua, ru = world.channels[("food", "ua")], world.channels[("food", "ru")]
    world.post("ua", f"/api/channels/{ua}/messages", json={"text": "a"})
    for n in range(3):
        world.post("ru", f"/api/channels/{ru}/messages", json={"text": f"b{n}"})
    world.post("ua", f"/api/channels/{ua}/messages", json={"text": "c"})
    stream = world.get("ua", f"/api/tracks/{food}/events?follow=false").text
    ids = [line[4:] for line in stream.splitlines() if line.startswith("id: ")]
    own = world.orgs["Ukraine"]
    assert ids == [f"{own}:1", f"{own}:2"]
    resumed = world.get(
        "ua", f"/api/tracks/{food}/events?follow=false", headers={"Last-Event-ID": ids[0]}
    ).text
    assert resumed.count("event: message") == 1
    mediator = world.get("un", f"/api/tracks/{food}/events?follow=false").text
    assert mediator.count("event: message") == 5
    bad = world.get("ua", f"/api/tracks/{food}/events?follow=false&cursor=x")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["location"] == "query.cursor"


def test_a_file_named_in_any_script_downloads_under_its_own_name(world: World) -> None:
    """Downloads dropped every letter outside ASCII from their names (a Ukrainian process's
    text came as ``text_text_redline-v1-v2.docx``, an attachment "звіт.txt" as ".txt"; found
    walking the demo): the name now goes as written, in UTF-8 (RFC 8187's ``filename*``),
    beside an ASCII one for old clients."""
    from urllib.parse import unquote

    ch = world.channels[("food", "ua")]
    r = world.post(
        "ua",
        f"/api/channels/{ch}/attachments",
        files={"file": ("звіт 1.txt", b"manifest", "text/plain")},
        data={"text": "see attached"},
    )
    assert r.status_code == 201, r.text
    got = world.get("un", f"/api/attachments/{r.json()['attachments'][0]['id']}")
    said = got.headers["content-disposition"]
    plain, _, encoded = said.partition("; filename*=UTF-8''")
    assert plain == 'attachment; filename="1.txt"', said
    assert unquote(encoded) == "звіт 1.txt", said
