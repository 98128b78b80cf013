"""The single text and relayed offers through the generic routes keep each party's doings
private: two worlds, one party's observables compared (tests/service/two_worlds.py), as for the
poll and double-blind bidding.

Relayed offers: in world A the other party (Russian Federation) sends its offers *early*, in
world B *late* or never, and the mediators decline them in either; the observed party (Ukraine,
two members) sends its own offers through ``/protocols/relay/send_offer`` in both, and the
mediators forward or decline them. Its offers are numbered among its own, so nothing it reads
(the relay's JSON through the generic and the older address, the list of the track's protocols,
the answers to its own and to its refused attempts, the live-update stream with its cursor ids,
the pages) may depend on how many offers the other party sent, nor when.

The single text: the mediators publish versions in both worlds; the other party answers each
(rejects or asks for amendments, never accepts: "ready for agreement" is what every party is
meant to learn) early in world A, late or never in world B, and may withdraw; the observed party
answers and withdraws through ``/protocols/single_text/...``. Its view never holds the other's
answers, nor whether there are any.

Single-world tests: the other party's markers never reach the observed party, and an offer
stores the same rows whether or not the other party has sent any.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import initialize, precondition, rule
from tests import depth
from tests.service import two_worlds
from tests.service.two_worlds import OBSERVED
from tests.service.world import World

PACKAGES = (
    {"ports": "Odesa", "inspection": "at sea", "term": "120"},
    {"ports": "three ports", "inspection": "Istanbul JCC", "term": "60"},
)


def url(world: World, protocol: str, tail: str = "") -> str:
    return f"/api/tracks/{world.tracks['food']}/protocols/{protocol}{tail}"


def post(world: World, who: str, protocol: str, action: str, body: dict[str, Any]) -> int:
    r = world.post(who, url(world, protocol, f"/{action}"), json=body)
    assert r.status_code < 500, r.text
    return r.status_code


def nothing(world: World) -> None:
    """The relay and the single text need no opening."""


class RelayWorlds(two_worlds.TwoWorlds):
    """World A: the other party sends as soon as the rule fires; world B: later, or never."""

    protocol = "relay"
    more = ("/api/tracks/{track}/offers",)

    @initialize()
    def build(self) -> None:
        self.open_worlds(nothing)
        self.count = [0, 0]  # offers in each world (the global numbers)
        self.ours: list[tuple[int, int]] = []  # our pending offers' numbers in each world
        self.later = 0  # offers the other party still owes world B

    def _sent(self, world: int) -> int:
        self.count[world] += 1
        return self.count[world]

    @rule(who=st.sampled_from(OBSERVED), message=st.text(min_size=1, max_size=8))
    def observed_sends(self, who: str, message: str) -> None:
        body = {"options": {"ports": "Odesa"}, "message": message}
        if self.both(who, url(self.worlds[0], "relay", "/send_offer"), body) == 200:
            self.ours.append((self._sent(0), self._sent(1)))

    @rule(late=st.booleans(), message=st.sampled_from(["zx-one", "zx-two"]))
    def other_sends(self, late: bool, message: str) -> None:
        body = {"options": {"ports": "three ports"}, "message": message}
        assert post(self.worlds[0], "ru", "relay", "send_offer", body) == 200
        number = self._sent(0)
        assert post(self.worlds[0], "un", "relay", "decline_offer", {"offer": number}) == 200
        if late:
            self.later += 1
            return
        assert post(self.worlds[1], "ru", "relay", "send_offer", body) == 200
        number = self._sent(1)
        assert post(self.worlds[1], "un", "relay", "decline_offer", {"offer": number}) == 200

    @precondition(lambda self: self.later > 0)
    @rule()
    def other_sends_late(self) -> None:
        body = {"options": {"ports": "three ports"}, "message": "zx-late"}
        assert post(self.worlds[1], "ru", "relay", "send_offer", body) == 200
        number = self._sent(1)
        self.later -= 1
        assert post(self.worlds[1], "tr", "relay", "decline_offer", {"offer": number}) == 200

    @precondition(lambda self: bool(self.ours))
    @rule(data=st.data(), forward=st.booleans(), message=st.sampled_from([None, "reworded"]))
    def mediators_decide_ours(
        self, data: st.DataObject, forward: bool, message: str | None
    ) -> None:
        numbers = self.ours.pop(data.draw(st.integers(0, len(self.ours) - 1)))
        for world, number in zip(self.worlds, numbers, strict=True):
            if forward:
                body: dict[str, Any] = {"offer": number, "message": message}
                assert post(world, "un", "relay", "forward_offer", body) == 200
            else:
                body = {"offer": number, "reason": message or ""}
                assert post(world, "tr", "relay", "decline_offer", body) == 200

    @rule(
        action=st.sampled_from(["send_offer", "forward_offer", "decline_offer"]),
        body=st.sampled_from(
            [{}, {"offer": 1}, {"options": {"ports": "Kherson"}}, {"message": "x" * 20_001}]
        ),
    )
    def observed_tries_anything(self, action: str, body: dict[str, Any]) -> None:
        if self.both("ua", url(self.worlds[0], "relay", f"/{action}"), body) == 200:
            self.ours.append((self._sent(0), self._sent(1)))


class TextWorlds(two_worlds.TwoWorlds):
    """World A: the other party answers as soon as the rule fires; world B: before the next
    version, differently, or never."""

    protocol = "single_text"
    more = ("/api/tracks/{track}/text",)

    @initialize()
    def build(self) -> None:
        self.open_worlds(nothing)
        self.version = 0
        self.late: dict[str, Any] | None = None  # the other party's answer owed to world B

    def _settle(self) -> None:
        if self.late is not None:
            post(self.worlds[1], "ru", "single_text", "answer_text", self.late)
            self.late = None

    @rule(k=st.integers(0, 1))
    def publish(self, k: int) -> None:
        self._settle()
        body = {"package": PACKAGES[k], "note": f"v{self.version + 1}"}
        assert self.both("un", url(self.worlds[0], "single_text", "/publish_text"), body) == 200
        self.version += 1

    @precondition(lambda self: self.version > 0)
    @rule(
        early=st.sampled_from(["reject", "amend"]),
        late=st.none() | st.sampled_from(["reject", "amend"]),
        withdraw=st.booleans(),
    )
    def other_answers(self, early: str, late: str | None, withdraw: bool) -> None:
        def answer(kind: str) -> dict[str, Any]:
            if kind == "reject":
                return {"version": self.version, "kind": kind, "reasons": ["zx-reason"]}
            return {"version": self.version, "kind": kind, "amendments": {"term": "180"}}

        assert post(self.worlds[0], "ru", "single_text", "answer_text", answer(early)) == 200
        if withdraw:
            body = {"version": self.version}
            assert post(self.worlds[0], "ru", "single_text", "withdraw_answer", body) == 200
        self.late = None if late is None else answer(late)

    @precondition(lambda self: self.version > 0)
    @rule(
        who=st.sampled_from(OBSERVED),
        kind=st.sampled_from(["accept", "reject", "amend"]),
        withdraw=st.booleans(),
    )
    def observed_answers(self, who: str, kind: str, withdraw: bool) -> None:
        body: dict[str, Any] = {"version": self.version, "kind": kind}
        if kind == "reject":
            body["reasons"] = ["ours"]
        if kind == "amend":
            body["amendments"] = {"inspection": "none"}
        self.both(who, url(self.worlds[0], "single_text", "/answer_text"), body)
        if withdraw:
            body = {"version": self.version}
            self.both(who, url(self.worlds[0], "single_text", "/withdraw_answer"), body)

    @rule(
        action=st.sampled_from(["answer_text", "withdraw_answer", "publish_text"]),
        version=st.integers(0, 3),
        kind=st.sampled_from(["accept", "maybe"]),
    )
    def observed_tries_anything(self, action: str, version: int, kind: str) -> None:
        body = {"version": version, "kind": kind} if action == "answer_text" else {}
        if action == "withdraw_answer":
            body = {"version": version}
        self.both("ua", url(self.worlds[0], "single_text", f"/{action}"), body)


def _run(machine: type[two_worlds.TwoWorlds]) -> None:
    machine.TestCase.settings = settings(
        max_examples=depth.examples(3),  # a shard (tests/depth.py)
        stateful_step_count=12,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    machine.TestCase().runTest()


@pytest.mark.slow
@pytest.mark.deep
@pytest.mark.parametrize("shard", depth.shards())
def test_a_party_observes_the_same_relay_whatever_and_whenever_the_other_sends(shard: int) -> None:
    _run(RelayWorlds)


@pytest.mark.slow
@pytest.mark.deep
@pytest.mark.parametrize("shard", depth.shards())
def test_a_party_observes_the_same_text_whatever_and_whenever_the_other_answers(shard: int) -> None:
    _run(TextWorlds)


def test_the_other_party_s_offers_and_answers_never_reach_a_party(world: World) -> None:
    """The other party's offers and answers carry markers; the observed party reads none of
    them anywhere, and its own offer is its number 1 whatever the other sent."""
    marker = "zx-marker-16180"
    for _ in range(3):
        assert post(world, "ru", "relay", "send_offer", {"message": marker}) == 200
    assert post(world, "ua", "relay", "send_offer", {"message": "ours"}) == 200
    assert post(world, "un", "relay", "decline_offer", {"offer": 1, "reason": marker}) == 200
    assert post(world, "un", "single_text", "publish_text", {"package": PACKAGES[0]}) == 200
    theirs = {"version": 1, "kind": "reject", "reasons": [marker]}
    assert post(world, "ru", "single_text", "answer_text", theirs) == 200
    for who in OBSERVED:
        for protocol, more in (
            ("relay", ("/api/tracks/{track}/offers",)),
            ("single_text", ("/api/tracks/{track}/text",)),
        ):
            seen = two_worlds.observe(world, who, protocol, more=more)
            assert marker not in " ".join(body for _url, _status, body in seen), (who, protocol)
    own = world.get("ua", url(world, "relay")).json()
    assert [s["number"] for s in own["sent"]] == [1]
    assert world.get("ua", url(world, "single_text")).json()["own_answers"] == {}


def test_an_offer_stores_what_it_stores_whatever_the_other_sent(world: World) -> None:
    """Ukraine's first offer (none from Russia yet) and its second (after Russia's): the same
    rows added to every table, the same event and audit entry but for the global number."""
    assert post(world, "un", "single_text", "publish_text", {"package": PACKAGES[0]}) == 200
    added = []
    for k in range(2):
        before, _ = two_worlds.rows(world)
        assert post(world, "ua", "relay", "send_offer", {"message": "same"}) == 200
        after, newest = two_worlds.rows(world)
        added.append(({name: after[name] - before[name] for name in after}, newest[1]))
        if k == 0:
            assert post(world, "ru", "relay", "send_offer", {"message": "theirs"}) == 200
    assert added[0] == added[1]
    counts = added[0][0]
    assert (counts["protocol_events"], counts["audit_entries"], counts["notifications"]) == (
        1,
        1,
        1,
    )
