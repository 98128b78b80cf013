"""A party's step replays nothing another party wrote: this worker's protocol states are kept
current before it serves and from what other workers write (:mod:`gobetween.service.
state_keeper`), and whether a stream is kept does not depend on other tracks' activity
(:mod:`gobetween.service.protocol_states`).

Until 6 December 2026 three cases were left (docs/security.md, *Still open*): after a restart
the first step replayed the whole stream, the other party's events included; with several
worker processes, another worker's new events were read inside the step's writing unit; and a
kept state could be dropped, least recently used first, when other tracks were busy, so whether
a step was cold told a party about other tracks. The work is counted as the stored events
replayed (every call of :func:`gobetween.wire.replay`, and whether a writing unit was open),
which does not vary with noise; each case on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from tests.service.replays import Watched
from tests.service.world import World, energy_agenda

from gobetween.policy import Actor
from gobetween.protocols import relay
from gobetween.protocols import single_text_views as stv
from gobetween.protocols.single_text import AnswerKind
from gobetween.service import prepare, protocol_states, state_keeper, texts
from gobetween.store import event_log, repositories
from gobetween.store.db import Database

PACKAGE = {"ports": "Odesa", "inspection": "at sea", "term": "120"}


@pytest.fixture
def watched(monkeypatch: pytest.MonkeyPatch) -> Watched:
    return Watched().install(monkeypatch.setattr)


@pytest.fixture
def second(world: World) -> Iterator[Database]:
    """A second worker process's database: its own pool, so its own kept states."""
    db = Database(world.services.settings.database_url)
    try:
        yield db
    finally:
        db.dispose()


def _restart(db: Database) -> None:
    with db.unit_of_work(write=False) as session:
        protocol_states.cache_of(session).clear()


def _as(db: Database, world: World, who: str) -> Iterator[tuple[Session, Actor]]:
    with db.unit_of_work() as session:
        yield session, repositories.load_actor(session, world.users[who])


def _russia_busy(db: Database, world: World, track: int, times: int) -> None:
    """Russia answers version 1 and sends an offer ``times`` times each, through ``db``."""
    for i in range(times):
        for session, actor in _as(db, world, "ru"):
            texts.answer_text(
                session, actor, track, version=1, kind=AnswerKind.REJECT, reasons=(f"r{i}",)
            )
            texts.submit_offer(session, actor, track, options={"term": "60"}, message=f"o{i}")


def _ukraine_steps(world: World, watched: Watched) -> list[list[tuple[int, bool]]]:
    """Ukraine answers the text and sends an offer through the first worker's routes: the
    replays of each request (events applied, whether inside a writing unit)."""
    base = f"/api/tracks/{world.tracks['food']}"
    out = []
    for address, body in (
        (f"{base}/text/answers", {"version": 1, "kind": "accept"}),
        (f"{base}/offers", {"options": {"term": "180"}, "message": "mine"}),
    ):
        watched.clear()
        r = world.post("ua", address, json=body)
        assert r.status_code == 201, r.text
        out.append(list(watched.replays))
    return out


def _opened(world: World) -> None:
    """Version 1 published and Ukraine's first offer, through the first worker."""
    base = f"/api/tracks/{world.tracks['food']}"
    assert world.post("un", f"{base}/text/versions", json={"package": PACKAGE}).status_code == 201
    first = {"options": {"ports": "Odesa"}, "message": "first"}
    assert world.post("ua", f"{base}/offers", json=first).status_code == 201


#: A step that applies only its own events: one replay, of nothing, inside its unit.
NOTHING = [(0, True)]


def test_after_a_restart_the_first_step_replays_nothing(world: World, watched: Watched) -> None:
    """A worker restarted after Russia answered and offered 20 times: its start-up round
    replays every stream, so Ukraine's first answer and offer replay no stored event, in
    their writing unit or before it. Before: the first step of each stream replayed all of
    it (21 answers, 21 offers) in a read-only unit first."""
    db = world.services.db
    _opened(world)
    _russia_busy(db, world, world.tracks["food"], 20)
    _restart(db)
    started = state_keeper.run_once(db)  # what the app's start-up does before it serves
    assert started.streams == 2, started
    assert _ukraine_steps(world, watched) == [NOTHING, NOTHING]


def test_another_workers_events_are_read_before_the_writing_unit(
    world: World, second: Database, watched: Watched
) -> None:
    """Russia answers and offers through a second worker process. Ukraine's step through the
    first, which keeps both streams, then reads Russia's events in a read-only unit before
    its writing unit (the kept state is not current), and after a round of the first
    worker's keeper, reads none at all. Before: 5 answers and 5 offers replayed inside the
    writing unit."""
    db = world.services.db
    _opened(world)
    _ukraine_steps(world, watched)  # the first worker keeps both, current
    _russia_busy(second, world, world.tracks["food"], 5)
    answer, offer = _ukraine_steps(world, watched)
    assert watched.units.holds
    assert [n for n, inside in answer + offer if inside] == [0, 0], (answer, offer)
    assert answer == [(5, False), (0, True)]
    assert offer == [(5, False), (0, True)]
    _russia_busy(second, world, world.tracks["food"], 5)
    kept = state_keeper.run_once(db)
    assert (kept.streams, kept.applied) == (2, 10), kept
    assert _ukraine_steps(world, watched) == [NOTHING, NOTHING]
    assert state_keeper.run_once(db).streams == 0  # current: nothing to do


def test_the_background_keeper_applies_another_workers_events(
    world: World, second: Database, watched: Watched
) -> None:
    """The keeper as the app runs it: its first round before the block (the states of a
    restarted worker current before it serves), then one every interval, which applies what
    the second worker writes meanwhile."""
    db = world.services.db
    _opened(world)
    _restart(db)
    food = world.tracks["food"]
    logs = [event_log.protocol_stream(food, p.name) for p in (stv.PROTOCOL, relay.PROTOCOL)]

    def current() -> bool:
        return all(protocol_states.keeps(db.engine, log) for log in logs)

    async def run() -> tuple[bool, bool]:
        async with state_keeper.worker(db, 0.05):
            before = current()  # the first round ran before the block
            await asyncio.to_thread(_russia_busy, second, world, food, 3)
            deadline = time.monotonic() + 10
            while not current() and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            return before, current()

    assert asyncio.run(run()) == (True, True)
    assert _ukraine_steps(world, watched) == [NOTHING, NOTHING]


def test_the_app_keeps_its_states_before_it_serves(world: World) -> None:
    """The app's lifespan (what uvicorn runs before it serves) makes every kept state
    current: the start-up warm."""
    db = world.services.db
    _opened(world)
    _restart(db)
    food = world.tracks["food"]
    logs = [event_log.protocol_stream(food, p.name) for p in (stv.PROTOCOL, relay.PROTOCOL)]

    async def run() -> list[bool]:
        async with world.app.router.lifespan_context(world.app):
            return [protocol_states.keeps(db.engine, log) for log in logs]

    try:
        assert asyncio.run(run()) == [True, True]
    finally:
        gc.unfreeze()  # the lifespan froze what the test process had made


def _tracks(world: World, n: int, parties: tuple[str, ...], name: str) -> list[int]:
    """``n`` new tracks of the food agenda with ``parties`` and the United Nations."""
    o = world.orgs
    made = []
    for session, admin in _as(world.services.db, world, "admin"):
        for i in range(n):
            track = prepare.create_track(
                session,
                admin,
                world.process_id,
                name=f"{name} {i}",
                agenda=energy_agenda(),
                organisation_ids=[o[p] for p in parties] + [o["United Nations"]],
            )
            session.flush()
            made.append(track.id)
    return made


def test_whether_a_stream_is_kept_does_not_depend_on_other_tracks(
    world: World, watched: Watched
) -> None:
    """Ukraine's newest track and 140 older tracks where only Russia and the mediators act
    (a text published and an offer in each: 280 streams). Ukraine's step there replays the
    same stored events before and after the others' activity, and its streams stay kept.
    Before: the 256 streams kept, least recently used first, dropped Ukraine's, and its next
    step replayed its whole offers' stream again."""
    db = world.services.db
    others = _tracks(world, 140, ("Ukraine", "Russian Federation"), "other")
    (mine,) = _tracks(world, 1, ("Ukraine", "Russian Federation"), "mine")
    base = f"/api/tracks/{mine}/offers"

    def offer() -> list[tuple[int, bool]]:
        watched.clear()
        body = {"options": {"targets": "none"}, "message": "mine"}
        assert world.post("ua", base, json=body).status_code == 201
        return list(watched.replays)

    offer()
    quiet = offer()
    mine_log = event_log.protocol_stream(mine, relay.PROTOCOL.name)
    assert protocol_states.keeps(db.engine, mine_log)
    for track in others:
        for session, actor in _as(db, world, "un"):
            texts.publish_text(session, actor, track, options={"targets": "all"}, clauses={})
        for session, actor in _as(db, world, "ru"):
            texts.submit_offer(session, actor, track, options={}, message="busy")
    assert protocol_states.keeps(db.engine, mine_log)
    assert offer() == quiet == NOTHING


def test_a_stream_not_kept_is_replayed_before_each_step_the_same_way(
    world: World, watched: Watched
) -> None:
    """A track whose states would exceed the per-track budget keeps none: each step replays
    the stream in its read-only unit, the same way each time, and its writing unit starts
    from the state that unit replayed (handed to it in the same thread), so it applies none
    inside; so does a generic route's, after two read-only units. Before: the budget was
    shared by every track, the stream was kept and dropped as other tracks were used."""
    _opened(world)
    _restart(world.services.db)
    with world.services.db.unit_of_work(write=False) as session:
        protocol_states.cache_of(session).track_size = 0
    first = _ukraine_steps(world, watched)
    again = _ukraine_steps(world, watched)
    assert first == [[(1, False), (0, True)], [(1, False), (0, True)]], first
    assert again == [[(2, False), (0, True)], [(2, False), (0, True)]], again
    generic = f"/api/tracks/{world.tracks['food']}/protocols/single_text/publish_text"
    for _ in range(2):  # two read-only units (who sees it, then the state) before the step's
        watched.clear()
        published = world.post("un", generic, json={"package": PACKAGE})
        assert published.status_code == 200, published.text
        assert watched.inside() == 0, watched.replays


def test_the_operator_sets_how_many_tracks_and_how_much_each_process_keeps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``GOBETWEEN_KEPT_STATE_TRACKS`` and ``GOBETWEEN_KEPT_STATE_TRACK_MB`` bound the memory the
    kept states may take (before: 16 tracks of 128 MB, about 2.2 GB, fixed in the code)."""
    from gobetween.service.app import create_app
    from gobetween.service.settings import Settings

    monkeypatch.setenv("GOBETWEEN_DATABASE_URL", f"sqlite:///{tmp_path}/kept.db")
    monkeypatch.setenv("GOBETWEEN_KEPT_STATE_TRACKS", "3")
    monkeypatch.setenv("GOBETWEEN_KEPT_STATE_TRACK_MB", "2")
    settings = Settings.from_env()
    assert (settings.kept_state_tracks, settings.kept_state_track_mb) == (3, 2)
    app = create_app(settings)
    cache = protocol_states.cache_of(app.state.services.db.engine)
    assert (cache.tracks, cache.track_size) == (3, 2 * 1024 * 1024)
    app.state.services.db.dispose()
