"""Open event streams are limited per user and per worker; a closed stream gives its slot back.

Runs the app under a real uvicorn server (in a thread, on a free loopback port), since only a
real connection can stay open and then go away.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.service.world import World, make_settings
from tests.web.server import serve_app

from gobetween.service.api import events as events_api


@contextlib.contextmanager
def served(tmp_path: Path, **overrides: object) -> Iterator[tuple[str, World]]:
    world = World.build(make_settings(f"sqlite:///{tmp_path}/gobetween.db", **overrides))
    try:
        with serve_app(world.app) as base:
            yield base, world
    finally:
        world.close()


class Streams:
    """Open streams, each on its own connection, closed when the block ends."""

    def __init__(self, base: str, world: World, stack: contextlib.ExitStack) -> None:
        self.base, self.world, self.stack = base, world, stack
        self.track = world.tracks["food"]

    def open(self, who: str) -> httpx.Response:
        client = self.stack.enter_context(httpx.Client(base_url=self.base, timeout=10))
        response = self.stack.enter_context(
            client.stream(
                "GET", f"/api/tracks/{self.track}/events", headers=self.world.headers(who)
            )
        )
        if response.status_code != 200:
            response.read()
        return response


def _reopen_within(streams: Streams, who: str, seconds: float) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while True:
        r = streams.open(who)
        if r.status_code == 200 or time.monotonic() > deadline:
            return r
        time.sleep(0.1)


@pytest.mark.slow
def test_streams_per_user_are_limited_and_a_closed_one_frees_its_slot(tmp_path: Path) -> None:
    settings = {"streams_per_user": 3, "streams_total": 10}
    with served(tmp_path, **settings) as (base, world), contextlib.ExitStack() as stack:
        streams = Streams(base, world, stack)
        opened = [streams.open("ua") for _ in range(3)]
        assert [r.status_code for r in opened] == [200, 200, 200]
        refused = streams.open("ua")
        assert refused.status_code == 429
        assert refused.headers["content-type"] == "application/problem+json"
        assert int(refused.headers["retry-after"]) > 0
        assert "limit 3" in refused.json()["detail"]
        assert streams.open("ua2").status_code == 200  # another user of the same party
        opened[0].close()  # the client goes away
        again = _reopen_within(streams, "ua", 5.0)
        assert again.status_code == 200
        assert streams.open("ua").status_code == 429  # three open again


@pytest.mark.slow
def test_streams_in_total_are_limited(tmp_path: Path) -> None:
    with served(tmp_path, streams_per_user=3, streams_total=5) as (base, world):
        with contextlib.ExitStack() as stack:
            streams = Streams(base, world, stack)
            opened = [streams.open(who) for who in ("ua", "ua", "ua", "ru", "ru")]
            assert all(r.status_code == 200 for r in opened)
            refused = streams.open("un")
            assert refused.status_code == 429
            assert "as many open event streams as it allows (5)" in refused.json()["detail"]
        with contextlib.ExitStack() as stack:  # every client gone: every slot free again
            streams = Streams(base, world, stack)
            assert _reopen_within(streams, "un", 5.0).status_code == 200


def test_a_short_stream_gives_its_slot_back(world: World) -> None:
    food = world.tracks["food"]
    for _ in range(12):  # more than the per-user limit, one after the other
        r = world.get("ua", f"/api/tracks/{food}/events?follow=false")
        assert r.status_code == 200


@pytest.mark.slow
def test_a_following_stream_delivers_new_events_and_only_the_readers(tmp_path: Path) -> None:
    with served(tmp_path, sse_poll_seconds=0.2) as (base, world):
        food = world.tracks["food"]
        ua, ru = world.channels[("food", "ua")], world.channels[("food", "ru")]
        with httpx.Client(base_url=base, timeout=10) as client:
            url = f"/api/tracks/{food}/events"
            with client.stream("GET", url, headers=world.headers("ua")) as stream:
                lines = stream.iter_lines()
                time.sleep(0.5)  # the stream is idle: nothing polled while nothing changes
                world.post("ru", f"/api/channels/{ru}/messages", json={"text": "not for ua"})
                world.post("ua", f"/api/channels/{ua}/messages", json={"text": "for ua"})
                received = []
                deadline = time.monotonic() + 5
                while time.monotonic() < deadline:
                    line = next(lines)
                    received.append(line)
                    if line.startswith("data: "):
                        break
        own = world.orgs["Ukraine"]
        assert received[:2] == [f"id: {own}:1", "event: message"], received


@pytest.mark.slow
def test_a_refused_stream_ends_on_its_own_schedule_not_when_another_party_acts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ua's stream outlives ua's token; ru then posts in its own channel. The stream must end at
    its own scheduled poll, not at the poll ru's hidden message wakes: otherwise the moment it
    ends tells ua when ru acted."""
    monkeypatch.setattr(events_api, "HEARTBEAT_SECONDS", 2.0)
    with served(tmp_path, sse_poll_seconds=0.1) as (base, world):
        food, ru = world.tracks["food"], world.channels[("food", "ru")]
        made = world.post("ua", "/api/auth/tokens", json={"name": "stream"})
        assert made.status_code == 201, made.text
        token = made.json()
        with httpx.Client(base_url=base, timeout=10) as client:
            headers = {"Authorization": f"Bearer {token['token']}"}
            with client.stream("GET", f"/api/tracks/{food}/events", headers=headers) as stream:
                opened = time.monotonic()
                gone = world.request("ua", "DELETE", f"/api/auth/tokens/{token['id']}")
                assert gone.status_code == 200, gone.text
                time.sleep(0.3)
                posted = world.post("ru", f"/api/channels/{ru}/messages", json={"text": "x"})
                assert posted.status_code == 201, posted.text
                acted = time.monotonic() - opened
                lines = list(stream.iter_lines())  # until the server ends the stream
                ended = time.monotonic() - opened
    assert acted < 1.5, acted  # ru acted well before the stream's scheduled poll
    assert 1.9 <= ended < 8.0, (acted, ended)  # at the scheduled poll (2 s), not at ru's act
    assert [line for line in lines if line.startswith("data:")] == []  # nothing sent after
