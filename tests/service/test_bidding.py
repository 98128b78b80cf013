"""Double-blind bidding through the API: open, bid, release, close; errors by field."""

from __future__ import annotations

from typing import Any

import pytest
from tests.service.world import World

URL = "/api/tracks/{}/bidding"


def open_food(world: World, **rules: Any) -> dict[str, Any]:
    body = {
        "payer": world.orgs["Russian Federation"],
        "payee": world.orgs["Ukraine"],
        "issue": "term",
        **rules,
    }
    r = world.post("un", URL.format(world.tracks["food"]), json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


def bid(world: World, who: str, rnd: int, amount: float, status: int = 200) -> dict[str, Any]:
    r = world.post(
        who, URL.format(world.tracks["food"]) + "/bids", json={"round": rnd, "amount": amount}
    )
    assert r.status_code == status, r.text
    return dict(r.json())


def release(world: World, status: int = 200) -> dict[str, Any]:
    r = world.post("un", URL.format(world.tracks["food"]) + "/release")
    assert r.status_code == status, r.text
    return dict(r.json())


def test_a_settlement_reaches_both_sides_when_released_and_maps_to_an_option(
    world: World,
) -> None:
    opened = open_food(world, max_rounds=3)
    assert opened["view"] == "mediator"
    assert opened["rules"]["unit"] == "days"  # the issue's unit by default
    assert opened["payer_name"] == "Russian Federation"
    bid(world, "ru", 1, 90)
    mine = bid(world, "ua", 1, 150)
    assert mine["results"] == []
    assert mine["own_bids"][0]["amount"] == 150
    release(world)
    for who in ("ua", "ru"):
        seen = world.get(who, URL.format(world.tracks["food"])).json()
        assert seen["results"] == [
            {"round": 1, "settled": False, "amount": None, "summary": "no settlement in round 1"}
        ]
        assert seen["round"] == 2
    bid(world, "ua", 2, 120)
    bid(world, "ru", 2, 125)
    waiting = world.get("un", URL.format(world.tracks["food"])).json()
    assert waiting["waiting"] == 1
    assert waiting["agreed"] is None
    assert waiting["results"][1]["offer"] == 125
    done = release(world)
    assert done["agreed"] == {"issue": "term", "amount": 122.5, "option": "120"}
    seen = world.get("ru", URL.format(world.tracks["food"])).json()
    assert seen["status"] == "settled"
    assert seen["agreed"] == {"issue": "term", "amount": 122.5, "option": "120"}
    assert "demand" not in str(seen)
    assert "150" not in str(seen)


def test_who_may_do_what(world: World) -> None:
    track = world.tracks["food"]
    assert world.get("un", URL.format(track)).status_code == 404  # none yet
    body = {"payer": world.orgs["Russian Federation"], "payee": world.orgs["Ukraine"]}
    assert world.post("ua", URL.format(track), json=body).status_code == 403
    open_food(world)
    assert world.post("un", URL.format(track), json=body).status_code == 409
    for who in ("obs", "admin", "outsider", "icrc"):
        assert world.get(who, URL.format(track)).status_code == 404, who
    bids = URL.format(track) + "/bids"  # a mediator does not bid (it knows of the bidding)
    assert world.post("un", bids, json={"round": 1, "amount": 1}).status_code == 403
    assert world.post("ua", URL.format(track) + "/release").status_code == 403
    assert world.post("ua", URL.format(track) + "/close", json={}).status_code == 403


@pytest.mark.parametrize(
    ("body", "location"),
    [
        ({"issue": "ports"}, "issue"),
        ({"issue": "nothing"}, "issue"),
        ({"max_rounds": 0}, "max_rounds"),
        ({"tolerance": {"relative": 1}}, "relative"),
        ({"deadline": "2020-01-01T00:00:00+00:00"}, "deadline"),
        ({"deadline": "2099-01-01T00:00:00"}, "deadline"),
    ],
)
def test_bad_openings_name_the_field(world: World, body: dict[str, Any], location: str) -> None:
    full = {"payer": world.orgs["Russian Federation"], "payee": world.orgs["Ukraine"], **body}
    r = world.post("un", URL.format(world.tracks["food"]), json=full)
    assert r.status_code == 422, r.text
    assert location in r.text


def test_parties_must_be_two_parties_of_the_track(world: World) -> None:
    track = URL.format(world.tracks["food"])
    ua, un = world.orgs["Ukraine"], world.orgs["United Nations"]
    same = world.post("un", track, json={"payer": ua, "payee": ua})
    assert same.status_code == 422
    assert "payee" in same.text
    mediator = world.post("un", track, json={"payer": un, "payee": ua})
    assert mediator.status_code == 422
    assert "payer" in mediator.text


def test_refusals_and_close(world: World) -> None:
    open_food(world, max_rounds=2)
    bid(world, "ua", 1, 150)
    refused = bid(world, "ua", 1, 140, status=409)
    assert "already bid in round 1" in refused["detail"]
    release(world, status=409)
    bid(world, "ru", 1, 60)
    release(world)
    lower = bid(world, "ru", 2, 50, status=409)  # an offer may not fall (monotone)
    assert "earlier offer of 60" in lower["detail"]
    closed = world.post(
        "un", URL.format(world.tracks["food"]) + "/close", json={"reason": "talks moved on"}
    )
    assert closed.status_code == 200
    seen = world.get("ua", URL.format(world.tracks["food"])).json()
    assert seen["status"] == "closed"
    assert seen["closed_reason"] == "talks moved on"
    bid(world, "ua", 2, 140, status=409)


def test_a_bidding_opened_before_the_settings_moved_to_the_log_still_reads_and_runs(
    world: World,
) -> None:
    """A database from before: the bidding's settings in its ``biddings`` row, its log without
    a head. It is read, acted on and refused a second opening as one opened now; nothing
    writes the row."""
    import datetime as dt

    from gobetween.protocols.blind_bidding import BiddingRules
    from gobetween.store.bidding_tables import Bidding

    food = world.tracks["food"]
    payer, payee = world.orgs["Russian Federation"], world.orgs["Ukraine"]
    with world.services.db.unit_of_work() as session:
        session.add(
            Bidding(
                track_id=food,
                issue="term",
                payer_id=payer,
                payee_id=payee,
                rules=BiddingRules(max_rounds=2, unit="days").to_dict(),
                opened_at=dt.datetime.now(dt.UTC),
            )
        )
    generic = f"/api/tracks/{food}/protocols/blind_bidding"
    seen = world.get("un", generic).json()
    assert (seen["payer"], seen["issue"], seen["rules"]["max_rounds"]) == (str(payer), "term", 2)
    again = {"payer": payer, "payee": payee}
    assert world.post("un", URL.format(food), json=again).status_code == 409
    assert world.post("un", f"{generic}/open_bidding", json=again).status_code == 409
    bid(world, "ru", 1, 150)
    r = world.post("ua", f"{generic}/submit_bid", json={"round": 1, "amount": 130})
    assert r.status_code == 200, r.text
    done = release(world)
    assert done["agreed"] == {"issue": "term", "amount": 140.0, "option": "120"}
    assert world.get("ua", URL.format(food)).json()["payer_name"] == "Russian Federation"
    with world.services.db.unit_of_work(write=False) as session:
        assert session.get(Bidding, food) is not None
        assert session.query(Bidding).count() == 1
