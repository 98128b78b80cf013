"""The audit hash chain: every write appends one link; :func:`verify` finds the first break.

A link holds its sequence number, time, actor, action, object, the SHA-256 digest of the change
(canonical JSON of what was written) and the hash of the previous link; its own hash is the
SHA-256 of the canonical JSON of all those fields. Changing, inserting or deleting any link (or
reordering links) breaks the chain at the first link touched, and :func:`verify` names it.

Appends are serialised: on PostgreSQL by a transaction-scoped advisory lock, on SQLite by the
write transaction's ``BEGIN IMMEDIATE``. :func:`append` takes the digest at once and the link is
written just before the transaction commits, in that transaction: a change and its link commit or
vanish together, and the lock is held only for the commit's last moment.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from gobetween.errors import AuditChainBroken
from gobetween.store.tables import AuditEntry, Base, utcnow

__all__ = ["GENESIS", "AuditReport", "append", "canonical_digest", "link_hash", "verify"]

#: The "previous hash" of the first link.
GENESIS = "0" * 64
_LOCK_KEY = 0x6F6265747765656E  # "gobetween" advisory lock key
_PENDING = "gobetween_audit_pending"
_ORDERED = "gobetween_commit_ordered"
_BATCH = 2000


def _canonical(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode()


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


def add_in_commit_order(
    session: Session, row: Base, prepare: Callable[[Session], None] | None = None
) -> None:
    """Insert ``row`` at commit, under the chain's lock, so ids follow commit order.

    ``prepare`` runs under the lock just before the insert (to number the row in its scope).
    Used for live-update notifications: a reader that has seen one can never later find a
    committed one that should have come before it.
    """
    session.info.setdefault(_ORDERED, []).append((row, prepare))


@event.listens_for(Session, "before_commit")
def _write_links(session: Session) -> None:
    """Append the session's pending links (and ordered rows), under the chain's lock."""
    pending = session.info.pop(_PENDING, None)
    ordered = session.info.pop(_ORDERED, None)
    if not pending and not ordered:
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    for row, prepare in ordered or ():
        if prepare is not None:
            prepare(session)
        session.add(row)
        session.flush()
    if not pending:
        return
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    for actor_id, action, object_type, object_id, digest in pending:
        entry = AuditEntry(
            seq=seq,
            at=utcnow().isoformat(timespec="microseconds"),
            actor_id=actor_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            digest=digest,
            prev_hash=prev,
        )
        entry.hash = link_hash(entry)
        session.add(entry)
        seq, prev = seq + 1, entry.hash
    session.flush()


@event.listens_for(Session, "after_rollback")
def _drop_links(session: Session) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_ORDERED, None)


@dataclass(frozen=True, slots=True)
class AuditReport:
    """What :func:`verify` found on a chain that holds."""

    links: int
    head: str


def _entries(session: Session) -> Iterator[AuditEntry]:
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
        yield from batch
        after = batch[-1].seq


def verify(session: Session) -> AuditReport:
    """Recompute the chain; raise :class:`AuditChainBroken` naming the first broken link."""
    prev, expected_seq, count = GENESIS, 1, 0
    for entry in _entries(session):
        if entry.seq != expected_seq:
            raise AuditChainBroken(expected_seq, f"link missing (next link found is {entry.seq})")
        if entry.prev_hash != prev:
            raise AuditChainBroken(entry.seq, "previous-hash does not match the link before")
        if link_hash(entry) != entry.hash:
            raise AuditChainBroken(entry.seq, "the link's content does not match its hash")
        prev, expected_seq, count = entry.hash, expected_seq + 1, count + 1
    return AuditReport(links=count, head=prev)
