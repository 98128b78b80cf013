"""Keeping this worker's protocol states current: before it serves, and in the background.

A step applies only the events written since the state this process keeps of its stream
(:mod:`gobetween.service.protocol_states`). Where the process kept none (after a restart), or
kept one that lacks what another worker process wrote, the first step replayed those events,
the other party's included: its time grew with what the other party did. This module replays
them for no one, outside every request:

- :func:`run_once` reads, in one statement, the last event of each protocol's stream in the
  :data:`~gobetween.service.protocol_states.MAX_TRACKS` newest tracks, and replays in a
  read-only unit each stream whose kept state is not at that event (none kept; kept, but
  behind), from the kept state when it fits (:func:`gobetween.service.protocol_steps.
  keep_current`); it also moves the kept tracks' floor to the newest tracks;
- :func:`worker` runs one round before the worker serves (the start-up warm: every stream it
  keeps, current), then one every ``sse_poll_seconds`` on a fixed schedule, so another
  process's new events are applied here within that time, whoever's they are.

It reads the event log itself, not the live-update notifications: a stream's last event, read
through its unique index, is right whatever the order in which transactions commit (on
PostgreSQL, ids are taken before commit, so a cursor over ids can pass an event that commits
later), and every event is there, whether or not it notifies anyone.

>>> Round(streams=3, applied=12, seconds=0.004).replayed
True
"""

from __future__ import annotations

import contextlib
import functools
import logging
import math
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import anyio
import anyio.to_thread
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from gobetween.protocols import registry
from gobetween.service import protocol_states, protocol_steps
from gobetween.service.background import running
from gobetween.store import event_log
from gobetween.store import tables as t
from gobetween.store.db import Database

__all__ = ["Round", "heads", "run_once", "worker"]

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Round:
    """What one round did: the streams replayed, the stored events applied, how long."""

    streams: int
    applied: int
    seconds: float

    @property
    def replayed(self) -> bool:
        """Whether the round replayed anything."""
        return self.streams > 0


def heads(
    session: Session, tracks: int, names: Sequence[str]
) -> tuple[list[int], dict[tuple[int, str], tuple[int, int]]]:
    """The ``tracks`` newest tracks' ids, and the number and row id of the last event of each
    protocol ``names`` in each of them that has one: one statement (built and compiled once),
    two probes of the streams' unique index per stream."""
    query = _heads_query(tracks, tuple(names))
    newest, found = [], {}
    for row in session.execute(query).mappings():
        track = int(row["track"])
        newest.append(track)
        for i, name in enumerate(names):
            if row[f"seq{i}"] is not None:
                found[(track, name)] = (int(row[f"seq{i}"]), int(row[f"id{i}"]))
    return newest, found


@functools.cache
def _heads_query(tracks: int, names: tuple[str, ...]) -> Select[Any]:
    events, track = t.ProtocolEvent, t.Track

    def last(column: Any, name: str) -> Any:
        return (
            select(column)
            .where(events.track_id == track.id, events.protocol == name)
            .order_by(events.seq.desc())
            .limit(1)
            .scalar_subquery()
        )

    columns = [
        last(column, name).label(f"{label}{i}")
        for i, name in enumerate(names)
        for label, column in (("seq", events.seq), ("id", events.id))
    ]
    return select(track.id.label("track"), *columns).order_by(track.id.desc()).limit(tracks)


def run_once(db: Database) -> Round:
    """Replay, each in a read-only unit, the streams of the newest tracks whose state this
    process does not keep at their last event (streams refused for their track's size
    excepted); keep only the newest tracks' states from now on."""
    began = time.perf_counter()
    cache = protocol_states.cache_of(db.engine)
    names = [p.name for p in registry.protocols()]
    with db.unit_of_work(write=False) as session:
        newest, found = heads(session, cache.tracks, names)
    if newest:
        cache.keep_from(min(newest))
    behind: dict[int, set[str]] = {}
    for (track, name), last in sorted(found.items()):
        key = protocol_states.key_of(event_log.protocol_stream(track, name))
        if key in cache.over:
            continue
        entry = cache.get(key)
        if entry is None or (entry.seq, entry.row_id) != last:
            behind.setdefault(track, set()).add(name)
    applied = 0
    for track in sorted(behind, reverse=True):  # the newest first, as the floor keeps them
        with db.unit_of_work(write=False) as session:
            applied += protocol_steps.keep_current(session, track, behind[track])
    streams = sum(len(n) for n in behind.values())
    return Round(streams, applied, time.perf_counter() - began)


@contextlib.asynccontextmanager
async def worker(db: Database, interval: float) -> AsyncIterator[None]:
    """Keep this process's protocol states current while the block runs: one round before
    it starts (the worker serves nothing until its states are current), then one every
    ``interval`` seconds, on a fixed schedule from the start (a round that lasts longer than
    the interval skips ticks)."""
    first = await anyio.to_thread.run_sync(run_once, db)
    _log.info(
        "protocol states kept: %d streams, %d events replayed in %.3f s",
        first.streams,
        first.applied,
        first.seconds,
    )

    async def loop() -> None:
        start, tick = time.monotonic(), 0
        while True:
            tick = max(tick + 1, math.ceil((time.monotonic() - start) / interval))
            await anyio.sleep(max(0.0, start + tick * interval - time.monotonic()))
            try:
                await anyio.to_thread.run_sync(run_once, db)
            except Exception:  # logged; the next round tries again
                _log.exception("the protocol states' round failed")

    async with running(loop):
        yield
