"""How long a party's text page takes, with and without the other party's private answers
(or its relayed offers, ``--relay``).

The single text's state was replayed from every protocol event of the track, the other parties'
private answers included, so the time a party's page took grew with how often another party
answered (docs/security.md, *Timing channels and ids*); now a party's read replays only the
public events and its own. Two worlds: the other party (Russia) gave no answer, or ``--answers``
answers to version 1; the observed party (Ukraine) then reads its text page and the track's
overview ``--reads`` times. Printed: the median and the least of the page's ``Server-Timing``
and of the wall-clock time. With ``--relay`` the other party sends that many offers to the
mediators instead, and the observed party reads its offers (``/api/tracks/{id}/offers``) and the
track's overview.

Run from the project root (SQLite in a temporary folder)::

    .venv/bin/python -m benchmarks.side_channel_replay
    .venv/bin/python -m benchmarks.side_channel_replay --answers 50 --reads 60
    .venv/bin/python -m benchmarks.side_channel_replay --relay
    .venv/bin/python -m benchmarks.side_channel_replay --stream 20000

``--own`` times the observed party's own steps instead of its reads: its answer to the text
(``POST /api/tracks/{id}/text/answers``) and its offer (``POST /api/tracks/{id}/offers``),
``--reads`` times each, after the other party answered the text and sent offers ``--answers``
times each (or not at all). Until 5 December 2026 each such step replayed every event of its
protocol, the other party's included; now it applies only those since the state the process
kept (:mod:`gobetween.service.protocol_states`)::

    .venv/bin/python -m benchmarks.side_channel_replay --own
    .venv/bin/python -m benchmarks.side_channel_replay --own --busy-first  # the order's share

``--core`` times, in memory, what the party's own step still does over the other party's events
in a kept state (the single text's answer, the relay's offer and each one's party view, with
0, ``--answers`` and ten times as many of the other party's answers or offers). The relay's
party view went through every offer until 5 December 2026 (4.5, 8.3 and 45.5 us); it reads the
party's own through the state's indexes now (``RelayState.sent_by``, ``received_by``: 4.5,
4.5 and 4.6 us; before, run with the old tree: ``git archive <rev> src | tar -x -C /tmp/old``
and ``PYTHONPATH=/tmp/old/src``)::

    .venv/bin/python -m benchmarks.side_channel_replay --core

``--restart`` and ``--workers`` time the observed party's *first* steps where the worker kept
no state, or one that lacks what another worker wrote (docs/security.md, *Cold states*): the
other party answered and offered ``--answers`` times (or not at all), then the worker restarted
(``--restart``; its start-up round replays every stream before it serves,
:mod:`gobetween.service.state_keeper`), or wrote them through a second worker process, a
second pool on the same database, as ``--answers`` / ``--reads`` answers and offers before
each of the observed party's steps (``--workers``; the first worker's keeper round applies them,
as its background does every ``sse_poll_seconds``). Printed for each step: the median and
least wall time and the stored events it replayed (and of them inside its writing unit). Until
6 December 2026 such a step replayed every event of the stream after a restart, and another
worker's new events inside the writing unit; run the "before" with the old tree (``git archive
<rev> src | tar -x -C /tmp/old``, ``PYTHONPATH=/tmp/old/src``: no keeper there)::

    .venv/bin/python -m benchmarks.side_channel_replay --restart --reads 20
    .venv/bin/python -m benchmarks.side_channel_replay --workers --reads 20
    .venv/bin/python -m benchmarks.side_channel_replay --workers --database-url postgresql+psycopg://...

``--stream N`` stores N live-update notifications in the other party's scope (rows written
directly, as N of its messages would leave them) and times the observed party's
``GET /api/tracks/{id}/events?follow=false`` after one message of its own.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator

from tests.service.world import World, make_settings

PACKAGE = {"ports": "Odesa", "inspection": "at sea", "term": "120"}


def _world(answers: int, folder: str, relay: bool) -> World:
    w = World.build(make_settings(f"sqlite:///{folder}/gobetween.db", server_timing=True))
    base = f"/api/tracks/{w.tracks['food']}/protocols/single_text"
    published = w.post("un", f"{base}/publish_text", json={"package": PACKAGE, "note": "v1"})
    assert published.status_code == 200, published.text
    for i in range(answers if relay else 0):
        offer = {"options": {"ports": "three ports"}, "message": f"offer {i}"}
        sent = w.post(
            "ru", f"/api/tracks/{w.tracks['food']}/protocols/relay/send_offer", json=offer
        )
        assert sent.status_code == 200, sent.text
    for i in range(0 if relay else answers):
        body = {"version": 1, "kind": "reject", "reasons": [f"reason {i}"]}
        answered = w.post("ru", f"{base}/answer_text", json=body)
        assert answered.status_code == 200, answered.text
    return w


def _stream(count: int, reads: int) -> None:
    from sqlalchemy import insert

    from gobetween.store import tables as t

    for n in (0, count):
        with tempfile.TemporaryDirectory() as folder:
            w = World.build(make_settings(f"sqlite:///{folder}/gobetween.db", server_timing=True))
            try:
                track, ru = w.tracks["food"], w.orgs["Russian Federation"]
                mine = w.post(
                    "un", f"/api/channels/{w.channels[('food', 'ua')]}/messages", json={"text": "x"}
                )
                assert mine.status_code == 201, mine.text
                rows = [
                    {
                        "track_id": track,
                        "party_id": ru,
                        "number": i + 1,
                        "kind": "message",
                        "object_id": i,
                    }
                    for i in range(n)
                ]
                if rows:
                    with w.services.db.unit_of_work() as session:
                        session.execute(insert(t.Notification), rows)
                wall = []
                for _ in range(reads):
                    start = time.perf_counter()
                    w.get("ua", f"/api/tracks/{track}/events?follow=false")
                    wall.append(1000 * (time.perf_counter() - start))
                print(
                    f"other party's notifications {n:6d}  events?follow=false  wall median "
                    f"{statistics.median(wall):5.2f} ms (least {min(wall):5.2f})"
                )
            finally:
                w.close()


def _core(count: int) -> None:
    import datetime as dt
    import timeit

    from gobetween.model import Agenda, Issue
    from gobetween.protocols import relay
    from gobetween.protocols import single_text as st
    from gobetween.protocols import single_text_views as stv
    from gobetween.protocols.base import ViewRole

    agenda = Agenda((Issue.discrete("p", ["1", "2"]),))
    at = dt.datetime(2023, 3, 1, tzinfo=dt.UTC)

    def best(call: Callable[[], object]) -> float:
        return min(timeit.repeat(call, number=50, repeat=15)) / 50 * 1e6

    for n in (0, count, 10 * count):
        text = st.SingleTextState.open(agenda, ("a", "b"), ("M",))
        text, _ = st.step(text, st.PublishText("M", agenda.package({"p": "1"})), now=at)
        offers = relay.RelayState.open(agenda, ("a", "b"), ("M",))
        offers, _ = relay.step(offers, relay.SubmitOffer("a", {"p": "1"}, "mine"), now=at)
        for i in range(n):
            text, _ = st.step(text, st.Answer("b", 1, st.AnswerKind.REJECT, (f"r{i}",)), now=at)
            offers, _ = relay.step(offers, relay.SubmitOffer("b", {"p": "2"}, f"o{i}"), now=at)
        answer = st.Answer("a", 1, st.AnswerKind.AMEND, (), {"p": "2"})
        offer = relay.SubmitOffer("a", {"p": "1"}, "again")
        timed = (
            best(functools.partial(st.step, text, answer, now=at)),
            best(functools.partial(stv.PROTOCOL.view, text, ViewRole.PARTY, "a")),
            best(functools.partial(relay.step, offers, offer, now=at)),
            best(functools.partial(relay.PROTOCOL.view, offers, ViewRole.PARTY, "a")),
        )
        print(
            f"other party's answers and offers {n:5d}  text: answer {timed[0]:5.1f} us, view "
            f"{timed[1]:5.1f} us; relay: offer {timed[2]:5.1f} us, view {timed[3]:5.1f} us"
        )


def _own(count: int, reads: int, busy_first: bool) -> None:
    for n in (count, 0) if busy_first else (0, count):
        with tempfile.TemporaryDirectory() as folder:
            w = World.build(make_settings(f"sqlite:///{folder}/gobetween.db"))
            try:
                track = w.tracks["food"]
                text, offers = f"/api/tracks/{track}/text", f"/api/tracks/{track}/offers"
                assert (
                    w.post("un", f"{text}/versions", json={"package": PACKAGE}).status_code == 201
                )
                mine = {"options": {"ports": "Odesa"}, "message": "first"}
                assert w.post("ua", offers, json=mine).status_code == 201  # both have one
                for i in range(n):
                    body = {"version": 1, "kind": "reject", "reasons": [f"reason {i}"]}
                    assert w.post("ru", f"{text}/answers", json=body).status_code == 201
                    offer = {"options": {"ports": "three ports"}, "message": f"offer {i}"}
                    assert w.post("ru", offers, json=offer).status_code == 201
                amend = {"version": 1, "kind": "amend", "amendments": {"term": "60"}}
                steps = (
                    ("answer", f"{text}/answers", amend),
                    ("offer", offers, {"options": {"term": "60"}, "message": "mine"}),
                )
                for label, url, body in steps:
                    wall = []
                    for _ in range(reads):
                        start = time.perf_counter()
                        assert w.post("ua", url, json=body).status_code == 201
                        wall.append(1000 * (time.perf_counter() - start))
                    print(
                        f"other party's answers and offers {n:4d}  own {label:6s}  wall median "
                        f"{statistics.median(wall):5.1f} ms (least {min(wall):5.1f})"
                    )
            finally:
                w.close()


def _keeper_round(world: World) -> str:
    """A round of the worker's state keeper, as at its start and in the background (none
    before 6 December 2026: the old tree has no keeper)."""
    try:
        from gobetween.service import state_keeper
    except ImportError:
        return "no keeper"
    done = state_keeper.run_once(world.services.db)
    return f"keeper: {done.streams} streams, {done.applied} events, {1000 * done.seconds:.0f} ms"


@contextlib.contextmanager
def _fresh_url(base: str | None, folder: str) -> Iterator[str]:
    """``base`` with a new empty schema (PostgreSQL, dropped afterwards), else a SQLite file in
    ``folder``."""
    if base is None:
        yield f"sqlite:///{folder}/gobetween.db"
        return
    import uuid

    from sqlalchemy import create_engine, text

    schema = "bench_" + uuid.uuid4().hex[:10]
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def _first_steps(count: int, reads: int, mode: str, database: str | None) -> None:
    """The observed party's first answer and offer after a restart (``mode`` "restart") or
    after another worker's writes ("workers"), with the other party's ``count`` answers and
    offers or none."""
    from sqlalchemy.orm import Session
    from tests.service.replays import Watched

    from gobetween.protocols.single_text import AnswerKind
    from gobetween.service import protocol_states, texts
    from gobetween.store import repositories
    from gobetween.store.db import Database

    watched = Watched().install(setattr)

    def russia(db: Database, w: World, times: int) -> None:
        for i in range(times):
            with db.unit_of_work() as session:
                actor = repositories.load_actor(session, w.users["ru"])
                reject = AnswerKind.REJECT
                texts.answer_text(session, actor, track, version=1, kind=reject, reasons=("r",))
                texts.submit_offer(session, actor, track, options={}, message=f"o{i}")

    for n in (0, count):
        with tempfile.TemporaryDirectory() as folder, _fresh_url(database, folder) as url:
            w = World.build(make_settings(url))
            second = Database(w.services.settings.database_url)
            try:
                track = w.tracks["food"]
                text, offers = f"/api/tracks/{track}/text", f"/api/tracks/{track}/offers"
                assert (
                    w.post("un", f"{text}/versions", json={"package": PACKAGE}).status_code == 201
                )
                mine = {"options": {"ports": "Odesa"}, "message": "first"}
                assert w.post("ua", offers, json=mine).status_code == 201
                if mode == "restart":
                    russia(w.services.db, w, n)
                amend = {"version": 1, "kind": "amend", "amendments": {"term": "60"}}
                steps = (
                    ("answer", f"{text}/answers", amend),
                    ("offer", offers, {"options": {"term": "60"}, "message": "mine"}),
                )
                timed: dict[str, list[tuple[float, int, int]]] = {"answer": [], "offer": []}
                kept = ""
                for _ in range(reads):
                    if mode == "restart":
                        session: Session
                        with w.services.db.unit_of_work(write=False) as session:
                            protocol_states.cache_of(session).clear()
                    else:
                        russia(second, w, max(1, n // reads) if n else 0)
                    kept = _keeper_round(w)
                    for label, url, body in steps:
                        watched.clear()
                        start = time.perf_counter()
                        assert w.post("ua", url, json=body).status_code == 201
                        wall = 1000 * (time.perf_counter() - start)
                        timed[label].append((wall, *_replayed(watched.replays)))
                for label, rows in timed.items():
                    walls = [r[0] for r in rows]
                    print(
                        f"{mode}: other party's answers and offers {n:4d}  first {label:6s} "
                        f"wall median {statistics.median(walls):5.1f} ms (least "
                        f"{min(walls):5.1f}), replayed {max(r[1] for r in rows)} events "
                        f"(inside the writing unit {max(r[2] for r in rows)}); {kept}"
                    )
            finally:
                second.dispose()
                w.close()


def _replayed(replays: list[tuple[int, bool]]) -> tuple[int, int]:
    """The stored events a request replayed, and of them inside a writing unit."""
    return sum(n for n, _w in replays), sum(n for n, writing in replays if writing)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--answers", type=int, default=400)
    parser.add_argument("--reads", type=int, default=40)
    parser.add_argument("--relay", action="store_true", help="offers instead of answers")
    parser.add_argument("--stream", type=int, default=0, help="time the event stream instead")
    parser.add_argument("--own", action="store_true", help="time the party's own steps instead")
    parser.add_argument("--core", action="store_true", help="time the steps in memory instead")
    parser.add_argument("--busy-first", action="store_true", help="--own: the busy world first")
    parser.add_argument("--restart", action="store_true", help="first steps after a restart")
    parser.add_argument("--workers", action="store_true", help="steps after another worker's")
    parser.add_argument("--database-url", help="--restart, --workers: a PostgreSQL URL")
    args = parser.parse_args()
    if args.restart or args.workers:
        mode = "restart" if args.restart else "workers"
        _first_steps(args.answers, args.reads, mode, args.database_url)
        return
    if args.core:
        _core(args.answers)
        return
    if args.own:
        _own(args.answers, args.reads, args.busy_first)
        return
    if args.stream:
        _stream(args.stream, args.reads)
        return
    first = "/api/tracks/{}/offers" if args.relay else "/tracks/{}/text"
    kind = "offers" if args.relay else "answers"
    for answers in (0, args.answers):
        with tempfile.TemporaryDirectory() as folder:
            w = _world(answers, folder, args.relay)
            try:
                track = w.tracks["food"]
                for url in (first.format(track), f"/tracks/{track}"):
                    server, wall = [], []
                    for _ in range(args.reads):
                        start = time.perf_counter()
                        page = w.get("ua", url)
                        wall.append(1000 * (time.perf_counter() - start))
                        timing = page.headers.get("server-timing", "dur=nan")  # pages only
                        server.append(float(timing.split("dur=")[1]))
                    print(
                        f"other party's {kind} {answers:4d}  {url:22s}  Server-Timing median "
                        f"{statistics.median(server):5.1f} ms (least {min(server):5.1f}), wall "
                        f"median {statistics.median(wall):5.1f} ms (least {min(wall):5.1f})"
                    )
            finally:
                w.close()


if __name__ == "__main__":
    main()
