"""The single negotiating text and relayed offers through the API."""

from __future__ import annotations

from tests.service.world import World

TEXT = {
    "package": {"ports": "Odesa+Chornomorsk", "inspection": "Istanbul JCC", "term": "120"},
    "clauses": {"ports": "Odesa, Chornomorsk and Yuzhny"},
    "note": "first draft",
}


def test_single_text_to_ready(world: World) -> None:
    food = world.tracks["food"]
    assert world.post("ua", f"/api/tracks/{food}/text/versions", json=TEXT).status_code == 403
    r = world.post("un", f"/api/tracks/{food}/text/versions", json=TEXT)
    assert r.status_code == 201, r.text
    assert r.json()["number"] == 1
    r = world.post(
        "ru",
        f"/api/tracks/{food}/text/answers",
        json={"version": 1, "kind": "reject", "reasons": ["secret RU reason"]},
    )
    assert r.status_code == 201, r.text
    ua_view = world.get("ua", f"/api/tracks/{food}/text").json()
    assert ua_view["view"] == "party"
    assert ua_view["own_answers"] == {}
    assert "secret RU reason" not in str(ua_view)
    med = world.get("un", f"/api/tracks/{food}/text").json()
    assert med["rejected"] == [str(world.orgs["Russian Federation"])]
    obs = world.get("obs", f"/api/tracks/{food}/text").json()
    assert obs["view"] == "public"
    assert "secret" not in str(obs)
    world.post("ru", f"/api/tracks/{food}/text/answers", json={"version": 1, "kind": "accept"})
    r = world.post("ua", f"/api/tracks/{food}/text/answers", json={"version": 1, "kind": "accept"})
    assert r.json()["status"] == "ready_for_agreement"
    again = world.post("un", f"/api/tracks/{food}/text/versions", json=TEXT)
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"


def test_text_package_is_validated(world: World) -> None:
    food = world.tracks["food"]
    bad = {**TEXT, "package": {"ports": "Mariupol", "inspection": "none", "term": "60"}}
    r = world.post("un", f"/api/tracks/{food}/text/versions", json=bad)
    assert r.status_code == 422
    assert r.json()["errors"][0]["location"].startswith("package")


def test_relay_shows_only_what_was_forwarded(world: World) -> None:
    food = world.tracks["food"]
    r = world.post(
        "ua",
        f"/api/tracks/{food}/offers",
        json={"options": {"ports": "three ports"}, "message": "UA internal: we could go lower"},
    )
    assert r.status_code == 201, r.text
    ru = world.get("ru", f"/api/tracks/{food}/offers").json()
    assert ru["received"] == []
    assert "lower" not in str(ru)
    assert world.post("ru", f"/api/tracks/{food}/offers/1/forward", json={}).status_code == 403
    r = world.post(
        "un",
        f"/api/tracks/{food}/offers/1/forward",
        json={
            "message": "Ukraine proposes three ports.",
            "recipients": [world.orgs["Russian Federation"]],
        },
    )
    assert r.status_code == 200, r.text
    ru = world.get("ru", f"/api/tracks/{food}/offers").json()
    assert [x["message"] for x in ru["received"]] == ["Ukraine proposes three ports."]
    assert ru["received"][0]["sender"] == "mediators"
    assert "lower" not in str(ru)
    ua = world.get("ua", f"/api/tracks/{food}/offers").json()
    assert ua["sent"][0]["status"] == "forwarded"
    assert "Ukraine proposes" not in str(ua)
    assert world.get("obs", f"/api/tracks/{food}/offers").status_code == 404
    assert world.post("un", f"/api/tracks/{food}/offers/99/forward", json={}).status_code == 409


def test_stored_events_replay_to_the_served_state(world: World) -> None:
    from gobetween.protocols import relay
    from gobetween.protocols import single_text as st
    from gobetween.service import texts
    from gobetween.store import repositories

    food = world.tracks["food"]
    world.post("un", f"/api/tracks/{food}/text/versions", json=TEXT)
    world.post("ru", f"/api/tracks/{food}/text/answers", json={"version": 1, "kind": "reject"})
    world.post("tr", f"/api/tracks/{food}/text/versions", json={**TEXT, "note": "second"})
    world.post("ua", f"/api/tracks/{food}/offers", json={"message": "hello"})
    world.post("un", f"/api/tracks/{food}/offers/1/decline", json={"reason": "not now"})
    with world.services.db.unit_of_work(write=False) as session:
        actor = repositories.load_actor(session, world.users["un"])
        track, view = repositories.track(session, actor, food)
        text_rows = repositories.protocol_events(session, food, texts.SINGLE_TEXT)
        relay_rows = repositories.protocol_events(session, food, texts.RELAY)
        state = texts.single_text_state(session, track, view)
        offers = texts.relay_state(session, track, view)
    assert [r.seq for r in text_rows] == list(range(1, len(text_rows) + 1))
    assert [e.to_dict() for e in state.log] == [r.body for r in text_rows]
    assert len(state.versions) == 2
    assert state.status is st.TrackStatus.AWAITING_ANSWERS
    assert [e.to_dict() for e in offers.log] == [r.body for r in relay_rows]
    assert offers.offers[0].status is relay.OfferStatus.DECLINED
    served = world.get("un", f"/api/tracks/{food}/text").json()
    assert [v["note"] for v in served["versions"]] == ["first draft", "second"]
