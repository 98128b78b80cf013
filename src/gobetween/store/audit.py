"""The audit hash chain: every write appends one link; :func:`verify` finds the first break.

A link holds its sequence number, time, actor, action, object, the SHA-256 digest of the change
(its sorted JSON, see :func:`sorted_json`) and the hash of the previous link; its own hash is the
SHA-256 of the sorted JSON of all those fields. Changing, inserting or deleting any link (or
reordering links) breaks the chain at the first link touched, and :func:`verify` names it.

Appends are serialised: on PostgreSQL by a transaction-scoped advisory lock, on SQLite by the
write transaction's ``BEGIN IMMEDIATE``. :func:`append` takes the digest at once and the link is
written just before the transaction commits, in that transaction: a change and its link commit or
vanish together, and the lock is held only for the commit's last moment.

What is written under the lock is collected in :class:`Ordered`: rows that must take their
numbers in commit order (live updates, :func:`gobetween.store.live_updates.notify`) and then the
links. A unit of work has one, written by a ``before_commit`` hook; a plan's writing step
(:mod:`gobetween.store.plans`) makes its own and sends :meth:`Ordered.queries` with its other
statements, under the lock the step already holds. :func:`append` takes either, so there is one
way to record a change.

Under the lock each link is one ``INSERT ... SELECT`` that reads the head (sequence and hash) and
computes the new link's hash in the database: the sorted JSON of a link ends with its
``"prev"`` and ``"seq"`` fields (keys sorted), so Python sends the sorted JSON of the other
fields and the statement appends ``"prev":"<head hash>","seq":<head seq + 1>}`` and hashes it
(PostgreSQL's ``sha256``; on SQLite a function the store registers on each connection). No
round trip reads the head first, so the lock is held for fewer statements.
:func:`link_hash` recomputes the same hash in Python, and :func:`verify` checks it.

The chain also covers the data rows it describes. For the actions in :data:`COVERED` (a
message posted, a party's preferences recorded) the digest a link holds is that of the row's
content, so :func:`verify` reads each such row back, recomputes the digest and names the row
whose content no longer matches: a ``messages.text`` or a preferences body edited in the
database, by hand or by anyone who bypassed the service, breaks the chain at that link. A row
deleted since (its process removed) is not reported: only content is covered, not existence.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from gobetween.errors import N_, AuditChainBroken, Sentence
from gobetween.store.plans import CHAIN_LOCK_SQL, Query, execute, pyformat
from gobetween.store.tables import Attachment, AuditEntry, Message, PreferenceVersion, utcnow

__all__ = [
    "COVERED",
    "GENESIS",
    "AuditReport",
    "Ordered",
    "append",
    "change_digest",
    "in_commit_order",
    "link_hash",
    "sha256_text",
    "sorted_json",
    "verify",
]

#: The "previous hash" of the first link.
GENESIS = "0" * 64
_ORDERED = "gobetween_commit_ordered"
_BATCH = 2000


def sorted_json(value: Any) -> bytes:
    """The audit chain's JSON: keys sorted, no spaces, UTF-8, other values as ``str``.

    Not the RFC 8785 canonical JSON of the agreements
    (:func:`gobetween.agreements.terms.canonical_bytes`): it neither NFC-normalises text nor
    writes floats the RFC 8785 way, and the digests and hashes already stored were taken over
    these bytes, so they stay as they are.

    >>> sorted_json({"b": 1.0, "a": "é"})
    b'{"a":"\\xc3\\xa9","b":1.0}'
    """
    return _ENCODER.encode(value).encode()


#: :func:`sorted_json`'s encoder, made once: ``json.dumps`` with these arguments makes one a call
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def sha256_text(value: str) -> str:
    """The SHA-256 hex digest of ``value``'s UTF-8 bytes (SQLite's ``gobetween_sha256``).

    >>> sha256_text("abc")[:8]
    'ba7816bf'
    """
    return hashlib.sha256(value.encode()).hexdigest()


#: SQL expression of the hex SHA-256 of a text, per dialect.
_SHA256 = {
    "postgresql": "encode(sha256(convert_to({}, 'UTF8')), 'hex')",
    "sqlite": "gobetween_sha256({})",
}

_LINK_SQL = """
INSERT INTO audit_entries (seq, at, actor_id, action, object_type, object_id, digest, prev_hash,
                           hash)
SELECT head.seq + 1, CAST(:at AS TEXT), CAST(:actor_id AS INTEGER), CAST(:action AS TEXT),
       CAST(:object_type AS TEXT), CAST(:object_id AS TEXT), CAST(:digest AS TEXT), head.hash,
       {hash}
FROM (SELECT COALESCE((SELECT seq FROM audit_entries ORDER BY seq DESC LIMIT 1), 0) AS seq,
             COALESCE((SELECT hash FROM audit_entries ORDER BY seq DESC LIMIT 1),
                      CAST(:genesis AS TEXT)) AS hash) AS head
"""
_LINK_TEXT = (
    "CAST(:prefix AS TEXT) || head.hash || '\",\"seq\":' || CAST(head.seq + 1 AS TEXT) || '}'"
)


def change_digest(change: Mapping[str, Any]) -> str:
    """SHA-256 of the sorted JSON of ``change``.

    >>> change_digest({"b": 1, "a": 2}) == change_digest({"a": 2, "b": 1})
    True
    """
    return hashlib.sha256(sorted_json(dict(change))).hexdigest()


def link_hash(entry: AuditEntry) -> str:
    """The hash of one link, over every field but the hash itself."""
    fields = {
        "seq": entry.seq,
        "at": entry.at,
        "actor": entry.actor_id,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "digest": entry.digest,
        "prev": entry.prev_hash,
    }
    return hashlib.sha256(sorted_json(fields)).hexdigest()


#: One link waiting to be written: actor, action, object type, object id, digest.
_Link = tuple[int | None, str, str, str, str]


@dataclass(slots=True)
class Ordered:
    """What a transaction writes under the chain's lock, in this order: ``statements`` (rows
    numbered in commit order), then ``links`` (the audit chain's, each linked to the one
    before)."""

    statements: list[Query] = field(default_factory=list)
    links: list[_Link] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.statements or self.links)

    def queries(self, dialect: str) -> list[Query]:
        """The statements to run under the lock, the links timed now."""
        sql = _link_sql(dialect)
        return [*self.statements, *(Query(sql, _link_params(*link)) for link in self.links)]


def _ordered(target: Session | Ordered) -> Ordered:
    """``target`` itself, or the writes a unit of work makes at commit."""
    if isinstance(target, Ordered):
        return target
    ordered: Ordered = target.info.setdefault(_ORDERED, Ordered())
    return ordered


def append(
    target: Session | Ordered,
    *,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: int | str,
    change: Mapping[str, Any],
) -> None:
    """Record ``change`` for the chain: its link is written under the chain's lock, when the
    unit of work ``target`` commits or with the plan step whose writes ``target`` collects.

    The digest is taken now; the link itself is appended last (see :func:`_write_links`), so
    the chain's lock is held only for the last moment of the transaction.
    """
    link = (actor_id, action, object_type, str(object_id), change_digest(change))
    _ordered(target).links.append(link)


@functools.cache
def _link_sql(dialect: str) -> str:
    return _LINK_SQL.format(hash=_SHA256[dialect].format(_LINK_TEXT))


def in_commit_order(target: Session | Ordered, query: Query) -> None:
    """Run ``query`` under the chain's lock, before the links, in order (at the commit of the
    unit of work ``target``, or with the plan step whose writes ``target`` collects).

    For an ``INSERT`` whose row must take its id and number in commit order (live-update
    notifications: a reader that has seen one can never later find a committed one that should
    have come before it); the statement computes the number itself, so that nothing is read
    under the lock first.
    """
    _ordered(target).statements.append(query)


def _link_params(
    actor_id: int | None, action: str, object_type: str, object_id: str, digest: str
) -> dict[str, Any]:
    """The parameters of :data:`_LINK_SQL` for one link, timed now."""
    at = utcnow().isoformat(timespec="microseconds")
    fields = {
        "action": action,
        "actor": actor_id,
        "at": at,
        "digest": digest,
        "object_id": object_id,
        "object_type": object_type,
    }
    return {
        "at": at,
        "actor_id": actor_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "digest": digest,
        "genesis": GENESIS,
        # the sorted JSON up to the head's hash: "prev" and "seq" sort last
        "prefix": _ENCODER.encode(fields)[:-1] + ',"prev":"',
    }


@event.listens_for(Session, "before_commit")
def _write_links(session: Session) -> None:
    """Write the session's :class:`Ordered` rows and links, under the chain's lock."""
    ordered: Ordered | None = session.info.pop(_ORDERED, None)
    if not ordered:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        _pipelined(session, ordered.queries(dialect))
        return
    # SQLite: the write transaction (BEGIN IMMEDIATE) is the lock
    connection = session.connection()
    for query in ordered.queries(dialect):
        execute(connection, query)


def _pipelined(session: Session, queries: list[Query]) -> None:
    """PostgreSQL: the lock, the ordered rows and the links in one round trip (a pipeline).

    The statements run one after another on the server, each with a fresh snapshot (READ
    COMMITTED), so those after the lock see every link committed before it was granted; the
    lock is then held for their execution and the commit, not for client round trips.
    """
    session.flush()
    connection = session.connection().connection.driver_connection  # a psycopg.Connection
    assert connection is not None
    with connection.pipeline(), connection.cursor() as cursor:
        cursor.execute(CHAIN_LOCK_SQL)
        for query in queries:
            cursor.execute(pyformat(query.sql), query.params)


@event.listens_for(Session, "after_rollback")
def _drop_links(session: Session) -> None:
    session.info.pop(_ORDERED, None)


@dataclass(frozen=True, slots=True)
class AuditReport:
    """What :func:`verify` found on a chain that holds (``rows``: data rows checked)."""

    links: int
    head: str
    rows: int = 0


#: Candidate changes (each a possible ``change`` of the link) recomputed from rows, by id.
Recompute = Callable[[Session, Sequence[int]], dict[int, list[Mapping[str, Any]]]]


def _messages(session: Session, ids: Sequence[int]) -> dict[int, list[Mapping[str, Any]]]:
    """``message.create``: the text, channel, language and attachment digests of each message.

    Attachments are listed in upload order, which the rows do not keep: every order of up to
    five files is tried (a message has one file in practice).
    """
    rows = session.execute(select(Message).where(Message.id.in_(ids))).scalars().all()
    files: dict[int, list[str]] = {}
    for message_id, digest in session.execute(
        select(Attachment.message_id, Attachment.sha256)
        .where(Attachment.message_id.in_(ids))
        .order_by(Attachment.id)
    ):
        files.setdefault(message_id, []).append(digest)
    out: dict[int, list[Mapping[str, Any]]] = {}
    for row in rows:
        hashes = files.get(row.id, [])
        orders = itertools.permutations(hashes) if len(hashes) <= 5 else [tuple(hashes)]
        base = {"channel": row.channel_id, "text": row.text, "language": row.language}
        out[row.id] = [{**base, "attachments": list(order)} for order in orders]
    return out


def _preferences(session: Session, ids: Sequence[int]) -> dict[int, list[Mapping[str, Any]]]:
    """``preferences.record``: the track, party, version and body of each recorded version."""
    rows = session.execute(select(PreferenceVersion).where(PreferenceVersion.id.in_(ids))).scalars()
    return {
        r.id: [{"track": r.track_id, "party": r.party_id, "version": r.version, "body": r.body}]
        for r in rows
    }


#: Actions whose link digests a data row's content: (table named in reports, recompute).
COVERED: dict[str, tuple[str, Recompute]] = {
    "message.create": ("messages", _messages),
    "preferences.record": ("preference_versions", _preferences),
}


def _check_rows(session: Session, links: list[AuditEntry]) -> int:
    """Compare the covered links of one batch with their rows; the count of rows checked."""
    checked = 0
    broken: list[tuple[int, Sentence]] = []
    for action, (table, recompute) in COVERED.items():
        mine = [e for e in links if e.action == action and e.object_id.isdigit()]
        if not mine:
            continue
        current = recompute(session, [int(e.object_id) for e in mine])
        for entry in mine:
            candidates = current.get(int(entry.object_id))
            if candidates is None:
                continue  # deleted since (with its process): only content is covered
            checked += 1
            if all(change_digest(c) != entry.digest for c in candidates):
                changed = Sentence(
                    N_(
                        "the %(table)s row %(row)s no longer matches what its link records "
                        "(%(action)s): it was changed after it was written"
                    ),
                    {"table": table, "row": entry.object_id, "action": action},
                )
                broken.append((entry.seq, changed))
    if broken:
        raise AuditChainBroken(*min(broken, key=lambda link: link[0]))
    return checked


def _batches(session: Session) -> Iterator[list[AuditEntry]]:
    after = 0
    while True:
        batch = (
            session.execute(
                select(AuditEntry)
                .where(AuditEntry.seq > after)
                .order_by(AuditEntry.seq)
                .limit(_BATCH)
            )
            .scalars()
            .all()
        )
        if not batch:
            return
        yield list(batch)
        after = batch[-1].seq


def verify(session: Session) -> AuditReport:
    """Recompute the chain and the rows it covers; raise :class:`AuditChainBroken` naming the
    first broken link (or the first link whose data row was changed, naming the row)."""
    prev, expected_seq, count, rows = GENESIS, 1, 0, 0
    for batch in _batches(session):
        for entry in batch:
            if entry.seq != expected_seq:
                raise AuditChainBroken(
                    expected_seq,
                    Sentence(N_("link missing (next link found is %(seq)s)"), {"seq": entry.seq}),
                )
            if entry.prev_hash != prev:
                raise AuditChainBroken(
                    entry.seq, Sentence(N_("previous-hash does not match the link before"))
                )
            if link_hash(entry) != entry.hash:
                raise AuditChainBroken(
                    entry.seq, Sentence(N_("the link's content does not match its hash"))
                )
            prev, expected_seq, count = entry.hash, expected_seq + 1, count + 1
        rows += _check_rows(session, batch)
    return AuditReport(links=count, head=prev, rows=rows)
