"""Replayed protocol states kept between requests, so that a step reads only the events since.

A protocol's state is rebuilt from its stored events (:mod:`gobetween.service.protocol_steps`).
Rebuilding it from every event inside each step held the one write lock longer the longer the
history (publishing version 40 of a text of 950 KB: 385 ms), and made a party's own answer or
offer take longer the more the other party had answered or offered (a clock of its activity).
This module keeps, per database, stream and worker process, the last state replayed from every
event of a stream (:class:`Entry`: what the initial state was made of, the last event applied,
its row's id, the stored size, the state); a replay then reads, through the stream's unique
index, only the events after that one (:func:`replayed`) and applies them. Every step of this
process leaves the state it made, so the next step of the stream, in this process, applies no
stored event at all.

What keeps it right:

- an entry is kept only once the transaction that read or wrote it has *committed* (the
  session's ``after_commit``, for the outermost transaction only); a transaction that rolls
  back, or a savepoint that does, leaves nothing (:func:`remember`): SQLite may give a rolled
  back event's number and row id to the next one, so a state kept from it would be wrong for
  good. Within one transaction a replay starts from the state the transaction itself left;
- a replay uses an entry only for the same initial state (the agenda, the parties, the
  mediators and the settings, unless the stream's head holds them) and only while the event it
  applied last is still the same row (its id, checked in the same query that reads the newer
  events): otherwise it replays the stream from its start;
- the states are immutable (frozen dataclasses, read-only mappings): the same object is handed
  to every request and thread that reads it, so nothing may change one in place;
- each worker process keeps its own entries; what another process wrote is read as the events
  after the entry's, like any other;
- at most :data:`MAX_STREAMS` streams and :data:`MAX_BYTES` bytes of stored events (as stored,
  a rough measure of a state's memory) per database, the least recently used dropped first; a
  stream larger than the whole budget is not kept.

>>> cache = StateCache(streams=2, size=100)
>>> cache.put("a", Entry(("x",), True, 3, 7, 40, "state a"))
>>> cache.put("b", Entry(("x",), True, 1, 8, 40, "state b"))
>>> cache.put("c", Entry(("x",), True, 1, 9, 40, "state c"))  # "a" is the least recent
>>> cache.get("a") is None, cache.get("c").state, len(cache), cache.bytes
(True, 'state c', 2, 80)
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import Session, SessionTransaction

from gobetween.store import event_log

__all__ = [
    "MAX_BYTES",
    "MAX_STREAMS",
    "Entry",
    "Replayed",
    "StateCache",
    "cache_of",
    "keeps",
    "kept",
    "remember",
    "replayed",
]

S = TypeVar("S")

#: The most streams whose state one process keeps per database.
MAX_STREAMS = 256
#: The most bytes of stored events (as stored) whose states one process keeps per database.
MAX_BYTES = 128 * 1024 * 1024

#: Where a session holds the entries its transaction made, kept when it commits.
_PENDING = "gobetween.protocol_states"


@dataclass(frozen=True)
class Entry(Generic[S]):
    """A stream's state after its events up to number ``seq`` (0: none).

    ``inputs`` is what the initial state was made of besides the stored events (agenda,
    members, and the settings where the stream's head does not hold them); ``row_id`` the id
    of event ``seq``'s row (``0`` for none); ``size`` the bytes of the events applied, as
    stored; ``head`` whether the stream's first event held its settings.
    """

    inputs: Hashable
    head: bool
    seq: int
    row_id: int
    size: int
    state: S

    def after(self, state: S, stored: Sequence[event_log.Stored]) -> Entry[S]:
        """This entry once ``stored`` (the next events, in order) are applied, giving
        ``state``."""
        if not stored:
            return replace(self, state=state)
        size = self.size + sum(s.size for s in stored)
        return replace(self, seq=stored[-1].seq, row_id=stored[-1].id, size=size, state=state)


class StateCache:
    """A bounded, thread-safe map of stream keys to :class:`Entry` s, least recently used
    dropped first (at most ``streams`` entries and ``size`` bytes)."""

    def __init__(self, streams: int = MAX_STREAMS, size: int = MAX_BYTES) -> None:
        self.streams = streams
        self.size = size
        self.bytes = 0
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, Entry[Any]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> Entry[Any] | None:
        """The entry of ``key``, if kept (now the most recently used)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: Hashable, entry: Entry[Any]) -> None:
        """Keep ``entry`` for ``key``, unless the entry kept has the same inputs and a later
        event (a transaction that committed after this one's snapshot left it)."""
        with self._lock:
            kept = self._entries.pop(key, None)
            if kept is not None:
                self.bytes -= kept.size
                if kept.inputs == entry.inputs and kept.seq > entry.seq:
                    entry = kept
            if entry.size > self.size:
                return
            self._entries[key] = entry
            self.bytes += entry.size
            while len(self._entries) > self.streams or self.bytes > self.size:
                _key, dropped = self._entries.popitem(last=False)
                self.bytes -= dropped.size

    def clear(self) -> None:
        """Forget every entry (as a new worker process starts)."""
        with self._lock:
            self._entries.clear()
            self.bytes = 0


_CACHES: weakref.WeakKeyDictionary[Any, StateCache] = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def cache_of(session: Session) -> StateCache:
    """This process's entries for the database ``session`` works on (by the connection pool
    that the database's engines share: two databases never share entries)."""
    bind = session.get_bind()
    pool = (bind.engine if isinstance(bind, Connection) else bind).pool
    with _CACHES_LOCK:
        cache = _CACHES.get(pool)
        if cache is None:
            cache = _CACHES[pool] = StateCache()
        return cache


def _key(stream: event_log.Stream) -> Hashable:
    return (stream.table.__tablename__, tuple(sorted(stream.keys.items())))


def _pending(session: Session) -> dict[Hashable, Entry[Any]]:
    pending: dict[Hashable, Entry[Any]] = session.info.setdefault(_PENDING, {})
    return pending


def keeps(engine: Engine, stream: event_log.Stream) -> bool:
    """Whether this process keeps a state of ``stream`` in ``engine``'s database (asked
    without a unit of work, to open a read-only one to replay it in only when it does not)."""
    with _CACHES_LOCK:
        cache = _CACHES.get(engine.pool)
    return cache is not None and cache.get(_key(stream)) is not None


def kept(session: Session, stream: event_log.Stream) -> Entry[Any] | None:
    """The entry this process keeps of ``stream`` (committed), if any."""
    return cache_of(session).get(_key(stream))


def remember(session: Session, stream: event_log.Stream, entry: Entry[Any]) -> None:
    """Keep ``entry`` for ``stream`` once the session's transaction commits (its later
    replays in the same transaction start from it meanwhile); nothing if it rolls back."""
    _pending(session)[_key(stream)] = entry


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if session.get_nested_transaction() is not None:  # a savepoint released: not yet
        return
    pending = session.info.pop(_PENDING, None)
    if pending:
        cache = cache_of(session)
        for key, entry in pending.items():
            cache.put(key, entry)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous: SessionTransaction) -> None:
    session.info.pop(_PENDING, None)  # a savepoint too: what it read may be gone


@dataclass(frozen=True)
class Replayed(Generic[S]):
    """A replayed state and the entry that holds it (for a step to extend)."""

    entry: Entry[S]
    #: the stored events applied to reach it (all of them when no entry was used)
    applied: int

    @property
    def state(self) -> S:
        """The stream's state after its last stored event."""
        return self.entry.state


def replayed(
    session: Session,
    stream: event_log.Stream,
    inputs: Hashable,
    settings: Hashable,
    start: Callable[[list[dict[str, Any]]], tuple[S, bool]],
    more: Callable[[S, list[dict[str, Any]]], S],
) -> Replayed[S]:
    """``stream``'s state after every stored event, from the kept entry and the events after it
    when one fits, else from the start.

    ``inputs`` and ``settings`` are what the initial state is made of (``settings`` counts
    unless the stream's head holds them); ``start(bodies)`` replays every event from the
    initial state and says whether the head held the settings; ``more(state, bodies)``
    applies further events. The new entry is kept when the transaction commits.
    """
    key = _key(stream)
    entry = _pending(session).get(key) or cache_of(session).get(key)
    if entry is not None and entry.inputs == (inputs, None if entry.head else settings):
        stored = event_log.since(session, stream, entry.seq)
        if entry.seq == 0 or (
            stored and stored[0].seq == entry.seq and stored[0].id == entry.row_id
        ):
            later = [s for s in stored if s.seq > entry.seq]
            state = more(entry.state, [s.body for s in later if s.body is not None])
            found = entry.after(state, later)
            remember(session, stream, found)
            return Replayed(found, len(later))
    stored = event_log.since(session, stream, 0)
    state, head = start([s.body for s in stored if s.body is not None])
    fresh: Entry[S] = Entry((inputs, None if head else settings), head, 0, 0, 0, state)
    found = fresh.after(state, stored)
    remember(session, stream, found)
    return Replayed(found, len(stored))
