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
stored event at all; :mod:`gobetween.service.state_keeper` replays, before the worker serves
and then in the background, what other processes wrote, so a request finds its stream current.

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
  after the entry's, like any other.

Which streams are kept does not depend on what is done in other tracks (the least recently
used dropped first, as before 6 December 2026, made whether a party's step was cold a function
of other tracks' activity): a stream is kept when its track is among the :data:`MAX_TRACKS`
newest of the database (by id: tracks are made by their process's administrators, not by what
any party does; :meth:`StateCache.keep_from`) and while the states kept of its track's streams
hold at most :data:`TRACK_BYTES` of stored events (its own track's history only). A stream
that is not kept is replayed in the read-only unit before each step, the same way each time,
and handed to the same thread's writing unit (:func:`replayed`), which then applies only the
events since.

>>> cache = StateCache(tracks=2, track_size=100)
>>> cache.put("a", 1, Entry(("x",), True, 3, 7, 40, "state a"))
True
>>> cache.put("b", 2, Entry(("x",), True, 1, 8, 70, "state b"))
True
>>> cache.put("c", 2, Entry(("x",), True, 1, 9, 40, "state c"))  # track 2 would hold 110
False
>>> cache.put("d", 3, Entry(("x",), True, 1, 9, 40, "state d"))  # track 1 is the oldest
True
>>> cache.get("a") is None, cache.get("d").state, len(cache), cache.bytes
(True, 'state d', 2, 110)
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Engine, event, select
from sqlalchemy.orm import Session, SessionTransaction

from gobetween.store import event_log

__all__ = [
    "MAX_TRACKS",
    "TRACK_BYTES",
    "Entry",
    "Replayed",
    "StateCache",
    "cache_of",
    "configure",
    "head",
    "keeps",
    "kept",
    "key_of",
    "remember",
    "replayed",
]

S = TypeVar("S")

#: The most tracks (the newest of the database) whose streams' states one process keeps.
MAX_TRACKS = 16
#: The most bytes of stored events (as stored) whose states one process keeps per track (a
#: stream as large as the whole budget before, 128 MB, is kept): at most 2 GB of stored events
#: in all (a state takes about 1.1 times its stored size).
TRACK_BYTES = 128 * 1024 * 1024

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
    """A thread-safe map of stream keys to :class:`Entry` s, each stream with its track: at
    most ``tracks`` tracks (the newest by id: :meth:`keep_from`) and ``track_size`` bytes of
    stored events per track.

    Nothing is dropped because another track was used: a track's streams go when the track
    is no longer among the newest (:meth:`keep_from`, or a newer track's stream put), and a
    stream is refused when its own track's kept streams would exceed ``track_size`` (it is
    then in :attr:`over`, which the state keeper does not replay again).
    """

    def __init__(self, tracks: int = MAX_TRACKS, track_size: int = TRACK_BYTES) -> None:
        self.tracks = tracks
        self.track_size = track_size
        self.bytes = 0
        #: tracks with a smaller id are not kept (the newest ``tracks`` of the database)
        self.floor = 0
        #: streams refused because their track's kept states would exceed ``track_size``
        self.over: set[Hashable] = set()
        self._lock = threading.Lock()
        self._entries: dict[Hashable, tuple[int, Entry[Any]]] = {}
        self._sizes: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> Entry[Any] | None:
        """The entry of ``key``, if kept."""
        found = self._entries.get(key)
        return None if found is None else found[1]

    def put(self, key: Hashable, track: int, entry: Entry[Any]) -> bool:
        """Keep ``entry`` for ``key`` of ``track``, unless the entry kept has the same inputs
        and a later event (a transaction that committed after this one's snapshot left it).
        False when the stream is not kept: its track is not among the newest, or its track's
        states would exceed :attr:`track_size`."""
        with self._lock:
            kept = self._drop(key)
            if kept is not None and kept.inputs == entry.inputs and kept.seq > entry.seq:
                entry = kept
            if track < self.floor:
                return False
            used = self._sizes.get(track, 0)
            if used + entry.size > self.track_size:
                self.over.add(key)
                return False
            self.over.discard(key)
            self._entries[key] = (track, entry)
            self._sizes[track] = used + entry.size
            self.bytes += entry.size
            if len(self._sizes) > self.tracks:
                self._keep_from(sorted(self._sizes)[-self.tracks])
            return key in self._entries

    def keep_from(self, floor: int) -> None:
        """Keep only the streams of tracks ``floor`` and newer, from now on."""
        with self._lock:
            self._keep_from(floor)

    def _keep_from(self, floor: int) -> None:
        self.floor = floor
        for key in [k for k, (track, _e) in self._entries.items() if track < floor]:
            self._drop(key)

    def _drop(self, key: Hashable) -> Entry[Any] | None:
        found = self._entries.pop(key, None)
        if found is None:
            return None
        track, entry = found
        self.bytes -= entry.size
        self._sizes[track] -= entry.size
        if not any(t == track for t, _e in self._entries.values()):
            del self._sizes[track]
        return entry

    def clear(self) -> None:
        """Forget every entry (as a new worker process starts)."""
        with self._lock:
            self._entries.clear()
            self._sizes.clear()
            self.over.clear()
            self.bytes = 0
            self.floor = 0


_CACHES: weakref.WeakKeyDictionary[Any, StateCache] = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def _pool(bind: Engine | Connection) -> Any:
    return (bind.engine if isinstance(bind, Connection) else bind).pool


def _cache(pool: Any) -> StateCache:
    with _CACHES_LOCK:
        cache = _CACHES.get(pool)
        if cache is None:
            cache = _CACHES[pool] = StateCache()
        return cache


def cache_of(session_or_engine: Session | Engine) -> StateCache:
    """This process's entries for the database a session works on, or an engine opens (by
    the connection pool that the database's engines share: two databases never share
    entries)."""
    if isinstance(session_or_engine, Engine):
        return _cache(session_or_engine.pool)
    return _cache(_pool(session_or_engine.get_bind()))


def configure(engine: Engine, *, tracks: int, track_size: int) -> None:
    """Keep the states of at most ``tracks`` tracks and ``track_size`` bytes of stored events
    per track for ``engine``'s database in this process (the operator's settings,
    ``kept_state_tracks`` and ``kept_state_track_mb``; :func:`create_app` calls it first)."""
    cache = cache_of(engine)
    with cache._lock:
        cache.tracks, cache.track_size = max(1, tracks), max(0, track_size)


def key_of(stream: event_log.Stream) -> Hashable:
    """The key of ``stream``'s entry in a :class:`StateCache`."""
    return (stream.table.__tablename__, tuple(sorted(stream.keys.items())))


def _pending(session: Session) -> dict[Hashable, tuple[int, Entry[Any]]]:
    pending: dict[Hashable, tuple[int, Entry[Any]]] = session.info.setdefault(_PENDING, {})
    return pending


class _Handed(threading.local):
    """The state a thread's last unit replayed of a stream that is not kept, for the same
    thread's next unit (the step's writing unit after its read-only ones): at most one per
    thread, held until a unit of the thread takes it or replaces it."""

    found: tuple[StateCache, Hashable, Entry[Any]] | None = None


_HANDED = _Handed()


def head(connection: Connection | Session, stream: event_log.Stream) -> tuple[int, int]:
    """The number and row id of ``stream``'s last event (``(0, 0)`` for none)."""
    table = stream.table
    row = connection.execute(
        select(table.seq, table.id).where(stream.where()).order_by(table.seq.desc()).limit(1)
    ).first()
    return (0, 0) if row is None else (int(row.seq), int(row.id))


def keeps(engine: Engine, stream: event_log.Stream) -> bool:
    """Whether this process keeps a state of ``stream`` in ``engine``'s database that is
    *current*: its last event is the stream's last (one read of the stream's unique index,
    asked without a unit of work, to open a read-only one to replay what it lacks in only
    when it does not: another process's new events are then not read inside a writing
    unit)."""
    entry = cache_of(engine).get(key_of(stream))
    if entry is None:
        return False
    with engine.connect() as connection:
        return head(connection, stream) == (entry.seq, entry.row_id)


def kept(session: Session, stream: event_log.Stream) -> Entry[Any] | None:
    """The entry this process keeps of ``stream`` (committed), if any."""
    return cache_of(session).get(key_of(stream))


def remember(session: Session, stream: event_log.Stream, entry: Entry[Any]) -> None:
    """Keep ``entry`` for ``stream`` once the session's transaction commits (its later
    replays in the same transaction start from it meanwhile); nothing if it rolls back."""
    _pending(session)[key_of(stream)] = (stream.owner_id, entry)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if session.get_nested_transaction() is not None:  # a savepoint released: not yet
        return
    pending = session.info.pop(_PENDING, None)
    if pending:
        cache = cache_of(session)
        for key, (track, entry) in pending.items():
            if not cache.put(key, track, entry):
                _HANDED.found = (cache, key, entry)  # for this thread's next unit


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous: SessionTransaction) -> None:
    session.info.pop(_PENDING, None)  # a savepoint too: what it read may be gone


def _handed(session: Session, key: Hashable) -> Entry[Any] | None:
    """The entry this thread's previous unit replayed of stream ``key`` and could not keep
    (taken: a thread holds it only until its next unit)."""
    found = _HANDED.found
    if found is None or found[1] != key or found[0] is not cache_of(session):
        return None
    _HANDED.found = None
    return found[2]


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
    """``stream``'s state after every stored event, from the kept entry (or the one this
    thread's previous unit replayed and could not keep) and the events after it when one
    fits, else from the start.

    ``inputs`` and ``settings`` are what the initial state is made of (``settings`` counts
    unless the stream's head holds them); ``start(bodies)`` replays every event from the
    initial state and says whether the head held the settings; ``more(state, bodies)``
    applies further events. The new entry is kept when the transaction commits.
    """
    key = key_of(stream)
    pending = _pending(session).get(key)
    entry = pending[1] if pending else cache_of(session).get(key) or _handed(session, key)
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
