"""The single negotiating text and relayed offers through the routes generic over the registry.

Each action of both protocols is a frozen dataclass declared on its rule, so each has its
``POST /api/tracks/{id}/protocols/<name>/<action>`` operation: the body is the dataclass's
fields after the actor, a package in its body form (``{issue: option}``) read with the track's
agenda, a refusal 422 naming the field. The texts' own routes (``/text``, ``/offers``) are
aliases over the same actions: what they store is what the generic operations store.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from tests.service.world import World

from gobetween.store import tables as t

PACKAGE = {"ports": "Odesa", "inspection": "at sea", "term": "120"}


def url(world: World, tail: str = "") -> str:
    return f"/api/tracks/{world.tracks['food']}/protocols{tail}"


def act(
    world: World, who: str, protocol: str, action: str, body: Any = None, status: int = 200
) -> Any:
    r = world.post(who, url(world, f"/{protocol}/{action}"), json={} if body is None else body)
    assert r.status_code == status, r.text
    return r.json()


def refused_at(world: World, who: str, protocol: str, action: str, body: Any) -> str:
    """Where a refused body is wrong (the first error's location)."""
    problem = act(world, who, protocol, action, body, 422)
    return str(problem["errors"][0]["location"])


def stored(world: World, protocol: str) -> list[dict[str, Any]]:
    with world.services.db.unit_of_work(write=False) as session:
        bodies = (
            session.execute(
                select(t.ProtocolEvent.body)
                .where(
                    t.ProtocolEvent.track_id == world.tracks["food"],
                    t.ProtocolEvent.protocol == protocol,
                )
                .order_by(t.ProtocolEvent.seq)
            )
            .scalars()
            .all()
        )
    return [dict(b) for b in bodies]


def test_the_single_text_is_published_answered_and_withdrawn_through_the_generic_routes(
    world: World,
) -> None:
    listed = {p["name"]: p for p in world.get("un", url(world)).json()}
    assert listed["single_text"]["actions"] == ["publish_text"]
    shown = act(world, "un", "single_text", "publish_text", {"package": PACKAGE, "note": "v1"})
    assert shown["view"] == "mediator"
    assert shown["versions"][0]["package"] == PACKAGE
    assert shown["versions"][0]["note"] == "v1"
    listed = {p["name"]: p for p in world.get("ua", url(world)).json()}
    assert listed["single_text"]["actions"] == ["answer_text", "withdraw_answer"]
    mine = act(world, "ua", "single_text", "answer_text", {"version": 1, "kind": "accept"})
    assert mine["view"] == "party"
    assert mine["own_answers"]["1"]["kind"] == "accept"
    theirs = {"version": 1, "kind": "amend", "amendments": {"ports": "three ports"}}
    act(world, "ru", "single_text", "answer_text", theirs)
    everything = world.get("un", url(world, "/single_text")).json()
    assert everything["answers"]["1"][str(world.orgs["Russian Federation"])]["amendments"] == {
        "ports": "three ports"
    }
    gone = act(world, "ua", "single_text", "withdraw_answer", {"version": 1})
    assert gone["own_answers"] == {}
    # the observed party's view never holds the other's answer
    assert "three ports" not in world.get("ua", url(world, "/single_text")).text
    assert [e["type"] for e in stored(world, "single_text")] == [
        "text_published",
        "answer_given",
        "answer_given",
        "answer_withdrawn",
    ]


def test_a_generic_single_text_refusal_names_the_field(world: World) -> None:
    def at(who: str, action: str, body: Any) -> str:
        return refused_at(world, who, "single_text", action, body)

    assert at("un", "publish_text", {"package": {"ports": "Odesa"}}) == "body.package.inspection"
    assert at("un", "publish_text", {"package": {**PACKAGE, "ports": "Kherson"}}) == (
        "body.package.ports"
    )
    assert at("un", "publish_text", {}) == "body.package"
    assert at("un", "publish_text", {"package": PACKAGE, "note": "x" * 5001}) == "body.note"
    assert at("un", "publish_text", {"package": PACKAGE, "expected_number": 0}) == (
        "body.expected_number"
    )
    assert at("un", "publish_text", {"package": PACKAGE, "articles": [{"id": 7}]}) == (
        "body.articles"
    )
    assert at("un", "publish_text", {"package": PACKAGE, "extra": 1}) == "body.extra"
    assert stored(world, "single_text") == []  # nothing refused was stored
    act(world, "un", "single_text", "publish_text", {"package": PACKAGE})
    assert at("ua", "answer_text", {"version": 1, "kind": "maybe"}) == "body.kind"
    amend = {"version": 1, "kind": "amend", "amendments": {"ports": "Kherson"}}
    assert at("ua", "answer_text", amend) == "body.amendments"
    assert at("ua", "answer_text", {"version": 1, "kind": "reject", "reasons": ["x" * 5001]}) == (
        "body.reasons.0"
    )
    # a per-article answer has the limits of the texts' own route (and of the page's form)
    article = {"article": "art-1", "stance": "cannot_accept", "reason": "x" * 5001}
    per_article = {"version": 1, "kind": "amend", "articles": [article]}
    assert at("ua", "answer_text", per_article) == "body.articles.0.reason"
    article.update(reason="too far", stance="perhaps")
    assert at("ua", "answer_text", per_article) == "body.articles.0.stance"
    article.update(stance="cannot_accept", alternative=10)
    assert at("ua", "answer_text", per_article) == "body.articles.0.alternative"
    assert at("ua", "withdraw_answer", {}) == "body.version"
    # the machine's own refusals stay what they were (409 for what the state forbids)
    act(world, "ua", "single_text", "answer_text", {"version": 2, "kind": "accept"}, 409)


def test_who_may_act_in_the_single_text_and_who_finds_nothing(world: World) -> None:
    body = {"package": PACKAGE}
    for who, status in (("ua", 403), ("obs", 403), ("outsider", 404), ("icrc", 404)):
        assert act(world, who, "single_text", "publish_text", body, status)["status"] == status
    act(world, "un", "single_text", "publish_text", body)
    answer = {"version": 1, "kind": "accept"}
    for who, status in (("un", 403), ("obs", 403), ("outsider", 404), ("icrc", 404)):
        assert act(world, who, "single_text", "answer_text", answer, status)["status"] == status
    # observers read the published versions; whoever has no seat finds no track
    assert world.get("obs", url(world, "/single_text")).json()["view"] == "public"
    for who in ("outsider", "icrc"):
        assert world.get(who, url(world, "/single_text")).status_code == 404, who


def test_offers_are_sent_forwarded_and_declined_through_the_generic_routes(world: World) -> None:
    sent = act(world, "ua", "relay", "send_offer", {"options": {"ports": "Odesa"}, "message": "m"})
    assert sent["view"] == "party"
    assert sent["sent"][0]["options"] == {"ports": "Odesa"}
    act(world, "ua", "relay", "send_offer", {"message": "second"})
    ru = str(world.orgs["Russian Federation"])
    shown = act(
        world, "un", "relay", "forward_offer", {"offer": 1, "recipients": [ru], "message": "fwd"}
    )
    assert shown["view"] == "mediator"
    assert shown["forwards"][0]["recipients"] == [ru]
    act(world, "tr", "relay", "decline_offer", {"offer": 2, "reason": "not now"})
    received = world.get("ru", url(world, "/relay")).json()
    assert [(r["options"], r["message"], r["sender"]) for r in received["received"]] == [
        ({"ports": "Odesa"}, "fwd", "mediators")
    ]
    assert received["sent"] == []
    own = world.get("ua", url(world, "/relay")).json()
    assert [(s["status"], s["decline_reason"]) for s in own["sent"]] == [
        ("forwarded", None),
        ("declined", "not now"),
    ]
    listed = {p["name"]: p for p in world.get("un", url(world)).json()}
    assert listed["relay"]["actions"] == ["forward_offer", "decline_offer"]
    assert [e["type"] for e in stored(world, "relay")] == [
        "offer_submitted",
        "offer_submitted",
        "offer_forwarded",
        "offer_declined",
    ]


def test_a_generic_relay_refusal_names_the_field_and_observers_find_nothing(
    world: World,
) -> None:
    def at(who: str, action: str, body: Any) -> str:
        return refused_at(world, who, "relay", action, body)

    assert at("ua", "send_offer", {"options": {"ports": "Kherson"}}) == "body.options"
    assert at("ua", "send_offer", {"options": {"nonesuch": "Odesa"}}) == "body.options"
    assert at("ua", "send_offer", {"options": {"ports": ""}}) == "body.options.ports"
    assert at("ua", "send_offer", {"message": "x" * 20_001}) == "body.message"
    assert at("ua", "send_offer", {"message": "nul\x00"}) == "body.message"
    assert stored(world, "relay") == []
    act(world, "ua", "relay", "send_offer", {"message": "one"})
    assert at("un", "forward_offer", {"offer": 0}) == "body.offer"
    assert at("un", "forward_offer", {"offer": 1, "recipients": []}) == "body.recipients"
    assert at("un", "forward_offer", {"offer": 1, "options": {"term": "7"}}) == "body.options"
    assert at("un", "decline_offer", {"offer": 1, "reason": "x" * 5001}) == "body.reason"
    # the protocol's own refusals (an offer that does not exist, a recipient who is no party)
    act(world, "un", "relay", "forward_offer", {"offer": 9}, 409)
    act(world, "un", "relay", "forward_offer", {"offer": 1, "recipients": ["999"]}, 409)
    # observers and admins see nothing of the relay; no seat, no track
    for who in ("obs", "admin", "outsider", "icrc"):
        assert world.get(who, url(world, "/relay")).status_code == 404, who
    for who, status in (("un", 403), ("obs", 403), ("outsider", 404), ("icrc", 404)):
        assert act(world, who, "relay", "send_offer", {"message": "x"}, status)["status"] == status
    assert "relay" not in [p["name"] for p in world.get("obs", url(world)).json()]


def test_the_older_routes_store_what_the_generic_operations_store(world: World) -> None:
    """The same actions through ``/offers`` and ``/text`` and through the generic routes: the
    same event bodies (times aside), the same audit links."""
    track = world.tracks["food"]
    offer = {"options": {"ports": "Odesa"}, "message": "m"}
    assert world.post("ua", f"/api/tracks/{track}/offers", json=offer).status_code == 201
    act(world, "ua", "relay", "send_offer", offer)
    assert world.post("un", f"/api/tracks/{track}/offers/1/decline", json={}).status_code == 200
    act(world, "un", "relay", "decline_offer", {"offer": 2})
    text = {"package": PACKAGE, "note": "n"}
    assert world.post("un", f"/api/tracks/{track}/text/versions", json=text).status_code == 201
    act(world, "un", "single_text", "publish_text", {**text, "expected_number": 2})
    answer = {"version": 2, "kind": "reject", "reasons": ["too little"]}
    assert world.post("ua", f"/api/tracks/{track}/text/answers", json=answer).status_code == 201
    assert world.request("ua", "DELETE", f"/api/tracks/{track}/text/answers/2").status_code == 200
    act(world, "ua", "single_text", "answer_text", answer)
    act(world, "ua", "single_text", "withdraw_answer", {"version": 2})

    def timeless(body: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in body.items() if k != "at"}

    relay = [timeless(b) for b in stored(world, "relay")]
    assert relay[0] == {**relay[1], "offer": 1}
    assert relay[2] == {**relay[3], "offer": 1}
    texts = [timeless(b) for b in stored(world, "single_text")]
    assert texts[0] == {**texts[1], "version": 1}
    assert texts[2:4] == texts[4:6]
    with world.services.db.unit_of_work(write=False) as session:
        audited = (
            session.execute(
                select(t.AuditEntry.action).where(
                    t.AuditEntry.action.like("relay.%") | t.AuditEntry.action.like("single_text.%")
                )
            )
            .scalars()
            .all()
        )
    assert sorted(audited) == sorted(
        ["relay.offer_submitted"] * 2
        + ["relay.offer_declined"] * 2
        + ["single_text.text_published"] * 2
        + ["single_text.answer_given"] * 2
        + ["single_text.answer_withdrawn"] * 2
    )


def test_the_openapi_describes_the_texts_and_offers_bodies(world: World) -> None:
    spec = world.client.get("/api/openapi.json").json()
    schemas = spec["components"]["schemas"]
    for name, action in (
        ("single_text", "publish_text"),
        ("single_text", "answer_text"),
        ("single_text", "withdraw_answer"),
        ("relay", "send_offer"),
        ("relay", "forward_offer"),
        ("relay", "decline_offer"),
    ):
        operation = spec["paths"][f"/api/tracks/{{track_id}}/protocols/{name}/{action}"]["post"]
        assert operation["tags"] == ["protocols"], action
    publish = schemas["SingleTextPublishTextIn"]
    assert publish["required"] == ["package"]
    assert publish["properties"]["package"]["type"] == "object"
    assert publish["properties"]["package"]["maxProperties"] == 100
    assert publish["properties"]["note"]["maxLength"] == 5000
    assert schemas["SingleTextAnswerTextIn"]["required"] == ["version", "kind"]
    assert schemas["RelaySendOfferIn"]["properties"]["message"]["maxLength"] == 20_000
    assert schemas["RelayForwardOfferIn"]["required"] == ["offer"]
