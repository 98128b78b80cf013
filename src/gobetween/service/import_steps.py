"""A large voyage import written in short steps, so that no one else's write waits for it.

Issue 9, item 3: the largest file allowed (``GOBETWEEN_IMPORT_MAX_ROWS`` cargo rows) is parsed
before any unit of work opens (:func:`gobetween.service.implement.read_upload`); then
:func:`import_in_steps` reads the record's rows in a read-only unit (no lock), merges them by
natural key in memory, and writes what is new or changed in steps of at most
:data:`ROWS_PER_STEP` rows, each its own short writing unit (one statement per step: an
``INSERT ... ON CONFLICT DO NOTHING`` of the new rows and an ``UPDATE`` per changed row), so the
write lock is free between steps. A last unit records the import in the audit chain and counts
one more revision of the record (the key of its cached figures).

An interrupted import leaves the steps already written; importing the same file again completes
it (rows are keyed, so nothing is doubled). Two imports racing on one record both insert only
what is not there yet.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from sqlalchemy import and_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from gobetween.monitoring.kinds import EntryImport
from gobetween.monitoring.voyages import ImportResult, MergeResult, Shipment, merge
from gobetween.policy import Actor
from gobetween.service import implement, records
from gobetween.service.audited import audited
from gobetween.store import agreement_tables as a

__all__ = ["ROWS_PER_STEP", "import_entries_in_steps", "import_in_steps"]

#: Cargo rows written per writing unit (each holds the write lock for a few milliseconds).
ROWS_PER_STEP = 250


class _Unit(Protocol):
    session: Session
    actor: Actor


Units = Callable[[], contextlib.AbstractContextManager[_Unit]]


def _insert(session: Session, agreement_id: int, rows: Sequence[Shipment]) -> None:
    values = [
        {
            "agreement_id": agreement_id,
            "voyage": s.voyage,
            "imo": s.imo,
            "cargo_index": s.cargo_index,
            "body": implement.shipment_to_json(s),
        }
        for s in rows
    ]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(a.ShipmentRow).on_conflict_do_nothing(
        index_elements=["agreement_id", "voyage", "imo", "cargo_index"]
    )
    session.execute(statement, values)


def _update(session: Session, agreement_id: int, rows: Sequence[Shipment]) -> None:
    table = a.ShipmentRow
    for s in rows:
        session.execute(
            update(table)
            .where(
                and_(
                    table.agreement_id == agreement_id,
                    table.voyage == s.voyage,
                    table.imo == s.imo,
                    table.cargo_index == s.cargo_index,
                )
            )
            .values(body=implement.shipment_to_json(s))
        )


def _plan(
    read: Units, agreement_id: int, result: ImportResult
) -> tuple[MergeResult, set[Any], Actor]:
    with read() as unit:
        implement.check_may_record(unit.session, unit.actor, agreement_id)
        existing = implement.stored_shipments(unit.session, agreement_id)
        known = {s.key for s in existing}
        return merge(existing, result.shipments), known, unit.actor


def import_in_steps(
    read: Units,
    write: Units,
    agreement_id: int,
    filename: str,
    result: ImportResult,
    *,
    rows_per_step: int | None = None,
) -> dict[str, Any]:
    """Merge a parsed JCC file into the record in short writing steps; the import report.

    ``read`` and ``write`` open units of work as the caller (``RequestContext.read`` and
    ``.write``); the caller must be allowed to record (checked in the read unit before any
    row is written, and again in the last unit, which records the import).
    """
    size = rows_per_step or ROWS_PER_STEP
    merged, known, actor = _plan(read, agreement_id, result)
    fresh = [s for s in merged.shipments if s.key not in known]
    updated = set(merged.updated)
    changed = [s for s in merged.shipments if s.key in updated]
    steps = [("insert", fresh[i : i + size]) for i in range(0, len(fresh), size)]
    steps += [("update", changed[i : i + size]) for i in range(0, len(changed), size)]
    for kind, rows in steps:  # allowed: checked in the read unit, and again at the end
        with write() as unit:
            (_insert if kind == "insert" else _update)(unit.session, agreement_id, rows)
    with write() as unit:
        implement.check_may_record(unit.session, unit.actor, agreement_id)
        report = implement.import_report(filename, result, merged)
        if merged.new or merged.updated:
            implement.bump_revision(unit.session, agreement_id)
        audited(
            unit.session,
            actor,
            "record.import",
            ("agreement", agreement_id),
            {k: v for k, v in report.items() if k != "problems"} | {"steps": len(steps)},
        )
    return report


def import_entries_in_steps(
    read: Units,
    write: Units,
    agreement_id: int,
    result: EntryImport,
    *,
    rows_per_step: int | None = None,
) -> dict[str, Any]:
    """The same for a file of another record kind (exchanges, incidents, ...): mediators only."""
    size = rows_per_step or ROWS_PER_STEP
    with read() as unit:
        plan = records.plan_entry_import(unit.session, unit.actor, agreement_id, result)
        actor = unit.actor
    pending = plan.to_write()
    for i in range(0, len(pending), size):
        with write() as unit:
            records.write_entries(
                unit.session, actor, agreement_id, plan.kind, pending[i : i + size]
            )
    with write() as unit:
        records.plan_entry_import(unit.session, unit.actor, agreement_id, result)  # still allowed
        report = records.entry_import_report(result, plan)
        records.record_entry_import(unit.session, unit.actor, agreement_id, report)
    return report
