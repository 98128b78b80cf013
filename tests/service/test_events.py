"""Live-update streams: no cursor form lets a party count another party's private events.

The counting oracle builds two identical worlds and runs the same script of a party's and the
mediators' actions in both; in the second, the *other* party (and the mediators in its channel)
also act privately between every step. After every step each party member and the observer
read the events stream with every cursor form the endpoint accepts (none, each id received as
``Last-Event-ID`` and as ``?cursor=``, a grid of hand-made cursors, cursors naming another
party's scope) and the forms it refuses (``?after=N``, ``?cursor=N``, ``Last-Event-ID: N``),
and every other read that carries ids, numbers or counts (messages with their numbers, channel
unread counts, offers, texts, preferences, tokens). Their observations (event ids, kinds,
counts, order, response sizes, status codes) must be identical in the two worlds; the only
things masked are timestamps and the random message ids (replaced by channel:number).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from tests.service.world import World, food_preferences, make_settings

from gobetween.service.api.events import format_cursor
from gobetween.store import tables as t

_TIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")


def _records(text: str) -> list[dict[str, str]]:
    out = []
    for block in text.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if fields:
            out.append(fields)
    return out


class Observer:
    """What one seat of one world can see, normalised so that two worlds can be compared."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.food = world.tracks["food"]

    def _masked(self, text: str) -> str:
        """Timestamps and random ids (messages, tokens) replaced by what they stand for."""
        with self.world.services.db.unit_of_work(write=False) as session:
            rows = session.execute(select(t.Message.id, t.Message.channel_id, t.Message.number))
            names = {str(i): f"<msg {c}:{n}>" for i, c, n in rows}
            tokens = session.execute(
                select(t.ApiToken.id, t.ApiToken.user_id).order_by(t.ApiToken.created_at)
            )
            ranks: dict[int, int] = {}
            for i, user in tokens:
                ranks[user] = ranks.get(user, 0) + 1
                names[str(i)] = f"<token {user}:{ranks[user]}>"
        text = _TIME.sub("<time>", text)
        return re.sub(r"\b\d+\b", lambda m: names.get(m.group(0), m.group(0)), text)

    def read(self, who: str, url: str, **kwargs: Any) -> tuple[int, str, int]:
        """Status, masked body and masked size of one GET."""
        r = self.world.get(who, url, **kwargs)
        body = self._masked(r.text)
        return r.status_code, body, len(body.encode())

    def events(self, who: str, query: str = "", header: str | None = None) -> tuple[int, str, int]:
        headers = {"Last-Event-ID": header} if header is not None else {}
        url = f"/api/tracks/{self.food}/events?follow=false{query}"
        return self.read(who, url, headers=headers)

    def everything(self, who: str) -> list[Any]:
        """Every observable of ``who`` now, in a fixed order."""
        seen: list[Any] = []
        status, body, size = self.events(who)
        seen.append(("events", status, body, size))
        ids = [r["id"] for r in _records(body) if "id" in r]
        for cursor in ids:  # resuming from each id received, both ways
            seen.append(("resume header", cursor, self.events(who, header=cursor)))
            seen.append(("resume query", cursor, self.events(who, f"&cursor={cursor}")))
        own = self.world.orgs["Ukraine"] if who.startswith("ua") else None
        other = self.world.orgs["Russian Federation"]
        for public in range(4):  # hand-made cursors, own scope and the public one
            for mine in range(6) if own else [None]:
                cursor = f"0:{public}" + (f",{own}:{mine}" if own else "")
                seen.append(("probe", cursor, self.events(who, f"&cursor={cursor}")))
        for theirs in (0, 3, 50):  # naming the other party's scope changes nothing
            cursor = f"0:0,{other}:{theirs}"
            seen.append(("foreign", theirs, self.events(who, f"&cursor={cursor}")))
        for n in (0, 1, 5, 20, 25, 10**6):  # every bare number is refused the same way
            seen.append(("after", n, self.events(who, f"&after={n}")))
            seen.append(("bare cursor", n, self.events(who, f"&cursor={n}")))
            seen.append(("bare header", n, self.events(who, header=str(n))))
        base = f"/api/tracks/{self.food}"
        urls = [
            base,
            f"{base}/channels",
            f"{base}/offers",
            f"{base}/text",
            f"{base}/preferences",
            f"{base}/messages?q=a",
            "/api/auth/tokens",
            f"/api/processes/{self.world.process_id}/members",
        ]
        if own:
            channel = self.world.channels[("food", "ua")]
            urls += [
                f"/api/channels/{channel}",
                f"/api/channels/{channel}/messages",
                f"/api/channels/{channel}/messages?after=1",
            ]
        seen += [("read", url, self.read(who, url)) for url in urls]
        return seen


def _noise(world: World) -> None:
    """The other party's private activity, and the mediators' in its channel."""
    food = world.tracks["food"]
    ru = world.channels[("food", "ru")]
    for n in range(3):
        assert world.post("ru", f"/api/channels/{ru}/messages", json={"text": f"ru {n}"}).is_success
    prefs = world.put("ru", f"/api/tracks/{food}/preferences", json=food_preferences("ru"))
    assert prefs.is_success, prefs.text
    offer = world.post(
        "ru", f"/api/tracks/{food}/offers", json={"options": {"ports": "Odesa"}, "message": "x"}
    )
    assert offer.is_success, offer.text
    pending = world.get("un", f"/api/tracks/{food}/offers").json()["pending"]
    r = world.post("un", f"/api/tracks/{food}/offers/{pending[-1]}/decline", json={"reason": "no"})
    assert r.is_success, r.text
    reply = world.post("un", f"/api/channels/{ru}/messages", json={"text": "to ru"})
    assert reply.is_success
    world.post("ru", f"/api/messages/{reply.json()['id']}/read")
    version = world.get("ru", f"/api/tracks/{food}/text").json().get("version")
    if version:
        answer = {"version": version, "kind": "reject", "reasons": ["ru reasons"]}
        assert world.post("ru", f"/api/tracks/{food}/text/answers", json=answer).is_success
    assert world.post("ru", "/api/auth/tokens", json={"name": "extra"}).is_success


def _script(world: World) -> Iterator[str]:
    """The observed party's and the mediators' actions; yields after each step."""
    food = world.tracks["food"]
    ua = world.channels[("food", "ua")]
    text = {"package": {"ports": "Odesa", "inspection": "Istanbul JCC", "term": "120"}}
    steps: list[tuple[str, Callable[[], Any]]] = [
        ("ua posts", lambda: world.post("ua", f"/api/channels/{ua}/messages", json={"text": "a1"})),
        ("text 1", lambda: world.post("un", f"/api/tracks/{food}/text/versions", json=text)),
        ("ua prefs", lambda: world.put("ua", f"/api/tracks/{food}/preferences",
                                       json=food_preferences("ua"))),
        ("ua offer", lambda: world.post("ua", f"/api/tracks/{food}/offers",
                                        json={"options": {"ports": "three ports"}})),
        ("un replies", lambda: world.post("un", f"/api/channels/{ua}/messages",
                                          json={"text": "a reply"})),
        ("ua answers", lambda: world.post("ua", f"/api/tracks/{food}/text/answers",
                                          json={"version": 1, "kind": "reject",
                                                "reasons": ["a reason"]})),
        ("ua token", lambda: world.post("ua", "/api/auth/tokens", json={"name": "mine"})),
        ("ua2 posts", lambda: world.post("ua2", f"/api/channels/{ua}/messages",
                                         json={"text": "a2"})),
    ]  # fmt: skip
    for name, step in steps:
        r = step()
        assert r.is_success, (name, r.text)
        yield name


def _run(tmp: Path, noisy: bool) -> list[Any]:
    tmp.mkdir()
    world = World.build(make_settings(f"sqlite:///{tmp}/gobetween.db"))
    try:
        observer = Observer(world)
        seen: list[Any] = []
        for step in _script(world):
            if noisy:
                _noise(world)
            for who in ("ua", "ua2", "obs"):
                seen.append((step, who, observer.everything(who)))
        return seen
    finally:
        world.close()


@pytest.mark.slow
def test_a_party_observes_the_same_whatever_the_other_party_does(tmp_path: Path) -> None:
    quiet = _run(tmp_path / "quiet", noisy=False)
    busy = _run(tmp_path / "busy", noisy=True)
    assert len(quiet) == len(busy)
    for a, b in zip(quiet, busy, strict=True):
        step, who = a[0], a[1]
        for x, y in zip(a[2], b[2], strict=True):
            assert x == y, (step, who, x, y)
    # the check can fail: the observations do change with the party's own activity
    assert quiet[0][2] != quiet[-3][2]


def test_bare_event_numbers_answer_422_naming_the_parameter(world: World) -> None:
    food = world.tracks["food"]
    url = f"/api/tracks/{food}/events?follow=false"
    cases = [
        (f"{url}&after=3", {}, "query.after"),
        (f"{url}&cursor=3", {}, "query.cursor"),
        (url, {"Last-Event-ID": "3"}, "header.last-event-id"),
    ]
    for target, headers, location in cases:
        r = world.get("ua", target, headers=headers)
        assert r.status_code == 422, r.text
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["errors"][0]["location"] == location
        assert "no longer accepted" in r.json()["errors"][0]["message"]


def test_the_issue_probe_no_longer_counts(world: World) -> None:
    """The probe of issue 9: stepping a global id and watching one's own count drop."""
    food = world.tracks["food"]
    ua, ru = world.channels[("food", "ua")], world.channels[("food", "ru")]
    world.post("ua", f"/api/channels/{ua}/messages", json={"text": "first"})
    for n in range(4):
        world.post("ru", f"/api/channels/{ru}/messages", json={"text": f"hidden {n}"})
    world.post("ua", f"/api/channels/{ua}/messages", json={"text": "second"})
    answers = {
        world.get("ua", f"/api/tracks/{food}/events?follow=false&after={n}").status_code
        for n in range(12)
    }
    assert answers == {422}


def test_cursor_scopes_the_reader_may_not_read_are_dropped(world: World) -> None:
    food = world.tracks["food"]
    ua, ru = world.channels[("food", "ua")], world.channels[("food", "ru")]
    world.post("ru", f"/api/channels/{ru}/messages", json={"text": "hidden"})
    world.post("ua", f"/api/channels/{ua}/messages", json={"text": "mine"})
    other, own = world.orgs["Russian Federation"], world.orgs["Ukraine"]
    r = world.get("ua", f"/api/tracks/{food}/events?follow=false&cursor=0:0,{other}:7")
    ids = [rec["id"] for rec in _records(r.text)]
    assert ids == [f"0:0,{own}:1"]  # the other party's scope is not echoed
    mediator = world.get("un", f"/api/tracks/{food}/events?follow=false&cursor=0:0,{other}:0")
    last = [rec["id"] for rec in _records(mediator.text)][-1]
    assert last == format_cursor({0: 0, other: 1, own: 1})


def test_a_stream_record_names_no_hidden_object(world: World) -> None:
    food = world.tracks["food"]
    ru = world.channels[("food", "ru")]
    world.post("ru", f"/api/channels/{ru}/messages", json={"text": "hidden"})
    body = world.get("ua", f"/api/tracks/{food}/events?follow=false").text
    assert body == ""
    seen = world.get("un", f"/api/tracks/{food}/events?follow=false").text
    assert json.loads(_records(seen)[0]["data"])["kind"] == "message"
