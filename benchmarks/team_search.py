"""Does a party's search, or its archive export, take longer when the other party writes more?

Builds the test World (SQLite in a temporary folder, or PostgreSQL with ``--database-url``),
gives Ukraine's channel a few messages with the search word, then times Ukraine's search (and
archive) while the Russian Federation's channel and the mediators' notes grow to ``--other``
rows holding the same word. The answers must stay identical; the medians show how much the
time moves with rows Ukraine may not read.

Run from the project root::

    .venv/bin/python -m benchmarks.team_search                  # 0, 2,000 and 10,000 other rows
    .venv/bin/python -m benchmarks.team_search --other 0 20000 --runs 30
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from tests.service.world import World, make_settings

from gobetween.service import archive, search
from gobetween.store import repositories
from gobetween.store import tables as t
from gobetween.store import team_tables as tt


def _median_ms(work: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times, answer = [], None
    for _ in range(runs):
        start = time.perf_counter()
        answer = work()
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times), answer


def _grow(world: World, target: int) -> None:
    """Add rows with the search word to the Russian Federation's channel and the team's notes
    until each holds ``target``."""
    channel = world.channels[("food", "ru")]
    with world.services.db.unit_of_work() as session:
        have = len(
            session.execute(select(t.Message.id).where(t.Message.channel_id == channel)).all()
        )
        top = (
            session.execute(
                select(t.Message.number)
                .where(t.Message.channel_id == channel)
                .order_by(t.Message.number.desc())
            ).scalar()
            or 0
        )
        for i in range(have, target):
            session.add(
                t.Message(id=t.random_id(), channel_id=channel, number=top + 1 + i - have,
                          author_id=world.users["ru"], text=f"wheat {i}")
            )  # fmt: skip
            session.add(
                tt.Note(id=t.random_id(), track_id=world.tracks["food"],
                        author_id=world.users["un"], text=f"wheat note {i}")
            )  # fmt: skip


def _measure(world: World, runs: int) -> tuple[float, float, Any]:
    """Ukraine's median search and archive times, and what they answered."""
    with world.services.db.unit_of_work(write=False) as session:
        actor = repositories.load_actor(session, world.users["ua"])
        found_ms, found = _median_ms(lambda: search.search(session, actor, "wheat"), runs)

        def export() -> list[str]:
            file, _name = archive.track_archive(session, actor, world.tracks["food"])
            parts = archive.read_archive(b"".join(archive.chunks(file)))
            return sorted(n for n in parts if n != "manifest.json")

        zip_ms, parts = _median_ms(export, max(3, runs // 4))
    return found_ms, zip_ms, ([(h["kind"], h["snippet"]) for h in found["results"]], parts)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--other", type=int, nargs="+", default=[0, 2000, 10000])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/gobetween.db"
        world = World.build(make_settings(url))
        try:
            for i in range(5):
                world.post("ua", f"/api/channels/{world.channels[('food', 'ua')]}/messages",
                           json={"text": f"wheat from Odesa {i}"})  # fmt: skip
            first: Any = None
            print("other rows | search ms (median) | archive ms (median) | same answer")
            for other in sorted(args.other):
                _grow(world, other)
                found_ms, zip_ms, answer = _measure(world, args.runs)
                first = first or answer
                print(f"{other:>10} | {found_ms:>18.2f} | {zip_ms:>19.2f} | {answer == first}")
        finally:
            world.close()


if __name__ == "__main__":
    main()
