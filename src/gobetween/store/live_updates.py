"""Live updates: the rows a track's event stream reads, queued with the write they announce.

:func:`notify` is the one way to queue one, from a unit of work or a plan's writing step alike
(see :class:`gobetween.store.audit.Ordered`): the row is inserted under the audit chain's lock,
so ids follow commit order (no stream skips one), and the ``INSERT`` numbers it next in its
scope itself (the track's public updates, or one party's), so nothing is read under the lock.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from gobetween.store import audit
from gobetween.store.plans import Query
from gobetween.store.tables import utcnow

__all__ = ["notify"]

# The next number of a scope is read as ``ORDER BY number DESC LIMIT 1``, one probe of the
# scope's index whatever the planner believes of the table's size (``MAX(number)`` was planned
# as a scan of the whole scope while the statistics still said the table was empty).
_NOTIFY_SQL = {
    scope: f"""
INSERT INTO notifications (track_id, party_id, number, kind, object_id, created_at)
SELECT CAST(:track_id AS INTEGER), CAST(:party_id AS INTEGER),
       COALESCE((SELECT number FROM notifications WHERE track_id = :track_id AND {where}
                 ORDER BY number DESC LIMIT 1), 0) + 1,
       CAST(:kind AS TEXT), CAST(:object_id AS INTEGER), :created_at
"""
    for scope, where in (("public", "party_id IS NULL"), ("party", "party_id = :party_id"))
}


def notify(
    target: Session | audit.Ordered,
    track_id: int,
    party_id: int | None,
    kind: str,
    object_id: int,
) -> None:
    """Queue a live update of ``kind`` (a :class:`~gobetween.live.LiveUpdate`, or a kind a
    protocol declares in its ``live_updates``): private to ``party_id`` and the mediators, or
    public in the track (``party_id`` ``None``); written when ``target`` (a unit of work, or a plan
    step's :class:`~gobetween.store.audit.Ordered` writes) writes under the chain's lock.

    >>> from gobetween.live import LiveUpdate
    >>> writes = audit.Ordered()
    >>> notify(writes, 3, None, LiveUpdate.AGENDA, 2)
    >>> writes.statements[0].params["kind"]
    'agenda'
    """
    params = {
        "track_id": track_id,
        "party_id": party_id,
        "kind": str(kind),
        "object_id": object_id,
        "created_at": utcnow(),
    }
    sql = _NOTIFY_SQL["public" if party_id is None else "party"]
    audit.in_commit_order(target, Query(sql, params))
