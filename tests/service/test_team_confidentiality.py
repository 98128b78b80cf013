"""Confidentiality of the team's tools: a Hypothesis stateful test over notes, assignments,
meetings, search and the archive export.

In the World fixture (Ukraine and the Russian Federation negotiate with the UN and Türkiye on
the food track; an observer; ICRC mediates another track; an outsider), random steps post
messages in either channel, write mediators' notes on the track or on a channel, record
meetings with one party or both, and assign channels. Every private text carries a unique
marker registered with the parties allowed to read it (a team note: none; a meeting: the
parties in it; a message: its channel's party). After each step:

- no reader (each party's members, the observer, the admin, the other track's mediator, the
  outsider) finds a marker it may not read in the search, the meetings, the notes, the
  assignments or the archive ZIP;
- every reader the step did not concern observes exactly what it observed before the step:
  the same search answer, meetings list, archive parts (names and digests) and status codes,
  so no count, id, size or order there depends on what another party or the team did.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from tests import depth
from tests.service.asgi import run_inline
from tests.service.world import World

from gobetween.agreements import generate_private_key, public_key_pem
from gobetween.service.archive import read_archive

READERS = ("ua", "ua2", "ru", "obs", "admin", "icrc", "outsider")
PARTY_OF = {"ua": "ua", "ua2": "ua", "ru": "ru"}
_counter = itertools.count()


class TeamConfidentiality(RuleBasedStateMachine):
    world: World
    secrets: dict[str, frozenset[str]]  # marker -> parties ("ua", "ru") that may read it

    def __init__(self) -> None:
        super().__init__()
        self.food = self.world.tracks["food"]

    # -- what a reader observes ------------------------------------------------------------

    def call(self, who: str, method: str, url: str, **kwargs: Any) -> Any:
        r = self.world.request(who, method, url, **kwargs)
        assert r.status_code < 500, (who, url, r.text)
        return r

    def read_all(self, who: str) -> tuple[list[Any], str]:
        """What ``who`` reads of the team's tools, made comparable across calls (the archive
        by its parts' names and digests, less the manifest and its export time), and all of
        it as one text."""
        base = f"/api/tracks/{self.food}"
        out: list[Any] = []
        texts: list[str] = []
        urls = ("/api/search?q=SECRET&limit=100", f"{base}/meetings", f"{base}/notes")
        for url in (*urls, f"{base}/assignments"):
            r = self.call(who, "GET", url)
            out.append((url, r.status_code, r.text))
            texts.append(r.text)
        r = self.call(who, "GET", f"{base}/archive")
        if r.status_code == 200:
            parts = read_archive(r.content)
            digests = sorted(
                (name, hashlib.sha256(data).hexdigest())
                for name, data in parts.items()
                if name != "manifest.json"
            )
            out.append(("archive", 200, digests))
            texts += [data.decode("utf-8", "replace") for data in parts.values()]
        else:
            out.append(("archive", r.status_code, r.text))
            texts.append(r.text)
        return out, "\n".join(texts)

    def observe(self, who: str) -> list[Any]:
        return self.read_all(who)[0]

    def snapshot(self) -> dict[str, list[Any]]:
        return {who: self.observe(who) for who in READERS}

    def unchanged_for_all_but(self, before: dict[str, list[Any]], allowed: frozenset[str]) -> None:
        for who in READERS:
            if PARTY_OF.get(who) in allowed:
                continue
            assert self.observe(who) == before[who], (who, sorted(allowed))

    def marker(self, allowed: frozenset[str]) -> str:
        marker = f"SECRET{next(_counter):06d}X"
        self.secrets[marker] = allowed
        return marker

    # -- steps ------------------------------------------------------------------------------

    @rule(party=st.sampled_from(["ua", "ru"]), by_party=st.booleans())
    def post_message(self, party: str, by_party: bool) -> None:
        allowed = frozenset({party})
        before = self.snapshot()
        author = party if by_party else "un"
        channel = self.world.channels[("food", party)]
        text = f"message {self.marker(allowed)}"
        r = self.call(author, "POST", f"/api/channels/{channel}/messages", json={"text": text})
        assert r.status_code == 201, r.text
        self.unchanged_for_all_but(before, allowed)

    @rule(on=st.sampled_from([None, "ua", "ru"]), who=st.sampled_from(["un", "tr"]))
    def add_note(self, on: str | None, who: str) -> None:
        before = self.snapshot()
        body: dict[str, Any] = {"text": f"note {self.marker(frozenset())}"}
        if on is not None:
            body["channel_id"] = self.world.channels[("food", on)]
        r = self.call(who, "POST", f"/api/tracks/{self.food}/notes", json=body)
        assert r.status_code == 201, r.text
        self.unchanged_for_all_but(before, frozenset())

    @rule(parties=st.sampled_from([("ua",), ("ru",), ("ua", "ru")]), kind=st.sampled_from(
        ["meeting", "call", "shuttle"]))  # fmt: skip
    def record_meeting(self, parties: tuple[str, ...], kind: str) -> None:
        allowed = frozenset(parties)
        before = self.snapshot()
        names = {"ua": "Ukraine", "ru": "Russian Federation"}
        marker = self.marker(allowed)
        body = {
            "held_at": "2022-07-14T10:00:00+03:00",
            "kind": kind,
            "place": f"place {marker}",
            "party_ids": [self.world.orgs[names[p]] for p in parties],
            "summary": f"summary {marker}",
            "follow_ups": [{"text": f"follow-up {marker}"}],
        }
        r = self.call("un", "POST", f"/api/tracks/{self.food}/meetings", json=body)
        assert r.status_code == 201, r.text
        self.unchanged_for_all_but(before, allowed)

    @rule(party=st.sampled_from(["ua", "ru"]), mediator=st.sampled_from(["un", "tr"]))
    def assign(self, party: str, mediator: str) -> None:
        before = self.snapshot()
        body = {"channel_id": self.world.channels[("food", party)], "user_id": self.world.users[
            mediator]}  # fmt: skip
        r = self.call("tr", "POST", f"/api/tracks/{self.food}/assignments", json=body)
        assert r.status_code == 201, r.text
        self.unchanged_for_all_but(before, frozenset())

    @rule(party=st.sampled_from(["ua", "ru"]))
    def prying(self, party: str) -> None:
        """A party asks for the team's objects by address: 404 as for missing ones."""
        base = f"/api/tracks/{self.food}"
        for method, url in (("GET", f"{base}/notes"), ("GET", f"{base}/assignments"),
                            ("POST", f"{base}/meetings"), ("PUT", "/api/notes/1")):  # fmt: skip
            r = self.call(party, method, url, json={"text": "x"} if method != "GET" else None)
            assert r.status_code in (404, 422), (url, r.status_code)
            if r.status_code == 422:  # a body the API refuses before any look-up
                assert method == "POST"

    # -- the property -----------------------------------------------------------------------

    @invariant()
    def nobody_reads_what_is_not_theirs(self) -> None:
        for who in READERS:
            party = PARTY_OF.get(who)
            forbidden = [m for m, allowed in self.secrets.items() if party not in allowed]
            text = self.read_all(who)[1]
            leaked = [m for m in forbidden if m in text]
            assert not leaked, (who, leaked)

    @invariant()
    def mediators_read_everything(self) -> None:
        found = self.call("un", "GET", "/api/search?q=SECRET&limit=100").json()
        if not found["truncated"]:
            text = repr(found)
            assert all(m in text for m in self.secrets), "a marker the mediators cannot find"


#: Examples of one shard (tests/depth.py): `make test` runs one shard, `make test-deep` eight.
EXAMPLES = {"sqlite": 2, "postgresql": 1}


@pytest.mark.slow
@pytest.mark.deep
@pytest.mark.parametrize("shard", depth.shards())
def test_team_tools_keep_each_partys_and_the_teams_secrets(
    world: World, database_url: str, monkeypatch: pytest.MonkeyPatch, shard: int
) -> None:
    run_inline(monkeypatch)
    backend = "postgresql" if database_url.startswith("postgresql") else "sqlite"
    TeamConfidentiality.world = world
    TeamConfidentiality.secrets = {}
    run_state_machine_as_test(
        TeamConfidentiality,
        settings=settings(
            max_examples=depth.examples(EXAMPLES[backend]),
            stateful_step_count=6,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        ),
    )


MISSING = 2_000_000_000


def _same_as_missing(world: World, who: str, method: str, real: str, missing: str, **kw: Any):
    """``who`` gets the same answer for a hidden object as for one that does not exist."""
    a = world.request(who, method, real, **kw)
    b = world.request(who, method, missing, **kw)
    assert a.status_code == b.status_code, (who, method, real, a.text, b.text)
    assert a.status_code in (403, 404), (who, method, real, a.status_code, a.text)
    assert re.sub(r"\d+", "N", a.text) == re.sub(r"\d+", "N", b.text), (who, method, real)


def test_the_teams_objects_by_id_look_missing(world: World) -> None:
    """Every team route that names an object by id (a note, a meeting, an assignment, a key, an
    organisation's keys) answers a reader who may not see the object exactly as for a missing
    one: the same status and the same body up to the id."""
    food = world.tracks["food"]
    ua = world.channels[("food", "ua")]
    note = world.post("un", f"/api/tracks/{food}/notes", json={"text": "n", "channel_id": ua})
    meeting = world.post(
        "un",
        f"/api/tracks/{food}/meetings",
        json={"held_at": "2022-07-14T10:00:00Z", "place": "Kyiv",
              "party_ids": [world.orgs["Ukraine"]]},
    )  # fmt: skip
    pem = public_key_pem(generate_private_key()).decode()
    key = world.post("ua", f"/api/organisations/{world.orgs['Ukraine']}/keys",
                     json={"public_key_pem": pem, "origin": "browser"})  # fmt: skip
    assert {note.status_code, meeting.status_code, key.status_code} == {201}
    un_id = world.users["un"]
    cases = [
        ("PUT", "/api/notes/{}", note.json()["id"], {"json": {"text": "x"}}),
        ("DELETE", "/api/notes/{}", note.json()["id"], {}),
        ("GET", "/api/meetings/{}", meeting.json()["id"], {}),
        ("DELETE", "/api/meetings/{}", meeting.json()["id"], {}),
        ("POST", "/api/keys/{}/confirmation", key.json()["id"], {}),
        ("POST", "/api/keys/{}/revocation", key.json()["id"], {"json": {}}),
        ("DELETE", f"/api/tracks/{food}/assignments/{{}}/{un_id}", ua, {}),
        ("GET", "/api/organisations/{}/keys", world.orgs["Ukraine"], {}),
        (
            "POST",
            "/api/organisations/{}/keys",
            world.orgs["Ukraine"],
            {"json": {"public_key_pem": pem}},
        ),
    ]
    for who in ("ru", "obs", "icrc", "outsider"):
        for method, pattern, real, kw in cases:
            _same_as_missing(
                world, who, method, pattern.format(real), pattern.format(MISSING), **kw
            )
