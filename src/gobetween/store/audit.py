"""The audit hash chain: every write appends one link; :func:`verify` finds the first break.

A link holds its sequence number, time, actor, action, object, the SHA-256 digest of the change
(canonical JSON of what was written) and the hash of the previous link; its own hash is the
SHA-256 of the canonical JSON of all those fields. Changing, inserting or deleting any link (or
reordering links) breaks the chain at the first link touched, and :func:`verify` names it.

Appends are serialised: on PostgreSQL by a transaction-scoped advisory lock, on SQLite by the
write transaction's ``BEGIN IMMEDIATE``. :func:`append` takes the digest at once and the link is
written just before the transaction commits, in that transaction: a change and its link commit or
vanish together, and the lock is held only for the commit's last moment.

Under the lock each link is one ``INSERT ... SELECT`` that reads the head (sequence and hash) and
computes the new link's hash in the database: the canonical JSON of a link ends with its
``"prev"`` and ``"seq"`` fields (keys sorted), so Python sends the canonical text of the other
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

import hashlib
import itertools
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from gobetween.errors import AuditChainBroken
from gobetween.store.plans import CHAIN_LOCK_SQL, Query, execute, pyformat
from gobetween.store.tables import Attachment, AuditEntry, Message, PreferenceVersion, utcnow

__all__ = [
    "COVERED",
    "GENESIS",
    "AuditReport",
    "append",
    "canonical_digest",
    "execute_in_commit_order",
    "link_hash",
    "link_query",
    "sha256_hex",
    "verify",
]

#: The "previous hash" of the first link.
GENESIS = "0" * 64
_PENDING = "gobetween_audit_pending"
_ORDERED = "gobetween_commit_ordered"
_BATCH = 2000


def _canonical(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode()


def sha256_hex(value: str) -> str:
    """The SHA-256 hex digest of ``value``'s UTF-8 bytes (SQLite's ``gobetween_sha256``).

    >>> sha256_hex("abc")[:8]
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


def canonical_digest(change: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of ``change``.

    >>> canonical_digest({"b": 1, "a": 2}) == canonical_digest({"a": 2, "b": 1})
    True
    """
    return hashlib.sha256(_canonical(dict(change))).hexdigest()


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
    return hashlib.sha256(_canonical(fields)).hexdigest()


def append(
    session: Session,
    *,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: int | str,
    change: Mapping[str, Any],
) -> None:
    """Record ``change`` for the chain; its link is written when the session commits.

    The digest is taken now; the link itself is appended just before the commit (see
    :func:`_write_links`), so the chain's lock is held only for the last moment of the
    transaction.
    """
    pending: list[tuple[int | None, str, str, str, str]] = session.info.setdefault(_PENDING, [])
    pending.append((actor_id, action, object_type, str(object_id), canonical_digest(change)))


def _link_sql(dialect: str) -> str:
    return _LINK_SQL.format(hash=_SHA256[dialect].format(_LINK_TEXT))


def link_query(
    dialect: str,
    *,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: int | str,
    change: Mapping[str, Any],
) -> Query:
    """The statement that appends ``change``'s link now, for a plan's ordered step.

    (:func:`append` defers the link to the commit; a plan's ordered step already holds the
    chain's lock, so it appends in place.)
    """
    digest = canonical_digest(change)
    return Query(
        _link_sql(dialect), _link_params(actor_id, action, object_type, str(object_id), digest)
    )


def execute_in_commit_order(session: Session, sql: str, params: Mapping[str, Any]) -> None:
    """Execute ``sql`` (``:name`` parameters) at commit, under the chain's lock, in order.

    For an ``INSERT`` whose row must take its id and number in commit order (live-update
    notifications: a reader that has seen one can never later find a committed one that should
    have come before it); the statement computes the number itself, so that nothing is read
    under the lock first.
    """
    session.info.setdefault(_ORDERED, []).append((sql, dict(params)))


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
        # the canonical JSON up to the head's hash: "prev" and "seq" sort last
        "prefix": _canonical(fields).decode()[:-1] + ',"prev":"',
    }


@event.listens_for(Session, "before_commit")
def _write_links(session: Session) -> None:
    """Append the session's ordered rows and pending links, under the chain's lock."""
    pending = session.info.pop(_PENDING, None)
    ordered = session.info.pop(_ORDERED, None)
    if not pending and not ordered:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        _pipelined(session, ordered or [], pending or [])
        return
    # SQLite: the write transaction (BEGIN IMMEDIATE) is the lock
    connection = session.connection()
    for sql, params in ordered or ():
        execute(connection, Query(sql, params))
    for link in pending or ():
        execute(connection, Query(_link_sql(dialect), _link_params(*link)))


def _pipelined(
    session: Session,
    ordered: list[tuple[str, dict[str, Any]]],
    pending: list[tuple[int | None, str, str, str, str]],
) -> None:
    """PostgreSQL: the lock, the ordered rows and the links in one round trip (a pipeline).

    The statements run one after another on the server, each with a fresh snapshot (READ
    COMMITTED), so those after the lock see every link committed before it was granted; the
    lock is then held for their execution and the commit, not for client round trips.
    """
    session.flush()
    connection = session.connection().connection.driver_connection  # a psycopg.Connection
    assert connection is not None
    link_sql = pyformat(_link_sql("postgresql"))
    with connection.pipeline(), connection.cursor() as cursor:
        cursor.execute(CHAIN_LOCK_SQL)
        for sql, params in ordered:
            cursor.execute(pyformat(sql), params)
        for link in pending:
            cursor.execute(link_sql, _link_params(*link))


@event.listens_for(Session, "after_rollback")
def _drop_links(session: Session) -> None:
    session.info.pop(_PENDING, None)
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
    broken: list[tuple[int, str]] = []
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
            if all(canonical_digest(c) != entry.digest for c in candidates):
                broken.append(
                    (
                        entry.seq,
                        f"the {table} row {entry.object_id} no longer matches what its link "
                        f"records ({action}): it was changed after it was written",
                    )
                )
    if broken:
        raise AuditChainBroken(*min(broken))
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
                    expected_seq, f"link missing (next link found is {entry.seq})"
                )
            if entry.prev_hash != prev:
                raise AuditChainBroken(entry.seq, "previous-hash does not match the link before")
            if link_hash(entry) != entry.hash:
                raise AuditChainBroken(entry.seq, "the link's content does not match its hash")
            prev, expected_seq, count = entry.hash, expected_seq + 1, count + 1
        rows += _check_rows(session, batch)
    return AuditReport(links=count, head=prev, rows=rows)
