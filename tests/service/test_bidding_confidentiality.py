"""Double-blind bidding keeps each side's bid sealed: two worlds, one side's observables compared.

In world A the other side (the payer, Russian Federation) bids *early* in each round, in world
B *late* (just before the mediators release the round), with the same figures. Everything the
observed side (the payee, Ukraine; and a second member of it) can read must be byte for byte the
same in both worlds at every moment: the bidding's JSON, the answers to its own bids and to its
refused attempts, the live-update stream with its cursor ids, the page. Only timestamps are
masked. So a side learns neither whether nor when the other bid before the release, and a
Hypothesis state machine searches the orders of bids, refusals, releases and closing. The
machine acts through the generic routes (``/api/tracks/{id}/protocols/blind_bidding/...``), the
single-world tests through the bidding's own (``/api/tracks/{id}/bidding...``); both are
observed. The two worlds, what is observed and how it is compared are shared with the poll's
test (tests/service/two_worlds.py).

A second test checks that the other side's figure, and the distance between the figures, never
reach the observed side: the payer's offers are unique marker numbers that must not appear in
anything the payee reads, before or after the release.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import initialize, precondition, rule
from tests import depth
from tests.service import two_worlds
from tests.service.two_worlds import OBSERVED, masked
from tests.service.world import World

#: The bidding's own address, observed beside the generic ones.
OWN = ("/api/tracks/{track}/bidding",)


def observe(world: World, who: str, track: int | None = None) -> list[tuple[str, int, str]]:
    """Every read of ``who`` about the bidding and the track's live updates, masked."""
    return two_worlds.observe(world, who, "blind_bidding", track=track, more=OWN)


def bidding_url(world: World, tail: str = "") -> str:
    return f"/api/tracks/{world.tracks['food']}/bidding{tail}"


def generic_url(world: World, action: str) -> str:
    return f"/api/tracks/{world.tracks['food']}/protocols/blind_bidding/{action}"


def open_bidding(world: World, **rules: Any) -> None:
    body = {"payer": world.orgs["Russian Federation"], "payee": world.orgs["Ukraine"], **rules}
    r = world.post("un", bidding_url(world), json=body)
    assert r.status_code == 201, r.text


class TwoWorlds(two_worlds.TwoWorlds):
    """World A: the payer bids as soon as the rule fires; world B: only before the release."""

    protocol = "blind_bidding"
    more = OWN

    @initialize(
        rounds=st.integers(1, 4),
        relative=st.sampled_from([0.0, 0.2]),
        monotone=st.booleans(),
    )
    def build(self, rounds: int, relative: float, monotone: bool) -> None:
        def opening(world: World) -> None:
            o = world.orgs
            body = {"payer": o["Russian Federation"], "payee": o["Ukraine"],
                    "max_rounds": rounds, "relative": relative, "monotone": monotone}  # fmt: skip
            r = world.post("un", generic_url(world, "open_bidding"), json=body)
            assert r.status_code == 201, r.text

        self.open_worlds(opening)
        self.round = 1
        self.pending: float | None = None  # the payer's bid of this round, in world A only
        self.observed_bid = False
        self.over = False

    @precondition(lambda self: not self.over and self.pending is None)
    @rule(amount=st.integers(0, 200))
    def payer_bids_early(self, amount: int) -> None:
        early = self.worlds[0]
        r = early.post("ru", generic_url(early, "submit_bid"), json={"round": self.round,
                                                               "amount": amount})  # fmt: skip
        if r.status_code == 200:
            self.pending = amount
        else:  # refused (monotone): the late world would refuse it too, nobody bids
            assert r.status_code == 409, r.text

    @precondition(lambda self: not self.over)
    @rule(amount=st.integers(0, 200), who=st.sampled_from(OBSERVED))
    def payee_bids(self, amount: int, who: str) -> None:
        status = self.both(who, generic_url(self.worlds[0], "submit_bid"),
                            {"round": self.round, "amount": amount})  # fmt: skip
        if status == 200:
            self.observed_bid = True

    @rule(round_=st.integers(1, 5), amount=st.integers(0, 200))
    def payee_tries_any_round(self, round_: int, amount: int) -> None:
        status = self.both("ua", generic_url(self.worlds[0], "submit_bid"),
                            {"round": round_, "amount": amount})  # fmt: skip
        if status == 200:
            self.observed_bid = True

    @precondition(lambda self: not self.over and self.observed_bid and self.pending is not None)
    @rule()
    def release(self) -> None:
        late = self.worlds[1]
        r = late.post("ru", generic_url(late, "submit_bid"), json={"round": self.round,
                                                             "amount": self.pending})  # fmt: skip
        assert r.status_code == 200, r.text
        for world in self.worlds:
            assert world.post("un", generic_url(world, "release_result")).status_code == 200
        shown = self.worlds[0].get("ua", bidding_url(self.worlds[0])).json()
        self.over = shown["status"] != "open"
        self.round = shown["round"]
        self.pending = None
        self.observed_bid = False

    @precondition(lambda self: not self.over and self.pending is None and not self.observed_bid)
    @rule()
    def close(self) -> None:
        for world in self.worlds:
            assert world.post("un", generic_url(world, "close_bidding"), json={}).status_code == 200
        self.over = True


@pytest.mark.slow
@pytest.mark.deep
@pytest.mark.parametrize("shard", depth.shards())
def test_a_side_observes_the_same_whenever_the_other_bids(shard: int) -> None:
    TwoWorlds.TestCase.settings = settings(
        max_examples=depth.examples(3),  # a shard (tests/depth.py)
        stateful_step_count=10,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    TwoWorlds.TestCase().runTest()


def test_the_other_side_s_figure_never_reaches_a_side(world: World) -> None:
    """The payer's offers are marker numbers; the payee reads none of them, nor the gap."""
    open_bidding(world, max_rounds=2)
    offers = [27_182.818, 31_415.926]
    demands = [90_000, 80_000]
    for k, (offer, demand) in enumerate(zip(offers, demands, strict=True), start=1):
        for who, amount in (("ru", offer), ("ua", demand)):
            r = world.post(who, bidding_url(world, "/bids"), json={"round": k, "amount": amount})
            assert r.status_code == 200, r.text
        assert world.post("un", bidding_url(world, "/release")).status_code == 200
        for who in OBSERVED:
            text = " ".join(body for _url, _status, body in observe(world, who))
            for secret in (offer, demand - offer, round(demand - offer)):
                for form in (f"{secret}", f"{secret:,.3f}", f"{secret:,.0f}", f"{secret:g}"):
                    assert form not in text, (who, form)
    mediators = world.get("un", bidding_url(world)).json()
    assert [r["offer"] for r in mediators["results"]] == offers  # the mediators see them
    assert world.get("ua", bidding_url(world)).json()["status"] == "failed"


def test_a_party_outside_the_bidding_sees_nothing_of_it(world: World) -> None:
    """In a track of three parties, the one that does not bid reads exactly the same before the
    bidding opens and after it has run between the other two."""
    from tests.service.world import PASSWORD, food_agenda

    from gobetween.model import OrganisationKind, Role
    from gobetween.service import identity, prepare
    from gobetween.store import repositories

    with world.services.db.unit_of_work() as session:
        admin = repositories.load_actor(session, world.users["admin"])
        moldova = prepare.add_organisation(
            session, admin, world.process_id, name="Moldova", kind=OrganisationKind.PARTY
        )
        user = identity.create_user(
            session, world.services.hasher, email="md@example.org", name="md", password=PASSWORD
        )
        prepare.add_member(session, admin, world.process_id, email="md@example.org",
                           role=Role.PARTY_MEMBER, organisation_id=moldova.id)  # fmt: skip
        o = world.orgs
        track = prepare.create_track(session, admin, world.process_id, name="three parties",
                                     agenda=food_agenda(), organisation_ids=[
                                         o["Ukraine"], o["Russian Federation"], moldova.id,
                                         o["United Nations"]])  # fmt: skip
        _, world.tokens["md"] = identity.create_api_token(
            session, repositories.load_actor(session, user.id), "test"
        )
        track_id = track.id

    def seen() -> list[Any]:
        return observe(world, "md", track_id)

    before = seen()
    body = {"payer": world.orgs["Russian Federation"], "payee": world.orgs["Ukraine"]}
    assert world.post("un", f"/api/tracks/{track_id}/bidding", json=body).status_code == 201
    for who, amount in (("ru", 70), ("ua", 60)):
        r = world.post(who, f"/api/tracks/{track_id}/bidding/bids",
                       json={"round": 1, "amount": amount})  # fmt: skip
        assert r.status_code == 200, r.text
    assert world.post("un", f"/api/tracks/{track_id}/bidding/release").status_code == 200
    assert world.get("ua", f"/api/tracks/{track_id}/bidding").json()["status"] == "settled"
    assert seen() == before
    assert before[0][1] == 404
    bid = world.post("md", f"/api/tracks/{track_id}/bidding/bids", json={"round": 1, "amount": 1})
    assert bid.status_code == 404


def test_the_bid_that_completes_a_round_stores_what_a_first_bid_stores(world: World) -> None:
    """The side's bid completes the round in the food track (the other side bid first) and is
    the first in the energy track: the same rows are added to every table, and the stored event
    and its audit entry read the same (times aside), so the server's work on the bid does not
    depend on whether the other side bid. The release then resolves the round."""
    tracks = {"food": "un", "energy": "icrc"}
    body = {"payer": world.orgs["Russian Federation"], "payee": world.orgs["Ukraine"]}
    for track, mediator in tracks.items():
        r = world.post(mediator, f"/api/tracks/{world.tracks[track]}/bidding", json=body)
        assert r.status_code == 201, r.text
    food, energy = (f"/api/tracks/{world.tracks[k]}/bidding" for k in tracks)
    assert world.post("ru", f"{food}/bids", json={"round": 1, "amount": 70}).status_code == 200
    added = []
    for url in (food, energy):
        before, _ = two_worlds.rows(world)
        assert world.post("ua", f"{url}/bids", json={"round": 1, "amount": 60}).status_code == 200
        after, newest = two_worlds.rows(world)
        added.append(({k: after[k] - before[k] for k in after}, newest))
    assert added[0] == added[1]
    assert (added[0][0]["protocol_events"], added[0][0]["audit_entries"]) == (1, 1)
    assert json.loads(masked(added[0][1][0]))["type"] == "bid_submitted"
    mediators = world.get("un", food).json()
    assert (mediators["waiting"], mediators["status"], mediators["results"][0]["amount"]) == (
        1,
        "settled",
        65.0,
    )
    before, _ = two_worlds.rows(world)
    assert world.post("un", f"{food}/release").status_code == 200
    after, _ = two_worlds.rows(world)
    assert (after["protocol_events"] - before["protocol_events"]) == 2  # resolved + released
    assert world.get("ua", food).json()["settlement"] == 65.0
    assert world.post("icrc", f"{energy}/release").status_code == 409
