"""The routes generic over the protocol registry: the consultation poll end to end, double-blind
bidding through the same routes, validation by the derived schemas, and the OpenAPI they make."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from tests.service.world import World

from gobetween.protocols import registry
from gobetween.store import tables as t

BASE = "/api/tracks/{}/protocols"


def url(world: World, tail: str = "", track: str = "food") -> str:
    return BASE.format(world.tracks[track]) + tail


def act(world: World, who: str, action: str, body: Any = None, status: int = 200) -> Any:
    r = world.post(who, url(world, f"/poll/{action}"), json=body if body is not None else {})
    assert r.status_code == status, r.text
    return r.json()


def open_poll(world: World) -> dict[str, Any]:
    opened = act(world, "un", "open_poll", {"subject": "Ports of the corridor"}, 201)
    assert opened["view"] == "mediator"
    return dict(opened)


def test_a_poll_from_opening_to_a_published_result(world: World) -> None:
    listed = world.get("un", url(world)).json()
    assert {k: v for k, v in listed[-1].items() if k != "actions"} == {
        "name": "poll",
        "title": "Consultation poll",
        "open": False,
    }
    assert listed[-1]["actions"] == ["open_poll"]
    assert world.get("ua", url(world, "/poll")).status_code == 404  # not open yet
    assert "poll" not in [p["name"] for p in world.get("ua", url(world)).json()]
    open_poll(world)
    assert act(world, "un", "open_poll", {"subject": "again"}, 409)["status"] == 409
    seen = act(world, "un", "put_statement", {"text": "Include Chornomorsk"})
    assert seen["statements"][0]["text"] == "Include Chornomorsk"
    mine = act(world, "ua", "answer_statement", {"statement": 1, "answer": "agree"})
    assert mine["statements"][0]["own"]["answer"] == "agree"
    act(world, "ru", "answer_statement", {"statement": 1, "answer": "agree", "comment": "ok"})
    everything = world.get("un", url(world, "/poll")).json()
    assert everything["statements"][0]["counts"]["agree"] == 2
    act(world, "tr", "publish_result", {"statement": 1})
    for who in ("ua", "ru"):
        shown = world.get(who, url(world, "/poll")).json()
        assert shown["statements"][0]["agreed"] is True
        assert "answers" not in shown["statements"][0]
    listed = {p["name"]: p for p in world.get("ua", url(world)).json()}
    assert listed["poll"]["actions"] == ["answer_statement"]
    assert listed["poll"]["open"] is True


def test_who_may_do_what_and_what_a_refusal_says(world: World) -> None:
    open_poll(world)
    act(world, "un", "put_statement", {"text": "s"})
    assert act(world, "ua", "put_statement", {"text": "a party cannot"}, 403)["status"] == 403
    # a mediator does not answer for a party (the action is a party's, for itself), nor does
    # an observer or an admin; whoever has no seat in the track finds no track
    answer = {"statement": 1, "answer": "agree"}
    for who, status in (
        ("un", 403),
        ("obs", 403),
        ("admin", 403),
        ("outsider", 404),
        ("icrc", 404),
    ):
        assert (
            world.post(who, url(world, "/poll/answer_statement"), json=answer).status_code == status
        ), who
    for who in ("obs", "outsider", "icrc"):
        assert world.get(who, url(world, "/poll")).status_code == 404, who
    refused = act(world, "ua", "answer_statement", {"statement": 1, "answer": "maybe"}, 422)
    assert refused["errors"][0]["location"] == "body.answer"
    refused = act(
        world,
        "ua",
        "answer_statement",
        {"statement": 1, "answer": "agree", "comment": "x" * 2001},
        422,
    )
    assert refused["errors"][0]["location"] == "body.comment"
    refused = act(
        world, "ua", "answer_statement", {"statement": 1, "answer": "agree", "extra": 1}, 422
    )
    assert refused["errors"][0]["location"] == "body.extra"
    refused = act(world, "ua", "answer_statement", {"answer": "agree"}, 422)
    assert refused["errors"][0]["location"] == "body.statement"
    assert act(world, "ua", "answer_statement", {"statement": 9, "answer": "agree"}, 409)
    assert world.get("un", url(world, "/nonesuch")).status_code == 404
    assert world.post("un", url(world, "/poll/nonesuch"), json={}).status_code == 404


def test_the_opening_is_the_head_of_the_poll_log_audited_like_its_events(world: World) -> None:
    open_poll(world)
    act(world, "un", "put_statement", {"text": "s"})
    act(world, "ua", "answer_statement", {"statement": 1, "answer": "pass"})
    food = world.tracks["food"]
    with world.services.db.unit_of_work(write=False) as session:
        rows = session.execute(
            select(t.ProtocolEvent.seq, t.ProtocolEvent.party_id, t.ProtocolEvent.body)
            .where(t.ProtocolEvent.track_id == food, t.ProtocolEvent.protocol == "poll")
            .order_by(t.ProtocolEvent.seq)
        ).all()
        audits = (
            session.execute(select(t.AuditEntry.action).where(t.AuditEntry.action.like("poll.%")))
            .scalars()
            .all()
        )
        notices = session.execute(
            select(t.Notification.party_id, t.Notification.kind)
            .where(t.Notification.track_id == food, t.Notification.kind.like("poll%"))
            .order_by(t.Notification.id)
        ).all()
        opened = (
            session.execute(
                select(t.Notification.party_id).where(
                    t.Notification.track_id == food, t.Notification.kind == "protocol"
                )
            )
            .scalars()
            .all()
        )
    assert [r.body["type"] for r in rows] == ["configured", "statement_put", "statement_answered"]
    assert rows[0].body["settings"] == {"subject": "Ports of the corridor"}
    assert rows[2].party_id == world.orgs["Ukraine"]
    assert list(audits) == ["poll.configured", "poll.statement_put", "poll.statement_answered"]
    assert [tuple(n) for n in notices] == [(None, "poll"), (world.orgs["Ukraine"], "poll_answer")]
    # the opening told each party, in its own scope (both see the poll)
    assert sorted(opened) == sorted([world.orgs["Ukraine"], world.orgs["Russian Federation"]])


def test_bidding_runs_through_the_generic_routes_too(world: World) -> None:
    o = world.orgs
    body = {"payer": o["Russian Federation"], "payee": o["Ukraine"], "issue": "term"}
    bidding = f"/api/tracks/{world.tracks['food']}/bidding"
    listed = {p["name"]: p for p in world.get("un", url(world)).json()}
    assert (listed["blind_bidding"]["open"], listed["blind_bidding"]["actions"]) == (
        False,
        ["open_bidding"],
    )
    assert "blind_bidding" not in [p["name"] for p in world.get("ua", url(world)).json()]
    opened = world.post("un", url(world, "/blind_bidding/open_bidding"), json=body)
    assert opened.status_code == 201, opened.text
    assert (opened.json()["issue"], opened.json()["rules"]["unit"]) == ("term", "days")
    assert world.post("un", bidding, json=body).status_code == 409  # the old route agrees
    listed = {p["name"]: p for p in world.get("ua", url(world)).json()}
    assert listed["blind_bidding"]["actions"] == ["submit_bid"]
    r = world.post("ua", url(world, "/blind_bidding/submit_bid"), json={"round": 1, "amount": 90})
    assert r.status_code == 200, r.text
    assert r.json()["own_bids"][0]["amount"] == 90
    r = world.post("ru", url(world, "/blind_bidding/submit_bid"), json={"round": 1, "amount": 95})
    assert r.status_code == 200, r.text
    r = world.post("un", url(world, "/blind_bidding/release_result"))
    assert r.status_code == 200, r.text
    assert r.json()["agreed"] == {"issue": "term", "amount": 92.5, "option": "120"}
    seen = world.get("ua", bidding).json()  # the old route reads the same, with the names
    assert (seen["status"], seen["payer_name"]) == ("settled", "Russian Federation")
    refused = world.post(
        "ua", url(world, "/blind_bidding/submit_bid"), json={"round": 2, "amount": -1}
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["location"] == "body.amount"
    # a party that is not a side sees nothing of the bidding, as if there were none
    assert world.get("icrc", url(world, "/blind_bidding")).status_code == 404
    food = world.tracks["food"]
    with world.services.db.unit_of_work(write=False) as session:
        head = session.execute(
            select(t.ProtocolEvent.body)
            .where(t.ProtocolEvent.track_id == food, t.ProtocolEvent.protocol == "blind_bidding")
            .order_by(t.ProtocolEvent.seq)
            .limit(1)
        ).scalar_one()
        audited = session.execute(
            select(t.AuditEntry.action).where(t.AuditEntry.action == "blind_bidding.configured")
        ).scalar_one()
    assert head["type"] == "configured"
    assert head["settings"]["payer"] == str(o["Russian Federation"])
    assert head["settings"]["rules"]["unit"] == "days"
    assert audited == "blind_bidding.configured"


def test_a_generic_bidding_opening_names_the_refused_field(world: World) -> None:
    o = world.orgs
    opening = url(world, "/blind_bidding/open_bidding")
    sides = {"payer": o["Russian Federation"], "payee": o["Ukraine"]}
    cases = [
        ({"payer": o["United Nations"], "payee": o["Ukraine"]}, "payer"),
        ({"payer": o["Ukraine"], "payee": o["Ukraine"]}, "payee"),
        ({"payer": o["Ukraine"], "payee": o["Russian Federation"], "issue": "nothing"}, "issue"),
        ({**sides, "relative": 1}, "body.relative"),
        ({**sides, "deadline": "2020-01-01T00:00:00+00:00"}, "deadline"),
        ({**sides, "deadline": "2099-01-01T00:00:00"}, "deadline"),
    ]
    for body, location in cases:
        r = world.post("un", opening, json=body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["errors"][0]["location"] == location, (body, r.text)
    assert world.post("ua", opening, json=cases[1][0]).status_code == 403
    assert world.get("un", url(world, "/blind_bidding")).status_code == 404  # nothing stored


def test_the_openapi_shows_every_generic_action_with_its_schema(world: World) -> None:
    spec = world.client.get("/api/openapi.json").json()
    for protocol in registry.protocols():
        for rule in protocol.actions:
            path = f"/api/tracks/{{track_id}}/protocols/{protocol.name}/{rule.name}"
            if not rule.generic:
                assert path not in spec["paths"]
                continue
            operation = spec["paths"][path]["post"]
            assert operation["tags"] == ["protocols"]
            assert operation["operationId"] == f"{protocol.name}_{rule.name}"
    answer = spec["components"]["schemas"]["PollAnswerStatementIn"]
    assert answer["required"] == ["statement", "answer"]
    assert answer["properties"]["comment"]["maxLength"] == 2000
    assert answer["additionalProperties"] is False
    assert spec["components"]["schemas"]["Answer"]["enum"] == ["agree", "disagree", "pass"]
    bid = spec["components"]["schemas"]["BlindBiddingSubmitBidIn"]
    assert bid["properties"]["amount"]["minimum"] == 0
