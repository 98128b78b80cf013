"""The joint record keeps what one party files private from the other: two worlds, statefully.

An agreement's joint record (stage 5) holds two things a party files or is given privately: the
incidents it alleges (seen by the mediators and itself until the joint team assesses them, then
by the accused party without the allegation's words), and the names lists of its own people in
an exchange (seen by the mediators and itself only). The rest of the record is joint.

Two worlds run the same signed agreement on clocks set to the same instants, with the same
random draws for every step both worlds take (ids, incident references: each step reseeds the
server's randomness), so what the observed party (Ukraine, two members) may read must be the
same byte for byte. In the second world the other party (the Russian Federation) also acts
between the steps: it alleges incidents against the observed party, with other words, on other
days, at other moments, and the mediators' imports give its people's rows other names lists.
The joint team's assessments of provisions carry a note for every signatory, the same in both
worlds, and in the second world an internal note (the mediators' alone) that names the other
party's incident still pending against the observed party.
The observed party also records events naming the other party's incident pending against it
(a reference that names nothing in the first world): the same answer in both.
A Hypothesis state machine searches the orders of the observed party's allegations, the joint
team's assessments of them, imports, assessments of provisions and the other party's doings.
After every step both members of the observed party read the agreement, its record, both record
kinds with their figures, the provisions, the publications, a CSV export, the agreement list and
the pages; status and body must be the same in both worlds (CSRF tokens masked, as random).
"""

from __future__ import annotations

import datetime as dt
import random
import re
import secrets
import tempfile
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from tests import depth
from tests.service.agree_helpers import SIGNERS, create, make_ready, register_keys, sign_all
from tests.service.two_worlds import OBSERVED, masked
from tests.service.world import Clock, World, make_settings

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
#: a session's CSRF token on a page: random by design, its length is kept
_CSRF = re.compile(r'(csrf_token" value="|"X-CSRF-Token": "|data-csrf=")([^"]+)"')
#: the observed party's days and words of its allegations, and the other party's
DAYS = ("2022-08-03", "2022-09-14", "2023-01-20")
WORDS = ("a drone over the pier", "shelling near the silo", "")
THEIR_WORDS = ("", "mines near the pier", "a convoy was fired on " * 10, "удар по станції")
#: the joint team's note for every signatory (both worlds) and, in world 1, its internal note
NOTE = "Inspections resumed; the joint team keeps the level under review."
INTERNAL = "Kept at this level until {incident}, alleged against Ukraine, is assessed."
EXCHANGE_HEAD = "Exchange,Date,Place,Released by,Returned to,Category,Number,Verified by,Names list"


def _keys() -> dict[str, Ed25519PrivateKey]:
    """The same signing key per organisation in both worlds (Ed25519 signs deterministically)."""
    return {
        who: Ed25519PrivateKey.from_private_bytes(bytes([n + 1]) * 32)
        for n, who in enumerate(SIGNERS)
    }


def _ok(r: httpx.Response, what: str) -> Any:
    assert r.is_success, (what, r.status_code, r.text)
    return r.json()


class RecordWorlds(RuleBasedStateMachine):
    """World 0: only the steps both worlds take; world 1: the other party acts between them."""

    def __init__(self) -> None:
        super().__init__()
        self.worlds: list[World] = []
        self.aids: list[int] = []
        self.patch = pytest.MonkeyPatch()
        self.clock = Clock(START)
        self.clock.install(self.patch)
        self.step = 0
        self.ours: list[str] = []  # the observed party's incidents, by their reference
        self.theirs = 0  # the other party's, in world 1
        self.their_keys: list[str] = []  # and their references
        self.exchange = 0

    def _seed(self, world: int, noise: bool = False) -> None:
        """The server's randomness for the next request: the same draws in both worlds for a
        step both take, other draws for the other party's doings."""
        rng = random.Random(f"{self.step}-{world if noise else 'both'}-{noise}")
        self.patch.setattr(secrets, "randbelow", lambda n: rng.randrange(n))
        self.patch.setattr(secrets, "token_hex", lambda n=32: rng.randbytes(n).hex())

    def _at(self, noise: bool) -> None:
        self.step += 1
        self.clock.set(START + dt.timedelta(minutes=self.step, seconds=20 if noise else 0))

    def both(self, who: str, url: str, body: dict[str, Any]) -> int:
        """``who`` posts ``body`` to ``url`` (``{aid}`` filled in) in both worlds at the same
        instant with the same draws; where the observed party posts, the answers must be the
        same. The status."""
        self._at(noise=False)
        answers = []
        for n, world in enumerate(self.worlds):
            self._seed(n)
            answers.append(world.post(who, url.format(aid=self.aids[n]), json=body))
        quiet, busy = ((a.status_code, a.text) for a in answers)
        if who in OBSERVED:
            assert quiet == busy, (who, url, body)
        return quiet[0]

    def teardown(self) -> None:
        for world in self.worlds:
            world.close()
        if self.worlds:
            self.tmp.cleanup()
        self.patch.undo()

    @initialize()
    def build(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        keys = _keys()
        for n, name in enumerate(("quiet", "busy")):
            (Path(self.tmp.name) / name).mkdir()
            self.clock.set(START - dt.timedelta(hours=1))
            self._seed(n)
            world = World.build(make_settings(f"sqlite:///{self.tmp.name}/{name}/gobetween.db"))
            aid = int(create(world, make_ready(world))["id"])
            sign_all(world, aid, register_keys(world, keys))
            kinds = {"kinds": ["exchanges", "incidents"]}
            _ok(world.put("un", f"/api/agreements/{aid}/record/kinds", json=kinds), "kinds")
            self.worlds.append(world)
            self.aids.append(aid)

    # -- the steps both worlds take ------------------------------------------------------------

    @rule(who=st.sampled_from(OBSERVED), day=st.sampled_from(DAYS), words=st.sampled_from(WORDS))
    def observed_alleges(self, who: str, day: str, words: str) -> None:
        body = {
            "alleged_by": "Ukraine",
            "accused": "Russian Federation",
            "date": day,
            "place": "Odesa",
            "facility": "grain terminal",
            "description": words,
        }
        if self.both(who, "/api/agreements/{aid}/incidents", body) == 201:
            incidents = _ok(
                self.worlds[0].get("un", f"/api/agreements/{self.aids[0]}/record/kinds/incidents"),
                "incidents",
            )["entries"]
            self.ours = [e["key"] for e in incidents if e.get("alleged_by") == "Ukraine"]

    @precondition(lambda self: bool(self.ours))
    @rule(
        index=st.integers(0, 5), verdict=st.sampled_from(["verified", "not verified", "disputed"])
    )
    def joint_team_assesses_ours(self, index: int, verdict: str) -> None:
        key = self.ours[index % len(self.ours)]
        url = f"/api/agreements/{{aid}}/incidents/{key}/assessment"
        assert self.both("un", url, {"assessment": verdict}) == 200

    @rule(number=st.integers(1, 400), names=st.sampled_from(["UA-17", "", "UA-3; UA-4"]))
    def mediators_import_an_exchange(self, number: int, names: str) -> None:
        """Both worlds import the same rows; the other party's people's names list differs."""
        self.exchange += 1
        ex = f"EX-{self.exchange}"
        self._at(noise=False)
        for n, world in enumerate(self.worlds):
            theirs = "RU-4" if n == 0 else "RU-" + "9" * (self.exchange * 7 % 40 + 1)
            rows = [
                EXCHANGE_HEAD,
                f"{ex},2022-09-21,Chernihiv region,Russian Federation,Ukraine,prisoners of war,"
                f"{number},ICRC,{names}",
                f"{ex},2022-09-21,Chernihiv region,Ukraine,Russian Federation,prisoners of war,"
                f"{number // 2 + 1},ICRC,{theirs}",
            ]
            self._seed(n)
            url = f"/api/agreements/{self.aids[n]}/record/kinds/exchanges/imports"
            data = ("\n".join(rows) + "\n").encode()
            r = world.post("un", url, files={"file": ("returns.csv", data, "text/csv")})
            assert r.status_code == 201, r.text
            assert r.json()["problems"] == [], r.text

    @rule(
        key=st.sampled_from(["art-1", "art-2", "art-3"]),
        level=st.sampled_from(["minimal", "intermediate", "complete", "not_initiated", "partial"]),
    )
    def joint_team_assesses_a_provision(self, key: str, level: str) -> None:
        """The same assessment in both worlds, with its note for every signatory; in world 1
        the mediators' internal note also names the other party's latest pending incident."""
        self._at(noise=False)
        body: dict[str, Any] = {
            "level": level,
            "at": "2022-08-01T12:00:00+00:00",
            "evidence": [{"kind": "link", "reference": "https://www.un.org/en/bsgi"}],
            "note": NOTE,
        }
        answers = []
        for n, world in enumerate(self.worlds):
            self._seed(n)
            sent = dict(body)
            if n == 1 and self.their_keys:
                sent["internal_note"] = INTERNAL.format(incident=self.their_keys[-1])
            url = f"/api/agreements/{self.aids[n]}/provisions/{key}/assessments"
            answers.append(world.post("tr", url, json=sent).status_code)
        assert answers[0] == answers[1], answers  # a bad level is refused in both

    @precondition(lambda self: bool(self.their_keys))
    @rule(
        key=st.sampled_from(["art-1", "art-2", "art-3"]),
        index=st.integers(0, 5),
    )
    def joint_team_cites_their_pending_incident(self, key: str, index: int) -> None:
        """The joint team assesses a provision in both worlds; in world 1 it also cites one of
        the other party's incidents, not yet assessed, as evidence (an event of the record)
        and names it in its internal note: the observed party may not learn from either that
        an allegation against it exists."""
        self._at(noise=False)
        link = {"kind": "link", "reference": "https://www.un.org/en/bsgi"}
        incident = self.their_keys[index % len(self.their_keys)]
        cited = {"kind": "event", "reference": f"incident {incident}"}
        for n, world in enumerate(self.worlds):
            self._seed(n)
            body: dict[str, Any] = {
                "level": "intermediate",
                "at": "2022-08-02T12:00:00+00:00",
                "evidence": [link, cited] if n == 1 else [link],
                "note": NOTE,
            }
            if n == 1:
                body["internal_note"] = INTERNAL.format(incident=incident)
            url = f"/api/agreements/{self.aids[n]}/provisions/{key}/assessments"
            _ok(world.post("tr", url, json=body), "assessed")
        read = self.worlds[1].get("un", f"/api/agreements/{self.aids[1]}/provisions")
        assert INTERNAL.format(incident=incident) in read.text  # there: the comparison can fail

    @rule(key=st.sampled_from(["INC-00000000", "INC-1A2B3C4D"]))
    def observed_tries_to_assess(self, key: str) -> None:
        url = f"/api/agreements/{{aid}}/incidents/{key}/assessment"
        assert self.both("ua", url, {"assessment": "verified"}) == 403

    @precondition(lambda self: bool(self.their_keys))
    @rule(index=st.integers(0, 5))
    def observed_names_their_incident(self, index: int) -> None:
        """The observed party records an event naming the other party's incident pending
        against it (world 1), a reference that names nothing in world 0: the same answer in
        both (free text is refused only for what the writer may read itself)."""
        incident = self.their_keys[index % len(self.their_keys)]
        event = {
            "type": "registration",
            "at": "2022-08-01T08:00:00+00:00",
            "item": f"voyage {self.step}",
            "registered_by": "Ukraine",
            "description": f"cf. {incident}",
        }
        self.both("ua", "/api/agreements/{aid}/record/events", event)

    # -- the other party's doings, in world 1 only ---------------------------------------------

    @rule(day=st.sampled_from(DAYS), words=st.sampled_from(THEIR_WORDS), n=st.integers(1, 3))
    def other_alleges(self, day: str, words: str, n: int) -> None:
        world, aid = self.worlds[1], self.aids[1]
        for k in range(n):
            self._at(noise=True)
            self._seed(1, noise=True)
            body = {
                "alleged_by": "Russian Federation",
                "accused": "Ukraine",
                "date": day,
                "place": "Sudzha",
                "facility": f"station {k}",
                "description": words,
            }
            made = _ok(world.post("ru", f"/api/agreements/{aid}/incidents", json=body), "theirs")
            self.their_keys.append(made["key"])
            self.theirs += 1
        seen = _ok(world.get("un", f"/api/agreements/{aid}/record/kinds/incidents"), "un reads")
        assert sum(e.get("alleged_by") == "Russian Federation" for e in seen["entries"]) == (
            self.theirs
        )  # the other party's doings are there: the comparison can fail

    @rule()
    def other_reads(self) -> None:
        world, aid = self.worlds[1], self.aids[1]
        for url in (
            f"/api/agreements/{aid}/record/kinds/incidents",
            f"/agreements/{aid}",
            f"/agreements/{aid}/implementation",
        ):
            assert world.get("ru", url).status_code == 200

    # -- what the observed party reads ---------------------------------------------------------

    def _observed(self, n: int, who: str) -> list[tuple[str, int, str]]:
        world, aid = self.worlds[n], self.aids[n]
        urls = [
            f"/api/agreements/{aid}",
            f"/api/agreements/{aid}/record",
            f"/api/agreements/{aid}/record/kinds/exchanges",
            f"/api/agreements/{aid}/record/kinds/incidents",
            f"/api/agreements/{aid}/provisions",
            f"/api/agreements/{aid}/publications",
            f"/api/agreements/{aid}/record/term_clock.csv",
            "/api/agreements",
            f"/agreements/{aid}",
            f"/agreements/{aid}/implementation",
            "/agreements",
            "/",
        ]
        seen = []
        for url in urls:
            r = world.get(who, url)
            body = _CSRF.sub(lambda m: f'{m[1]}<csrf of {len(m[2])}>"', masked(r.text))
            seen.append((url.replace(str(aid), "<aid>"), r.status_code, body))
        return seen

    @invariant()
    def the_observed_party_reads_the_same_in_both_worlds(self) -> None:
        if len(self.worlds) < 2:
            return
        for who in OBSERVED:
            quiet, busy = self._observed(0, who), self._observed(1, who)
            for x, y in zip(quiet, busy, strict=True):
                assert x == y, (who, x[0], x[1], y[1])


@pytest.mark.slow
@pytest.mark.deep
@pytest.mark.parametrize("shard", depth.shards())
def test_a_party_reads_the_same_record_whatever_the_other_party_files(shard: int) -> None:
    RecordWorlds.TestCase.settings = settings(
        max_examples=depth.examples(1),  # a shard (tests/depth.py); the fixed order below too
        stateful_step_count=8,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    RecordWorlds.TestCase().runTest()


def test_a_party_reads_the_same_record_in_a_fixed_order_of_steps() -> None:
    """The steps in one order that puts the other party's doings before, between and after
    each of the observed party's (the state machine above may not draw it in its few
    examples of ``make test``): the comparison after each step."""
    machine = RecordWorlds()
    check = machine.the_observed_party_reads_the_same_in_both_worlds
    steps = [
        lambda: machine.other_alleges(day=DAYS[0], words=THEIR_WORDS[1], n=2),
        lambda: machine.observed_alleges(who="ua", day=DAYS[1], words=WORDS[0]),
        lambda: machine.mediators_import_an_exchange(number=215, names="UA-17"),
        lambda: machine.other_alleges(day=DAYS[2], words=THEIR_WORDS[2], n=1),
        lambda: machine.joint_team_assesses_ours(index=0, verdict="disputed"),
        lambda: machine.observed_alleges(who="ua2", day=DAYS[2], words=WORDS[1]),
        lambda: machine.joint_team_assesses_a_provision(key="art-2", level="minimal"),
        lambda: machine.joint_team_cites_their_pending_incident(key="art-1", index=1),
        lambda: machine.observed_names_their_incident(index=2),
        lambda: machine.joint_team_assesses_a_provision(key="art-3", level="complete"),
        lambda: machine.observed_tries_to_assess(key="INC-00000000"),
    ]
    try:
        machine.build()
        for step in steps:
            step()
            check()
        assert len(machine.ours) == 2  # the observed party's allegations were made
        assert machine.theirs == 3  # and the other party's
    finally:
        machine.teardown()
