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

``--stream N`` stores N live-update notifications in the other party's scope (rows written
directly, as N of its messages would leave them) and times the observed party's
``GET /api/tracks/{id}/events?follow=false`` after one message of its own.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--answers", type=int, default=400)
    parser.add_argument("--reads", type=int, default=40)
    parser.add_argument("--relay", action="store_true", help="offers instead of answers")
    parser.add_argument("--stream", type=int, default=0, help="time the event stream instead")
    args = parser.parse_args()
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
