"""The work a party's read does does not grow with another party's private protocol events.

A protocol's state is rebuilt from its stored events. Until 4 December 2026 every read rebuilt
it from all of them, the other parties' private answers included, so the time a party's text
page took grew with how often another party had answered: with 400 answers by Russia,
Ukraine's text page took 26 ms (Server-Timing median) instead of 8 ms, and the track's overview
29 ms instead of 5 ms (``.venv/bin/python -m benchmarks.side_channel_replay``), a clock any
party could read. Now a party's read of the single text, the poll or the relay replays only the
public events and its own: the party's view needs nothing else (checked below against the whole
replay). The work is counted here as the events replayed, which a timer would only measure
with noise.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.service.world import World, make_settings

from gobetween import wire
from gobetween.protocols import poll, relay
from gobetween.protocols import single_text_views as stv
from gobetween.service import protocol_steps as steps
from gobetween.store import repositories

PACKAGES = (
    {"ports": "Odesa", "inspection": "at sea", "term": "120"},
    {"ports": "three ports", "inspection": "Istanbul JCC", "term": "60"},
)


def url(world: World, protocol: str, tail: str = "") -> str:
    return f"/api/tracks/{world.tracks['food']}/protocols/{protocol}{tail}"


def act(world: World, who: str, protocol: str, action: str, body: dict[str, Any]) -> None:
    r = world.post(who, url(world, protocol, f"/{action}"), json=body)
    assert r.status_code in (200, 201), (who, action, r.text)


def reads(world: World) -> list[str]:
    t = world.tracks["food"]
    return [
        f"/tracks/{t}/text",
        f"/tracks/{t}",
        f"/tracks/{t}/protocols/poll",
        f"/api/tracks/{t}/text",
        f"/api/tracks/{t}/protocols",
        f"/api/tracks/{t}/protocols/single_text",
        f"/api/tracks/{t}/protocols/poll",
        f"/api/tracks/{t}/offers",
        f"/api/tracks/{t}/protocols/relay",
        f"/tracks/{t}/protocols/relay",
    ]


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many stored events each replay read (every call of :func:`gobetween.wire.replay`)."""
    seen: list[int] = []
    real = wire.replay

    def counting(
        apply: Callable[..., Any], read: Callable[..., Any], initial: Any, events: Any
    ) -> Any:
        events = list(events)
        seen.append(len(events))
        return real(apply, read, initial, events)

    monkeypatch.setattr(wire, "replay", counting)
    return seen


def busy_other(world: World, times: int) -> None:
    """Russia answers the text and the poll's statement ``times`` times each, and sends as many
    offers to the mediators (privately)."""
    for i in range(times):
        offer = {"options": {"ports": "three ports"}, "message": f"o{i}"}
        act(world, "ru", "relay", "send_offer", offer)
        act(
            world,
            "ru",
            "single_text",
            "answer_text",
            {"version": 1, "kind": "reject", "reasons": [f"r{i}"]},
        )
        act(world, "ru", "poll", "answer_statement", {"statement": 1, "answer": "disagree"})


def test_a_partys_reads_replay_no_more_when_the_other_party_answers(
    tmp_path: Path, counted: list[int]
) -> None:
    work: list[list[tuple[str, int, list[int]]]] = []
    for times in (0, 6):
        w = World.build(make_settings(f"sqlite:///{tmp_path}/w{times}.db"))
        try:
            act(w, "un", "single_text", "publish_text", {"package": PACKAGES[0], "note": "v1"})
            act(w, "un", "poll", "open_poll", {"subject": "Ports"})
            act(w, "un", "poll", "put_statement", {"text": "Odesa first"})
            act(
                w,
                "ua",
                "single_text",
                "answer_text",
                {"version": 1, "kind": "amend", "amendments": {"term": "60"}},
            )
            act(w, "ua", "poll", "answer_statement", {"statement": 1, "answer": "agree"})
            busy_other(w, times)
            seen = []
            for who in ("ua", "ua2"):
                for address in reads(w):
                    counted.clear()
                    r = w.get(who, address)
                    seen.append((address, r.status_code, list(counted)))
            work.append(seen)
        finally:
            w.close()
    quiet, busy = work
    assert any(n for _a, _s, ns in quiet for n in ns), quiet  # the reads do replay
    assert busy == quiet


def _views(world: World, who: str) -> list[tuple[dict[str, Any] | None, dict[str, Any] | None]]:
    """A party's view of the single text and the poll from its own replay and from the whole."""
    out = []
    with world.services.db.unit_of_work(write=False) as session:
        actor = repositories.load_actor(session, world.users[who])
        track, view = repositories.track(session, actor, world.tracks["food"])
        role, member = steps.role_of(view)
        for protocol in (stv.PROTOCOL, poll.PROTOCOL, relay.PROTOCOL):
            settings = steps.settings_of(session, track.id, protocol)
            if settings is None:  # the poll before it is opened
                continue
            own = steps.replay(session, track, view, protocol, settings=settings)
            whole = steps.replay(session, track, view, protocol, settings=settings, whole=True)
            out.append((protocol.view(own, role, member), protocol.view(whole, role, member)))
    return out


def test_a_partys_own_replay_shows_what_the_whole_replay_shows(tmp_path: Path) -> None:
    """Through a script that publishes, answers, withdraws, becomes ready for agreement, puts,
    answers and publishes a poll's statements and closes it, and relays both parties' offers
    (forwarded, declined, pending), each party's view from its own replay is the view from
    every event."""
    w = World.build(make_settings(f"sqlite:///{tmp_path}/w.db"))

    def check() -> None:
        for who in ("ua", "ru", "ua2"):
            for own, whole in _views(w, who):
                assert own == whole, who

    try:
        steps_script: list[tuple[str, str, str, dict[str, Any]]] = [
            ("un", "poll", "open_poll", {"subject": "Ports"}),
            ("ru", "relay", "send_offer", {"options": {"ports": "Odesa"}, "message": "r1"}),
            ("ru", "relay", "send_offer", {"options": {"term": "60"}, "message": "r2"}),
            ("ua", "relay", "send_offer", {"options": {"ports": "three ports"}, "message": "u1"}),
            ("un", "relay", "forward_offer", {"offer": 2, "message": "they propose 60"}),
            ("un", "relay", "decline_offer", {"offer": 1, "reason": "not now"}),
            ("ru", "relay", "send_offer", {"options": {"inspection": "none"}, "message": "r3"}),
            ("un", "relay", "forward_offer", {"offer": 3}),
            ("ua", "relay", "send_offer", {"options": {"term": "180"}, "message": "u2"}),
            ("un", "relay", "decline_offer", {"offer": 5, "reason": "too long"}),
            ("un", "single_text", "publish_text", {"package": PACKAGES[0], "note": "v1"}),
            (
                "ru",
                "single_text",
                "answer_text",
                {"version": 1, "kind": "reject", "reasons": ["no"]},
            ),
            ("ua", "single_text", "answer_text", {"version": 1, "kind": "accept"}),
            ("ru", "single_text", "withdraw_answer", {"version": 1}),
            ("un", "poll", "put_statement", {"text": "Odesa first"}),
            ("ru", "poll", "answer_statement", {"statement": 1, "answer": "agree"}),
            ("ua", "poll", "answer_statement", {"statement": 1, "answer": "agree", "comment": "y"}),
            ("un", "poll", "put_statement", {"text": "Inspections at sea"}),
            ("ua", "poll", "answer_statement", {"statement": 2, "answer": "disagree"}),
            ("un", "poll", "publish_result", {"statement": 1}),
            ("un", "poll", "publish_result", {"statement": 2}),
            ("un", "single_text", "publish_text", {"package": PACKAGES[1], "note": "v2"}),
            ("ua", "single_text", "answer_text", {"version": 2, "kind": "accept"}),
            ("ru", "single_text", "answer_text", {"version": 2, "kind": "accept"}),
            ("un", "poll", "close_poll", {}),
        ]
        check()
        for who, protocol, action, body in steps_script:
            act(w, who, protocol, action, body)
            check()
        ready = _views(w, "ua")[0][0]
        assert ready is not None
        assert ready["status"] == "ready_for_agreement", ready
    finally:
        w.close()


def test_a_partys_poll_answer_replays_no_more_when_the_other_party_answers(
    tmp_path: Path, counted: list[int]
) -> None:
    """A party's own answer to a poll's statement decides on public events and its own: the
    events its step replays (and so its time) do not grow with the other party's answers."""
    work = []
    for times in (0, 6):
        w = World.build(make_settings(f"sqlite:///{tmp_path}/p{times}.db"))
        try:
            act(w, "un", "single_text", "publish_text", {"package": PACKAGES[0], "note": "v1"})
            act(w, "un", "poll", "open_poll", {"subject": "Ports"})
            act(w, "un", "poll", "put_statement", {"text": "Odesa first"})
            busy_other(w, times)
            counted.clear()
            r = w.post(
                "ua", url(w, "poll", "/answer_statement"), json={"statement": 1, "answer": "agree"}
            )
            assert r.status_code == 200, r.text
            work.append(list(counted))
        finally:
            w.close()
    assert work[0], work  # the step replays
    assert work[1] == work[0]
