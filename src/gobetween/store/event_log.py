"""The one event log: lock, load, append with audit, for every event-sourced thing.

Three things are event-sourced (DESIGN.md): a track's protocols (``protocol_events``, one stream
per track and protocol), an agreement's lifecycle (``agreement_events``) and its joint record
(``record_events``). Each stream is a :class:`Stream`; the functions below work on any of them:

- :func:`lock` serialises writers of one stream (a row lock on the owner's row on PostgreSQL;
  SQLite serialises writes anyway); :func:`lock_agreement` is the same lock for everything an
  agreement owns (see below);
- :func:`bodies` loads the stored wire dicts in order (for replay); :func:`since` loads those
  after a sequence number, with their sizes (what a kept state has not applied yet:
  :mod:`gobetween.service.protocol_states`);
- :func:`append` stores new events after the last one, each with its audit link
  (``<prefix>.<event type>`` on ``<object type>``), and returns the rows;
- :func:`next_seq` is the next sequence number, read from the index (``max(seq)``), not by
  loading every row.

Call :func:`lock` before :func:`bodies` when you are about to append: the replayed state is then
the state the new events follow.

An agreement's two streams (its lifecycle and its joint record) have one owner, the agreement's
row, so they share one lock, and so does every other write to what the agreement owns (voyage
rows, record entries, publications, assessments, its settings): :func:`lock_agreement`. A
signing, a record event, an import step and an assessment of the same agreement therefore run
one after the other. A writer takes this lock first, before it reads what it will change, and
takes no other row lock after it but the audit chain's (at commit), so no two writers wait for
each other in opposite orders (``docs/dev/store.md``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    LargeBinary,
    Text,
    and_,
    case,
    cast,
    func,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from gobetween.store import audit
from gobetween.store import tables as t
from gobetween.store.agreement_tables import Agreement, AgreementEvent, RecordEvent

__all__ = [
    "EventRow",
    "Stored",
    "Stream",
    "agreement_stream",
    "append",
    "bodies",
    "lock",
    "lock_agreement",
    "next_seq",
    "protocol_stream",
    "record_stream",
    "since",
]

EventRow = t.ProtocolEvent | AgreementEvent | RecordEvent


@dataclass(frozen=True)
class Stream:
    """One ordered log of events: which table, which rows of it, and what to lock and audit.

    ``keys`` are the columns that select the stream's rows (and are set on rows appended);
    ``owner`` and ``owner_id`` name the row :func:`lock` locks; ``action`` prefixes the audit
    action (``"single_text"`` -> ``"single_text.text_published"``); ``object_type`` is the
    audit's object type.
    """

    table: type[EventRow]
    keys: Mapping[str, Any]
    owner: type[t.Track] | type[Agreement]
    owner_id: int
    action: str
    object_type: str

    def where(self) -> ColumnElement[bool]:
        """The rows of this stream."""
        return and_(*(getattr(self.table, k) == v for k, v in self.keys.items()))


def protocol_stream(track_id: int, protocol: str) -> Stream:
    """The events of ``protocol`` (its registered name) in track ``track_id``."""
    return Stream(
        t.ProtocolEvent,
        {"track_id": track_id, "protocol": protocol},
        t.Track,
        track_id,
        protocol,
        "protocol_event",
    )


def agreement_stream(agreement_id: int) -> Stream:
    """The lifecycle events of an agreement."""
    return _of_agreement(AgreementEvent, agreement_id, "agreement")


def record_stream(agreement_id: int) -> Stream:
    """The joint record's events of an agreement."""
    return _of_agreement(RecordEvent, agreement_id, "record")


def _of_agreement(table: type[EventRow], agreement_id: int, action: str) -> Stream:
    return Stream(
        table, {"agreement_id": agreement_id}, Agreement, agreement_id, action, f"{action}_event"
    )


def lock(session: Session, stream: Stream) -> None:
    """Serialise appends to ``stream`` until the transaction ends (row lock on PostgreSQL;
    SQLite writes are serial)."""
    owner = stream.owner
    session.execute(select(owner.id).where(owner.id == stream.owner_id).with_for_update())


def lock_agreement(session: Session, agreement_id: int) -> None:
    """Serialise every write to agreement ``agreement_id`` and what it owns until the
    transaction ends: the lock of both its streams (:func:`agreement_stream`,
    :func:`record_stream`)."""
    lock(session, agreement_stream(agreement_id))


def bodies(session: Session, stream: Stream, *, party: int | None = None) -> list[dict[str, Any]]:
    """Every stored event of ``stream`` (wire dicts), in order: for replay only.

    Unscoped: callers show events only through views the policy chose. ``party`` (protocol
    events only): only the events private to no party and those private to ``party``, so
    that rebuilding what one party may see costs nothing per event of another party.
    """
    table = stream.table
    if party is None:
        query = select(table.body).where(stream.where()).order_by(table.seq)
        return list(session.execute(query).scalars())
    events = t.ProtocolEvent  # each scope read through its own range of ix_protocol_events_scope
    scopes = [
        select(events.seq, events.body).where(stream.where(), scope)
        for scope in (events.party_id.is_(None), events.party_id == party)
    ]
    merged = union_all(*scopes).subquery()
    query = select(merged.c.body).order_by(merged.c.seq)
    return list(session.execute(query).scalars())


class Stored(NamedTuple):
    """One stored event as :func:`since` reads it: its number in the stream, its row's id, the
    size of its stored form in bytes, and its wire dict (``None`` where not read)."""

    seq: int
    id: int
    size: int
    body: dict[str, Any] | None


def since(session: Session, stream: Stream, seq: int, *, bodies: bool = True) -> list[Stored]:
    """The events of ``stream`` from number ``seq`` on, in order, through the stream's unique
    index: event ``seq`` itself without its body or size (so that a caller that applied the
    events up to it can check, by its id, that it is still the one it applied; absent for
    ``seq`` 0), and every later one with them (without the bodies if not ``bodies``)."""
    table = stream.table
    later = table.seq > seq
    if session.get_bind().dialect.name == "sqlite":
        size = func.length(cast(table.body, LargeBinary))  # bytes, without reading them as text
    else:
        size = func.octet_length(cast(table.body, Text))
    query = (
        select(
            table.seq,
            table.id,
            case((later, size), else_=0),
            case((later, table.body), else_=None) if bodies else null(),
        )
        .where(stream.where(), table.seq >= seq)
        .order_by(table.seq)
    )
    return [Stored(int(n), int(i), int(b or 0), body) for n, i, b, body in session.execute(query)]


def next_seq(session: Session, stream: Stream) -> int:
    """The sequence number the next event of ``stream`` takes (1 for the first)."""
    table = stream.table
    last = session.execute(select(func.max(table.seq)).where(stream.where())).scalar_one()
    return 1 if last is None else int(last) + 1


def append(
    session: Session,
    stream: Stream,
    events: Sequence[Mapping[str, Any]],
    *,
    actor_id: int | None,
    party_ids: Sequence[int | None] | None = None,
) -> list[EventRow]:
    """Store ``events`` (wire dicts, each with its ``type``) after the last one, audited.

    ``party_ids`` (protocol events only) names, per event, the party it is private to.
    Returns the new rows (flushed: their ids and ``seq`` are set).
    """
    if party_ids is not None and len(party_ids) != len(events):
        raise ValueError("party_ids must name one party (or None) per event")
    start = next_seq(session, stream) if events else 0
    rows: list[EventRow] = []
    for i, body in enumerate(events):
        columns = dict(stream.keys)
        if party_ids is not None:
            columns["party_id"] = party_ids[i]
        row = stream.table(seq=start + i, body=dict(body), actor_id=actor_id, **columns)
        session.add(row)
        session.flush()
        audit.append(
            session,
            actor_id=actor_id,
            action=f"{stream.action}.{body['type']}",
            object_type=stream.object_type,
            object_id=row.id,
            change=body,
        )
        rows.append(row)
    return rows
