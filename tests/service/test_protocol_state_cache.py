"""A protocol step applies only the events since the state this process kept of its stream
(:mod:`gobetween.service.protocol_states`), so neither the write lock's hold nor a party's own
step grows with the history, nor with what the other party did.

Until 5 December 2026 every step replayed every stored event of its protocol inside its writing
unit: publishing version 40 of a text of 950 KB held the write lock 385 ms and a party's answer
288 ms (``.venv/bin/python -m benchmarks.write_lock_holds versions``), and a party's own answer
to the text or own offer replayed the other party's private answers and offers too, so its
response time told it how busy the other had been (docs/security.md). The work is counted here
as the stored events replayed and SQLite's virtual-machine steps, which do not vary with noise.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from sqlalchemy.orm import Session
from tests.service.replays import Watched
from tests.service.vm_steps import counting_steps
from tests.service.world import World, make_settings

from gobetween import wire
from gobetween.errors import GobetweenError
from gobetween.policy import Actor
from gobetween.protocols import relay
from gobetween.protocols import single_text_views as stv
from gobetween.protocols.registry import AnyProtocol
from gobetween.protocols.single_text import AnswerKind
from gobetween.service import protocol_states, state_keeper, texts
from gobetween.service import protocol_steps as steps
from gobetween.store import event_log, repositories
from gobetween.store import tables as tables
from gobetween.store.codec import agenda_from_json
from gobetween.store.db import Database

TRACK_BYTES = protocol_states.TRACK_BYTES
PACKAGE = {"ports": "Odesa", "inspection": "at sea", "term": "120"}
#: Some 4.7 KB of words: 200 articles of it make a version of about 950 KB (the body limit).
WORDS = " ".join(f"w{i % 977}x{i % 13}" for i in range(800))[:4700]
#: The most CPU time a writing unit may spend holding the lock (a step that stores a 950 KB
#: version takes 25 to 120 ms, one that stores an answer under 30 ms; tests/service/write_units.py
#: says why CPU time rather than wall time).
LONGEST = 0.25


@pytest.fixture
def watched(monkeypatch: pytest.MonkeyPatch, heap_as_served: None) -> Watched:
    return Watched().install(monkeypatch.setattr)


def _text(world: World, tail: str = "") -> str:
    return f"/api/tracks/{world.tracks['food']}/text{tail}"


def _publish(world: World, k: int) -> Any:
    arts = [{"id": f"a{n}", "wording": {"en": f"{n} {k} {WORDS}"}} for n in range(200)]
    return world.post("un", _text(world, "/versions"), json={"package": PACKAGE, "articles": arts})


def test_publishing_and_answering_after_many_versions_hold_the_lock_briefly(
    tmp_path: Path, watched: Watched
) -> None:
    """40 versions of about 950 KB: publishing the 40th and a party's answer to it each hold
    the write lock under :data:`LONGEST` and replay no stored event inside their unit, and so
    do the 41st and its answer after the worker's kept states are emptied (a restart: the
    route replays the text in a read-only unit first). Before: 39 versions replayed inside
    the unit, 309 ms and 865 ms on this machine under load; cold, before the read-only unit,
    40 versions inside the unit."""
    w = World.build(make_settings(f"sqlite:///{tmp_path}/w.db"))

    def restart() -> None:
        with w.services.db.unit_of_work(write=False) as session:
            protocol_states.cache_of(session).clear()

    def publish(k: int) -> Any:
        return _publish(w, k)

    def answer(k: int) -> Any:
        return w.post("ua", _text(w, "/answers"), json={"version": k, "kind": "accept"})

    try:
        for k in range(1, 40):
            assert publish(k).status_code == 201
        for label, k, cold, request in (
            ("publish", 40, False, publish),
            ("answer", 40, False, answer),
            ("publish, states emptied", 41, True, publish),
            ("answer, states emptied", 41, True, answer),
        ):
            if cold:
                restart()
            watched.clear()
            assert request(k).status_code == 201, label
            inside = [n for n, writing in watched.replays if writing]
            assert sum(inside) == 0, (label, watched.replays)
            assert max(watched.units.work) < LONGEST, (label, watched.units.work)
    finally:
        w.close()


def _busy(world: World, times: int) -> None:
    """Russia answers version 1 and sends an offer to the mediators ``times`` times each."""
    track = world.tracks["food"]
    for i in range(times):
        body = {"version": 1, "kind": "reject", "reasons": [f"reason {i}"]}
        assert world.post("ru", _text(world, "/answers"), json=body).status_code == 201
        offer = {"options": {"ports": "three ports"}, "message": f"offer {i}"}
        assert world.post("ru", f"/api/tracks/{track}/offers", json=offer).status_code == 201


@pytest.mark.slow
def test_a_partys_own_answer_and_offer_do_no_more_when_the_other_party_was_busy(
    tmp_path: Path, watched: Watched
) -> None:
    """Ukraine's own answer to the text and its own offer, by the texts' routes and by the
    generic ones: the stored events replayed are the same whether Russia answered and offered
    400 times before, once, or not at all, and so are SQLite's steps after one or 400 (between
    none and some, a party's own replay of its events, as its reads do, steps once more over
    the index where the other party's range begins; before: each answer replayed 401 events
    instead of 1, each offer 401 instead of 1, and the database took 2,587 steps for the last
    offer instead of 587)."""
    work = []
    for times in (0, 1, 400):
        w = World.build(make_settings(f"sqlite:///{tmp_path}/w{times}.db"))
        try:
            track = w.tracks["food"]
            generic = f"/api/tracks/{track}/protocols"
            assert w.post("un", _text(w, "/versions"), json={"package": PACKAGE}).status_code == 201
            first = {"options": {"ports": "Odesa"}, "message": "first"}
            assert w.post("ua", f"/api/tracks/{track}/offers", json=first).status_code == 201
            _busy(w, times)
            steps: list[tuple[str, int, list[tuple[int, bool]], int]] = []
            for address, body in (
                (
                    _text(w, "/answers"),
                    {"version": 1, "kind": "amend", "amendments": {"term": "60"}},
                ),
                (f"{generic}/single_text/answer_text", {"version": 1, "kind": "accept"}),
                (f"/api/tracks/{track}/offers", {"options": {"term": "60"}, "message": "mine"}),
                (f"{generic}/relay/send_offer", {"options": {"term": "180"}, "message": "again"}),
            ):
                watched.clear()
                with counting_steps(w) as vm:
                    r = w.post("ua", address, json=body)
                steps.append((address, r.status_code, list(watched.replays), vm[0]))
            work.append(steps)
        finally:
            w.close()
    none, once, busy = work
    assert all(status in (200, 201) for _a, status, _r, _v in none), none
    assert [r[:3] for r in busy] == [r[:3] for r in once] == [r[:3] for r in none]
    assert busy == once


def test_a_state_is_kept_only_when_its_transaction_commits(tmp_path: Path) -> None:
    """A step's state is kept when its unit commits: not while it is open, not when a savepoint
    inside it is released, and not at all when the unit rolls back (the events it stored are
    gone then, and SQLite would give their numbers to the next ones)."""
    w = World.build(make_settings(f"sqlite:///{tmp_path}/w.db"))
    db = w.services.db
    try:
        log = event_log.protocol_stream(w.tracks["food"], stv.PROTOCOL.name)

        def publish(session: Session) -> None:
            mediator = repositories.load_actor(session, w.users["un"])
            texts.publish_text(session, mediator, w.tracks["food"], options=PACKAGE, clauses={})

        def kept() -> int | None:
            with db.unit_of_work(write=False) as session:
                entry = protocol_states.kept(session, log)
                return None if entry is None else entry.seq

        try:
            with db.unit_of_work() as session:
                publish(session)
                raise _RolledBack
        except _RolledBack:
            pass
        assert kept() is None
        with db.unit_of_work() as session:
            publish(session)
            with session.begin_nested():
                pass
            assert kept() is None
        assert kept() == 1
        with db.unit_of_work() as session:
            publish(session)
            with pytest.raises(_RolledBack), session.begin_nested():
                raise _RolledBack  # what the unit read may be gone: it keeps nothing
        assert kept() == 1
        with db.unit_of_work() as session:
            publish(session)
        assert kept() == 3
    finally:
        w.close()


def test_threads_stepping_and_reading_at_once_keep_replays(tmp_path: Path) -> None:
    """Four threads of one worker (uvicorn runs the routes in a thread pool): two parties send
    offers and answer, a mediator reads, at once; what the worker keeps is then the replay of
    every event, and so is what a step decides on."""
    w = World.build(make_settings(f"sqlite:///{tmp_path}/w.db"))
    db, track = w.services.db, w.tracks["food"]
    try:
        with db.unit_of_work() as session:
            mediator = repositories.load_actor(session, w.users["un"])
            texts.publish_text(session, mediator, track, options=PACKAGE, clauses={})

        def party(who: str) -> None:
            for i in range(15):
                with db.unit_of_work() as session:
                    actor = repositories.load_actor(session, w.users[who])
                    texts.submit_offer(session, actor, track, options={}, message=f"{who} {i}")
                    accept = who == "ua" and i % 2 == 1  # Russia rejects: never ready
                    kind = AnswerKind.ACCEPT if accept else AnswerKind.REJECT
                    reasons = () if accept else ("no",)
                    texts.answer_text(session, actor, track, version=1, kind=kind, reasons=reasons)

        def reader() -> None:
            for _ in range(30):
                with db.unit_of_work(write=False) as session:
                    actor = repositories.load_actor(session, w.users["un"])
                    texts.text_view(session, actor, track)
                    texts.offers_view(session, actor, track)

        with ThreadPoolExecutor(4) as pool:
            done = [
                pool.submit(f) for f in (lambda: party("ua"), lambda: party("ru"), reader, reader)
            ]
            for future in done:
                future.result()
        with db.unit_of_work(write=False) as session:
            _check_kept(session, w, track)
            for name in (stv.PROTOCOL.name, relay.PROTOCOL.name):
                entry = protocol_states.kept(session, event_log.protocol_stream(track, name))
                assert entry is not None, name
    finally:
        w.close()


class _RolledBack(Exception):
    """Raised to roll a unit of work back after its step."""


WORKERS = st.integers(0, 1)
ROLLBACK = st.sampled_from([False, False, False, True])
PARTIES = st.sampled_from(["ua", "ru"])


class KeptStates(RuleBasedStateMachine):
    """Random steps of the single text and the relay by two worker processes' caches (two
    databases on one file, each with its own pool: what another uvicorn worker has), with
    refused actions, units rolled back after their step (SQLite then gives the next event the
    same number and row id), the track's mediators changing, reads that keep states, rounds of
    a worker's state keeper, its track's budget changed (states refused and handed from a
    read-only unit to the next), and a worker's cache emptied as at a restart. After each:
    every state a cache keeps is the replay of the stored events up to its own, and what a
    step would decide on is the replay of every stored event."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.mkdtemp()
        url = f"sqlite:///{self.folder}/w.db"
        self.world = World.build(make_settings(url))
        self.workers = [self.world.services.db, Database(url)]
        self.track = self.world.tracks["food"]

    def teardown(self) -> None:
        self.world.close()
        self.workers[1].dispose()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _unit(
        self, worker: int, who: str, call: Callable[[Session, Actor], object], rollback: bool
    ) -> None:
        try:
            with self.workers[worker].unit_of_work() as session:
                call(session, repositories.load_actor(session, self.world.users[who]))
                if rollback:
                    raise _RolledBack
        except (GobetweenError, _RolledBack):
            pass

    @rule(worker=WORKERS, rollback=ROLLBACK, note=st.sampled_from(["", "v"]))
    def publish(self, worker: int, rollback: bool, note: str) -> None:
        self._unit(
            worker,
            "un",
            lambda s, a: texts.publish_text(
                s, a, self.track, options=PACKAGE, clauses={}, note=note
            ),
            rollback,
        )

    @rule(
        worker=WORKERS,
        who=PARTIES,
        version=st.integers(1, 3),
        kind=st.sampled_from(list(AnswerKind)),
        withdraw=st.booleans(),
        rollback=ROLLBACK,
    )
    def answer(
        self, worker: int, who: str, version: int, kind: AnswerKind, withdraw: bool, rollback: bool
    ) -> None:
        reasons = ("no",) if kind is AnswerKind.REJECT else ()
        amendments = {"term": "60"} if kind is AnswerKind.AMEND else {}
        self._unit(
            worker,
            who,
            lambda s, a: texts.answer_text(
                s,
                a,
                self.track,
                version=version,
                kind=kind,
                reasons=reasons,
                amendments=amendments,
                withdraw=withdraw,
            ),
            rollback,
        )

    @rule(worker=WORKERS, who=PARTIES, rollback=ROLLBACK)
    def offer(self, worker: int, who: str, rollback: bool) -> None:
        self._unit(
            worker,
            who,
            lambda s, a: texts.submit_offer(s, a, self.track, options={"term": "60"}, message=who),
            rollback,
        )

    @rule(worker=WORKERS, number=st.integers(1, 5), forward=st.booleans(), rollback=ROLLBACK)
    def handle(self, worker: int, number: int, forward: bool, rollback: bool) -> None:
        self._unit(
            worker,
            "un",
            lambda s, a: texts.decide_offer(s, a, self.track, number, forward=forward, reason="r"),
            rollback,
        )

    @rule(worker=WORKERS)
    def read(self, worker: int) -> None:
        """The mediators read both (a read-only unit keeps what it replays)."""
        with self.workers[worker].unit_of_work(write=False) as session:
            actor = repositories.load_actor(session, self.world.users["un"])
            texts.text_view(session, actor, self.track)
            texts.offers_view(session, actor, self.track)

    @rule(worker=WORKERS)
    def mediators_change(self, worker: int) -> None:
        """ICRC joins the track as a mediator, or leaves it."""
        icrc = self.world.orgs["ICRC"]
        with self.workers[worker].unit_of_work() as session:
            row = session.get(tables.TrackOrganisation, (self.track, icrc))
            if row is None:
                session.add(tables.TrackOrganisation(track_id=self.track, organisation_id=icrc))
            else:
                session.delete(row)

    @rule(worker=WORKERS)
    def keep_current(self, worker: int) -> None:
        """A round of the worker's state keeper (as at its start and in the background)."""
        state_keeper.run_once(self.workers[worker])

    @rule(worker=WORKERS, size=st.sampled_from([0, 2_000, TRACK_BYTES]))
    def limit(self, worker: int, size: int) -> None:
        """The worker keeps its track's states up to ``size`` bytes (none, some, all)."""
        with self.workers[worker].unit_of_work(write=False) as session:
            protocol_states.cache_of(session).track_size = size

    @rule(worker=WORKERS)
    def restart(self, worker: int) -> None:
        with self.workers[worker].unit_of_work(write=False) as session:
            protocol_states.cache_of(session).clear()

    @invariant()
    def kept_states_are_replays(self) -> None:
        for db in self.workers:
            try:
                with db.unit_of_work(write=False) as session:
                    self._check(session)
                    raise _RolledBack  # keeps nothing: the next steps find the caches as they were
            except _RolledBack:
                pass

    def _check(self, session: Session) -> None:
        _check_kept(session, self.world, self.track)


def _check_kept(session: Session, world: World, track_id: int) -> None:
    """Every state this worker keeps of the track's text and relay is the replay of the events
    up to its own, and what a step would decide on is the replay of every event."""
    actor = repositories.load_actor(session, world.users["un"])
    track, view = repositories.track(session, actor, track_id)
    protocols: tuple[AnyProtocol, ...] = (stv.PROTOCOL, relay.PROTOCOL)
    for protocol in protocols:
        log = event_log.protocol_stream(track.id, protocol.name)
        stored = event_log.bodies(session, log)
        entry = protocol_states.kept(session, log)
        if entry is not None:
            inputs: Any = entry.inputs  # ((agenda as JSON, parties, mediators), settings)
            (agenda, parties, mediators), _settings = inputs
            assert entry.seq <= len(stored)
            assert entry.state == _replay(protocol, agenda, parties, mediators, stored[: entry.seq])
        parties, mediators = steps.members(view)
        full = _replay(protocol, json.dumps(track.agenda), parties, mediators, stored)
        assert steps.replay(session, track, view, protocol, whole=True) == full


def _replay(
    protocol: AnyProtocol,
    agenda_json: str,
    parties: tuple[str, ...],
    mediators: tuple[str, ...],
    stored: list[dict[str, Any]],
) -> Any:
    """Every event of ``stored`` replayed from the initial state, without any cache."""
    agenda = agenda_from_json(json.loads(agenda_json))
    initial = protocol.initial(agenda, parties, mediators, {})
    return wire.replay(protocol.apply, lambda d: protocol.read_event(d, agenda), initial, stored)


TestKeptStates = KeptStates.TestCase
TestKeptStates.pytestmark = [pytest.mark.slow]  # type: ignore[attr-defined]
TestKeptStates.settings = settings(
    max_examples=25, stateful_step_count=30, deadline=None, derandomize=True
)
