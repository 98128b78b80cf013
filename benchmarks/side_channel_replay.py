"""How long a party's text page takes, with and without the other party's private answers.

The single text's state is replayed from every protocol event of the track, the other
parties' private answers included, so the time a party's page takes grows with how often
another party answered (docs/security.md, *Timing channels and ids*: an open channel). Two
worlds: the other party (Russia) gave no answer, or ``--answers`` answers to version 1; the
observed party (Ukraine) then reads its text page and the track's overview ``--reads`` times.
Printed: the median and the least of the page's ``Server-Timing`` and of the wall-clock time.

Run from the project root (SQLite in a temporary folder)::

    .venv/bin/python -m benchmarks.side_channel_replay
    .venv/bin/python -m benchmarks.side_channel_replay --answers 50 --reads 60
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

from tests.service.world import World, make_settings

PACKAGE = {"ports": "Odesa", "inspection": "at sea", "term": "120"}


def _world(answers: int, folder: str) -> World:
    w = World.build(make_settings(f"sqlite:///{folder}/gobetween.db"))
    base = f"/api/tracks/{w.tracks['food']}/protocols/single_text"
    published = w.post("un", f"{base}/publish_text", json={"package": PACKAGE, "note": "v1"})
    assert published.status_code == 200, published.text
    for i in range(answers):
        body = {"version": 1, "kind": "reject", "reasons": [f"reason {i}"]}
        answered = w.post("ru", f"{base}/answer_text", json=body)
        assert answered.status_code == 200, answered.text
    return w


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--answers", type=int, default=400)
    parser.add_argument("--reads", type=int, default=40)
    args = parser.parse_args()
    for answers in (0, args.answers):
        with tempfile.TemporaryDirectory() as folder:
            w = _world(answers, folder)
            try:
                for url in (f"/tracks/{w.tracks['food']}/text", f"/tracks/{w.tracks['food']}"):
                    server, wall = [], []
                    for _ in range(args.reads):
                        start = time.perf_counter()
                        page = w.get("ua", url)
                        wall.append(1000 * (time.perf_counter() - start))
                        server.append(float(page.headers["server-timing"].split("dur=")[1]))
                    print(
                        f"other party's answers {answers:4d}  {url:16s}  Server-Timing median "
                        f"{statistics.median(server):5.1f} ms (least {min(server):5.1f}), wall "
                        f"median {statistics.median(wall):5.1f} ms (least {min(wall):5.1f})"
                    )
            finally:
                w.close()


if __name__ == "__main__":
    main()
